"""Rasa SDK actions: translate between the tracker and the plain modules."""
from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tms import answering, render, support
from tms.answering import Turn
from tms.knowledge import KnowledgeBase
from tms.knowledge_store import FixedKnowledge, KnowledgeStore
from tms.names import (
    ACTION_ANSWER,
    ACTION_DISCLAIMER,
    ACTION_FALLBACK,
    ACTION_FEEDBACK,
    ACTION_HANDOFF,
    ENTITY_CONDITION,
    ENTITY_THERAPY,
    INTENT_FEEDBACK_POSITIVE,
    INTENT_FRUSTRATION,
    INTENT_NOT_IN_SOURCES,
    INTENT_SAFETY_FOLLOWUP,
    INTENT_SOMETHING_ELSE,
    INTENT_WHILE_WAITING,
    SLOT_CONDITION,
    SLOT_DISCLAIMER_DUE,
    SLOT_FEEDBACK,
    SLOT_HANDOFF,
    SLOT_LAST_ENTRY,
    SLOT_LAST_TOPIC,
    SLOT_MISSES,
    SLOT_PENDING_TOPIC,
    SLOT_SAFETY_LEVEL,
    SLOT_THERAPY,
    SLOT_UNANSWERED,
)

#: Slots that record something for staff: set every time, even to the same value.
RECORD_SLOTS = (SLOT_HANDOFF, SLOT_FEEDBACK, SLOT_UNANSWERED)
#: What the patient told us, kept when an idle conversation starts a new session.
CARRIED_SLOTS = (SLOT_CONDITION, SLOT_THERAPY, SLOT_LAST_TOPIC, SLOT_LAST_ENTRY)


@functools.lru_cache(maxsize=1)
def shared_store() -> KnowledgeStore:
    """One store for all actions, made when the action server registers them."""
    return KnowledgeStore()


