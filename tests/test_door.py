"""Requests are bounded at the door: oversized or malformed REST calls get a 4xx that
says why, and nothing is stored for them."""
from __future__ import annotations

import uuid

import pytest
import requests

from addons.door import MAX_SENDER_CHARS, rest_problem
from tests.conftest import stored_events
from tests.running_assistant import RunningAssistant


@pytest.mark.parametrize("body, problem", [
    ({"sender": "a", "message": "hi"}, None),
    (["not", "an", "object"], "JSON object"),
    ({"message": "hi"}, "'sender' is required"),
    ({"sender": "x" * (MAX_SENDER_CHARS + 1), "message": "hi"}, "at most 128"),
    ({"sender": "a", "message": 42}, "'message' is required"),
    ({"sender": "sms:+15551234567", "message": "hi"}, "may not start with"),
    ({"sender": "web-0123456789abcdef", "message": "hi"}, "may not start with"),
])
def test_what_is_wrong_with_a_rest_body(body, problem):
    found = rest_problem(body)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.slow
def test_the_running_assistant_refuses_bad_requests_and_stores_nothing(tmp_path):
    store = f"sqlite:///{tmp_path}/c.db"
    assistant = RunningAssistant({"TRACKER_STORE_URL": store},
                                 tmp_path / "assistant.log").start()
    try:
        url = f"{assistant.url}/webhooks/rest/webhook"
        long_sender = "x" * 20_000
        cases = [
            (dict(data=b"not json", headers={"Content-Type": "application/json"}), 400),
            (dict(json=["a list"]), 400),
            (dict(json={"message": "does tms hurt"}), 400),
            (dict(json={"sender": long_sender, "message": "does tms hurt"}), 400),
            (dict(data=b"x" * (3 * 1024 * 1024),
                  headers={"Content-Type": "application/json"}), 413),
        ]
        for kwargs, status in cases:
            reply = requests.post(url, timeout=30, **kwargs)
            assert reply.status_code == status, (kwargs.get("json"), reply.text[:200])
        assert stored_events(store, long_sender) == []
        assert stored_events(store, "default") == []
        # ...an ordinary call still works, and a long message is stored capped
        sender = f"p-{uuid.uuid4().hex[:8]}"
        assert assistant.say(sender, "does tms hurt")
        assert "long message" in assistant.say(sender, "please help " * 5_000)
        stored = [d.get("text") or "" for k, d in stored_events(store, sender)
                  if k == "user"]
        assert max(len(t) for t in stored) == 10_000
    finally:
        assistant.stop()
