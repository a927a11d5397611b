"""A patient always gets a reply, even when the action server hangs or refuses.

Runs the assistant as `make run` does, then pauses its action server (SIGSTOP):
every message still gets an answer from the Rasa server within a few seconds, a
new conversation's emergency included; after SIGCONT, answers come back.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import pytest

from tests.running_assistant import RunningAssistant

pytestmark = pytest.mark.slow


def action_server_pid(assistant: RunningAssistant) -> int:
    found = subprocess.run(
        ["pgrep", "-f", f"rasa_sdk --actions actions --port {assistant.action_port}"],
        capture_output=True, text=True, check=True).stdout.split()
    return int(found[0])


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    running = RunningAssistant({"TRACKER_STORE_URL": f"sqlite:///{folder}/c.db",
                                "TMS_ACTION_TIMEOUT_S": "2"},
                               folder / "assistant.log").start()
    yield running
    running.stop()


def test_a_paused_action_server_never_silences_the_assistant(assistant):
    sender = f"p-{uuid.uuid4().hex[:8]}"
    assert "Sources:" in assistant.say(sender, "how much does tms cost for phantom pain")
    pid = action_server_pid(assistant)
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = assistant.say(sender, "how many sessions would i need")
        assert time.monotonic() - started < 5
        assert "can't look that up right now" in reply and "911" in reply
        # A new conversation's first message: the session start falls back too, and an
        # emergency reply comes from the Rasa server itself.
        started = time.monotonic()
        emergency = assistant.say(f"p-{uuid.uuid4().hex[:8]}",
                                  "my husbands face is drooping and he cant talk")
        assert time.monotonic() - started < 5
        assert emergency.startswith("This may be a stroke")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert "Sources:" in assistant.say(sender, "how many sessions would i need")


def test_the_action_server_listens_on_loopback_only(assistant):
    import socket

    addresses = subprocess.run(["hostname", "-I"], capture_output=True,
                               text=True).stdout.split()
    outside = next((a for a in addresses if ":" not in a and not a.startswith("127.")),
                   None)
    if outside is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with socket.socket() as inside:
        inside.settimeout(2)
        assert inside.connect_ex(("127.0.0.1", assistant.action_port)) == 0
    with socket.socket() as other:
        other.settimeout(2)
        assert other.connect_ex((outside, assistant.action_port)) != 0
    # the Rasa server itself still answers from outside (channels reach it)
    with socket.socket() as rasa:
        rasa.settimeout(2)
        assert rasa.connect_ex((outside, assistant.rasa_port)) == 0
