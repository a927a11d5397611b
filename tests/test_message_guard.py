"""The NLU components that guard the pipeline, on real Rasa messages."""
from rasa.shared.nlu.training_data.message import Message

from actions.names import INPUT_PROBLEM, INTENT_BAD_INPUT
from addons.message_guard import BadInputOverride, InputGuard


def guard(text, max_chars=1000):
    message = Message(data={"text": text})
    InputGuard({"max_chars": max_chars}).process([message])
    return message


def classified(message, intent="fda_status", confidence=0.9):
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("entities", [{"entity": "condition", "value": "stroke"}],
                add_to_output=True)
    BadInputOverride({}).process([message])
    return message


def test_long_text_is_capped_before_nlu_and_flagged():
    message = guard("x" * 100_000, max_chars=500)
    assert len(message.get("text")) == 500
    assert message.get(INPUT_PROBLEM) == "too_long"
    assert INPUT_PROBLEM in message.as_dict(only_output_properties=True)


def test_flagged_message_becomes_bad_input_with_the_problem_entity():
    message = classified(guard("😀😀"))
    assert message.get("intent") == {"name": INTENT_BAD_INPUT, "confidence": 1.0}
    assert message.get("entities") == [{
        "entity": INPUT_PROBLEM, "value": "no_words", "start": 0, "end": 0,
        "extractor": "BadInputOverride"}]


def test_classifier_bad_input_is_marked_unclear():
    message = classified(guard("asdfgh"), intent=INTENT_BAD_INPUT)
    assert message.get("entities")[0]["value"] == "unclear"


def test_normal_question_passes_untouched():
    message = classified(guard("<b>is tms fda approved</b>"))
    assert message.get("text") == "is tms fda approved"
    assert message.get("intent")["name"] == "fda_status"
    assert message.get("entities") == [{"entity": "condition", "value": "stroke"}]
    assert message.get(INPUT_PROBLEM) is None


def test_training_data_is_left_alone():
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message(data={"text": "<b>hi</b>", "intent": "greet"})])
    assert InputGuard({"max_chars": 1000}).process_training_data(data) is data
    assert data.training_examples[0].get("text") == "<b>hi</b>"
