"""Turn knowledge into the words and buttons a patient sees.

Every answer ends with where it came from: a Sources block naming each cited
source's title and publisher, and its link where it has one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from actions.conditions import LABELS, PATIENT_CONDITIONS
from actions.knowledge import Clinic, Entry, Source
from actions.names import ENTITY_CONDITION, INTENT_INFORM_CONDITION


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Message:
    text: str
    buttons: Sequence[Button] = field(default=())


def sources_block(sources: Sequence[Source]) -> str:
    lines = ["Sources:"]
    for source in sources:
        line = f"- {source.title} ({source.publisher})"
        if source.url:
            line += f" {source.url}"
        lines.append(line)
    return "\n".join(lines)


def answer(entry: Entry, sources: Sequence[Source], detailed: bool = False) -> Message:
    body = entry.text
    if detailed and entry.details:
        body = f"{entry.text}\n\n{entry.details}"
    return Message(f"{body}\n\n{sources_block(sources)}")


def condition_button(condition: str) -> Button:
    payload = f"/{INTENT_INFORM_CONDITION}" + json.dumps({ENTITY_CONDITION: condition})
    return Button(LABELS[condition].capitalize(), payload)


def ask_condition(options: Sequence[str] = PATIENT_CONDITIONS) -> Message:
    names = " or ".join(LABELS[c] for c in options)
    return Message(f"Are you asking about {names}?",
                   [condition_button(c) for c in options])


def contact_line(clinic: Clinic) -> str:
    return (f"You can contact {clinic.name}: phone {clinic.phone}, email "
            f"{clinic.email} ({clinic.hours}).")


def no_sourced_answer(clinic: Clinic, condition: Optional[str]) -> Message:
    scope = f" for {LABELS[condition]}" if condition in LABELS else ""
    return Message(f"I'm sorry, I don't have a sourced answer to that{scope}. "
                   + contact_line(clinic))


def condition_noted(condition: str) -> Message:
    return Message(f"Thank you. I'll answer with {LABELS[condition]} in mind. "
                   "What would you like to know? For example: is TMS FDA approved, "
                   "when should it start, what does it cost, or does it replace "
                   "therapy?")


def as_button_dicts(buttons: Sequence[Button]) -> List[dict]:
    return [b.as_dict() for b in buttons]
