"""The website widget in a real browser, and SMS through Twilio's webhook, against the
running assistant (started as `make run` starts it).

The browser is Debian's Chromium (`make install` installs it), driven by Playwright.
The SMS provider is a loopback stand-in for Twilio's Messages API.
"""
from __future__ import annotations

import os
import random
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CLINIC_NUMBER,
    PUBLIC_WEBHOOK,
    first_sentence,
    shipped_knowledge,
    sms_sources,
    stored_events,
    twilio_settings,
)
from tests.running_assistant import RunningAssistant
from tests.standins import CuttableProxy, PageServer, twilio_signature, wait_for
from tms import render
from tms.conditions import LABELS, PHANTOM_LIMB_PAIN, STROKE
from tms.identity import sms_conversation, widget_conversation
from tms.render import SMS_LIMIT

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: The widget shows this before the answers to a question asked for both conditions.
FOR_STROKE = f"For {LABELS[STROKE]}:"


@pytest.fixture(scope="module")
def knowledge(served_knowledge):
    return served_knowledge


@pytest.fixture(scope="module")
def kb(knowledge):
    """What the served knowledge says, read as the assistant starts."""
    return shipped_knowledge(knowledge.root, today=None)


@pytest.fixture(scope="module")
def stroke_fda(kb):
    """How the stroke FDA answer opens, whatever its wording."""
    return first_sentence(kb.entries[("fda_status", STROKE)].text)


@pytest.fixture(scope="module")
def plp_fda(kb):
    return first_sentence(kb.entries[("fda_status", PHANTOM_LIMB_PAIN)].text)


@pytest.fixture(scope="module")
def plp_cost(kb):
    return first_sentence(kb.entries[("cost", PHANTOM_LIMB_PAIN)].text)


