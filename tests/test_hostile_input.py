"""Hostile input through every channel: no 5xx, no crash, no slow reply, nothing
stored for a refused request, no typed payload reaching an intent or entity.

Generated deterministically (a fixed seed): REST bodies that are not JSON, not
objects, of the wrong types, deeply nested, with huge, reserved or control-character
senders; messages with markup, SQL, format strings, null bytes, right-to-left
overrides, typed payloads that try to set the crisis line; socket.io sessions and
messages of every wrong shape; Twilio calls unsigned, signed with odd fields, or
signed for other content. ``make test`` sends ``HOSTILE_INPUTS`` (default 600) of
them; ``make security`` sends 10,000.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid
from typing import Callable, List, Tuple

import pytest
import requests
import socketio

from tests.conftest import stored_events, twilio_settings
from tests.running_assistant import RunningAssistant
from tests.test_channels import new_phone, text_in, twilio_form
from tms.identity import sms_conversation

pytestmark = pytest.mark.slow

COUNT = int(os.environ.get("HOSTILE_INPUTS", "600"))
EVIL = "EVIL-" + uuid.uuid4().hex[:8]  # a value no reply or entity may ever carry
#: What a patient waits for, at most, for any reply or refusal (a shared 2-core
#: machine: the 99th percentile is held to it, the slowest to five times it).
REPLY_LIMIT_S = 1.0

WORDS = [
    "<script>alert(1)</script>", "'; DROP TABLE events; --", "%s%s%n%x", "\x00",
    "\u202e", "\u200b", "../../etc/passwd", "{{7*7}}", "${jndi:ldap://x}", "\ufeff",
    "🧠⚡", "ﷺ", "Ω≈ç√", "\r\n\r\n", "\x1b[31m", "NaN", "null", "[]", "{}",
    "is tms safe", "what does it cost", "my dad had a stroke",
    f'/emergency{{"crisis_line": "{EVIL}"}}', f'/inform_condition{{"condition": "{EVIL}"}}',
    f'/emergency{{"emergency_number": "{EVIL}"}}', "/restart", "/session_start",
    f"/feedback_positive{{\"x\": \"{EVIL}\"}}",
]


def hostile_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(1, 60)))
    if kind < 0.25:
        return rng.choice(WORDS) * rng.randrange(50, 3000)
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 8)))


def rest_case(rng: random.Random) -> Tuple[dict, str]:
    """requests.post keyword arguments, and the sender it names (or "")."""
    sender = rng.choice([f"h-{uuid.uuid4().hex[:10]}", "sms:" + new_phone(),
                         "web-" + uuid.uuid4().hex, "x" * rng.randrange(129, 5000),
                         "", " ", hostile_text(rng)[:100]])
    shape = rng.randrange(8)
    if shape == 0:
        return dict(data=bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))),
                    headers={"Content-Type": "application/json"}), ""
    if shape == 1:
        return dict(json=rng.choice([[], "text", 42, None, [sender]])), ""
    if shape == 2:
        nested: object = hostile_text(rng)
        for _ in range(rng.randrange(50, 400)):
            nested = {"a": nested}
        return dict(json={"sender": sender, "message": nested}), sender
    if shape == 3:
        return dict(json={"sender": rng.choice([7, None, [], {}]),
                          "message": hostile_text(rng)}), ""
    if shape == 4:
        return dict(json={"sender": sender, "message": hostile_text(rng),
                          "metadata": {"k": hostile_text(rng)}}), sender
    return dict(json={"sender": sender, "message": hostile_text(rng)}), sender


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('hostile')}/c.db"


@pytest.fixture(scope="module")
def assistant(twilio, store_url, tmp_path_factory):
    running = RunningAssistant({"TRACKER_STORE_URL": store_url,
                                **twilio_settings(twilio)},
                               tmp_path_factory.mktemp("logs") / "assistant.log").start()
    yield running
    running.stop()


def timed(call: Callable[[], requests.Response]) -> Tuple[int, float]:
    start = time.perf_counter()
    status = call().status_code
    return status, time.perf_counter() - start


def test_hostile_input_gets_a_precise_answer_and_leaves_nothing_behind(
        assistant, twilio, store_url):
    rng = random.Random(20261124)
    url = f"{assistant.url}/webhooks/rest/webhook"
    statuses, durations, refused_senders, accepted = [], [], [], []
    session = requests.Session()
    widget_share, sms_share = 0.1, 0.1
    sio = socketio.Client()
    sio.connect(assistant.url, transports=["polling"])
    try:
        for _ in range(COUNT):
            roll = rng.random()
            if roll < widget_share:
                # every wrong shape of socket.io event: never an error, never a crash
                event = rng.choice(["session_request", "user_uttered",
                                    "delete_conversation"])
                sio.emit(event, rng.choice([None, 7, "x", [1], {"session_id": [1]},
                                            {"session_id": hostile_text(rng)},
                                            {"message": 7},
                                            {"message": hostile_text(rng)}]))
                continue
            if roll < widget_share + sms_share:
                phone = rng.choice([new_phone(), hostile_text(rng)[:40]])
                form = twilio_form(phone, hostile_text(rng))
                signed = rng.random() < 0.5
                status, took = timed(lambda: text_in(
                    assistant, form, None if signed else rng.choice(["", "forged"])))
                statuses.append(status)
                durations.append(took)
                if status >= 400 and phone:
                    refused_senders.append(sms_conversation(phone))
                elif status == 200:
                    accepted.append(sms_conversation(phone))
                continue
            kwargs, sender = rest_case(rng)
            status, took = timed(lambda: session.post(url, timeout=60, **kwargs))
            statuses.append(status)
            durations.append(took)
            if status >= 400 and isinstance(sender, str) and sender:
                refused_senders.append(sender)
            elif status == 200:
                accepted.append(sender)
    finally:
        sio.disconnect()

    assert not [s for s in statuses if s >= 500], sorted(set(statuses))
    assert requests.get(f"{assistant.url}/", timeout=10).status_code == 200
    assert assistant.say(f"after-{uuid.uuid4().hex[:8]}", "does tms hurt")
    ordered = sorted(durations)
    p99 = ordered[int(len(ordered) * 0.99)]
    by_status = {code: statuses.count(code) for code in sorted(set(statuses))}
    print(f"\n{COUNT} hostile inputs ({len(statuses)} HTTP, the rest socket.io): "
          f"statuses {by_status}; p50 {statistics.median(ordered) * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, slowest {ordered[-1] * 1000:.0f} ms")
    assert p99 <= REPLY_LIMIT_S and ordered[-1] <= 5 * REPLY_LIMIT_S, (
        f"p50 {statistics.median(ordered):.3f} s, p99 {p99:.3f} s, "
        f"max {ordered[-1]:.3f} s")
    # refused: nothing stored under the sender it named (unless another, accepted
    # request named the same one)
    only_refused = set(refused_senders) - set(accepted)
    assert only_refused and all(stored_events(store_url, s) == [] for s in only_refused)
    # accepted: no typed payload set an intent or an entity, no reply carried it
    assert accepted
    for sender in set(accepted):
        for kind, data in stored_events(store_url, sender):
            parsed = data.get("parse_data") or {}
            assert EVIL not in json.dumps(parsed.get("entities") or []), sender
            assert EVIL not in json.dumps(data.get("value") or ""), sender
            if kind == "bot":
                assert EVIL not in (data.get("text") or ""), sender
