"""Rasa SDK actions: translate between the tracker and the plain modules."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answering, render
from actions.knowledge import KnowledgeBase, load_knowledge
from actions.names import (
    ACTION_ANSWER,
    ENTITY_CONDITION,
    SLOT_CONDITION,
    SLOT_PENDING_TOPIC,
)

logger = logging.getLogger(__name__)

class ActionAnswerQuestion(Action):
    """Answer the question topic the patient asked, from knowledge/, with sources."""

    def __init__(self, knowledge: Optional[KnowledgeBase] = None) -> None:
        self._knowledge = knowledge if knowledge is not None else load_knowledge()

    def name(self) -> Text:
        return ACTION_ANSWER

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        mentioned = [e.get("value") for e in latest.get("entities") or []
                     if e.get("entity") == ENTITY_CONDITION]
        turn = answering.respond(
            self._knowledge,
            intent=(latest.get("intent") or {}).get("name"),
            condition_slot=tracker.get_slot(SLOT_CONDITION),
            mentioned=mentioned,
            pending_topic=tracker.get_slot(SLOT_PENDING_TOPIC),
        )
        for message in turn.messages:
            dispatcher.utter_message(text=message.text,
                                     buttons=render.as_button_dicts(message.buttons))
        # Only changes: every event is replayed on each later turn of the session.
        return [SlotSet(slot, value) for slot, value in turn.slots.items()
                if tracker.get_slot(slot) != value]