def browser_href(url: str) -> str:
    """A link as the browser normalises it (an empty path becomes "/")."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path or "/"))


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('store')}/conversations.db"


@pytest.fixture(scope="module")
def assistant(twilio, knowledge, store_url, tmp_path_factory):
    log = tmp_path_factory.mktemp("logs") / "assistant.log"
    running = RunningAssistant({
        "TRACKER_STORE_URL": store_url,
        "TMS_KNOWLEDGE_DIR": str(knowledge.root), **twilio_settings(twilio)},
        log).start()
    yield running
    running.stop()


# --- SMS (Twilio) -------------------------------------------------------------------

def new_phone() -> str:
    return "+1555" + "".join(random.choice("0123456789") for _ in range(7))


def twilio_form(sender: str, body: str) -> dict:
    """The form Twilio POSTs for an incoming SMS (its documented webhook fields)."""
    return {"MessageSid": "SM" + uuid.uuid4().hex, "SmsSid": "SM" + uuid.uuid4().hex,
            "AccountSid": ACCOUNT_SID, "From": sender, "To": CLINIC_NUMBER,
            "Body": body, "NumMedia": "0", "NumSegments": "1",
            "SmsStatus": "received", "ApiVersion": "2010-04-01"}


def text_in(assistant, form: dict, signature: str = None) -> requests.Response:
    headers = {"X-Twilio-Signature": signature if signature is not None
               else twilio_signature(AUTH_TOKEN, PUBLIC_WEBHOOK, form)}
    return requests.post(f"{assistant.url}/webhooks/twilio/webhook", data=form,
                         headers=headers, timeout=60)


def reply_lines(*titles: str) -> str:
    """How SMS offers buttons: one numbered reply per choice."""
    return "\n".join(f"Reply {i} for {title}" for i, title in enumerate(titles, start=1))


FEEDBACK_TITLES = [b.title for b in render.FEEDBACK_BUTTONS]


def test_sms_question_answers_each_condition_and_a_number_tailors_it(
        assistant, twilio, kb):
    stroke = kb.entries[("fda_status", STROKE)]
    plp = kb.entries[("fda_status", PHANTOM_LIMB_PAIN)]
    phone = new_phone()
    response = text_in(assistant, twilio_form(phone, "is tms fda approved?"))
    assert response.status_code == 200
    replies = wait_for(lambda: len(twilio.to(phone)) >= 2 and twilio.to(phone))
    assert replies[0].startswith(f"{FOR_STROKE} {stroke.text}")
    assert f"For {LABELS[PHANTOM_LIMB_PAIN]}: {plp.text}" in replies[0]
    assert replies[0].endswith(reply_lines(
        render.condition_button(STROKE).title,
        render.condition_button(PHANTOM_LIMB_PAIN).title, *FEEDBACK_TITLES))
    assert all(m["From"] == CLINIC_NUMBER for m in twilio.sent if m["To"] == phone)

    assert text_in(assistant, twilio_form(phone, "2")).status_code == 200
    answer = wait_for(lambda: [b for b in twilio.to(phone) if b.startswith(plp.text)])
    assert answer, twilio.to(phone)
    assert answer[0] == (f"{plp.text}\n\n{sms_sources(kb, plp)}\n\n"
                         f"{reply_lines(*FEEDBACK_TITLES)}")
    assert all(len(body) <= SMS_LIMIT for body in twilio.to(phone))


def test_sms_emergency_comes_first_and_says_call_911(assistant, twilio):
    phone = new_phone()
    text_in(assistant, twilio_form(phone, "my husbands face is drooping and he cant "
                                          "lift his arm"))
    first = wait_for(lambda: twilio.to(phone))[0]
    assert first.startswith("URGENT: ")
    assert "Call 911 now" in first


ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
            "twelfth thirteenth fourteenth fifteenth").split()


def sentences(what: str, count: int) -> list:
    """Distinct sentences, without figures (the knowledge check wants every figure
    in an answer quoted from its sources)."""
    return [f"Sentence the {ORDINALS[i]} of the {what}, long enough that a few of "
            "them fill a text message." for i in range(count)]


#: An answer as long as staff may write one (its short text and its longer text near
#: their limits): together longer than one SMS.
LONG_TEXT = sentences("short answer", 6)
LONG_DETAILS = sentences("longer answer", 12)


def test_sms_long_answer_is_split_at_sentences_within_the_limit(assistant, twilio, kb,
                                                                 knowledge):
    from tms.knowledge import MAX_DETAILS_CHARS, MAX_TEXT_CHARS

    short, longer = " ".join(LONG_TEXT), " ".join(LONG_DETAILS)
    assert len(short) <= MAX_TEXT_CHARS and len(longer) <= MAX_DETAILS_CHARS
    assert len(short) + len(longer) > SMS_LIMIT
    question = "i had a stroke, how does tms work"
    shipped = kb.entries[("how_it_works", STROKE)].text
    relative = knowledge.answer_file("how_it_works", STROKE)
    as_shipped = knowledge.read(relative)
    knowledge.edit_entry("how_it_works", STROKE, text=short, details=longer)
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    try:
        assert wait_for(lambda: assistant.say(probe, question).startswith(short))
        phone = new_phone()
        text_in(assistant, twilio_form(phone, question))
        first = wait_for(lambda: [b for b in twilio.to(phone) if b.startswith(short)])
        assert first, twilio.to(phone)
        wait_for(lambda: kb.clinic.disclaimer in twilio.to(phone))
        before = len(twilio.to(phone))
        text_in(assistant, twilio_form(phone, "tell me more"))
        feedback = reply_lines(*FEEDBACK_TITLES)
        assert wait_for(lambda: twilio.to(phone)[-1].endswith(feedback)
                        and len(twilio.to(phone)) > before), twilio.to(phone)
    finally:
        knowledge.restore(relative, as_shipped)
    parts = twilio.to(phone)[before:]
    assert len(parts) > 1  # too long for one message: split
    assert all(0 < len(part) <= SMS_LIMIT for part in parts)
    said = LONG_TEXT + LONG_DETAILS
    body = [piece for part in parts
            if (piece := re.split(r"(?:^|\n\n)Sources:\n", part)[0])]
    for piece in body:  # each part starts and ends at a sentence boundary
        assert piece.startswith("Sentence ") and piece.endswith("."), piece
        assert re.sub(r"\s+", " ", piece) in " ".join(said), piece
    assert re.sub(r"\s+", " ", " ".join(body)) == " ".join(said)  # nothing lost
    assert "Sources:\n[1] " in parts[-1]
    # the shipped answer is served again once the edit is undone
    assert wait_for(lambda: assistant.say(probe, question).startswith(shipped))


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl",
                                       twilio_signature("wrong-token", PUBLIC_WEBHOOK,
                                                        {"x": "y"})])
def test_unsigned_or_forged_sms_webhook_is_refused_without_side_effects(
        assistant, twilio, store_url, signature):
    phone = new_phone()
    response = text_in(assistant, twilio_form(phone, "is tms fda approved?"), signature)
    assert response.status_code == 403
    assert twilio.to(phone) == []
    assert stored_events(store_url, sms_conversation(phone)) == []


def test_signature_for_other_content_is_refused(assistant, twilio, store_url):
    phone = new_phone()
    signed = twilio_form(phone, "hello")
    tampered = dict(signed, Body="is tms fda approved?")
    response = text_in(assistant, tampered,
                       twilio_signature(AUTH_TOKEN, PUBLIC_WEBHOOK, signed))
    assert response.status_code == 403
    assert stored_events(store_url, sms_conversation(phone)) == []


def test_malformed_sms_webhook_is_rejected_without_side_effects(assistant, twilio,
                                                                store_url):
    phone = new_phone()
    form = {"From": phone, "To": CLINIC_NUMBER}  # no Body
    assert text_in(assistant, form).status_code == 400
    not_a_form = requests.post(f"{assistant.url}/webhooks/twilio/webhook",
                               data="{not json", timeout=30,
                               headers={"Content-Type": "application/json",
                                        "X-Twilio-Signature": "abc"})
    assert not_a_form.status_code == 403
    assert twilio.to(phone) == []
    assert stored_events(store_url, sms_conversation(phone)) == []


# --- Website widget (real browser) ---------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: `make install` installs Debian's "
                    "chromium package (or set CHROMIUM to a Chromium binary).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, assistant):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    opened = context.new_page()
    errors = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message),
                                        dialog.dismiss()))
    yield opened
    context.close()
    assert errors == [], errors


def open_chat(page, url):
    page.goto(url)
    page.get_by_role("button", name="Ask about TMS").click()
    return page.get_by_role("log", name="Conversation")


def ask(page, text):
    box = page.get_by_role("textbox", name="Your question")
    box.fill(text)
    box.press("Enter")


def bot_said(log, text, timeout=30_000):
    reply = log.locator("li.tms-bot", has_text=text).last
    reply.wait_for(timeout=timeout)
    return reply


def test_widget_answers_with_its_sources_as_links(page, assistant, kb, stroke_fda):
    [source] = kb.sources_of(kb.entries[("fda_status", STROKE)])
    log = open_chat(page, assistant.demo_url)
    ask(page, "my mom had a stroke, is tms fda approved for that")
    reply = bot_said(log, stroke_fda)
    link = reply.locator(".tms-sources a")
    assert link.count() == 1
    assert link.get_attribute("href") == browser_href(source.url)
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert source.title in link.inner_text()


def test_clarification_buttons_work_once_and_history_survives_reload(
        page, assistant, stroke_fda, plp_fda):
    stroke_button = render.condition_button(STROKE).title
    plp_button = render.condition_button(PHANTOM_LIMB_PAIN).title
    log = open_chat(page, assistant.demo_url)
    ask(page, "is it fda approved")
    question = bot_said(log, FOR_STROKE)
    question.get_by_role("button", name=plp_button).click()
    log.locator("li.tms-bot", has_text=plp_fda).nth(1).wait_for()  # the tailored answer
    assert question.get_by_role("button", name=stroke_button).is_disabled()
    assert question.get_by_role("button", name=plp_button).is_disabled()
    shown = log.locator("li").count()

    page.reload()
    log = page.get_by_role("log", name="Conversation")
    log.locator("li.tms-bot", has_text=plp_fda).nth(1).wait_for()
    assert log.locator("li").count() == shown
    assert log.get_by_role("button", name=stroke_button).is_disabled()
    # Same session: the follow-up leans on the topic asked before the reload.
    ask(page, "and for stroke?")
    bot_said(log, stroke_fda)


def test_markup_from_patient_or_server_is_shown_as_text(page, assistant, knowledge, kb):
    attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    as_shipped = knowledge.read("clinic.yml")
    knowledge.edit_clinic(name=f"{attack} Clinic")
    try:
        log = open_chat(page, assistant.demo_url)
        ask(page, f"{attack} hello")
        mine = log.locator("li.tms-user").last
        mine.wait_for()
        assert attack in mine.inner_text()
        # The clinic's name (edited above) comes back inside the server's text.
        wait_for(lambda: "__xss" in assistant.say(f"probe-{uuid.uuid4().hex}",
                                                  "can i talk to a real person"))
        ask(page, "can i talk to a real person")
        handoff = render.handoff(kb.clinic).text.split("\n")[0]  # its opening line
        reply = bot_said(log, handoff)
        assert attack in reply.inner_text()
        assert page.locator(".tms-chat img, .tms-chat script").count() == 0
        assert page.evaluate("window.__xss") is None
    finally:
        knowledge.restore("clinic.yml", as_shipped)


def test_emergency_is_shown_prominently(page, assistant):
    log = open_chat(page, assistant.demo_url)
    ask(page, "my dad's face is drooping on one side and he can't speak")
    alert = log.get_by_role("alert")
    alert.wait_for(timeout=30_000)
    assert "Call 911 now" in alert.inner_text()
    assert "tms-emergency" in alert.get_attribute("class")


CLINIC_PAGE = """<!doctype html><html lang="en"><head><title>A clinic</title></head>
<body><h1>A clinic's own page</h1>
<script>window.TMSChatConfig = {{ server: "{server}", title: "Ask our TMS assistant",
  colors: {{ primary: "#7a1f5c" }} }};</script>
