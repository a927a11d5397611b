"""A patient always gets a reply, even when the action server hangs or dies.

Runs the assistant as `make run` does, then pauses its action server (SIGSTOP):
every message still gets an answer from the Rasa server within a few seconds, a
new conversation's emergency included; after SIGCONT, answers come back. Then kills
each server (SIGKILL): the launcher starts it again by itself, the other keeps
serving meanwhile, and the conversation goes on where it was.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import pytest
import requests

from tests.conftest import shipped_knowledge, web_answer
from tests.running_assistant import RunningAssistant
from tests.standins import wait_for
from tms.conditions import LABELS, PHANTOM_LIMB_PAIN, STROKE

pytestmark = pytest.mark.slow


def server_pid(pattern: str) -> int:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True,
                           text=True).stdout.split()
    return int(found[0]) if found else 0


def action_server_pid(assistant: RunningAssistant) -> int:
    return server_pid(
        f"actions.server --actions actions --port {assistant.action_port}")


def rasa_server_pid(assistant: RunningAssistant) -> int:
    return server_pid(f"addons.rasa_server run .* --port {assistant.rasa_port}")


@pytest.fixture(scope="module")
def kb():
    """What knowledge/ (which these assistants serve) says at test time."""
    return shipped_knowledge(today=None)


def stroke_fda_only(kb, reply: str) -> bool:
    """The stroke FDA answer with its sources, and not the other condition's."""
    return (reply.startswith(web_answer(kb, kb.entries[("fda_status", STROKE)]))
            and f"For {LABELS[PHANTOM_LIMB_PAIN]}" not in reply)



@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    running = RunningAssistant({"TRACKER_STORE_URL": f"sqlite:///{folder}/c.db",
                                "TMS_ACTION_TIMEOUT_S": "2"},
                               folder / "assistant.log").start()
    yield running
    running.stop()


def test_a_paused_action_server_never_silences_the_assistant(assistant, kb):
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
        caller = f"p-{uuid.uuid4().hex[:8]}"
        emergency = assistant.say(caller, "my husbands face is drooping and he cant talk")
        assert time.monotonic() - started < 5
        assert emergency.startswith("This may be a stroke")
        # What to do until the ambulance comes cannot wait for the action server: the
        # Rasa server reads the steps, with their source, from knowledge/ itself.
        started = time.monotonic()
        steps = assistant.say(caller, "the ambulance is on its way, what do we do")
        assert time.monotonic() - started < 5
        assert steps.startswith(web_answer(kb, kb.entries[("while_waiting", "general")]))
    finally:
        os.kill(pid, signal.SIGCONT)
    # Answers again within seconds (the action server is tried again after 2 s).
    assert wait_for(lambda: "Sources:" in assistant.say(
        sender, "how many sessions would i need"), 15)


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


def test_a_killed_action_server_comes_back_by_itself(assistant):
    sender = f"p-{uuid.uuid4().hex[:8]}"
    assert "Sources:" in assistant.say(sender, "my dad had a stroke, does tms hurt?")
    old = action_server_pid(assistant)
    os.kill(old, signal.SIGKILL)
    # meanwhile the Rasa server answers on its own, emergencies included
    assert "can't look that up right now" in assistant.say(sender, "how many sessions")
    assert assistant.say(sender, "his face is drooping right now and he cant talk"
                         ).startswith("This may be a stroke")
    assert wait_for(lambda: action_server_pid(assistant) not in (0, old), 20)
    assert wait_for(lambda: "Sources:" in assistant.say(
        f"p-{uuid.uuid4().hex[:8]}", "how much does tms cost"), 60)
    assert "The action server stopped" in assistant.log_tail(200)
    assert assistant.process.poll() is None  # the launcher itself never stopped


def test_a_killed_rasa_server_comes_back_with_the_conversation(assistant, kb):
    sender = f"p-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "my husband had a stroke in may")
    old = rasa_server_pid(assistant)
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: rasa_server_pid(assistant) not in (0, old), 20)

    def answers() -> bool:
        try:
            return "Sources:" in assistant.say(sender, "how many sessions would he need")
        except requests.RequestException:
            return False

    assert wait_for(answers, 240)
    # the condition told before the crash is still known: the stroke answer only
    assert stroke_fda_only(kb, assistant.say(sender, "is it fda approved"))
    assert "The Rasa server stopped" in assistant.log_tail(400)


def test_a_database_outage_keeps_replies_and_loses_no_turn(postgres_database,
                                                            tmp_path, kb):
    """PostgreSQL goes away mid-conversation: answers and emergency replies go on,
    the condition told before is still known, and when it answers again every turn
    said meanwhile is in the store, in order."""
    from addons.tracker_store import RETRY_S
    from tests.conftest import stored_events
    from tests.standins import CuttableProxy

    proxy = CuttableProxy(5432)
    url = postgres_database.replace("localhost:5432", f"127.0.0.1:{proxy.port}")
    running = RunningAssistant({"TRACKER_STORE_URL": url},
                               tmp_path / "assistant.log").start()
    sender = f"p-{uuid.uuid4().hex[:8]}"
    try:
        running.say(sender, "my husband had a stroke in may")
        proxy.cut()
        assert stroke_fda_only(kb, running.say(sender, "is it fda approved"))
        assert running.say(sender, "his face is drooping right now and he cant talk"
                           ).startswith("This may be a stroke")
        time.sleep(RETRY_S)
        proxy.restore()
        assert "Sources:" in running.say(sender, "how much does it cost")

        def said() -> list:
            return [data.get("text") for kind, data in stored_events(
                postgres_database, sender) if kind == "user"]
        # Written once the database is due again (at most RETRY_S after the last
        # failed try, which the server's own background retries may have made).
        everything = ["my husband had a stroke in may", "is it fda approved",
                      "his face is drooping right now and he cant talk",
                      "how much does it cost"]
        assert wait_for(lambda: said() == everything, 2 * RETRY_S + 2), said()
    finally:
        running.stop()
        proxy.close()
