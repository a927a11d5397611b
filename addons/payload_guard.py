"""Button payloads only from our own buttons.

Rasa reads any message that starts with ``/`` as a button payload: ``/emergency{"crisis_line":
"X"}`` typed as text would skip the language understanding (and the safety screen's
decision) and set entities that a reply shows. Here a message starting with ``/`` is
taken as a payload only when the assistant offered exactly that payload earlier in the
same conversation; anything else is read as the words the patient typed, without the
slash, through the whole pipeline.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Set

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered
from rasa.shared.constants import INTENT_MESSAGE_PREFIX

from tms.patching import replace

logger = logging.getLogger(__name__)


def offered_payloads(events: Iterable[Any]) -> Set[str]:
    """Every button payload the assistant has shown in this conversation."""
    offered = set()
    for event in events:
        if isinstance(event, BotUttered):
            for button in (event.data or {}).get("buttons") or []:
                if isinstance(button, dict) and button.get("payload"):
                    offered.add(str(button["payload"]).strip())
    return offered


def as_typed(text: str, events: Iterable[Any]) -> str:
    """The text to understand: a payload we offered stays one; any other text that
    starts with the payload prefix loses it and is read as words."""
    stripped = (text or "").strip()
    if not stripped.startswith(INTENT_MESSAGE_PREFIX):
        return text
    if stripped in offered_payloads(events):
        return stripped
    return stripped.lstrip(INTENT_MESSAGE_PREFIX).strip()


def install_payload_guard() -> None:
    """Make the processor check payloads against what was offered before parsing."""

    def make(original: Any) -> Any:
        async def parse_message(self: MessageProcessor, message: Any, tracker: Any = None,
                                only_output_properties: bool = True) -> Any:
            events = tracker.events if tracker is not None else ()
            checked = as_typed(message.text, events)
            if checked != (message.text or "").strip():
                logger.info("A typed message started with '/' but is no offered "
                            "payload: read as text.")
            message.text = checked
            return await original(self, message, tracker, only_output_properties)
        return parse_message

    replace(MessageProcessor, "parse_message", make, "the payload guard")
