"""The conversation lock store, chosen by environment variable instead of file edits.

Rasa locks a conversation while it answers a message, so two messages from one
patient are answered in order. By default the locks live in the Rasa server's memory,
which is right for one server. Set ``LOCK_STORE_URL`` (e.g.
``redis://:secret@cache.internal:6379/1``) to keep them in Redis, which several Rasa
servers sharing one PostgreSQL conversation store need.

If Redis stops answering (1 s timeout), the locks fall back to this server's memory
with a logged warning, so patients still get replies (in order within this server);
Redis is tried again on the next message.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable, Optional, Text, TypeVar

import redis

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from tms.storage import LOCK_ENV_URL, describe_redis, redis_settings

logger = logging.getLogger(__name__)

#: Seconds a Redis call may take before the lock falls back to memory.
REDIS_TIMEOUT_S = 1.0
T = TypeVar("T")


class ConfiguredLockStore(LockStore):
    """Redis when LOCK_STORE_URL is set, else the Rasa server's memory."""

    def __init__(self, endpoint_config: Any = None, url: Optional[str] = None) -> None:
        url = url if url is not None else os.environ.get(LOCK_ENV_URL, "").strip()
        self.fallback = InMemoryLockStore()
        self._failing = False
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

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._guarded(lambda store: store.get_lock(conversation_id))

    def delete_lock(self, conversation_id: Text) -> None:
        self._guarded(lambda store: store.delete_lock(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        self._guarded(lambda store: store.save_lock(lock))
