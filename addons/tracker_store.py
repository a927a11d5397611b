"""The conversation store, chosen by environment variable instead of file edits.

By default conversations go to an SQLite file inside the project (``var/``), so a
clinic can start with nothing else installed and a restart forgets nothing. Set
``TRACKER_STORE_URL`` (e.g. ``postgresql://rasa:secret@db.internal:5432/rasa``) to
keep them in PostgreSQL, which several Rasa servers can share.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine.url import make_url

from tms.storage import ENV_URL, configured_url, describe  # noqa: F401 (re-export)

logger = logging.getLogger(__name__)


def owner_only(database: Path) -> None:
    """Health conversations are readable by the server's own user only: the folder
    (when made here) 0700, the SQLite file 0600 (made now if new; tightened if not).
    SQLite gives its journal files the database file's permissions."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(database, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    os.chmod(database, 0o600)


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database comes from ``TRACKER_STORE_URL``."""

    def __init__(self, domain: Optional[Domain] = None, host: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        url = configured_url()
        parsed = make_url(url)
        if parsed.drivername.startswith("sqlite") and parsed.database:
            owner_only(Path(parsed.database))
        logger.info("Conversations are stored in %s", describe(url))
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
