"""What to say when the assistant cannot answer, when a patient wants a person, and
when they tell us whether an answer helped. Free of Rasa types, like answering.py."""
from __future__ import annotations

from typing import Iterable, Mapping, Optional

from tms import render
from tms.answering import Turn
from tms.knowledge import KnowledgeBase
from tms.names import SLOT_FEEDBACK, SLOT_HANDOFF, SLOT_MISSES

#: Why a handoff happened, recorded in the conversation for staff.
ASKED = "asked"
FRUSTRATED = "frustrated"
UNANSWERED = "unanswered"


def fallback(kb: KnowledgeBase, ranking: Iterable[Mapping], misses: float,
             something_else: bool = False) -> Turn:
    """First miss: offer the two likeliest topics. Second miss in a row: the clinic.

    Never the same reply twice in a row, and never a loop.
    """
    turn = Turn()
    if misses >= 1:
        turn.messages.append(render.still_unanswered(kb.clinic))
        turn.slots[SLOT_MISSES] = 0.0
        turn.slots[SLOT_HANDOFF] = UNANSWERED
        return turn
    turn.slots[SLOT_MISSES] = 1.0
    topics = [] if something_else else _likely_topics(kb, ranking)
    if topics:
        turn.messages.append(render.did_you_mean(
            [render.Button(kb.question(t), f"/{t}") for t in topics]))
    else:
        turn.messages.append(render.rephrase())
    return turn


def _likely_topics(kb: KnowledgeBase, ranking: Iterable[Mapping]) -> list:
    names = [r.get("name") for r in ranking]
    return [n for n in names if n in kb.topics][:2]


def handoff(kb: KnowledgeBase, reason: str) -> Turn:
    """The clinic's contact details, and a record that a person was asked for."""
    turn = Turn([render.handoff(kb.clinic)])
    turn.slots[SLOT_HANDOFF] = reason
    turn.slots[SLOT_MISSES] = 0.0
    return turn


def feedback(kb: KnowledgeBase, helpful: bool, last_entry: Optional[str]) -> Turn:
    """Thank the patient and record the verdict against the entry they were shown."""
    turn = Turn([render.feedback_thanks(helpful, kb.clinic)])
    verdict = "helpful" if helpful else "not_helpful"
    turn.slots[SLOT_FEEDBACK] = f"{verdict}:{last_entry or 'none'}"
    return turn
