"""Health conversations stay private: the running assistant, at DEBUG, logs nothing
a patient wrote and no sender id, on every channel and failure path; its action
server answers only the Rasa server (ACTION_SERVER_TOKEN) and inflates no bomb.

Started as `make run` starts it, with LOG_LEVEL=DEBUG; both servers write to one log.
"""
from __future__ import annotations

import os
import signal
import time
import uuid
import zlib

import pytest
import requests

from tests.conftest import twilio_settings
from tests.running_assistant import RunningAssistant
from tests.standins import wait_for
from tests.test_channels import new_phone, text_in, twilio_form
from tests.test_faults import action_server_pid
from tests.test_log_privacy import deflate_bomb
from tms.identity import sms_conversation, widget_conversation
from tms.report import conversation_code

pytestmark = pytest.mark.slow

MARKER = f"zqx-marker-{uuid.uuid4().hex[:10]}"
TOKEN = uuid.uuid4().hex
SECRET = uuid.uuid4().hex


@pytest.fixture(scope="module")
def assistant(twilio, tmp_path_factory):
    folder = tmp_path_factory.mktemp("private")
    running = RunningAssistant({
        "TRACKER_STORE_URL": f"sqlite:///{folder}/c.db", "LOG_LEVEL": "DEBUG",
        "TMS_ACTION_TIMEOUT_S": "2", "ACTION_SERVER_TOKEN": TOKEN,
        "TMS_REPORT_SECRET": SECRET, **twilio_settings(twilio)},
        folder / "assistant.log").start()
    yield running
    running.stop()


def test_nothing_a_patient_wrote_nor_who_they_are_reaches_the_log(assistant, twilio):
    phone, texter = new_phone(), new_phone()
    said = f"my dad had a stroke, {MARKER} how much does tms cost"
    # REST, answered through the action server (so the token reaches it)
    assert "Sources:" in assistant.say(phone, said)
    assert "long message" in assistant.say(phone, f"{MARKER} " + "x" * 20_000)
    assert assistant.post_rest(data=f'{{"sender": "{phone}", "message": {MARKER}',
                               headers={"Content-Type": "application/json"}
                               ).status_code == 400
    assert assistant.post_rest(json={"sender": phone, "message": 7, MARKER: MARKER}
                               ).status_code == 400
    # SMS, and a malformed one
    form = twilio_form(texter, f"is tms fda approved? {MARKER}")
    assert text_in(assistant, form).status_code == 200
    assert wait_for(lambda: twilio.to(texter))
    assert text_in(assistant, dict(form, Body=MARKER), "forged").status_code == 403
    assert text_in(assistant, {"From": texter, "Note": MARKER}).status_code == 400
    # the widget
    replies, token = assistant.widget_say(f"{MARKER} does tms hurt")
    assert replies
    session = widget_conversation(token, key=SECRET.encode())
    # The action server hangs: the Rasa server replies by itself, and a patient who
    # gives up waiting cancels the request (Rasa logs its text at ERROR for that).
    pid = action_server_pid(assistant)
    os.kill(pid, signal.SIGSTOP)
    try:
        assert "can't look that up" in assistant.say(phone, f"{MARKER} is it safe")
        time.sleep(2.5)  # the breaker lets the next message try the action server
        with pytest.raises(requests.Timeout):
            assistant.post_rest(timeout=0.5,
                                json={"sender": phone, "message": f"how many {MARKER}"})
        time.sleep(3)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert wait_for(lambda: "Sources:" in assistant.say(phone, "does tms hurt"), 20)

    log = assistant.log_path.read_text(errors="replace")
    leaked = [private for private in (MARKER, phone, phone[1:], texter, texter[1:],
                                      session, token, token.split(".")[0])
              if private in log]
    assert leaked == [], f"found in {assistant.log_path}"
    # ...while the log still says what happened, and to which conversation.
    assert "DEBUG" in log and "rest.message.received.timeout" in log
    assert "did not run action_answer_question (TimeoutError)" in log
    key = SECRET.encode()
    for sender in (phone, sms_conversation(texter), session):
        assert conversation_code(sender, key) in log, sender


def action_call(assistant, token=None, **kwargs) -> requests.Response:
    params = {"token": token} if token is not None else {}
    return requests.post(f"http://127.0.0.1:{assistant.action_port}/webhook",
                         params=params, timeout=30, **kwargs)


def test_the_action_server_answers_only_with_the_token(assistant):
    health = f"http://127.0.0.1:{assistant.action_port}/health"
    assert requests.get(health, timeout=10).status_code == 200
    assert action_call(assistant, json={"next_action": "action_disclaimer"}
                       ).status_code == 401
    assert action_call(assistant, "wrong", json={}).status_code == 401
    listed = requests.get(f"http://127.0.0.1:{assistant.action_port}/actions",
                          params={"token": TOKEN}, timeout=10)
    assert listed.status_code == 200
    assert {"name": "action_answer_question"} in listed.json()
    assert requests.get(f"http://127.0.0.1:{assistant.action_port}/actions",
                        timeout=10).status_code == 401


def test_a_deflate_bomb_gets_413_at_once_and_the_server_goes_on(assistant):
    bomb = deflate_bomb(128)  # about 130 KB sent
    headers = {"Content-Encoding": "deflate", "Content-Type": "application/json"}
    started = time.monotonic()
    assert action_call(assistant, TOKEN, data=bomb, headers=headers).status_code == 413
    assert time.monotonic() - started < 5
    assert action_call(assistant, TOKEN, data=b"not deflate",
                       headers=headers).status_code == 400
    # a deflate body within the limit is read as before
    small = zlib.compress(b'{"next_action": "no_such_action", "tracker": {}}')
    assert action_call(assistant, TOKEN, data=small, headers=headers).status_code == 404
    assert "Sources:" in assistant.say(f"p-{uuid.uuid4().hex[:8]}",
                                       "how much does tms cost for stroke")
