"""The website widget's channel (socket.io) and the messaging-app channel (Twilio SMS
and WhatsApp), built on Rasa's own connectors.

Neither formats anything itself: both turn Rasa's bot message back into a
channel-neutral `tms.render.Message` and call the renderer for their channel.

Settings come from the environment (no secrets in the repository):

  WIDGET_ORIGINS        web pages allowed to open the widget's socket, comma separated
                        (e.g. https://www.clinic.example); default * (any page)
  TWILIO_ACCOUNT_SID    the clinic's Twilio account
  TWILIO_AUTH_TOKEN     signs Twilio's webhook calls; unsigned calls are refused
  TWILIO_NUMBER         the clinic's number, +15551234567 or whatsapp:+15551234567
  TWILIO_WEBHOOK_URL    the public address Twilio calls, when a proxy sits in front
                        (e.g. https://chat.clinic.example/webhooks/twilio/webhook)
  TWILIO_API_URL        the provider's API address; default https://api.twilio.com
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.core.channels.twilio import TwilioInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
from twilio.request_validator import RequestValidator

from addons.tracker_store import forget_conversation
from tms.identity import (issue_session, new_widget_conversation as issue_conversation,
                          sms_address, sms_conversation, widget_conversation)
from tms import render
from tms.input_screen import MAX_CHANNEL_CHARS

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
#: What the widget's embed tag loads, served by the assistant itself (no CDN).
WIDGET_FILES = {
    "tms-chat.js": (ROOT / "widget" / "tms-chat.js", "text/javascript"),
    "tms-chat.css": (ROOT / "widget" / "tms-chat.css", "text/css"),
    "socket.io.min.js": (ROOT / "node_modules" / "socket.io-client" / "dist"
                         / "socket.io.min.js", "text/javascript"),
}
SEND_TIMEOUT_S = 10


# --- Website widget ------------------------------------------------------------------

class WidgetOutput(SocketIOOutput):
    """Sends each bot message as one `bot_uttered` event rendered for the widget."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        payload = render.for_widget(render.from_bot_message(message))
        await self._send_message(recipient_id, payload)


