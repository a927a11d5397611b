"""Fallback, handoff, feedback, the disclaimer and session start, as a patient sees
them and as staff will find them recorded."""
import pytest

from actions.actions import (
    ActionDisclaimer,
    ActionFallback,
    ActionHandoff,
    ActionRecordFeedback,
    ActionSessionStart,
)
from tms.knowledge import Clinic, load_knowledge
from tests.conftest import CLINIC, TODAY, run, slots_set


@pytest.fixture
def kb(small_knowledge):
    return load_knowledge(small_knowledge.root, today=TODAY)


slots = slots_set


RANKING = [{"name": "nlu_fallback", "confidence": 0.4},
           {"name": "greet", "confidence": 0.3},
           {"name": "mixed", "confidence": 0.2},
           {"name": "split", "confidence": 0.1},
           {"name": "shared", "confidence": 0.05}]


def test_first_miss_offers_the_two_likeliest_topics_and_something_else(kb):
    messages, events = run(ActionFallback(kb), intent="nlu_fallback",
                           intent_ranking=RANKING)
    assert messages[0]["text"].startswith("Sorry, I'm not sure I understood.")
    assert [(b["title"], b["payload"]) for b in messages[0]["buttons"]] == [
        ("Is it mixed?", "/mixed"), ("Is it split?", "/split"),
        ("Something else", "/something_else")]
    assert slots(events) == {"misses": 1.0}


def test_second_miss_in_a_row_gives_the_clinic_and_records_it(kb):
    messages, events = run(ActionFallback(kb), intent="something_else",
                           slots={"misses": 1.0})
    text = messages[0]["text"]
    assert "I can't find an answer to that" in text
    assert "Phone: 555-0100" in text and "Website: https://clinic.example" in text
    assert slots(events) == {"misses": 0.0, "handoff_requested": "unanswered"}


def test_something_else_first_asks_to_rephrase_not_the_same_buttons(kb):
    messages, events = run(ActionFallback(kb), intent="something_else")
    assert "in other words" in messages[0]["text"]
    assert not messages[0]["buttons"]
    assert slots(events) == {"misses": 1.0}


def test_handoff_gives_every_contact_detail_and_is_recorded(kb):
    messages, events = run(ActionHandoff(kb), intent="human_handoff")
    text = messages[0]["text"]
    for detail in ("Test Clinic", "Phone: 555-0100", "Email: hello@clinic.example",
                   "Hours: Mon-Fri 9-5", "Website: https://clinic.example"):
        assert detail in text
    assert "I can't pass on messages" in text
    assert slots(events)["handoff_requested"] == "asked"


def test_frustration_is_recorded_as_such_every_time(kb):
    _, events = run(ActionHandoff(kb), intent="frustration",
                    slots={"handoff_requested": "frustrated"})
    assert slots(events)["handoff_requested"] == "frustrated"  # recorded again


@pytest.mark.parametrize("intent, verdict, reply", [
    ("feedback_positive", "helpful", "Thank you for telling me."),
    ("feedback_negative", "not_helpful", "sorry it didn't help"),
])
def test_feedback_is_recorded_against_the_entry_shown(kb, intent, verdict, reply):
    messages, events = run(ActionRecordFeedback(kb), intent=intent,
                           slots={"last_entry": "cost/stroke"})
    assert reply in messages[0]["text"]
    assert slots(events) == {"feedback": f"{verdict}:cost/stroke"}


def test_negative_feedback_offers_the_clinic(kb):
    messages, _ = run(ActionRecordFeedback(kb), intent="feedback_negative")
    assert "555-0100" in messages[0]["text"]


def test_disclaimer_once_per_session(small_knowledge):
    small_knowledge.write("clinic.yml", CLINIC + "  disclaimer: Fixture disclaimer.\n")
    kb = load_knowledge(small_knowledge.root, today=TODAY)
    messages, events = run(ActionDisclaimer(kb), first_reply=True)
    # the disclaimer line the clinic set in clinic.yml, and nothing else
    assert [m["text"] for m in messages] == ["Fixture disclaimer."]
    assert slots(events) == {"disclaimer_due": False}
    messages, events = run(ActionDisclaimer(kb))
    assert messages == [] and events == []


def test_without_its_own_line_the_clinic_gets_the_default_disclaimer(kb):
    messages, _ = run(ActionDisclaimer(kb), first_reply=True)
    assert [m["text"] for m in messages] == [Clinic.disclaimer]
    assert "not medical advice" in Clinic.disclaimer and "emergencies" in Clinic.disclaimer


def test_new_session_keeps_the_condition_and_owes_the_disclaimer_again():
    _, events = run(ActionSessionStart(), first_reply=False, slots={
        "condition": "stroke", "disclaimer_due": False, "misses": 1.0,
        "handoff_requested": "asked", "pending_topic": "cost"})
    assert events[0]["event"] == "session_started"
    assert slots(events) == {"condition": "stroke", "disclaimer_due": True}
    assert events[-1] == {"event": "action", "name": "action_listen", "policy": None,
                          "confidence": None, "timestamp": None}


def test_answers_carry_feedback_buttons(small_knowledge):
    from actions.actions import ActionAnswerQuestion

    action = ActionAnswerQuestion(load_knowledge(small_knowledge.root, today=TODAY))
    messages, events = run(action, intent="shared", slots={"misses": 1.0})
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/feedback_positive",
                                                               "/feedback_negative"]
    assert slots(events)["misses"] == 0.0
