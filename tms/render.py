"""Turn knowledge into the words and buttons a patient sees.

Every answer ends with where it came from: a Sources block naming each cited
source's title and publisher, and its link where it has one.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence
from urllib.parse import urlsplit

from tms.conditions import LABELS, PATIENT_CONDITIONS
from tms.knowledge import Clinic, Entry, Source
from tms.names import (
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
class Reference:
    """A cited source as a patient sees it."""

    title: str
    publisher: str
    url: Optional[str] = None

    @classmethod
    def of(cls, source: Source) -> "Reference":
        return cls(source.title, source.publisher, source.url)

    def as_dict(self) -> dict:
        return {"title": self.title, "publisher": self.publisher, "url": self.url}


@dataclass(frozen=True)
class Message:
    """What to say, channel-neutral: text, buttons, and the sources it rests on."""

    text: str
    buttons: Sequence[Button] = field(default=())
    sources: Sequence[Reference] = field(default=())
    emergency: bool = False
    #: What the reply is (``answer``, ``not_in_sources``, ``ask_condition``...) and
    #: the knowledge entries it shows: recorded with the bot event for staff reports
    #: and the evaluation (``scripts/evaluate.py``), never shown.
    kind: str = ""
    entries: Sequence[str] = field(default=())


def sources_block(sources: Sequence[Source]) -> str:
    lines = ["Sources:"]
    for source in sources:
        line = f"- {source.title} ({source.publisher})"
        if source.url:
            line += f" {source.url}"
        lines.append(line)
    return "\n".join(lines)


ANSWER = "answer"
NOT_IN_SOURCES = "not_in_sources"
ASK_CONDITION = "ask_condition"


def answer(entry: Entry, sources: Sequence[Source], detailed: bool = False) -> Message:
    body = entry.text
    if detailed and entry.details:
        body = f"{entry.text}\n\n{entry.details}"
    return Message(body, FEEDBACK_BUTTONS, tuple(Reference.of(s) for s in sources),
                   kind=ANSWER, entries=(entry.key,))


def answer_each(entries: Sequence[Entry], sources: Sequence[Source]) -> Message:
    """Each condition's short answer, labelled, when the patient's condition is not
    known yet; buttons tailor the answer to one of them."""
    parts = [f"For {LABELS[e.condition]}: {e.text}" for e in entries]
    parts.append("Tell me which applies and I'll keep to it.")
    return Message("\n\n".join(parts),
                   [condition_button(e.condition) for e in entries] + list(FEEDBACK_BUTTONS),
                   tuple(Reference.of(s) for s in sources),
                   kind=ANSWER, entries=tuple(e.key for e in entries))


def web_text(message: Message) -> str:
    """The text for the web widget and REST: the Sources block ends it."""
    if not message.sources:
        return message.text
    return f"{message.text}\n\n{sources_block(message.sources)}"


# --- Channels ---------------------------------------------------------------------
# Actions hand Rasa `outgoing(message)`. Rasa keeps the extra PAYLOAD_KEY field in the
# bot event's metadata and passes it to the output channel, which calls
# `from_bot_message` and renders for itself: `for_widget` (the website widget),
# `sms_parts` (SMS and WhatsApp). Channels we do not render for (REST) read `text`,
# which already ends with the Sources block.

#: Where the channel-neutral form travels in a bot message.
PAYLOAD_KEY = "tms"
#: Responses in domain.yml whose name starts with this are emergency replies.
EMERGENCY_RESPONSE_PREFIX = "utter_emergency_"


def outgoing(message: Message) -> Dict[str, Any]:
    """The keyword arguments for `dispatcher.utter_message`."""
    return {"text": web_text(message), "buttons": as_button_dicts(message.buttons),
            PAYLOAD_KEY: {"body": message.text,
                          "sources": [s.as_dict() for s in message.sources],
                          "kind": message.kind, "entries": list(message.entries)}}


def from_bot_message(bot: Mapping[str, Any]) -> Message:
    """Back to a Message from what Rasa hands an output channel: an action's
    `outgoing` form or a plain response from domain.yml."""
    payload = bot.get(PAYLOAD_KEY)
    payload = payload if isinstance(payload, Mapping) else {}
    body = payload.get("body") if isinstance(payload.get("body"), str) else None
    sources = tuple(
        Reference(str(s.get("title") or ""), str(s.get("publisher") or ""),
                  s.get("url") if isinstance(s.get("url"), str) else None)
        for s in payload.get("sources") or () if isinstance(s, Mapping))
    buttons = tuple(Button(str(b.get("title") or ""), str(b.get("payload") or ""))
                    for b in bot.get("buttons") or () if isinstance(b, Mapping))
    emergency = str(bot.get("utter_action") or "").startswith(EMERGENCY_RESPONSE_PREFIX)
    return Message(body if body is not None else str(bot.get("text") or ""),
                   buttons, sources, emergency)


def safe_link(url: Optional[str]) -> Optional[str]:
    """The URL if a browser may open it as a link (http or https), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def for_widget(message: Message) -> Dict[str, Any]:
    """The website widget's event: it shows every field as text, never as HTML."""
    return {"text": message.text,
            "buttons": as_button_dicts(message.buttons),
            "sources": [dict(s.as_dict(), url=safe_link(s.url))
                        for s in message.sources],
            "emergency": message.emergency}