<script src="{widget}" defer></script></body></html>"""


def test_widget_embedded_on_another_site_survives_a_dropped_connection(
        page, assistant, plp_cost, plp_fda):
    proxy = CuttableProxy(assistant.rasa_port)
    clinic_site = PageServer(CLINIC_PAGE.format(
        server=f"http://127.0.0.1:{proxy.port}",
        widget=f"{assistant.url}/webhooks/socketio/widget/tms-chat.js"))
    try:
        log = open_chat(page, clinic_site.url)
        assert page.get_by_role("heading", name="Ask our TMS assistant").is_visible()
        ask(page, "i lost my arm last year, what does tms cost")
        bot_said(log, plp_cost)

        proxy.cut()
        status = page.get_by_role("status")
        status.wait_for()
        assert "You are offline" in status.inner_text()
        ask(page, "is it fda approved?")
        waiting = log.locator("li.tms-user", has_text="is it fda approved?")
        assert "Waiting to send" in waiting.inner_text()
        page.wait_for_timeout(1000)
        assert log.locator("li.tms-bot", has_text=plp_fda).count() == 0

        proxy.restore()
        bot_said(log, plp_fda)  # the typed message was sent after reconnecting
        page.wait_for_function(
            "document.querySelector('.tms-status').textContent === ''")
        assert "Waiting to send" not in waiting.inner_text()
    finally:
        proxy.close()
        clinic_site.stop()


def test_widget_is_usable_by_keyboard_alone_at_360_px(browser, assistant):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    try:
        page.goto(assistant.demo_url)
        launcher = page.get_by_role("button", name="Ask about TMS")
        for _ in range(10):  # Tab from the top of the page to the launcher
            page.keyboard.press("Tab")
            if launcher.evaluate("el => el === document.activeElement"):
                break
        assert launcher.evaluate("el => el === document.activeElement")
        assert launcher.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        page.keyboard.press("Enter")
        box = page.get_by_role("textbox", name="Your question")
        assert box.evaluate("el => el === document.activeElement")
        page.keyboard.type("does tms hurt")
        page.keyboard.press("Enter")
        log = page.get_by_role("log", name="Conversation")
        assert log.get_attribute("aria-live") == "polite"
        log.locator("li.tms-bot").nth(1).wait_for(timeout=30_000)

        panel = page.locator(".tms-panel").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        larger = page.get_by_role("button", name="Larger text")
        size = lambda: page.evaluate(  # noqa: E731
            "parseFloat(getComputedStyle(document.querySelector('.tms-chat')).fontSize)")
        before = size()
        larger.focus()
        page.keyboard.press("Space")
        assert larger.get_attribute("aria-pressed") == "true"
        assert size() > before
        latest, shown = log.locator("li").last.bounding_box(), log.bounding_box()
        assert latest["y"] + latest["height"] <= shown["y"] + shown["height"] + 1

        page.keyboard.press("Escape")
        assert launcher.evaluate("el => el === document.activeElement")
        assert launcher.get_attribute("aria-expanded") == "false"
    finally:
        context.close()


STORED_STATE = ("JSON.parse(localStorage.getItem(Object.keys(localStorage)"
                ".find(k => k.startsWith('tms-chat:'))) || 'null')")


def test_a_patient_can_delete_the_conversation_here_and_from_the_records(
        browser, assistant, store_url, plp_cost):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Delete this conversation?"
    try:
        log = open_chat(page, assistant.demo_url)
        ask(page, "i lost my arm last year, what does tms cost")
        bot_said(log, plp_cost)
        token = page.evaluate(STORED_STATE)["sessionId"]
        session = widget_conversation(token)  # the server signed it with var/report.key
        assert session and session not in token.split(".")[1:]
        # in the records once the turn is saved (just after its replies are shown)
        assert wait_for(lambda: any(kind == "user" for kind, _ in
                                    stored_events(store_url, session)), 10)

        page.get_by_role("button", name="Delete conversation").click()
        page.get_by_role("status").filter(has_text="Conversation deleted.").wait_for()
        assert stored_events(store_url, session) == []
        assert log.locator("li.tms-user").count() == 0
        state = page.evaluate(STORED_STATE)
        assert state["sessionId"] != token and "lost my arm" not in str(state)
        # A new conversation from here on: nothing of the old one comes back.
        ask(page, "is it fda approved?")
        bot_said(log, FOR_STROKE)
        assert widget_conversation(page.evaluate(STORED_STATE)["sessionId"]) not in (
            None, session)
        assert stored_events(store_url, session) == []
        page.reload()
        assert page.get_by_role("log", name="Conversation").locator(
            "li.tms-user", has_text="lost my arm").count() == 0
    finally:
        context.close()


def test_the_browser_copy_expires_with_the_session(page, assistant):
    log = open_chat(page, assistant.demo_url)
    ask(page, "does tms hurt")
    # The greeting, the answer and the session's disclaimer: every reply is in (a late
    # one would mark the conversation as used again, after it is aged below).
    log.locator("li.tms-bot").nth(2).wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('.tms-typing:not([hidden])')")
    # An hour and more later, at a shared computer: aged as the page loads again,
    # before the widget reads it (nothing can mark it as used in between).
    page.add_init_script("""(() => { const key = Object.keys(localStorage).find(
        k => k.startsWith('tms-chat:'));
      if (!key) { return; }
      const state = JSON.parse(localStorage.getItem(key));
      state.touched = Date.now() - 61 * 60 * 1000;
      localStorage.setItem(key, JSON.stringify(state)); })()""")
    page.reload()
    page.get_by_role("button", name="Ask about TMS").click()
    log = page.get_by_role("log", name="Conversation")
    log.locator("li.tms-bot", has_text="Hello!").wait_for()
    assert log.locator("li.tms-user").count() == 0
