"""Decide what to say to a question: the dialogue logic, free of Rasa types.

The action hands in what the tracker knows (intent, condition slot, conditions
named in the message, the question waiting for a condition) and gets back the
messages to send and the slots to set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Union

from tms import render
from tms.conditions import (
    GENERAL,
    PATIENT_CONDITIONS,
    PHANTOM_LIMB_PAIN,
    STROKE,
    THERAPY_CONDITION,
    normalize_condition,
    normalize_therapy,
)
from tms.knowledge import Entry, KnowledgeBase
from tms.names import (
    INTENT_INFORM_CONDITION,
    INTENT_TELL_ME_MORE,
    SLOT_CONDITION,
    SLOT_LAST_ENTRY,
    SLOT_LAST_TOPIC,
    SLOT_MISSES,
    SLOT_PENDING_TOPIC,
    SLOT_UNANSWERED,
)


@dataclass(frozen=True)
class Answer:
    entry: Entry


@dataclass(frozen=True)
class NeedCondition:
    topic: str
    options: tuple


@dataclass(frozen=True)
class NoAnswer:
    topic: str
    condition: Optional[str]


Selection = Union[Answer, NeedCondition, NoAnswer]


def select(kb: KnowledgeBase, topic: str, condition: Optional[str]) -> Selection:
    """Pick the entry for a topic: the condition's own, else the general one.

    With the condition unknown, the general answer serves; without one, a topic
    whose answer differs by condition needs the condition first, and a topic with a
    single answer gets that answer.
    """
    entries = kb.entries_for(topic)
    specific = tuple(c for c in PATIENT_CONDITIONS if c in entries)
    if condition in PATIENT_CONDITIONS:
        chosen = entries.get(condition) or entries.get(GENERAL)
        # Never pass another condition's answer off as this one's.
        return Answer(chosen) if chosen else NoAnswer(topic, condition)
    if GENERAL in entries:
        return Answer(entries[GENERAL])
    if len(specific) > 1:
        return NeedCondition(topic, specific)
    if specific:
        return Answer(entries[specific[0]])
    return NoAnswer(topic, condition)


@dataclass
class Turn:
    """What to send and which slots to set, in order."""

    messages: List[render.Message] = field(default_factory=list)
    slots: Dict[str, Optional[str]] = field(default_factory=dict)


def respond(kb: KnowledgeBase, intent: Optional[str], condition_slot: Optional[str],
            mentioned: Iterable[str] = (), pending_topic: Optional[str] = None,
            last_topic: Optional[str] = None, therapies: Iterable[str] = ()) -> Turn:
    """Answer a question topic; or the question that was waiting for a condition; or,
    when the patient names a condition after an answer ("and for phantom pain?"), the
    same topic for that condition; or "tell me more" with the longer answer. A therapy
    named in the question ("mirror therapy") picks the condition it belongs to when
    the patient's own condition is unknown, for this answer only."""
    named_now = _latest_condition(mentioned)
    condition = named_now or normalize_condition(condition_slot)
    turn = Turn()
    if condition:
        turn.slots[SLOT_CONDITION] = condition
    elif condition_slot is not None:
        turn.slots[SLOT_CONDITION] = None  # not a condition we know: forget it

    detailed = False
    if intent == INTENT_TELL_ME_MORE:
        if last_topic not in kb.topics:
            turn.messages.append(render.more_about_what())
            return turn
        topic, detailed = last_topic, True
    elif intent == INTENT_INFORM_CONDITION:
        if pending_topic and pending_topic in kb.topics:
            topic = pending_topic
        elif last_topic in kb.topics and named_now:
            topic = last_topic  # "and for phantom pain?" after an answer
        elif condition:
            turn.messages.append(render.condition_noted(condition))
            return turn
        else:
            turn.messages.append(render.ask_condition())
            return turn
    elif intent in kb.topics:
        topic = intent
    else:
        turn.messages.append(render.no_sourced_answer(kb.clinic, condition))
        turn.slots[SLOT_PENDING_TOPIC] = None
        turn.slots[SLOT_UNANSWERED] = f"{intent}/{condition or 'unknown'}"
        return turn

    selection = select(kb, topic, condition or _condition_of_therapy(therapies))
    if isinstance(selection, NeedCondition):
        # Answer first: each condition's short answer, labelled, with its sources;
        # naming the condition (a button) then tailors this same question.
        by_condition = kb.entries_for(topic)
        entries = [by_condition[c] for c in selection.options]
        sources = []
        for entry in entries:
            sources.extend(s for s in kb.sources_of(entry) if s not in sources)
        turn.messages.append(render.answer_each(entries, sources))
        turn.slots[SLOT_PENDING_TOPIC] = topic
        turn.slots[SLOT_LAST_TOPIC] = topic
        turn.slots[SLOT_LAST_ENTRY] = entries[0].key
        turn.slots[SLOT_MISSES] = 0.0
        return turn
    turn.slots[SLOT_PENDING_TOPIC] = None
    turn.slots[SLOT_LAST_TOPIC] = topic
    if isinstance(selection, NoAnswer):
        turn.messages.append(render.no_sourced_answer(kb.clinic, condition))
        turn.slots[SLOT_LAST_ENTRY] = None
        turn.slots[SLOT_UNANSWERED] = f"{topic}/{condition or 'unknown'}"
        return turn
    entry = selection.entry
    if detailed and not entry.details:
        turn.messages.append(render.nothing_more())
    turn.messages.append(render.answer(entry, kb.sources_of(entry), detailed=detailed))
    turn.slots[SLOT_LAST_ENTRY] = entry.key
    turn.slots[SLOT_MISSES] = 0.0
    return turn


