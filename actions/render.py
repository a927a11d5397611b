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
from actions.names import (
    ENTITY_CONDITION,
    INTENT_FEEDBACK_NEGATIVE,
    INTENT_FEEDBACK_POSITIVE,
    INTENT_INFORM_CONDITION,
    INTENT_SOMETHING_ELSE,
)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict:
        return {"title": self.title, "payload": self.payload}


FEEDBACK_BUTTONS = (Button("Helpful", f"/{INTENT_FEEDBACK_POSITIVE}"),
                    Button("Not helpful", f"/{INTENT_FEEDBACK_NEGATIVE}"))


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
    return Message(f"{body}\n\n{sources_block(sources)}", FEEDBACK_BUTTONS)


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


def contact_details(clinic: Clinic) -> str:
    return (f"{clinic.name}\nPhone: {clinic.phone}\nEmail: {clinic.email}\n"
            f"Hours: {clinic.hours}\nWebsite: {clinic.website}")


def did_you_mean(options: Sequence[Button]) -> Message:
    return Message("Sorry, I'm not sure I understood. Did you mean one of these?",
                   [*options, Button("Something else", f"/{INTENT_SOMETHING_ELSE}")])


def rephrase() -> Message:
    return Message("Could you tell me your question in other words? For example: "
                   "\"Does TMS hurt?\" You can also ask to talk to a person.")


def still_unanswered(clinic: Clinic) -> Message:
    return Message("I'm sorry, I can't find an answer to that. The clinic's staff can "
                   "help:\n\n" + contact_details(clinic))


def handoff(clinic: Clinic) -> Message:
    return Message("You can reach the clinic's staff here:\n\n" + contact_details(clinic)
                   + "\n\nPlease contact them directly; I can't pass on messages.")


def feedback_thanks(helpful: bool, clinic: Clinic) -> Message:
    if helpful:
        return Message("Thank you for telling me. Is there anything else you'd like "
                       "to know?")
    return Message("Thank you for telling me, and I'm sorry it didn't help. "
                   + contact_line(clinic))


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
