"""What the conversation already knows, for the NLU reading the next message.

Rasa's NLU components see one message, never the conversation: "can tms help that"
after "i lost my leg, the foot that isn't there burns" reads to them like any
question about anything. The processor does hold the conversation's tracker when it
parses a message, so here it hands the patient's condition (the ``condition`` slot,
set by earlier messages), the topic of the last answer (``last_topic``), and whether
the patient wrote anything before, to the components through context variables, for
exactly the duration of that parse.
``CoveredIntentClassifier`` uses them to read a short follow-up with the condition
spelled out (``tms.answering.in_context``), and to judge a question "off the
subject" only when it opens a conversation.
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Optional

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import UserUttered

from tms.patching import replace
from tms.names import SLOT_CONDITION, SLOT_LAST_TOPIC

#: The condition the conversation has established, while its next message is parsed.
CONVERSATION_CONDITION: ContextVar[Optional[str]] = ContextVar(
    "conversation_condition", default=None)
#: The topic the conversation's last answer was about.
CONVERSATION_TOPIC: ContextVar[Optional[str]] = ContextVar(
    "conversation_topic", default=None)
#: Whether the patient wrote before the message being parsed.
CONVERSATION_STARTED: ContextVar[bool] = ContextVar("conversation_started",
                                                    default=False)


def install_conversation_context() -> None:
    """Make the processor share the conversation's condition with the NLU."""

    def make(original: Any) -> Any:
        def _parse_message_with_graph(self: MessageProcessor, message: Any, tracker: Any,
                                      only_output_properties: bool = True) -> Any:
            condition = tracker.get_slot(SLOT_CONDITION) if tracker is not None else None
            started = tracker is not None and any(
                isinstance(event, UserUttered) for event in tracker.events)
            topic = tracker.get_slot(SLOT_LAST_TOPIC) if tracker is not None else None
            tokens = ((CONVERSATION_CONDITION, CONVERSATION_CONDITION.set(condition)),
                      (CONVERSATION_STARTED, CONVERSATION_STARTED.set(started)),
                      (CONVERSATION_TOPIC, CONVERSATION_TOPIC.set(topic)))
            try:
                return original(self, message, tracker, only_output_properties)
            finally:
                for variable, token in tokens:
                    variable.reset(token)
        return _parse_message_with_graph

    replace(MessageProcessor, "_parse_message_with_graph", make,
            "the conversation context for the NLU")
