"""Never leave a patient without a reply when the action server is slow or down.

Rasa 3.6 waits up to five minutes for a custom action and, when the call fails,
sends nothing. Here every call to the action server has a short time limit
(``TMS_ACTION_TIMEOUT_S``, 3 s by default). When it runs out, or the server refuses
the connection or answers with an error, the Rasa server replies at once by itself:
an apology with the clinic's phone number and the emergency number, read from
``knowledge/clinic.yml``. A new conversation's session start falls back to Rasa's
built-in one, so the patient's first message (an emergency included) is still
answered. Emergency and urgent replies are domain responses: they never call the
action server; neither do the while-you-wait steps when it is away: the Rasa server
reads them from knowledge/ itself (what to do until the ambulance comes cannot wait
for a restart).
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, List, Optional

from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionSessionStart,
    RemoteAction,
)
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from addons.patching import replace
from tms import render
from tms.knowledge import KnowledgeError, clinic_contact
from tms.knowledge_store import KnowledgeStore
from tms.names import INTENT_WHILE_WAITING

logger = logging.getLogger(__name__)

#: The longest a patient waits for the action server before the Rasa server answers.
ACTION_TIMEOUT_S = float(os.environ.get("TMS_ACTION_TIMEOUT_S", "3"))
#: The reply's name in the conversation store and the evaluation scripts.
UNAVAILABLE = "utter_action_unavailable"


def unavailable_reply() -> str:
    phone, emergency = clinic_contact()
    call = f" or call the clinic at {phone}" if phone else ""
    return (f"I'm sorry, I can't look that up right now. Please try again in a "
            f"minute{call}. If this is an emergency, call {emergency} now.")


#: The reply's name when the Rasa server gives the while-you-wait steps by itself.
WHILE_WAITING_OFFLINE = "utter_while_waiting_unassisted"
_knowledge: List[KnowledgeStore] = []


def while_waiting_reply() -> Optional[BotUttered]:
    """The while-you-wait steps with their sources, from knowledge/ (checked for
    changes like the action server does), or None if they cannot be read."""
    try:
        if not _knowledge:
            _knowledge.append(KnowledgeStore())
        knowledge = _knowledge[0].current()
    except (KnowledgeError, OSError) as error:
        logger.warning("The while-you-wait steps could not be read: %s", error)
        return None
    entry = knowledge.entries_for(INTENT_WHILE_WAITING).get("general")
    if entry is None:
        return None
    message = render.answer(entry, knowledge.sources_of(entry))
    return BotUttered(render.web_text(message),
                      metadata={"utter_action": WHILE_WAITING_OFFLINE})


def _intent(tracker: Any) -> Optional[str]:
    return ((tracker.latest_message.intent or {}).get("name")
            if tracker.latest_message else None)


def install_action_guard() -> None:
    """Give RemoteAction.run a time limit and a reply of its own on failure."""

    def make(original: Any) -> Any:
        async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                      domain: Any) -> List[Event]:
            try:
                return await asyncio.wait_for(
                    original(self, output_channel, nlg, tracker, domain), ACTION_TIMEOUT_S)
            except ActionExecutionRejection:
                raise
            except (asyncio.TimeoutError, RasaException) as error:
                logger.warning("The action server did not run %s (%s): the Rasa server "
                               "replied by itself.", self.name(), type(error).__name__)
                if self.name() == ACTION_SESSION_START_NAME:
                    return await ActionSessionStart().run(output_channel, nlg, tracker,
                                                          domain)
                if _intent(tracker) == INTENT_WHILE_WAITING:
                    steps = while_waiting_reply()
                    if steps is not None:
                        return [steps]
                return [BotUttered(unavailable_reply(),
                                   metadata={"utter_action": UNAVAILABLE})]
        return run

    replace(RemoteAction, "run", make, "the action guard")
