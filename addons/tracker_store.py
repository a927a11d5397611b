"""The conversation store, chosen by environment variable instead of file edits.

By default conversations go to an SQLite file inside the project (``var/``), so a
clinic can start with nothing else installed and a restart forgets nothing. Set
``TRACKER_STORE_URL`` (e.g. ``postgresql://rasa:secret@db.internal:5432/rasa``) to
keep them in PostgreSQL, which several Rasa servers can share.

When the database fails (down, restarting, unreachable), patients still get replies:
the conversation continues from this server's memory, each turn is queued, and the
queue is written, in order, as soon as the database answers again. PostgreSQL gets
connect and statement timeouts, and after a failure the database is tried again
only every ``RETRY_S`` seconds, so an outage costs a reply at most one timeout, not
one per message.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError

from tms.patching import require
from tms.log_privacy import code
from tms.retention import delete_events
from tms.storage import ENV_URL, configured_url, describe  # noqa: F401 (re-export)

logger = logging.getLogger(__name__)

#: PostgreSQL: give up connecting after this long, and on any statement after that.
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 5000
#: After a failure, the database is tried again at most this often.
RETRY_S = 5.0
#: While turns wait for the database, how often this server tries to write them.
FLUSH_EVERY_S = 1.0
#: Conversations kept in memory to continue from during an outage (the trackers
#: Rasa is working on anyway: references, not copies).
RECENT_CONVERSATIONS = 500
#: Conversations whose unwritten turns are queued; beyond it the oldest queued
#: conversation is dropped with an error in the log (a very long outage).
MAX_QUEUED_CONVERSATIONS = 20000


def with_timeouts(url: str) -> str:
    """A PostgreSQL URL with connect and statement timeouts, unless it sets its own."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return url
    query = dict(parsed.query)
    query.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    query.setdefault("options", f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")
    return parsed.set(query=query).render_as_string(hide_password=False)


def owner_only(database: Path) -> None:
    """Health conversations are readable by the server's own user only: the folder
    (when made here) 0700, the SQLite file 0600 (made now if new; tightened if not).
    SQLite gives its journal files the database file's permissions."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(database, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    os.chmod(database, 0o600)


# Called below: Rasa's private read of one conversation.
require(SQLTrackerStore, "_retrieve", purpose="the tracker store that queues turns")


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database comes from ``TRACKER_STORE_URL``, and which
    keeps answering, and queues what it could not write, while the database fails."""

    def __init__(self, domain: Optional[Domain] = None, host: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None,
                 clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        url = configured_url()
        parsed = make_url(url)
        if parsed.drivername.startswith("sqlite") and parsed.database:
            owner_only(Path(parsed.database))
        logger.info("Conversations are stored in %s", describe(url))
        url = with_timeouts(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        # Connections found dead (after a database restart) are replaced, not used.
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True,
                                       **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._clock = clock
        self._down_until = 0.0
        #: sender -> (latest tracker, how many of its events the database has)
        self._recent: "OrderedDict[str, Tuple[DialogueStateTracker, int]]" = OrderedDict()
        #: sender -> (latest tracker, how many of its events the database has), for
        #: conversations with turns not yet written; oldest first.
        self._queued: "OrderedDict[str, Tuple[DialogueStateTracker, int]]" = OrderedDict()
        _OPEN_STORES.add(self)

    # -- reading ---------------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._read(sender_id, all_sessions=False)

    async def retrieve_full_tracker(self, conversation_id: Text
                                    ) -> Optional[DialogueStateTracker]:
        return await self._read(conversation_id, all_sessions=True)

    async def _read(self, sender_id: Text, all_sessions: bool
                    ) -> Optional[DialogueStateTracker]:
        self._flush()
        if sender_id in self._queued:  # newer than what the database has
            return self._queued[sender_id][0]
        if self._available():
            try:
                tracker = await self._retrieve(sender_id, all_sessions)
            except SQLAlchemyError as error:
                self._failed("read", error)
            else:
                if tracker is None:
                    self._recent.pop(sender_id, None)
                elif not all_sessions:
                    self._remember(sender_id, tracker, len(tracker.events))
                return tracker
        known = self._recent.get(sender_id)
        return known[0] if known else None

    # -- writing ---------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        sender = tracker.sender_id
        if self.event_broker is not None:
            await self.stream_events(tracker)
        self._flush()
        stored = self._stored_count(sender)
        if sender not in self._queued and self._available():
            try:
                self._write(sender, tracker, stored)
                self._remember(sender, tracker, len(tracker.events))
                return
            except SQLAlchemyError as error:
                self._failed("write", error)
        self._queue(sender, tracker, stored)

    def _stored_count(self, sender: str) -> int:
        for place in (self._queued, self._recent):
            if sender in place:
                return place[sender][1]
        return 0

    def _write(self, sender: str, tracker: DialogueStateTracker, stored: int) -> None:
        """Append the events after the first ``stored`` (those the database has)."""
        events = list(tracker.events)[stored:]
        if not events:
            return
        with self.session_scope() as session:
            for event in events:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=sender, type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()

    def _queue(self, sender: str, tracker: DialogueStateTracker, stored: int) -> None:
        first = sender not in self._queued
        self._queued[sender] = (tracker, stored)
        self._remember(sender, tracker, stored)
        if first:
            logger.warning("Conversation %s is kept in memory until the database "
                           "answers again (%d conversation(s) waiting).", code(sender),
                           len(self._queued))
            self._keep_flushing()
        while len(self._queued) > MAX_QUEUED_CONVERSATIONS:
            dropped, _ = self._queued.popitem(last=False)
            logger.error("Too many conversations waiting for the database: the "
                         "unwritten turns of %s are dropped.", code(dropped))

    def _keep_flushing(self) -> None:
        """Write the queue as soon as the database answers, even if no patient writes
        to this server again (their conversations may have moved to another one: its
        reads must find these turns in the database)."""
        if getattr(self, "_flusher", None) is not None and not self._flusher.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a staff tool): the next read or save flushes

        async def flush_until_empty() -> None:
            while self._queued:
                await asyncio.sleep(FLUSH_EVERY_S)
                self._flush()

        self._flusher = loop.create_task(flush_until_empty())

    def _flush(self) -> None:
        """Write the queued conversations, oldest first, when the database is due."""
        if not self._queued or not self._available():
            return
        written = 0
        while self._queued:
            sender, (tracker, stored) = next(iter(self._queued.items()))
            try:
                self._write(sender, tracker, stored)
            except SQLAlchemyError as error:
                self._failed("write queued turns", error)
                return
            del self._queued[sender]
            self._remember(sender, tracker, len(tracker.events))
            written += 1
        logger.warning("The database answers again: %d queued conversation(s) "
                       "written.", written)

    # -- state -----------------------------------------------------------------
    def _remember(self, sender: str, tracker: DialogueStateTracker, stored: int) -> None:
        self._recent[sender] = (tracker, stored)
        self._recent.move_to_end(sender)
        while len(self._recent) > RECENT_CONVERSATIONS:
            self._recent.popitem(last=False)

    def _available(self) -> bool:
        return self._clock() >= self._down_until

    def _failed(self, what: str, error: Exception) -> None:
        self._down_until = self._clock() + RETRY_S
        logger.error("The conversation database failed to %s (%s); replies go on "
                     "from memory and turns are queued until it answers (tried again "
                     "in %.0f s).", what, str(error).splitlines()[0], RETRY_S)

    @property
    def queued_conversations(self) -> int:
        return len(self._queued)

    # -- deleting ----------------------------------------------------------------
    def forget(self, sender: str) -> bool:
        """Delete one conversation: its every stored event and what this server holds
        of it in memory. False (nothing deleted) when the database cannot be reached."""
        try:
            with self.engine.begin() as connection:
                delete_events(connection, sender)
        except SQLAlchemyError as error:
            logger.error("A conversation could not be deleted now (%s).",
                         str(error).splitlines()[0])
            return False
        self._queued.pop(sender, None)
        self._recent.pop(sender, None)
        return True


#: The stores this process opened, for the widget's "Delete this conversation".
_OPEN_STORES: "weakref.WeakSet[ConfiguredSQLTrackerStore]" = weakref.WeakSet()


def forget_conversation(sender: str) -> bool:
    """Delete one conversation from every store this process opened (one in the
    Rasa server): True when deleted everywhere."""
    stores = list(_OPEN_STORES)
    return bool(stores) and all(store.forget(sender) for store in stores)
