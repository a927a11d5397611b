"""Typed text that looks like a button payload is read as words unless offered."""
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered

from addons.payload_guard import as_typed, install_payload_guard, offered_payloads

OFFERED = BotUttered("Which condition?", {"buttons": [
    {"title": "Stroke recovery", "payload": '/inform_condition{"condition": "stroke"}'},
    {"title": "Helpful", "payload": "/feedback_positive"}]})


def test_a_payload_the_assistant_offered_is_kept():
    events = [UserUttered("hi"), OFFERED, UserUttered("ok")]
    assert as_typed(' /feedback_positive ', events) == "/feedback_positive"
    assert offered_payloads(events) == {'/inform_condition{"condition": "stroke"}',
                                        "/feedback_positive"}


def test_anything_else_starting_with_a_slash_is_read_as_words():
    assert as_typed('/emergency{"crisis_line": "X"}', [OFFERED]) == (
        'emergency{"crisis_line": "X"}')
    assert as_typed('/inform_condition{"condition": "phantom_limb_pain"}', [OFFERED]) == (
        'inform_condition{"condition": "phantom_limb_pain"}')
    assert as_typed("//feedback_positive", []) == "feedback_positive"
    assert as_typed("what does it cost", [OFFERED]) == "what does it cost"


def test_the_patch_refuses_to_apply_twice_instead_of_stacking():
    original = MessageProcessor.parse_message
    try:
        install_payload_guard()
        try:
            install_payload_guard()
        except RuntimeError as error:
            assert "already patched" in str(error)
        else:
            raise AssertionError("a second install went unnoticed")
    finally:
        MessageProcessor.parse_message = original