# A message that leans on what was said before: a pronoun for the person or the
# treatment, or an elliptical opener ("and the cost?", "what about boosters").
_REFERS_BACK = re.compile(
    r"\b(?:he|she|him|her|his|hers|they|them|their|it|its|that|this|those|then|too|"
    r"also|either)\b|^\s*(?:and|so|but|what about|how about|ok|okay)\b", re.IGNORECASE)
#: A follow-up this short is read in the conversation's context.
FOLLOW_UP_MAX_WORDS = 10
#: ...and takes the best topic the classifier saw, if it gave it at least this.
FOLLOW_UP_MIN_CONFIDENCE = 0.08


#: What a follow-up's "he", "it" or "that" stands for, once the condition is known.
_CONDITION_PHRASE = {STROKE: "after a stroke", PHANTOM_LIMB_PAIN: "for phantom limb pain"}


def in_context(text: Optional[str], condition: Optional[str]) -> Optional[str]:
    """A short follow-up that leans on what was said before, with the conversation's
    condition spelled out ("can tms help that" -> "can tms help that for phantom limb
    pain"): what the classifier reads when the words alone leave it unsure. None when
    the message is no such follow-up or no condition is known."""
    phrase = _CONDITION_PHRASE.get(condition or "")
    if not phrase or not refers_back(text):
        return None
    return f"{text.rstrip(' ?!.')} {phrase}"


def refers_back(text: Optional[str], max_words: int = FOLLOW_UP_MAX_WORDS) -> bool:
    """A short message (at most `max_words`) that leans on what was said before ("and
    the cost?", "can he do it")."""
    return bool(text and len(text.split()) <= max_words
                and _REFERS_BACK.search(text))


def follow_up_topic(text: Optional[str], ranking: Sequence[dict],
                    in_conversation: bool, topics: Iterable[str]) -> Optional[str]:
    """The topic a short follow-up asks about ("can he do tms", "is it even something
    that helps"), when the classifier was unsure and the conversation already has a
    person or topic it refers back to; else None. Its best topic guess is taken:
    the context says it is a question about this person's TMS, not a new subject."""
    if not in_conversation or not refers_back(text):
        return None
    known = set(topics)
    for item in list(ranking)[:3]:
        name, confidence = item.get("name"), item.get("confidence") or 0.0
        if name in known and confidence >= FOLLOW_UP_MIN_CONFIDENCE:
            return name
    return None


def _condition_of_therapy(therapies: Iterable[str]) -> Optional[str]:
    found = {THERAPY_CONDITION.get(normalize_therapy(t)) for t in therapies} - {None}
    return found.pop() if len(found) == 1 else None


def _latest_condition(mentioned: Iterable[str]) -> Optional[str]:
    """The last condition named in the message, if any was recognised."""
    found = [c for c in (normalize_condition(m) for m in mentioned) if c]
    return found[-1] if found else None
