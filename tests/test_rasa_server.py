"""The faster action-response validation keeps Rasa's checks."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from addons.rasa_server import install_cached_action_validation

GOOD = {"events": [{"event": "slot", "name": "condition", "value": "stroke",
                    "timestamp": None}],
        "responses": [{"text": "No. TMS is not FDA-cleared for stroke.", "buttons": []}]}


@pytest.fixture(scope="module")
def action():
    original = RemoteAction._validate_action_result
    install_cached_action_validation()
    yield RemoteAction("action_answer_question", None)
    RemoteAction._validate_action_result = original


def test_valid_response_is_checked_with_the_prebuilt_validator(action, monkeypatch):
    """What made Rasa's own check slow (15 ms a reply): building a validator from the
    schema, and checking the schema, on every reply. After the patch neither happens."""
    import jsonschema

    def rebuilt(*args, **kwargs):
        raise AssertionError("the schema was checked and a validator built for one reply")

    # Rasa's own check imports jsonschema.validate on every reply
    monkeypatch.setattr(jsonschema, "validate", rebuilt)
    for _ in range(20):
        assert action._validate_action_result(GOOD) is True


@pytest.mark.parametrize("bad", [
    {"events": [{"event": "slot"}], "responses": []},
    {"events": [], "responses": "not a list"},
])
def test_invalid_response_is_still_rejected_with_rasas_message(action, bad):
    with pytest.raises(ValidationError, match="Failed to validate Action server"):
        action._validate_action_result(bad)


def test_the_nlu_sees_the_conversation_condition_while_a_message_is_parsed(monkeypatch):
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from addons import conversation_context
    from addons.conversation_context import CONVERSATION_CONDITION, CONVERSATION_STARTED

    seen = []
    monkeypatch.setattr(MessageProcessor, "_parse_message_with_graph",
                        lambda self, message, tracker, only=True: seen.append(
                            (CONVERSATION_CONDITION.get(), CONVERSATION_STARTED.get()))
                        or {})
    conversation_context.install_conversation_context()
    first = DialogueStateTracker.from_events("c", [])
    later = DialogueStateTracker.from_events("c", [UserUttered("my dad had a stroke"),
                                                   SlotSet("condition", "stroke")])
    MessageProcessor._parse_message_with_graph(None, None, first)
    MessageProcessor._parse_message_with_graph(None, None, later)
    assert seen == [(None, False), ("stroke", True)]
    # only while that message is parsed
    assert (CONVERSATION_CONDITION.get(), CONVERSATION_STARTED.get()) == (None, False)


def test_a_private_method_our_code_relies_on_is_checked_at_start_up():
    from tms.patching import require

    class Store:
        def _retrieve(self):
            pass

    require(Store, "_retrieve", purpose="reading")
    with pytest.raises(RuntimeError, match="has no _acquire_lock"):
        require(Store, "_retrieve", "_acquire_lock", purpose="locking")
