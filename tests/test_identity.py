"""Who may speak for a conversation: each channel names only its own conversations.

Impersonation is tried as an attacker would against the running assistant: a REST
caller naming a texter's phone number or a widget conversation, a browser presenting
a made-up, altered or expired session token, a REST call without the token when one
is set. None of them reaches the patient's stored conversation.
"""
from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.conftest import stored_events, twilio_settings
from tests.running_assistant import RunningAssistant
from tests.standins import wait_for
from tests.test_channels import new_phone, text_in, twilio_form
from tms.identity import (SESSION_HOURS, issue_session, reserved, sms_address,
                          sms_conversation, widget_conversation)

KEY = b"test-key"
SECRET = uuid.uuid4().hex
REST_TOKEN = uuid.uuid4().hex


# --- the ids, on their own --------------------------------------------------------

def test_a_session_token_names_its_conversation_until_it_expires():
    token = issue_session(now=1000.0, key=KEY)
    conversation = widget_conversation(token, now=1001.0, key=KEY)
    assert conversation and conversation.startswith("web-")
    # reissued for the same conversation, e.g. when the widget reconnects
    assert widget_conversation(issue_session(conversation, now=2000.0, key=KEY),
                               now=2001.0, key=KEY) == conversation
    assert widget_conversation(token, now=1000.0 + SESSION_HOURS * 3600 + 1,
                               key=KEY) is None


@pytest.mark.parametrize("forge", [
    lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # signature altered
    lambda token: token.replace(token.split(".")[1], "9999999999"),  # expiry pushed
    lambda token: token.split(".")[0],  # the id part alone
    lambda token: "web-" + token.split(".")[0],  # the stored conversation id
    lambda token: issue_session(now=1000.0, key=b"another-server"),
    lambda token: None,
    lambda token: {"session_id": token},
])
def test_a_made_up_or_altered_token_names_no_conversation(forge):
    token = issue_session(now=1000.0, key=KEY)
    assert widget_conversation(forge(token), now=1001.0, key=KEY) is None


def test_sms_conversations_are_their_own_namespace():
    assert sms_conversation("+15551234567") == "sms:+15551234567"
    assert sms_conversation("whatsapp:+15551234567") == "whatsapp:+15551234567"
    assert sms_address("sms:+15551234567") == "+15551234567"
    assert sms_address("whatsapp:+15551234567") == "whatsapp:+15551234567"
    assert all(reserved(s) for s in ("sms:+1555", "SMS:+1555", "whatsapp:+1", "web-ab"))
    assert not reserved("+15551234567") and not reserved("patient-42")


# --- against the running assistant ------------------------------------------------

@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('identity')}/c.db"


@pytest.fixture(scope="module")
def assistant(twilio, store_url, tmp_path_factory):
    running = RunningAssistant({
        "TRACKER_STORE_URL": store_url, "REST_TOKEN": REST_TOKEN,
        "TMS_REPORT_SECRET": SECRET, **twilio_settings(twilio)},
        tmp_path_factory.mktemp("logs") / "assistant.log").start()
    yield running
    running.stop()


def rest(assistant, sender: str, text: str, token=REST_TOKEN) -> requests.Response:
    return assistant.post_rest(token, json={"sender": sender, "message": text})


def widget(assistant, token, text: str) -> str:
    """Send one widget message with the session token offered; the token issued."""
    return assistant.widget_say(text, token)[1]


def said(store_url, conversation) -> list:
    return [d.get("text") for kind, d in stored_events(store_url, conversation)
            if kind == "user"]


@pytest.mark.slow
def test_no_channel_can_speak_for_another_channels_conversation(assistant, twilio,
                                                               store_url):
    phone = new_phone()
    assert text_in(assistant, twilio_form(phone, "my husband had a stroke, does tms "
                                                 "hurt")).status_code == 200
    wait_for(lambda: twilio.to(phone), 60)
    texter = sms_conversation(phone)
    before = said(store_url, texter)
    assert before == ["my husband had a stroke, does tms hurt"]

    # REST naming the texter: refused outright, or a conversation of its own
    for sender in (texter, "SMS:" + phone, "whatsapp:" + phone):
        assert rest(assistant, sender, "what does it cost").status_code == 400
    assert rest(assistant, phone, "what does it cost").status_code == 200
    assert said(store_url, phone) == ["what does it cost"]
    # no REST call without the token, even for its own conversations
    assert rest(assistant, phone, "tell me more", token=None).status_code == 401
    assert rest(assistant, phone, "tell me more", token="guess").status_code == 401
    assert said(store_url, phone) == ["what does it cost"]

    # a widget conversation, and attempts to join it
    token = widget(assistant, None, "is tms fda approved")
    conversation = widget_conversation(token, key=SECRET.encode())
    assert said(store_url, conversation) == ["is tms fda approved"]
    for forged in (conversation, token.split(".")[0], token[:-1] + "x",
                   issue_session(conversation, key=b"not-the-server")):
        other = widget(assistant, forged, "what does it cost")
        assert widget_conversation(other, key=SECRET.encode()) != conversation
    assert rest(assistant, conversation, "what does it cost").status_code == 400
    assert said(store_url, conversation) == ["is tms fda approved"]
    # ...while the patient's own token, reissued, keeps their conversation going
    again = widget(assistant, token, "how many sessions")
    assert widget_conversation(again, key=SECRET.encode()) == conversation
    assert said(store_url, conversation) == ["is tms fda approved", "how many sessions"]
    assert said(store_url, texter) == before  # the texter's conversation untouched
    # Replies to the texter went to their number, never to the prefixed id.
    time.sleep(1)
    assert twilio.to(texter) == []
