"""Bounded at the door: the REST webhook checks a request before Rasa reads it.

Rasa 3.6 reads bodies up to Sanic's 100 MB default, answers a body that is not a
JSON object with a 500, puts a request without ``sender`` into one shared
conversation named "default", and accepts sender ids of any length (PostgreSQL's
255-character column then silently moves that conversation to memory). Here, for
every route: bodies over ``MAX_BODY_BYTES`` get 413 before any handler sees them
(Sanic itself is also told the limit; where it does not apply it, the body is still
read up to Sanic's own limit, then refused); for the REST webhook: a body that is not a JSON object with a ``sender`` of 1 to
``MAX_SENDER_CHARS`` characters and a text ``message`` gets a 400 that says what is
wrong, and nothing is stored; a message longer than ``MAX_CHANNEL_CHARS`` is cut to
that length before Rasa reads it (it still gets the kind "too long" reply), and any
other field (``metadata``) is dropped.

Who may speak for a conversation (``tms/identity.py``): a REST ``sender`` may not
name another channel's conversation (``sms:...``, ``whatsapp:...``, ``web-...``: 400),
and with ``REST_TOKEN`` set (production) a call without ``Authorization: Bearer
<REST_TOKEN>`` gets 401 before anything is read or stored.
"""
from __future__ import annotations

import hmac
import os
from typing import Any, Optional

import rasa.core.run
from sanic import response

from tms.patching import replace
from tms.identity import RESERVED_PREFIXES, reserved
from tms.input_screen import MAX_BODY_BYTES, MAX_CHANNEL_CHARS
MAX_SENDER_CHARS = 128
REST_WEBHOOK = "/webhooks/rest/webhook"


def rest_caller_allowed(authorization: Optional[str]) -> bool:
    """Open without ``REST_TOKEN`` (``make run``, tests); else only its holders."""
    token = os.environ.get("REST_TOKEN", "")
    if not token:
        return True
    return hmac.compare_digest((authorization or "").encode(),
                               f"Bearer {token}".encode())


def rest_problem(body: Any) -> Optional[str]:
    """What is wrong with a REST webhook body, or None."""
    if not isinstance(body, dict):
        return "The body must be a JSON object with 'sender' and 'message'."
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a text naming the conversation."
    if len(sender) > MAX_SENDER_CHARS:
        return f"'sender' must be at most {MAX_SENDER_CHARS} characters."
    if reserved(sender):
        return ("'sender' may not start with " + ", ".join(RESERVED_PREFIXES)
                + ": those name the SMS and widget channels' conversations.")
    if not isinstance(message, str):
        return "'message' is required and must be text."
    return None


async def check_request(request: Any) -> Any:
    """Sanic request middleware: a 413, 401 or 400 response, or None to go on."""
    try:
        size = int(request.headers.get("content-length") or 0)
    except ValueError:
        size = 0
    if size > MAX_BODY_BYTES or len(request.body or b"") > MAX_BODY_BYTES:
        return response.json({"error": f"The body must be at most "
                              f"{MAX_BODY_BYTES} bytes."}, status=413)
    if request.method != "POST" or request.path.rstrip("/") != REST_WEBHOOK:
        return None
    if not rest_caller_allowed(request.headers.get("authorization")):
        return response.json({"error": "This webhook needs 'Authorization: Bearer "
                              "<token>' (REST_TOKEN)."}, status=401)
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic's error for a body that is not JSON
        body = None
    problem = rest_problem(body)
    if problem:
        return response.json({"error": problem}, status=400)
    # Only the two fields: a message stored capped, as the other channels do (still
    # "too long" to the NLU), and no caller metadata (Rasa would keep it in the
    # conversation's session_started_metadata slot, unread by anything here).
    request.parsed_json = {"sender": body["sender"],
                           "message": body["message"][:MAX_CHANNEL_CHARS]}
    return None


def install_door_limits() -> None:
    """Make Rasa's app refuse oversized and malformed requests before reading them."""

    def make(original: Any) -> Any:
        def configure_app(*args: Any, **kwargs: Any) -> Any:
            app = original(*args, **kwargs)
            app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
            app.register_middleware(check_request, "request")
            return app
        return configure_app

    replace(rasa.core.run, "configure_app", make, "the door limits")
