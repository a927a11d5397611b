"""The conversation lock store, chosen by environment variable instead of file edits.

Rasa locks a conversation while it answers a message, so two messages from one
patient are answered in order. By default the locks live in the Rasa server's memory,
which is right for one server. Set ``LOCK_STORE_URL`` (e.g.
``redis://:secret@cache.internal:6379/1``) to keep them in Redis, which several Rasa
servers sharing one PostgreSQL conversation store need.

If Redis stops answering (1 s timeout), the locks fall back to this server's memory
with a logged warning, so patients still get replies (in order within this server);
Redis is tried again on the next message. A lock taken in Redis whose release Redis
missed during the outage is released as soon as Redis answers again, so that
patient's next message does not wait for the lock to expire (a minute).
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable, Dict, List, Optional, Set, Text, Tuple, TypeVar

import redis

from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    LOCK_LIFETIME,
    LockError,
    InMemoryLockStore,
    LockStore,
    RedisLockStore,
)

from tms.patching import require
from tms.storage import LOCK_ENV_URL, describe_redis, redis_settings

logger = logging.getLogger(__name__)

#: Seconds a Redis call may take before the lock falls back to memory.
REDIS_TIMEOUT_S = 1.0
T = TypeVar("T")


# Overridden below: a rename in Rasa would leave the override silently unused.
require(LockStore, "_acquire_lock", "issue_ticket", "cleanup", "get_lock",
        "delete_lock", "save_lock", purpose="the lock store that survives a Redis outage")


class ConfiguredLockStore(LockStore):
    """Redis when LOCK_STORE_URL is set, else the Rasa server's memory."""

    def __init__(self, endpoint_config: Any = None, url: Optional[str] = None) -> None:
        url = url if url is not None else os.environ.get(LOCK_ENV_URL, "").strip()
        self.fallback = InMemoryLockStore()
        self._failing = False
        #: Tickets issued in Redis and not yet released there.
        self._in_redis: Set[Tuple[str, int]] = set()
        #: conversation -> tickets whose release Redis missed (it was down).
        self._missed: Dict[str, List[int]] = {}
        #: (conversation, Redis ticket) -> the ticket it waits with in memory instead.
        self._moved: Dict[Tuple[str, int], int] = {}
        if url:
            self.store: LockStore = RedisLockStore(**redis_settings(url),
                                                   socket_timeout=REDIS_TIMEOUT_S)
            self.store.red.ping()  # fail at start-up, not on a patient's message
            logger.info("Conversation locks are kept in Redis at %s", describe_redis(url))
        else:
            self.store = self.fallback
        super().__init__()

    def _guarded(self, call: Callable[[LockStore], T]) -> T:
        """The call on the configured store; on a Redis failure, on this server's
        memory instead (warned once per outage), never an error for the patient."""
        if self.store is self.fallback:
            return call(self.fallback)
        try:
            if self._missed:
                self._release_missed()
            result = call(self.store)
        except redis.exceptions.RedisError as error:
            if not self._failing:
                logger.warning("Redis lock store unavailable (%s): conversation locks "
                               "are kept in this server's memory until it answers.",
                               type(error).__name__)
            self._failing = True
            return call(self.fallback)
        if self._failing:
            logger.warning("Redis lock store answers again: locks are kept in Redis.")
            self._failing = False
        return result

    def _release_missed(self) -> None:
        """Release in Redis the tickets it missed while it was down."""
        for conversation_id, tickets in list(self._missed.items()):
            lock = self.store.get_lock(conversation_id)
            if lock:
                for ticket in tickets:
                    lock.remove_ticket_for(ticket)
                if lock.tickets:
                    self.store.save_lock(lock)
                else:
                    self.store.delete_lock(conversation_id)
            del self._missed[conversation_id]
        logger.warning("Conversation locks Redis missed during its outage are released.")

    def issue_ticket(self, conversation_id: Text,
                     lock_lifetime: float = LOCK_LIFETIME) -> int:
        ticket = super().issue_ticket(conversation_id, lock_lifetime)
        if self.store is not self.fallback and not self._failing:
            self._in_redis.add((conversation_id, ticket))
        return ticket

    async def _acquire_lock(self, conversation_id: Text, ticket: int,
                            wait_time_in_seconds: float) -> TicketLock:
        try:
            return await super()._acquire_lock(conversation_id, ticket,
                                               wait_time_in_seconds)
        except LockError:
            if not self._failing:
                raise
        # Redis went away while this message waited its turn: wait in this server's
        # memory instead (the conversation's messages stay in order on this server).
        moved = self.fallback.issue_ticket(conversation_id)
        self._moved[(conversation_id, ticket)] = moved
        return await self.fallback._acquire_lock(conversation_id, moved,
                                                 wait_time_in_seconds)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        moved = self._moved.pop((conversation_id, ticket_number), None)
        if moved is not None:
            self.fallback.cleanup(conversation_id, moved)
        in_redis = (conversation_id, ticket_number) in self._in_redis
        self._in_redis.discard((conversation_id, ticket_number))
        super().cleanup(conversation_id, ticket_number)
        if in_redis and self._failing:
            self._missed.setdefault(conversation_id, []).append(ticket_number)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._guarded(lambda store: store.get_lock(conversation_id))

    def delete_lock(self, conversation_id: Text) -> None:
        self._guarded(lambda store: store.delete_lock(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        self._guarded(lambda store: store.save_lock(lock))
