"""What the conversation already knows, for the NLU reading the next message.

Rasa's NLU components see one message, never the conversation: "can tms help that"
after "i lost my leg, the foot that isn't there burns" reads to them like any
question about anything. The processor does hold the conversation's tracker when it
parses a message, so here it hands the patient's condition (the ``condition`` slot,
set by earlier messages) to the components through a context variable, for exactly
the duration of that parse. ``CoveredIntentClassifier`` uses it to read a short
follow-up with the condition spelled out (``tms.answering.in_context``).
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Optional

from rasa.core.processor import MessageProcessor

from addons.patching import replace
from tms.names import SLOT_CONDITION

#: The condition the conversation has established, while its next message is parsed.
CONVERSATION_CONDITION: ContextVar[Optional[str]] = ContextVar(
    "conversation_condition", default=None)


def install_conversation_context() -> None:
    """Make the processor share the conversation's condition with the NLU."""

    def make(original: Any) -> Any:
        def _parse_message_with_graph(self: MessageProcessor, message: Any, tracker: Any,
                                      only_output_properties: bool = True) -> Any:
            condition = tracker.get_slot(SLOT_CONDITION) if tracker is not None else None
            token = CONVERSATION_CONDITION.set(condition)
            try:
                return original(self, message, tracker, only_output_properties)
            finally:
                CONVERSATION_CONDITION.reset(token)
        return _parse_message_with_graph

    replace(MessageProcessor, "_parse_message_with_graph", make,
            "the conversation context for the NLU")
