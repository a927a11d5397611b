"""The NLU components that guard the pipeline, on real Rasa messages."""
import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from tms.names import (
    INPUT_PROBLEM,
    INTENT_BAD_INPUT,
    INTENT_EMERGENCY,
    INTENT_SAFETY_FOLLOWUP,
    INTENT_URGENT,
    INTENT_WHILE_WAITING,
)
from addons import message_guard
from addons.message_guard import InputGuard, InputOverride


def guard(text, max_chars=1000):
    message = Message(data={"text": text})
    InputGuard({"max_chars": max_chars}).process([message])
    return message


def classified(message, intent="fda_status", confidence=0.9, ranking=None):
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", ranking or [{"name": intent, "confidence": confidence}],
                add_to_output=True)
    message.set("entities", [{"entity": "condition", "value": "stroke"}],
                add_to_output=True)
    InputOverride(InputOverride.get_default_config()).process([message])
    return message


def entities(message):
    return {e["entity"]: e["value"] for e in message.get("entities")}


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
        "extractor": "InputOverride"}]


def test_classifier_bad_input_is_marked_unclear():
    message = classified(guard("asdfgh"), intent=INTENT_BAD_INPUT)
    assert entities(message) == {INPUT_PROBLEM: "unclear"}


def test_normal_question_passes_untouched():
    message = classified(guard("<b>is tms fda approved</b>"))
    assert message.get("text") == "is tms fda approved"
    assert message.get("intent")["name"] == "fda_status"
    assert message.get("entities") == [{"entity": "condition", "value": "stroke"}]


def test_emergency_overrides_whatever_the_classifier_said():
    message = classified(guard("my wife's face is drooping and she can't talk"),
                         intent="timing", confidence=0.99)
    assert message.get("intent") == {"name": INTENT_EMERGENCY, "confidence": 1.0}
    assert entities(message) == {"emergency_type": "stroke_signs",
                                 "safety_level": "emergency",
                                 "emergency_number": "911", "crisis_line": "988"}


def test_emergency_inside_an_oversized_message_still_wins():
    message = classified(guard("i want to kill myself " + "x" * 5000))
    assert entities(message)["emergency_type"] == "self_harm"


def test_emergency_numbers_come_from_the_clinic_file(monkeypatch):
    monkeypatch.setattr(message_guard, "emergency_numbers", lambda: ("112", "116 123"))
    message = classified(guard("i think im having a heart attack"))
    assert entities(message) == {"emergency_type": "chest_pain",
                                 "safety_level": "emergency",
                                 "emergency_number": "112", "crisis_line": "116 123"}


def test_confident_classifier_emergency_stands():
    message = classified(guard("he fell on the floor and is not moving"),
                         intent=INTENT_EMERGENCY, confidence=0.93)
    assert entities(message)["emergency_type"] == "other"


@pytest.mark.parametrize("text, confidence", [
    ("can tms cause seizures?", 0.95),  # an educational question
    ("he fell on the floor and is not moving", 0.5),  # not confident
])
def test_doubtful_classifier_emergency_falls_back_to_the_next_intent(text, confidence):
    ranking = [{"name": INTENT_EMERGENCY, "confidence": confidence},
               {"name": "therapy_pairing", "confidence": 0.04}]
    message = classified(guard(text), intent=INTENT_EMERGENCY, confidence=confidence,
                         ranking=ranking)
    assert message.get("intent")["name"] == "therapy_pairing"
    assert [r["name"] for r in message.get("intent_ranking")] == ["therapy_pairing"]


def test_training_data_is_left_alone():
    data = TrainingData([Message(data={"text": "<b>hi</b>", "intent": "greet"})])
    assert InputGuard({"max_chars": 1000}).process_training_data(data) is data
    assert data.training_examples[0].get("text") == "<b>hi</b>"


def test_an_urgent_problem_becomes_the_urgent_intent_with_its_kind():
    message = classified(guard("his stump is red and swollen and he has a fever"),
                         intent="side_effects", confidence=0.9)
    assert message.get("intent")["name"] == INTENT_URGENT
    assert entities(message)["emergency_type"] == "infection"
    assert entities(message)["safety_level"] == "urgent"


