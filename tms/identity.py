"""Who may speak for a conversation: one namespace of conversation ids per channel.

A conversation's id (Rasa's sender id) says which channel it belongs to, so no channel
can name another's conversations:

- **SMS and WhatsApp**: ``sms:+15551234567`` / ``whatsapp:+15551234567``, only from a
  webhook call signed by Twilio.
- **Website widget**: ``web-<32 hex digits>``. The browser never chooses it: the
  server issues a *session token* (``<id part>.<expiry>.<signature>``, signed with
  the local secret, valid for ``SESSION_HOURS``) and accepts only tokens it signed
  and that have not expired. The token is the browser's secret; the stored id is not
  enough to take over the conversation.
- **REST** (integrators, tests): the ``sender`` the caller gives, which may not start
  with another channel's prefix. With ``REST_TOKEN`` set, only callers holding it may
  post at all (``addons/door.py``).

Imports neither ``rasa`` nor ``rasa_sdk``.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from typing import Optional

from tms.report import report_key

SMS_PREFIX = "sms:"
WHATSAPP_PREFIX = "whatsapp:"
WIDGET_PREFIX = "web-"
#: Ids only their own channel may use.
RESERVED_PREFIXES = (SMS_PREFIX, WHATSAPP_PREFIX, WIDGET_PREFIX)
#: How long a widget session token stays valid after it was issued (each reconnect of
#: the widget gets a fresh one; the browser forgets its copy after an hour unused).
SESSION_HOURS = 12

_TOKEN = re.compile(r"([0-9a-f]{32})\.(\d{1,12})\.([0-9a-f]{64})")


def sms_conversation(sender: str) -> str:
    """The conversation of a number Twilio says a message came from."""
    return sender if sender.startswith(WHATSAPP_PREFIX) else SMS_PREFIX + sender


def sms_address(conversation_id: str) -> str:
    """The number (or ``whatsapp:`` address) to send a conversation's replies to."""
    return conversation_id[len(SMS_PREFIX):] if conversation_id.startswith(
        SMS_PREFIX) else conversation_id


def reserved(sender: str) -> bool:
    """A REST sender naming another channel's conversation."""
    return sender.lower().startswith(RESERVED_PREFIXES)


def new_widget_conversation() -> str:
    """A new widget conversation's id: random, never chosen by the browser."""
    return WIDGET_PREFIX + secrets.token_hex(16)


def _signature(part: str, expiry: int, key: Optional[bytes]) -> str:
    message = f"widget-session:{part}.{expiry}".encode()
    return hmac.new(key or report_key(), message, hashlib.sha256).hexdigest()


def issue_session(conversation_id: Optional[str] = None, now: Optional[float] = None,
                  key: Optional[bytes] = None) -> str:
    """A session token for a widget conversation (a new one when none is given)."""
    part = (conversation_id or new_widget_conversation())[len(WIDGET_PREFIX):]
    expiry = int((time.time() if now is None else now) + SESSION_HOURS * 3600)
    return f"{part}.{expiry}.{_signature(part, expiry, key)}"


def widget_conversation(token: object, now: Optional[float] = None,
                        key: Optional[bytes] = None) -> Optional[str]:
    """The conversation a token this server issued speaks for; None for anything
    else (made up, altered, expired, another server's secret)."""
    found = _TOKEN.fullmatch(token) if isinstance(token, str) else None
    if not found:
        return None
    part, expiry, signature = found.group(1), int(found.group(2)), found.group(3)
    if not hmac.compare_digest(signature, _signature(part, expiry, key)):
        return None
    if expiry < (time.time() if now is None else now):
        return None
    return WIDGET_PREFIX + part
