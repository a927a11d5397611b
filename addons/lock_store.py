"""The conversation lock store, chosen by environment variable instead of file edits.

Rasa locks a conversation while it answers a message, so two messages from one
patient are answered in order. By default the locks live in the Rasa server's memory,
which is right for one server. Set ``LOCK_STORE_URL`` (e.g.
``redis://:secret@cache.internal:6379/1``) to keep them in Redis, which several Rasa
servers sharing one PostgreSQL conversation store need.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from tms.storage import LOCK_ENV_URL, describe_redis, redis_settings

logger = logging.getLogger(__name__)


class ConfiguredLockStore(LockStore):
    """Redis when LOCK_STORE_URL is set, else the Rasa server's memory."""

    def __init__(self, endpoint_config: Any = None, url: Optional[str] = None) -> None:
        url = url if url is not None else os.environ.get(LOCK_ENV_URL, "").strip()
        if url:
            self.store: LockStore = RedisLockStore(**redis_settings(url))
            self.store.red.ping()  # fail at start-up, not on a patient's message
            logger.info("Conversation locks are kept in Redis at %s", describe_redis(url))
        else:
            self.store = InMemoryLockStore()
        super().__init__()

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)
