"""Stored conversations for the staff tools' tests (report, retention): the user
messages and slots a real conversation leaves, saved with Rasa's own SQL store."""
from __future__ import annotations

import asyncio
from typing import Dict, List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def user_said(text: str, intent: str, at: float) -> UserUttered:
    """A patient's message as the store keeps it, classified as ``intent``."""
    return UserUttered(text, {"name": intent, "confidence": 0.9},
                       parse_data={"text": text, "intent": {"name": intent}},
                       timestamp=at)


def save_conversations(url: str, conversations: Dict[str, List[Event]]) -> None:
    """Each conversation's events into the store at ``url`` (SQLite or PostgreSQL)."""
    store = SQLTrackerStore(DOMAIN, host=url)
    for sender, events in conversations.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events,
                                                                slots=DOMAIN.slots)))
    store.engine.dispose()