#: A messaging-app reply that picks a numbered choice: "1", "2)", "#2".
NUMBERED_CHOICE = re.compile(r"\s*#?\s*(\d{1,2})\s*[.)]?\s*")


def numbered_choice(text: str, buttons: Sequence[Button]) -> Optional[Button]:
    """The button a messaging-app reply of "1", "2)", "#2"... picks, else None."""
    match = NUMBERED_CHOICE.fullmatch(text or "")
    if not match or not 1 <= int(match.group(1)) <= len(buttons):
        return None
    return buttons[int(match.group(1)) - 1]


#: The longest single SMS body a provider accepts (Twilio: 1,600 characters).
SMS_LIMIT = 1600


def sms_parts(message: Message, limit: int = SMS_LIMIT) -> List[str]:
    """The message as plain SMS: numbered choices, numbered source references, split
    within the limit at paragraph, then sentence, then word boundaries (never inside
    a link)."""
    blocks = [message.text if not message.emergency else f"URGENT: {message.text}"]
    if message.sources:
        blocks.append("Sources:\n" + "\n".join(
            f"[{i}] {s.title} ({s.publisher})" + (f" {s.url}" if s.url else "")
            for i, s in enumerate(message.sources, start=1)))
    if message.buttons:
        blocks.append("\n".join(f"Reply {i} for {b.title}"
                                for i, b in enumerate(message.buttons, start=1)))
    return _pack(blocks, limit)


def _pack(blocks: Sequence[str], limit: int) -> List[str]:
    parts: List[str] = []
    for block in blocks:
        pieces = [block] if len(block) <= limit else [
            piece for sentence in re.split(r"(?<=[.!?])\s+", block)
            for piece in (_words(sentence, limit) if len(sentence) > limit
                          else [sentence])]
        for position, piece in enumerate(pieces):
            joiner = "\n\n" if position == 0 else " "
            if parts and len(parts[-1]) + len(joiner) + len(piece) <= limit:
                parts[-1] += joiner + piece
            else:
                parts.append(piece)
    return parts


def _words(text: str, limit: int) -> List[str]:
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return lines + ([current] if current else [])


def condition_button(condition: str) -> Button:
    payload = f"/{INTENT_INFORM_CONDITION}" + json.dumps({ENTITY_CONDITION: condition})
    return Button(LABELS[condition].capitalize(), payload)


def ask_condition(options: Sequence[str] = PATIENT_CONDITIONS) -> Message:
    names = " or ".join(LABELS[c] for c in options)
    return Message(f"Are you asking about {names}?",
                   [condition_button(c) for c in options], kind=ASK_CONDITION)


def more_about_what() -> Message:
    return Message("What would you like to know more about? For example: how TMS "
                   "works, how many sessions, or what it costs.")


def nothing_more() -> Message:
    return Message("That's everything my sources say about this:")


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
    return Message(f"I'm sorry, my sources don't cover that{scope}, so I can't "
                   "answer it. " + contact_line(clinic), kind=NOT_IN_SOURCES)


def condition_noted(condition: str) -> Message:
    return Message(f"Thank you. I'll answer with {LABELS[condition]} in mind. "
                   "What would you like to know? For example: is TMS FDA approved, "
                   "when should it start, what does it cost, or does it replace "
                   "therapy?")


def as_button_dicts(buttons: Sequence[Button]) -> List[dict]:
    return [b.as_dict() for b in buttons]
