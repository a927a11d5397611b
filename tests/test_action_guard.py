"""The Rasa server's guard on action-server calls: a time limit, its own reply, and a
breaker that stops making every patient wait while the action server is away."""
import asyncio
import json
import time

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from addons import action_guard
from addons.action_guard import Breaker
from tests.standins import LoopbackServer, QuietHandler

LIMIT_S = 0.3


class SlowActionServer(LoopbackServer):
    """An action server that answers after `delay` seconds (paused: a long delay)."""

    def __init__(self) -> None:
        self.delay = 1.0
        self.calls = 0
        stand_in = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                stand_in.calls += 1
                time.sleep(stand_in.delay)
                try:
                    self.reply(200, "application/json", json.dumps(
                        {"events": [], "responses": [{"text": "answered"}]}).encode())
                except OSError:  # the caller gave up
                    pass

        super().__init__(Handler)


@pytest.fixture
def guarded(monkeypatch):
    now = [0.0]
    breaker = Breaker(cool_s=2.0, clock=lambda: now[0])
    original = RemoteAction.run
    monkeypatch.setattr(action_guard, "ACTION_TIMEOUT_S", LIMIT_S)
    action_guard.install_action_guard(breaker)
    server = SlowActionServer()
    action = RemoteAction("action_answer_question",
                          EndpointConfig(url=server.url + "/webhook"))
    yield action, server, now
    RemoteAction.run = original
    server.stop()


def ask(action):
    tracker = DialogueStateTracker.from_events("patient", [])
    events = asyncio.run(action.run(CollectingOutputChannel(), None, tracker,
                                    Domain.empty()))
    return events[0].text


def test_an_away_action_server_is_waited_on_once_then_not(guarded):
    action, server, now = guarded
    # The stand-in answers after 1 s, the limit is 0.3 s: the guard's own reply (not
    # "answered") shows the limit cut the wait short. No clock is read: timings
    # belong to the benchmark, not to tests on a shared machine.
    for attempt in range(1, 4):  # three in a row: it is away
        assert "can't look that up" in ask(action)
        assert server.calls == attempt  # each of them was tried
    # while it is known to be away: the Rasa server's own reply, no call made
    for _ in range(5):
        assert "can't look that up" in ask(action)
    assert server.calls == 3
    # after 2 s one message tries it again; back and fast, answers come through
    server.delay = 0.0
    now[0] += 2.1
    assert ask(action) == "answered"
    assert ask(action) == "answered"


def test_an_error_reply_is_not_an_absence():
    error = action_guard.RasaException("Failed to execute custom action")
    assert not action_guard.unreachable(error)
    assert action_guard.unreachable(asyncio.TimeoutError())


def test_one_message_at_a_time_tries_a_server_that_was_away():
    now = [0.0]
    breaker = Breaker(cool_s=2.0, clock=lambda: now[0])
    assert breaker.allow()
    breaker.failed()
    breaker.succeeded()  # busy, not away: one failure between answers shuts nothing
    for _ in range(2):
        breaker.failed()
        assert breaker.allow()
    breaker.failed()  # the third in a row
    assert not breaker.allow()
    now[0] = 2.5
    assert breaker.allow()  # this one tries
    assert not breaker.allow()  # the others do not wait on it meanwhile
    breaker.failed()
    now[0] = 3.0
    assert not breaker.allow()
    now[0] = 4.6
    assert breaker.allow()
    breaker.succeeded()
    assert all(breaker.allow() for _ in range(3))


def test_a_server_silent_for_a_whole_time_limit_is_away_at_the_first_failure():
    now = [0.0]
    breaker = Breaker(cool_s=2.0, clock=lambda: now[0])
    breaker.succeeded()
    now[0] = action_guard.ACTION_TIMEOUT_S + 0.1  # nothing answered since
    breaker.failed()
    assert not breaker.allow()


def test_a_try_that_never_came_back_does_not_keep_the_breaker_shut():
    now = [0.0]
    breaker = Breaker(cool_s=2.0, clock=lambda: now[0])
    for _ in range(3):
        breaker.failed()
    now[0] = 2.5
    assert breaker.allow()  # tries, and is cancelled without a verdict
    now[0] = 2.6
    assert not breaker.allow()
    now[0] = 2.5 + action_guard.ACTION_TIMEOUT_S + 1.1
    assert breaker.allow()
    breaker.abandoned()
    assert breaker.allow()
