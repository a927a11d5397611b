"""Where conversations are stored: one place for the Rasa server's tracker store and
the staff report. SQLite file by default; ``TRACKER_STORE_URL`` to use PostgreSQL.
Where their locks are kept: the Rasa server's memory; ``LOCK_STORE_URL`` for Redis."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

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


LOCK_ENV_URL = "LOCK_STORE_URL"
#: Lock keys in Redis are "tms:lock:<conversation id>".
LOCK_KEY_PREFIX = "tms"


class LockStoreConfigError(ValueError):
    """LOCK_STORE_URL cannot be used; the message says why."""


def redis_settings(url: str) -> dict:
    """RedisLockStore's arguments from redis://[user:password@]host[:port][/db]
    (rediss:// for TLS)."""
    try:
        parts = urlsplit(url)
        port = parts.port or 6379
        db = int(parts.path.strip("/") or 1)
    except ValueError as error:
        raise LockStoreConfigError(f"{LOCK_ENV_URL} is not a valid Redis URL ({error}); "
                                   "expected redis://host:6379/1") from None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise LockStoreConfigError(f"{LOCK_ENV_URL} must look like redis://host:6379/1, "
                                   f"not {parts.scheme or 'no scheme'}://...")
    return {"host": parts.hostname, "port": port, "db": db,
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "use_ssl": parts.scheme == "rediss", "key_prefix": LOCK_KEY_PREFIX}


def describe_redis(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path or ''}"
