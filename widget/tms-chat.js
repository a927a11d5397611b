/*
 * TMS assistant chat widget. A clinic embeds it with one tag:
 *
 *   <script>window.TMSChatConfig = { title: "Questions about TMS" };</script>
 *   <script src="https://ASSISTANT-HOST/webhooks/socketio/widget/tms-chat.js" defer></script>
 *
 * Config (all optional): server (the assistant's address; default: where this file
 * came from), title, subtitle, colors: { primary, primaryText }, open (start open).
 *
 * It talks to the assistant's socket.io channel with the socket.io client served
 * beside this file (no CDN). Text from the server is only ever set as text, never
 * as HTML. The conversation (session id, history, unsent messages) is kept in this
 * browser's localStorage, so a reload or a dropped connection loses nothing; it
 * expires after an hour without use (as the server's session does), so the next
 * person at a shared computer starts afresh. "Delete conversation" removes it from
 * this browser and from the clinic's records.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.TMSChat) { return; }
  var here = new URL(".", script.src).href;
  var userConfig = window.TMSChatConfig || {};
  var config = {
    server: userConfig.server || new URL(script.src).origin,
    title: userConfig.title || "Questions about TMS",
    subtitle: userConfig.subtitle || "Answers from trusted sources. Not for emergencies.",
    colors: userConfig.colors || {},
    open: Boolean(userConfig.open)
  };
  var STORE_KEY = "tms-chat:" + config.server;
  var MAX_HISTORY = 200;
  var EXPIRES_MS = 60 * 60 * 1000;  // the server's session expiry
  var MAX_CHARS = 1000;

  // --- State kept across reloads ---------------------------------------------------
  function loadState() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.history) && Array.isArray(saved.outbox)
          && typeof saved.touched === "number" && Date.now() - saved.touched < EXPIRES_MS) {
        return saved;
      }
      window.localStorage.removeItem(STORE_KEY);
    } catch (e) { /* unreadable: start afresh */ }
    return { sessionId: null, history: [], outbox: [], large: false, open: config.open };
  }
  var state = loadState();
  function save() {
    state.history = state.history.slice(-MAX_HISTORY);
    state.touched = Date.now();
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or blocked */ }
  }

  // --- Small DOM helpers: text only, never HTML ------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "className") { node.className = attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function srOnly(text) { return el("span", { className: "tms-sr", text: text }); }
  function textBlock(text) {
    // Paragraphs on blank lines, line breaks kept, each piece added as a text node.
    var box = el("div", { className: "tms-text" });
    String(text || "").split(/\n{2,}/).forEach(function (paragraph) {
      var p = el("p");
      paragraph.split("\n").forEach(function (line, i) {
        if (i > 0) { p.appendChild(el("br")); }
        p.appendChild(document.createTextNode(line));
      });
      box.appendChild(p);
    });
    return box;
  }
  function safeUrl(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  // --- The widget's elements -------------------------------------------------------
  var root = el("div", { className: "tms-chat" });
  if (config.colors.primary && window.CSS && CSS.supports("color", config.colors.primary)) {
    root.style.setProperty("--tms-primary", config.colors.primary);
  }
  if (config.colors.primaryText && window.CSS && CSS.supports("color", config.colors.primaryText)) {
    root.style.setProperty("--tms-primary-text", config.colors.primaryText);
  }
  var launcher = el("button", { type: "button", className: "tms-launcher",
    "aria-expanded": "false", "aria-controls": "tms-chat-panel", text: "Ask about TMS" });
  var titleId = "tms-chat-title";
  var largeToggle = el("button", { type: "button", className: "tms-large-toggle",
    "aria-pressed": "false", text: "Larger text" });
  var closeButton = el("button", { type: "button", className: "tms-close",
    "aria-label": "Close chat", text: "\u00d7" });
  var status = el("p", { className: "tms-status", role: "status", "aria-live": "polite" });
  var log = el("ol", { className: "tms-log", role: "log", "aria-live": "polite",
    "aria-label": "Conversation", tabindex: "0" });
  var typing = el("p", { className: "tms-typing", "aria-hidden": "true", text: "The assistant is writing\u2026" });
  typing.hidden = true;
  var input = el("textarea", { id: "tms-chat-input", className: "tms-input", rows: "2",
    maxlength: String(MAX_CHARS), autocomplete: "off",
    "aria-describedby": "tms-chat-hint" });
  var hint = el("p", { id: "tms-chat-hint", className: "tms-hint",
    text: "Press Enter to send. Shift and Enter starts a new line." });
  var send = el("button", { type: "submit", className: "tms-send", text: "Send" });
  var deleteButton = el("button", { type: "button", className: "tms-delete",
    text: "Delete conversation" });
  var form = el("form", { className: "tms-form" }, [
    el("label", { "for": "tms-chat-input", className: "tms-label", text: "Your question" }),
    el("div", { className: "tms-row" }, [input, send]), hint, deleteButton]);
  var panel = el("section", { id: "tms-chat-panel", className: "tms-panel",
    "aria-labelledby": titleId }, [
    el("header", { className: "tms-header" }, [
      el("div", { className: "tms-heading" }, [
        el("h2", { id: titleId, className: "tms-title", text: config.title }),
        el("p", { className: "tms-subtitle", text: config.subtitle })]),
      largeToggle, closeButton]),
    status, log, typing, form]);
  panel.hidden = true;
  root.appendChild(launcher);
  root.appendChild(panel);

  // --- Rendering -------------------------------------------------------------------
  var queuedNotes = new Map();  // user message id -> its "Waiting to send" note
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function renderUser(entry) {
    var item = el("li", { className: "tms-msg tms-user" }, [srOnly("You: "), textBlock(entry.text)]);
    if (entry.queued) {
      var note = el("p", { className: "tms-queued", text: "Waiting to send\u2026" });
      item.appendChild(note);
      queuedNotes.set(entry.id, note);
    }
    log.appendChild(item);
  }

  function disableChoices(group) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
      b.disabled = true;
    });
  }

  function renderBot(entry) {
    var message = entry.message || {};
    var item = el("li", { className: "tms-msg tms-bot" + (message.emergency ? " tms-emergency" : "") },
      [srOnly(message.emergency ? "Urgent: " : "Assistant: ")]);
    if (message.emergency) {
      item.setAttribute("role", "alert");
      item.appendChild(el("p", { className: "tms-emergency-label", text: "\u26a0 Emergency" }));
    }
    item.appendChild(textBlock(message.text));
    var buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (buttons.length) {
      var group = el("div", { className: "tms-choices", role: "group", "aria-label": "Choices" });
      buttons.forEach(function (button) {
        var choice = el("button", { type: "button", className: "tms-choice",
          text: String(button.title || "") });
        choice.addEventListener("click", function () {
          if (entry.used) { return; }
          entry.used = true;
          choice.classList.add("tms-chosen");
          disableChoices(group);
          submit(String(button.title || ""), String(button.payload || ""));
        });
        group.appendChild(choice);
      });
      if (entry.used) { disableChoices(group); }
      item.appendChild(group);
      groups.set(entry, group);
    }
    var sources = Array.isArray(message.sources) ? message.sources : [];
    if (sources.length) {
      var list = el("ul");
      sources.forEach(function (source) {
        var label = String(source.title || "") + (source.publisher ? " (" + source.publisher + ")" : "");
        var href = source.url && safeUrl(source.url);
        var line = href
          ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" },
               [document.createTextNode(label), srOnly(" (opens in a new tab)")])
          : el("span", { text: label });
        list.appendChild(el("li", {}, [line]));
      });
      item.appendChild(el("div", { className: "tms-sources" }, [
        el("p", { className: "tms-sources-title", text: "Sources:" }), list]));
    }
    log.appendChild(item);
  }

  var groups = new Map();  // bot entry -> its group of choice buttons
  function render(entry) {
    if (entry.from === "user") {
      renderUser(entry);
    } else {
      renderBot(entry);
    }
    scrollDown();
  }

  function retireChoices() {
    // Choices offered before the patient's latest message can no longer be used.
    state.history.forEach(function (entry) {
      if (entry.from === "bot" && !entry.used && entry.message && (entry.message.buttons || []).length) {
        entry.used = true;
        if (groups.has(entry)) { disableChoices(groups.get(entry)); }
      }
    });
  }

  // --- Connection ------------------------------------------------------------------
  var socket = null;
  var confirmed = false;
  var notice = "";  // shown once the connection is confirmed (after a deletion)
  var waiting = 0;

  function setStatus(text) { status.textContent = text; root.classList.toggle("tms-offline", Boolean(text)); }

  function flush() {
    if (!socket || !confirmed) { return; }
    state.outbox.slice().forEach(function (outgoing) {
      if (outgoing.sent) { return; }
      outgoing.sent = true;
      waiting += 1;
      typing.hidden = false;
      socket.emit("user_uttered", { message: outgoing.payload, session_id: state.sessionId }, function () {
        // Acknowledged once the assistant has replied: forget it from the outbox.
        state.outbox = state.outbox.filter(function (o) { return o.id !== outgoing.id; });
        waiting = Math.max(0, waiting - 1);
        typing.hidden = waiting === 0;
        markSent(outgoing.id);
        save();
      });
    });
  }

  function markSent(id) {
    state.history.forEach(function (entry) {
      if (entry.id === id) { entry.queued = false; }
    });
    if (queuedNotes.has(id)) {
      queuedNotes.get(id).remove();
      queuedNotes.delete(id);
    }
  }

  function connect() {
    if (!window.io) {
      setStatus("The chat could not load. Please call the clinic.");
      return;
    }
    socket = window.io(config.server, { transports: ["websocket"], reconnectionDelayMax: 4000 });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      if (typeof sessionId === "string") { state.sessionId = sessionId; }
      confirmed = true;
      if (state.pendingDelete && state.pendingDelete !== state.sessionId) {
        var pending = state.pendingDelete;
        socket.emit("delete_conversation", { session_id: pending }, function (answer) {
          if (answer && answer.deleted) { delete state.pendingDelete; save(); setStatus("Conversation deleted."); }
        });
      }
      setStatus(notice);
      notice = "";
      // Anything sent but not acknowledged before the drop goes again.
      state.outbox.forEach(function (o) { o.sent = false; });
      waiting = 0;
      save();
      flush();
    });
    socket.on("bot_uttered", function (message) {
      if (!message || typeof message !== "object") { return; }
      var entry = { from: "bot", message: {
        text: String(message.text || ""),
        buttons: Array.isArray(message.buttons) ? message.buttons : [],
        sources: Array.isArray(message.sources) ? message.sources : [],
        emergency: message.emergency === true } };
      state.history.push(entry);
      render(entry);
      save();
    });
    socket.on("disconnect", function () {
      confirmed = false;
      typing.hidden = true;
      setStatus("You are offline. Trying to reconnect\u2026 Anything you type will be sent when the connection is back.");
    });
    socket.on("connect_error", function () {
      setStatus("Can't reach the assistant right now. Trying again\u2026 Anything you type will be sent when the connection is back.");
    });
  }

  var nextId = Date.now();
  function submit(shown, payload) {
    var text = String(payload || "").trim();
    if (!text) { return; }
    retireChoices();
    var id = String(nextId++);
    var entry = { from: "user", text: shown || text, id: id, queued: true };
    state.history.push(entry);
    state.outbox.push({ id: id, payload: text.slice(0, MAX_CHARS) });
    render(entry);
    save();
    flush();
  }

  // --- Behaviour -------------------------------------------------------------------
  function setOpen(open, focus) {
    state.open = open;
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    save();
    if (open) {
      if (!socket) { connect(); }
      scrollDown();
      if (focus) { input.focus(); }
    } else if (focus) {
      launcher.focus();
    }
  }
  function setLarge(large) {
    state.large = large;
    root.classList.toggle("tms-large", large);
    largeToggle.setAttribute("aria-pressed", String(large));
    save();
    scrollDown();  // the latest message stays in view at the new size
  }

  // --- Deleting the conversation ------------------------------------------------------
  var GREETING = "Hello! Ask me about TMS for stroke recovery or phantom limb pain. For example: \"Is TMS FDA approved?\"";
  function greet() {
    state.history.push({ from: "bot", message: { text: GREETING, buttons: [], sources: [] } });
  }
  function deleteConversation() {
    if (!window.confirm("Delete this conversation? It is removed from this browser and from the clinic's records.")) { return; }
    var old = state.sessionId;
    // This browser's copy goes at once, whatever the server says.
    state.history = [];
    state.outbox = [];
    state.sessionId = null;
    groups.clear();
    queuedNotes.clear();
    while (log.firstChild) { log.removeChild(log.firstChild); }
    greet();
    state.history.forEach(render);
    save();
    if (!old) { setStatus("Conversation deleted."); return; }
    if (!socket || !confirmed) {
      state.pendingDelete = old;  // sent when the connection is back
      save();
      setStatus("Deleted from this browser. It will be deleted from the clinic's records when the connection is back.");
      return;
    }
    sendDelete(old);
  }
  function sendDelete(sessionId) {
    confirmed = false;  // nothing is sent for the deleted conversation meanwhile
    socket.emit("delete_conversation", { session_id: sessionId }, function (answer) {
      var deleted = Boolean(answer && answer.deleted);
      if (deleted) { delete state.pendingDelete; save(); }
      notice = deleted ? "Conversation deleted."
        : "Deleted from this browser, but the clinic's copy could not be deleted right now. Please ask the clinic to delete it.";
      setStatus(notice);
      // A new conversation from here on.
      socket.emit("session_request", { session_id: null });
    });
  }

  launcher.addEventListener("click", function () { setOpen(true, true); });
  deleteButton.addEventListener("click", deleteConversation);
  closeButton.addEventListener("click", function () { setOpen(false, true); });
  largeToggle.addEventListener("click", function () { setLarge(!state.large); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { setOpen(false, true); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    submit(text, text);
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  function start() {
    var stylesheet = el("link", { rel: "stylesheet", href: here + "tms-chat.css" });
    document.head.appendChild(stylesheet);
    document.body.appendChild(root);
    if (state.history.length === 0) { greet(); }
    state.history.forEach(render);
    state.outbox.forEach(function (o) { o.sent = false; });
    setLarge(Boolean(state.large));
    setOpen(Boolean(state.open), false);
    window.TMSChat = { open: function () { setOpen(true, true); }, close: function () { setOpen(false, true); } };
  }

  function whenReady(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }
  if (window.io) {
    whenReady(start);
  } else {
    var client = el("script", { src: here + "socket.io.min.js" });
    client.addEventListener("load", function () { whenReady(start); });
    client.addEventListener("error", function () {
      whenReady(function () { start(); setStatus("The chat could not load. Please call the clinic."); });
    });
    document.head.appendChild(client);
  }
})();