class KnowledgeAction(Action, ABC):
    """An action that decides a Turn from one snapshot of the current knowledge and
    sends it; the first reply of a session ends with the disclaimer."""

    def __init__(self, knowledge: Optional[KnowledgeBase] = None) -> None:
        self._store = (FixedKnowledge(knowledge) if knowledge is not None
                       else shared_store())

    @abstractmethod
    def name(self) -> Text:
        """The action's name in domain.yml."""

    @abstractmethod
    def decide(self, tracker: Tracker, knowledge: KnowledgeBase) -> Turn:
        """What to say and which slots to set."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = self._store.current()  # one snapshot per request
        turn = self.decide(tracker, knowledge)
        if (tracker.get_slot(SLOT_SAFETY_LEVEL) is not None and _intent(tracker)
                not in (INTENT_WHILE_WAITING, INTENT_SAFETY_FOLLOWUP)):
            # The person moved on from the emergency: "can it wait?" is ordinary again.
            turn.slots[SLOT_SAFETY_LEVEL] = None
        if tracker.get_slot(SLOT_DISCLAIMER_DUE) is not False:
            # The first reply of the session ends with the disclaimer (no extra call).
            turn.messages.append(render.Message(knowledge.clinic.disclaimer))
            turn.slots[SLOT_DISCLAIMER_DUE] = False
        for message in turn.messages:
            dispatcher.utter_message(**render.outgoing(message))
        # Only changes, besides records: every event is replayed on each later turn.
        return [SlotSet(slot, value) for slot, value in turn.slots.items()
                if slot in RECORD_SLOTS or tracker.get_slot(slot) != value]


def _intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _entity_values(tracker: Tracker, entity: str) -> Iterable[str]:
    return [e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == entity]


class ActionAnswerQuestion(KnowledgeAction):
    """Answer the question topic the patient asked, from knowledge/, with sources."""

    def name(self) -> Text:
        return ACTION_ANSWER

    def decide(self, tracker: Tracker, knowledge: KnowledgeBase) -> Turn:
        intent = _intent(tracker)
        if intent == INTENT_NOT_IN_SOURCES:
            intent = _follow_up(tracker, knowledge) or intent
        return answer(tracker, knowledge, intent)


def answer(tracker: Tracker, knowledge: KnowledgeBase, intent: Optional[str]) -> Turn:
    """Answer ``intent`` for what the conversation knows of the patient."""
    return answering.respond(
        knowledge,
        intent=intent,
        condition_slot=tracker.get_slot(SLOT_CONDITION),
        mentioned=_entity_values(tracker, ENTITY_CONDITION),
        pending_topic=tracker.get_slot(SLOT_PENDING_TOPIC),
        last_topic=tracker.get_slot(SLOT_LAST_TOPIC),
        therapies=_entity_values(tracker, ENTITY_THERAPY),
    )


def _follow_up(tracker: Tracker, knowledge: KnowledgeBase) -> Optional[str]:
    """The topic of a short follow-up the classifier was unsure of, read in context."""
    latest = tracker.latest_message or {}
    # Something said before this message: an answered topic, or a condition known
    # from an earlier message (a condition named in this one fills the slot too).
    in_conversation = (tracker.get_slot(SLOT_LAST_TOPIC) is not None
                       or (tracker.get_slot(SLOT_CONDITION) is not None
                           and not _entity_values(tracker, ENTITY_CONDITION)))
    return answering.follow_up_topic(latest.get("text"), latest.get("intent_ranking") or [],
                                     in_conversation, knowledge.topics)


class ActionFallback(KnowledgeAction):
    """Low confidence or "something else": offer likely topics, then the clinic."""

    def name(self) -> Text:
        return ACTION_FALLBACK

    def decide(self, tracker: Tracker, knowledge: KnowledgeBase) -> Turn:
        topic = _follow_up(tracker, knowledge)
        if topic and _intent(tracker) != INTENT_SOMETHING_ELSE:
            return answer(tracker, knowledge, topic)
        return support.fallback(
            knowledge,
            ranking=(tracker.latest_message or {}).get("intent_ranking") or [],
            misses=tracker.get_slot(SLOT_MISSES) or 0,
            something_else=_intent(tracker) == INTENT_SOMETHING_ELSE,
        )


class ActionHandoff(KnowledgeAction):
    """The clinic's contact details, recorded as a handoff request."""

    def name(self) -> Text:
        return ACTION_HANDOFF

    def decide(self, tracker: Tracker, knowledge: KnowledgeBase) -> Turn:
        reason = (support.FRUSTRATED if _intent(tracker) == INTENT_FRUSTRATION
                  else support.ASKED)
        return support.handoff(knowledge, reason)


class ActionRecordFeedback(KnowledgeAction):
    """Whether an answer helped, recorded against the entry shown."""

    def name(self) -> Text:
        return ACTION_FEEDBACK

    def decide(self, tracker: Tracker, knowledge: KnowledgeBase) -> Turn:
        return support.feedback(knowledge,
                                helpful=_intent(tracker) == INTENT_FEEDBACK_POSITIVE,
                                last_entry=tracker.get_slot(SLOT_LAST_ENTRY))


class ActionDisclaimer(KnowledgeAction):
    """Once per session, after the first reply when that reply is a plain response
    (greeting, thanks...): education, not advice or emergencies. It says nothing of
    its own; KnowledgeAction.run adds the disclaimer when it is due."""

    def name(self) -> Text:
        return ACTION_DISCLAIMER

    def decide(self, tracker: Tracker, knowledge: KnowledgeBase) -> Turn:
        return Turn()


class ActionSessionStart(Action):
    """A new session keeps what the patient told us and owes the disclaimer again."""

    def name(self) -> Text:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        carried = [SlotSet(slot, tracker.get_slot(slot)) for slot in CARRIED_SLOTS
                   if tracker.get_slot(slot) is not None]
        return [SessionStarted(), *carried, SlotSet(SLOT_DISCLAIMER_DUE, True),
                ActionExecuted("action_listen")]
