"""Start the action server (`python -m actions.server --actions actions ...`):
rasa_sdk's own main, with its log records scrubbed (``tms/log_privacy.py``) and a
guard in front of its routes, checked at start-up like the Rasa server's patches.

The action server is internal: only the Rasa server calls it. It listens on
loopback by default (``ACTION_HOST``); here, too:

- When ``ACTION_SERVER_TOKEN`` is set, every request but the health check must carry
  it as the ``token`` query parameter, which the Rasa server sends (the ``token:``
  that ``scripts/serve.py`` writes into the action endpoint); others get 401.
- rasa_sdk inflates a ``Content-Encoding: deflate`` body with no limit (a 2 MB body
  can inflate to gigabytes). Here bodies are at most ``MAX_BODY_BYTES``, before and
  after inflating: more gets 413, a body that is not deflate data 400.

This file runs in the action server, not the Rasa server: it imports no ``rasa``.
"""
from __future__ import annotations

import hmac
import os
import zlib
from typing import Any, Optional

import rasa_sdk.endpoint
from sanic import response

from tms.patching import replace
from tms.input_screen import MAX_BODY_BYTES
from tms.log_privacy import install_record_scrubber

TOKEN_ENV = "ACTION_SERVER_TOKEN"
#: The query parameter Rasa's EndpointConfig sends a `token:` in (its default name).
TOKEN_NAME = "token"
OPEN_PATHS = ("/health",)


class TooLarge(ValueError):
    pass


def inflate(body: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    """A deflate body inflated, never past `limit` bytes (TooLarge beyond; zlib.error
    for data that is not deflate)."""
    inflater = zlib.decompressobj()
    data = inflater.decompress(body, limit + 1)
    if len(data) > limit or inflater.unconsumed_tail:
        raise TooLarge(f"more than {limit} bytes inflated")
    return data + inflater.flush()


def make_guard(token: Optional[str]) -> Any:
    """Sanic request middleware: the token, then the inflated body's size."""

    async def guard(request: Any) -> Any:
        if request.path in OPEN_PATHS:
            return None
        given = request.args.get(TOKEN_NAME, "")
        if token and not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "Unauthorized."}, status=401)
        if request.headers.get("Content-Encoding") == "deflate":
            try:
                request.body = inflate(request.body or b"")
            except TooLarge:
                return response.json({"error": f"The body must inflate to at most "
                                      f"{MAX_BODY_BYTES} bytes."}, status=413)
            except zlib.error:
                return response.json({"error": "The body is not deflate data."},
                                     status=400)
            del request.headers["Content-Encoding"]  # rasa_sdk reads it as plain JSON
        return None

    return guard


def install_action_server_guard(token: Optional[str] = None) -> None:
    """Put the guard in front of every app rasa_sdk creates."""
    token = token if token is not None else os.environ.get(TOKEN_ENV, "")

    def make(original: Any) -> Any:
        def create_app(*args: Any, **kwargs: Any) -> Any:
            app = original(*args, **kwargs)
            app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
            app.register_middleware(make_guard(token or None), "request")
            return app
        return create_app

    replace(rasa_sdk.endpoint, "create_app", make, "the action server guard")


def main() -> None:
    install_record_scrubber()
    install_action_server_guard()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