@pytest.mark.parametrize("text, intent", [
    ("the ambulance is on its way, what do we do until it gets here?",
     INTENT_WHILE_WAITING),
    ("it's going away now, can we just wait and see?", INTENT_SAFETY_FOLLOWUP),
    ("can it wait until monday?", INTENT_SAFETY_FOLLOWUP),
    ("i dialed 911, do i give him his meds", INTENT_WHILE_WAITING),
    ("i phoned for an ambulance already, should i lay him down", INTENT_WHILE_WAITING),
    ("911 is on the phone with me now, what do i do", INTENT_WHILE_WAITING),
    ("i already called, what else can i do", INTENT_WHILE_WAITING),
    # a call to someone else is not help on the way
    ("i called the clinic and they didnt answer, is it open today", "cost"),
    ("what now", INTENT_SAFETY_FOLLOWUP),
    ("should i just let his tms nurse know at his next appointment?",
     INTENT_SAFETY_FOLLOWUP),
    # telling the doctor, with no "later" in it, is an ordinary question
    ("can i tell my doctor i want tms", "cost"),
])
def test_what_people_say_after_an_emergency_reply(text, intent):
    assert classified(guard(text), intent="cost").get("intent")["name"] == intent


@pytest.mark.parametrize("text, intent", [
    # help is on its way now: what to do until it comes, even with the signs told again
    ("he's still slurring and his face is drooping, the ambulance is on its way, what do "
     "we do", INTENT_WHILE_WAITING),
    ("she is still shaking on the floor, we're waiting for the paramedics",
     INTENT_WHILE_WAITING),
    ("i called 911 and she is still shaking, what do i do", INTENT_WHILE_WAITING),
    ("ambulance called, his face is still drooping", INTENT_WHILE_WAITING),
    # a call in the past, or help not yet called: the emergency reply
    ("we called 911 last year for his stroke, now his face is drooping again",
     INTENT_EMERGENCY),
    ("his face is drooping and he cant talk, should i call an ambulance?",
     INTENT_EMERGENCY),
])
def test_signs_told_again_while_help_is_coming_get_the_waiting_steps(text, intent):
    assert classified(guard(text), intent="cost").get("intent")["name"] == intent


def test_a_model_emergency_gives_way_when_help_is_on_its_way():
    # no written rule finds an emergency here; only the model would
    text = "he looks really unwell, help is coming"
    assert classified(guard(text), intent="emergency", confidence=0.95).get(
        "intent")["name"] == INTENT_WHILE_WAITING
    assert classified(guard("he looks really unwell"), intent="emergency",
                      confidence=0.95).get("intent")["name"] == INTENT_EMERGENCY


@pytest.mark.parametrize("intent", [INTENT_URGENT, INTENT_WHILE_WAITING,
                                    INTENT_SAFETY_FOLLOWUP])
def test_the_classifier_alone_never_decides_a_safety_intent(intent):
    ranking = [{"name": intent, "confidence": 0.97},
               {"name": "cost", "confidence": 0.02}]
    message = classified(guard("how much is it"), intent=intent, confidence=0.97,
                         ranking=ranking)
    assert message.get("intent")["name"] == "cost"


@pytest.mark.parametrize("text, classifier_said", [
    ("can tms help parkinsons tremors", "other_stroke_effects"),
    ("will blue cross cover tms for my depression", "cost"),
    ("can tms help my son's adhd", "other_stroke_effects"),
    ("is mirror therapy good for CRPS in my wrist", "plp_treatments"),
])
def test_treating_a_condition_the_sources_do_not_cover_gets_the_scope_reply(
        text, classifier_said):
    message = classified(guard(text), intent=classifier_said)
    assert message.get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize("text, topic", [
    ("post stroke depression, can tms help", "other_stroke_effects"),
    ("is tms safe if i have epilepsy", "side_effects"),
    ("can i have tms if i'm depressed", "candidacy"),
    ("is tms for phantom limb the same as tms for depression?", "protocols"),
    ("does tms help the burning in my missing foot", "evidence"),
])
def test_our_conditions_and_safety_with_another_condition_stay_with_the_classifier(
        text, topic):
    message = classified(guard(text), intent=topic)
    assert message.get("intent")["name"] == topic
