"""Where conversations are stored: one place for the Rasa server's tracker store and
the staff report. SQLite file by default; ``TRACKER_STORE_URL`` to use PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from sqlalchemy.engine.url import make_url

ENV_URL = "TRACKER_STORE_URL"
DEFAULT_SQLITE_FILE = Path(__file__).resolve().parent.parent / "var" / "conversations.db"


def configured_url(environ: Optional[dict] = None) -> str:
    """The database URL in force: the environment's, else the SQLite default."""
    environ = os.environ if environ is None else environ
    url = (environ.get(ENV_URL) or "").strip()
    if url:
        make_url(url)  # raises a clear ArgumentError on a malformed URL
        return url
    return f"sqlite:///{DEFAULT_SQLITE_FILE}"


def describe(url: str) -> str:
    """The URL with any password hidden, safe to log."""
    return repr(make_url(url))