class WidgetInput(SocketIOInput):
    """Rasa's socket.io channel, stricter about what a browser may send.

    The server issues each conversation's session token (``tms/identity.py``: random,
    signed, expiring) and a socket speaks only for the conversation its token names,
    so a message cannot be injected into another conversation by naming its id, and
    an old or made-up token starts a new conversation.
    """

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        origins = allowed_origins(os.environ.get("WIDGET_ORIGINS", "*"))
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins)
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook",
                                    __name__)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/widget/<name>", methods=["GET"])
        async def widget_file(_: Request, name: str) -> HTTPResponse:
            path, mime_type = WIDGET_FILES.get(name, (None, ""))
            if path is None or not path.is_file():
                if path is not None:
                    logger.error("Widget file missing: %s (run `make install`).", path)
                return response.text("Not found.", status=404)
            return await response.file(path, mime_type=mime_type, headers={
                "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            conversation = widget_conversation(token)
            async with sio.session(sid, namespace=self.namespace) as session:
                previous = session.get("conversation")
                session["conversation"] = conversation = (
                    conversation or issue_conversation())
            if previous and previous != conversation:
                await sio.leave_room(sid, previous, namespace=self.namespace)
            await sio.enter_room(sid, conversation, namespace=self.namespace)
            # A fresh token each time: the browser's copy never outlives its expiry.
            await sio.emit("session_confirm", issue_session(conversation), room=sid,
                           namespace=self.namespace)

        @sio.on("delete_conversation", namespace=self.namespace)
        async def delete_conversation(sid: Text, data: Any) -> Dict[str, bool]:
            """The patient's "Delete this conversation": the session this socket
            speaks for, or one the browser names (its id is the same secret that
            `session_request` accepts). The reply is the acknowledgement."""
            token = data.get("session_id") if isinstance(data, dict) else None
            session = await sio.get_session(sid, namespace=self.namespace)
            conversation = widget_conversation(token) or session.get("conversation")
            if not conversation:
                return {"deleted": False}
            deleted = forget_conversation(conversation)
            logger.info("A widget conversation was deleted at the patient's request.")
            return {"deleted": deleted}

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            conversation = session.get("conversation")
            text = data.get("message") if isinstance(data, dict) else None
            if conversation is None or not isinstance(text, str):
                logger.warning("Widget message ignored: no session or no text.")
                return
            await on_new_message(UserMessage(
                text[:MAX_CHANNEL_CHARS], WidgetOutput(sio, self.bot_message_evt),
                conversation, input_channel=self.name()))

        return blueprint


def allowed_origins(setting: str) -> Any:
    origins = [o.strip().rstrip("/") for o in setting.split(",") if o.strip()]
    return "*" if not origins or "*" in origins else origins


# --- Messaging app (Twilio SMS / WhatsApp) --------------------------------------------

class SMSOutput(OutputChannel):
    """Sends a reply as plain-text parts through the provider's Messages API."""

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    def __init__(self, settings: "TwilioSettings") -> None:
        self.settings = settings

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        parts = render.sms_parts(render.from_bot_message(message))
        url = (f"{self.settings.api_url}/2010-04-01/Accounts/"
               f"{self.settings.account_sid}/Messages.json")
        auth = aiohttp.BasicAuth(self.settings.account_sid, self.settings.auth_token)
        timeout = aiohttp.ClientTimeout(total=SEND_TIMEOUT_S)
        async with aiohttp.ClientSession(auth=auth, timeout=timeout) as session:
            for part in parts:
                data = {"To": sms_address(recipient_id), "From": self.settings.number,
                        "Body": part}
                try:
                    async with session.post(url, data=data) as reply:
                        if reply.status >= 300:
                            logger.error("The SMS provider refused a reply: HTTP %s.",
                                         reply.status)
                            return
                except (aiohttp.ClientError, OSError) as error:
                    logger.error("The SMS provider could not be reached: %s",
                                 type(error).__name__)
                    return

    async def send_text_message(self, recipient_id: Text, text: Text,
                                **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class TwilioSettings:
    def __init__(self, environ: Dict[str, str]) -> None:
        self.account_sid = environ.get("TWILIO_ACCOUNT_SID", "")
        self.auth_token = environ.get("TWILIO_AUTH_TOKEN", "")
        self.number = environ.get("TWILIO_NUMBER", "")
        self.webhook_url = environ.get("TWILIO_WEBHOOK_URL", "")
        self.api_url = environ.get("TWILIO_API_URL", "https://api.twilio.com").rstrip("/")

    @property
    def missing(self) -> List[str]:
        return [name for name, value in (("TWILIO_ACCOUNT_SID", self.account_sid),
                                         ("TWILIO_AUTH_TOKEN", self.auth_token),
                                         ("TWILIO_NUMBER", self.number)) if not value]


class SMSInput(TwilioInput):
    """Rasa's Twilio channel, plus what it lacks: a call must carry Twilio's signature
    (X-Twilio-Signature), and a reply of "1" picks the first numbered choice."""

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(TwilioSettings(dict(os.environ)))

    def __init__(self, settings: TwilioSettings) -> None:
        super().__init__(settings.account_sid, settings.auth_token, settings.number)
        self.settings = settings
        if settings.missing:
            logger.info("SMS channel off: set %s to turn it on.",
                        ", ".join(settings.missing))

    def get_output_channel(self) -> OutputChannel:
        return SMSOutput(self.settings)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if not self.settings.missing
                                  else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if self.settings.missing:
                return response.text("SMS channel not configured.", status=503)
            if not self.signed(request):
                logger.warning("Refused an SMS webhook call without a valid signature.")
                return response.text("Invalid signature.", status=403)
            form = request.form or {}
            sender, text = form.get("From"), form.get("Body")
            if not sender or text is None:
                return response.text("From and Body are required.", status=400)
            # The SMS channel's own conversation: no other channel can name it.
            sender = sms_conversation(sender)
            text = await self.choice_payload(request, sender, text[:MAX_CHANNEL_CHARS])
            await on_new_message(UserMessage(text, self.get_output_channel(), sender,
                                             input_channel=self.name()))
            return response.text("<Response></Response>", content_type="text/xml")

        return webhook

    def signed(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or "form" not in request.content_type:
            return False
        url = self.settings.webhook_url or request.url
        return RequestValidator(self.settings.auth_token).validate(
            url, request.form or {}, signature)

    @staticmethod
    async def choice_payload(request: Request, sender: str, text: str) -> str:
        """A bare number answers the numbered choices of the last reply."""
        if not render.NUMBERED_CHOICE.fullmatch(text):
            return text
        tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
        chosen = render.numbered_choice(text, last_choices(tracker.events if tracker
                                                           else []))
        return chosen.payload if chosen else text


def last_choices(events: Sequence[Any]) -> List[render.Button]:
    """The buttons of the bot's last reply (since the patient last wrote)."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            return list(render.from_bot_message(event.data).buttons)
    return []
