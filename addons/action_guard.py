"""Never leave a patient without a reply when the action server is slow or down.

Rasa 3.6 waits up to five minutes for a custom action and, when the call fails,
sends nothing. Here every call to the action server has a short time limit
(``TMS_ACTION_TIMEOUT_S``, 3 s by default). When it runs out, or the server refuses
the connection or answers with an error, the Rasa server replies at once by itself:
an apology with the clinic's phone number and the emergency number, read from
``knowledge/clinic.yml``. A new conversation's session start falls back to Rasa's
built-in one, so the patient's first message (an emergency included) is still
answered. After the action server failed to answer, having answered nothing for a
whole time limit (or three times in a row), it is not waited on for ``TMS_ACTION_RETRY_S`` (2 s): messages meanwhile get that reply at
once, then one message tries it again (a circuit breaker), so an outage under load
costs each patient at most one time limit, not one per message.

Emergency and urgent replies are domain responses: they never call the action
server. Neither do the while-you-wait steps when it is away: the Rasa server reads
them from knowledge/ itself (what to do until the ambulance comes cannot wait for a
restart).
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Callable, List, Optional

import aiohttp

from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionSessionStart,
    RemoteAction,
)
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from tms.patching import replace
from tms import render
from tms.knowledge import KnowledgeError, clinic_contact
from tms.knowledge_store import KnowledgeStore
from tms.names import INTENT_WHILE_WAITING

logger = logging.getLogger(__name__)

#: The longest a patient waits for the action server before the Rasa server answers.
ACTION_TIMEOUT_S = float(os.environ.get("TMS_ACTION_TIMEOUT_S", "3"))
#: After the action server failed to answer, it is not waited on for this long.
BREAKER_S = float(os.environ.get("TMS_ACTION_RETRY_S", "2"))
#: Failures in a row (no answer in between) that mean the action server is away.
FAILURES_IN_A_ROW = 3
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


class Breaker:
    """Fail fast while the action server is known to be away. After it timed out or
    refused a connection having answered nothing for a whole time limit (or three
    times in a row), messages get the Rasa server's own reply at once for ``cool_s``
    seconds instead of each waiting out the time limit; then one message at a time
    tries it again, until one gets through."""

    def __init__(self, cool_s: float = BREAKER_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._cool_s = cool_s
        self._clock = clock
        self._failed = False
        self._failures = 0
        self._trying = False
        self._trying_since = 0.0
        self._closed_until = 0.0
        self._last_answer = clock()

    def allow(self) -> bool:
        if not self._failed:
            return True
        now = self._clock()
        # One message tries at a time; one that never came back (cancelled) no longer
        # counts after the time limit.
        if now < self._closed_until or (
                self._trying and now < self._trying_since + ACTION_TIMEOUT_S + 1):
            return False
        self._trying, self._trying_since = True, now
        return True

    def succeeded(self) -> None:
        self._failed = self._trying = False
        self._failures = 0
        self._last_answer = self._clock()

    def abandoned(self) -> None:
        self._trying = False

    def failed(self) -> None:
        self._failures += 1
        self._trying = False
        # A server that answers some calls is busy, not away. Away: it answered
        # nothing for a whole time limit, or failed three times in a row, or failed
        # the one try after a pause.
        silent = self._clock() - self._last_answer >= ACTION_TIMEOUT_S
        if silent or self._failures >= FAILURES_IN_A_ROW or self._failed:
            self._failed = True
            self._closed_until = self._clock() + self._cool_s


def unreachable(error: BaseException) -> bool:
    """The action server did not answer (time limit, connection refused or cut), as
    opposed to answering with an error."""
    return isinstance(error, asyncio.TimeoutError) or isinstance(
        error.__cause__ or error.__context__, aiohttp.ClientConnectionError)


async def own_reply(action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                    domain: Any) -> List[Event]:
    """What the Rasa server says by itself when the action server cannot."""
    if action.name() == ACTION_SESSION_START_NAME:
        return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
    if _intent(tracker) == INTENT_WHILE_WAITING:
        steps = while_waiting_reply()
        if steps is not None:
            return [steps]
    return [BotUttered(unavailable_reply(), metadata={"utter_action": UNAVAILABLE})]


def install_action_guard(breaker: Optional[Breaker] = None) -> None:
    """Give RemoteAction.run a time limit, a reply of its own on failure, and a
    breaker that stops waiting on an action server that is away."""
    breaker = breaker or Breaker()

    def make(original: Any) -> Any:
        async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                      domain: Any) -> List[Event]:
            if not breaker.allow():
                return await own_reply(self, output_channel, nlg, tracker, domain)
            try:
                events = await asyncio.wait_for(
                    original(self, output_channel, nlg, tracker, domain), ACTION_TIMEOUT_S)
            except ActionExecutionRejection:
                breaker.succeeded()
                raise
            except (asyncio.TimeoutError, RasaException) as error:
                if unreachable(error):
                    breaker.failed()
                else:
                    breaker.succeeded()  # it answered, with an error
                logger.warning("The action server did not run %s (%s): the Rasa server "
                               "replied by itself.", self.name(), type(error).__name__)
                return await own_reply(self, output_channel, nlg, tracker, domain)
            except BaseException:  # cancelled (the patient left): no verdict
                breaker.abandoned()
                raise
            breaker.succeeded()
            return events
        return run

    replace(RemoteAction, "run", make, "the action guard")
