"""The answer action, as a patient would see its replies."""
from __future__ import annotations

import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerQuestion
from tms.knowledge import load_knowledge
from tms.names import (
    INTENT_INFORM_CONDITION,
    SLOT_CONDITION,
    SLOT_LAST_ENTRY,
    SLOT_LAST_TOPIC,
    SLOT_PENDING_TOPIC,
)
from tests.conftest import KNOWLEDGE, TODAY, condition_entity, make_tracker


@pytest.fixture(scope="module")
def shipped():
    return ActionAnswerQuestion(load_knowledge(KNOWLEDGE, today=TODAY))


@pytest.fixture
def small(small_knowledge):
    return ActionAnswerQuestion(load_knowledge(small_knowledge.root, today=TODAY))


def run(action, first_reply=False, **tracker_args):
    """Run mid-session (disclaimer shown) unless first_reply."""
    tracker_args["slots"] = {"disclaimer_due": first_reply,
                             **(tracker_args.get("slots") or {})}
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, make_tracker(**tracker_args), domain={})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots


def test_stroke_fda_question_gets_the_stroke_answer_and_its_source(shipped):
    messages, slots = run(shipped, intent="fda_status", slots={"condition": "stroke"})
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith("No. TMS is not FDA-cleared for stroke rehabilitation.")
    body, sources = text.split("\n\nSources:\n")
    assert "phantom" not in body.lower()
    assert sources == ("- TMS for Stroke Rehabilitation: Harnessing Neuroplasticity "
                       "for Recovery (TMSList) https://tmslist.com")
    assert slots == {SLOT_LAST_TOPIC: "fda_status", SLOT_LAST_ENTRY: "fda_status/stroke"}


def test_phantom_limb_cost_question_named_in_the_message(shipped):
    messages, slots = run(shipped, intent="cost",
                          entities=[condition_entity("lost my leg")])
    text = messages[0]["text"]
    assert "$200 to $400 per session" in text
    assert text.endswith("- TMS for Phantom Limb Pain (TMSList) "
                         "https://tmslist.com/treatments/phantom-limb-pain/")
    assert slots[SLOT_CONDITION] == "phantom_limb_pain"


def test_source_without_a_link_is_named_without_one(shipped):
    messages, _ = run(shipped, intent="therapy_pairing", slots={"condition": "stroke"})
    assert messages[0]["text"].endswith(
        "- NEURO®: NovEl Intervention Using Repetitive TMS and Intensive Occupational "
        "Therapy (The Jikei University Hospital, Tokyo)")


def test_unknown_condition_answers_each_condition_labelled_and_offers_to_tailor(
        shipped):
    messages, slots = run(shipped, intent="fda_status")
    payload = messages[0]["tms"]
    assert payload["kind"] == "answer"
    assert payload["entries"] == ["fda_status/stroke", "fda_status/phantom_limb_pain"]
    text = messages[0]["text"]
    for condition, label in (("stroke", "stroke recovery"),
                             ("phantom_limb_pain", "phantom limb pain")):
        entry = load_knowledge(KNOWLEDGE, today=TODAY).entries[("fda_status", condition)]
        assert f"For {label}: {entry.text}" in text
    assert "Sources:" in text  # the sources of both answers
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons[:2]] == ["Stroke recovery", "Phantom limb pain"]
    payload = buttons[1]["payload"]
    assert payload.startswith(f"/{INTENT_INFORM_CONDITION}")
    assert json.loads(payload[len(INTENT_INFORM_CONDITION) + 1:]) == {
        "condition": "phantom_limb_pain"}
    assert slots[SLOT_PENDING_TOPIC] == "fda_status"  # a button tailors this question


def test_reply_to_the_clarification_answers_the_original_question(shipped):
    messages, slots = run(shipped, intent=INTENT_INFORM_CONDITION,
                          entities=[condition_entity("phantom_limb_pain")],
                          slots={SLOT_PENDING_TOPIC: "fda_status",
                                 SLOT_CONDITION: "phantom_limb_pain"})
    assert messages[0]["text"].startswith("No. TMS is not FDA-approved for phantom limb "
                                          "pain.")
    assert slots[SLOT_PENDING_TOPIC] is None
    assert SLOT_CONDITION not in slots  # already set from the button's entity


def test_naming_a_condition_with_nothing_pending_acknowledges_it(shipped):
    messages, slots = run(shipped, intent=INTENT_INFORM_CONDITION,
                          entities=[condition_entity("CVA")], slots={"condition": "CVA"})
    assert "stroke recovery in mind" in messages[0]["text"]
    assert slots == {SLOT_CONDITION: "stroke"}


def test_a_condition_named_now_replaces_the_remembered_one(shipped):
    messages, slots = run(shipped, intent="timing",
                          slots={SLOT_CONDITION: "phantom_limb_pain"},
                          entities=[condition_entity("stroke")])
    assert "3 to 6 months after the stroke" in messages[0]["text"]
    assert slots[SLOT_CONDITION] == "stroke"


def test_unrecognised_reply_to_clarification_asks_again(shipped):
    messages, slots = run(shipped, intent=INTENT_INFORM_CONDITION,
                          slots={SLOT_PENDING_TOPIC: "cost"})
    assert messages[0]["tms"]["entries"] == ["cost/stroke", "cost/phantom_limb_pain"]
    assert SLOT_PENDING_TOPIC not in slots  # still ready to tailor "cost"


def test_general_answer_needs_no_condition(small):
    messages, slots = run(small, intent="shared")
    assert messages[0]["text"].startswith("Shared answer for everyone.")
    assert "- Source A (Publisher A) https://a.example/page" in messages[0]["text"]
    assert "- Source B (Publisher B)" in messages[0]["text"]


def test_general_answer_serves_while_the_condition_is_unknown(small):
    messages, slots = run(small, intent="mixed")
    assert messages[0]["text"].startswith("Mixed general answer.")
    assert SLOT_PENDING_TOPIC not in slots


def test_personal_decision_points_to_the_clinician(shipped):
    messages, _ = run(shipped, intent="personal_advice")
    text = messages[0]["text"]
    assert text.startswith("I can't decide what is right for you")
    assert "ask your own doctor or care team" in text
    assert text.count("TMSList") == 2  # both TMSList sources cited


def test_condition_specific_answer_wins_over_general(small):
    messages, _ = run(small, intent="mixed", slots={SLOT_CONDITION: "stroke"})
    assert messages[0]["text"].startswith("Mixed stroke answer.")
    messages, _ = run(small, intent="mixed", slots={SLOT_CONDITION: "phantom_limb_pain"})
    assert messages[0]["text"].startswith("Mixed general answer.")


def test_single_condition_topic_is_answered_without_asking(small):
    messages, _ = run(small, intent="stroke_only")
    assert messages[0]["text"].startswith("Only for stroke.")


def test_another_conditions_answer_is_never_passed_off(small):
    messages, slots = run(small, intent="stroke_only",
                          slots={SLOT_CONDITION: "phantom_limb_pain",
                                 SLOT_LAST_ENTRY: "mixed/general"})
    text = messages[0]["text"]
    assert "Only for stroke" not in text
    assert messages[0]["tms"]["kind"] == "not_in_sources"
    assert "for phantom limb pain" in text
    assert "Test Clinic" in text and "555-0100" in text
    assert slots[SLOT_LAST_ENTRY] is None
    assert slots["unanswered"] == "stroke_only/phantom_limb_pain"


def test_only_changed_slots_are_set(shipped):
    _, slots = run(shipped, intent="cost", slots={
        SLOT_CONDITION: "stroke", SLOT_LAST_TOPIC: "cost", SLOT_LAST_ENTRY: "cost/stroke",
        SLOT_PENDING_TOPIC: None})
    assert slots == {}


def test_unknown_slot_value_is_forgotten(small):
    _, slots = run(small, intent="shared", slots={SLOT_CONDITION: "my knee"})
    assert slots[SLOT_CONDITION] is None


def test_first_reply_of_a_session_ends_with_the_disclaimer(shipped):
    messages, slots = run(shipped, first_reply=True, intent="cost",
                          slots={"condition": "stroke"})
    assert [m["text"] for m in messages][1:] == [
        "I share general education, not medical advice, and I am not for emergencies."]
    assert messages[0]["text"].startswith("Insurance coverage for TMS after stroke")
    assert slots["disclaimer_due"] is False
    later, slots = run(shipped, intent="cost", slots={"condition": "stroke"})
    assert len(later) == 1 and "disclaimer_due" not in slots


def test_naming_the_other_condition_after_an_answer_answers_the_same_topic(shipped):
    messages, slots = run(shipped, intent=INTENT_INFORM_CONDITION,
                          entities=[condition_entity("phantom pain")],
                          slots={SLOT_CONDITION: "phantom pain", SLOT_LAST_TOPIC: "cost",
                                 SLOT_LAST_ENTRY: "cost/stroke"})
    assert "$200 to $400 per session" in messages[0]["text"]
    assert slots[SLOT_CONDITION] == "phantom_limb_pain"
    assert slots[SLOT_LAST_ENTRY] == "cost/phantom_limb_pain"


def test_tell_me_more_gives_the_longer_answer_of_the_same_entry(shipped):
    messages, _ = run(shipped, intent="tell_me_more", slots={
        SLOT_CONDITION: "phantom_limb_pain", SLOT_LAST_TOPIC: "cost"})
    text = messages[0]["text"]
    assert text.startswith("TMS for phantom limb pain is off-label")
    assert "Some VA medical centers offer TMS" in text
    assert text.endswith("https://tmslist.com/treatments/phantom-limb-pain/")


def test_tell_me_more_without_a_longer_answer_says_so(shipped):
    messages, _ = run(shipped, intent="tell_me_more",
                      slots={SLOT_CONDITION: "stroke", SLOT_LAST_TOPIC: "cost"})
    assert messages[0]["text"] == "That's everything my sources say about this:"
    assert messages[1]["text"].startswith("Insurance coverage for TMS after stroke")


def test_tell_me_more_before_any_answer_asks_what_about(shipped):
    messages, slots = run(shipped, intent="tell_me_more")
    assert messages[0]["text"].startswith("What would you like to know more about?")
    assert slots == {}


def test_question_the_sources_do_not_answer_is_said_honestly(shipped):
    messages, slots = run(shipped, intent="not_in_sources",
                          text="can i drive home after a session",
                          slots={SLOT_CONDITION: "stroke"})
    text = messages[0]["text"]
    assert messages[0]["tms"]["kind"] == "not_in_sources"
    assert messages[0]["tms"]["entries"] == []
    assert "Sources:" not in text
    assert "[Clinic phone number]" in text
    assert slots["unanswered"] == "not_in_sources/stroke"


@pytest.mark.parametrize("topic, condition, start", [
    ("neuro_program", None, "NEURO® is a hospital program at Jikei"),
    ("about_plp", None, "After an amputation, 60 to 85% of people"),
    ("duration", "stroke", "I'm sorry, my sources don't cover that for stroke "
                           "recovery"),
    ("side_effects", None, "TMS is described as causing almost no pain"),
    ("side_effects", "phantom_limb_pain", "For some people, the phantom pain briefly"),
    ("evidence", "stroke", "A 2018 review of 44 randomized trials"),
])
def test_new_topics_answer_from_their_sources(shipped, topic, condition, start):
    slots = {SLOT_CONDITION: condition} if condition else {}
    messages, _ = run(shipped, intent=topic, slots=slots)
    assert messages[0]["text"].startswith(start)


def therapy_entity(value):
    return {"entity": "therapy", "value": value, "start": 0, "end": len(value),
            "extractor": "SpacyEntityExtractor"}


@pytest.mark.parametrize("therapy, start", [
    ("mirror therapy", "TMS works best paired with rehab."),
    ("CIMT", "TMS does not replace therapy."),
])
def test_a_named_therapy_picks_its_condition_when_none_is_known(shipped, therapy, start):
    messages, slots = run(shipped, intent="therapy_pairing",
                          entities=[therapy_entity(therapy)])
    assert messages[0]["text"].startswith(start)
    assert SLOT_CONDITION not in slots  # a hint for this answer, not a diagnosis


def test_the_patients_condition_wins_over_a_therapy_hint(shipped):
    messages, _ = run(shipped, intent="therapy_pairing", slots={SLOT_CONDITION: "stroke"},
                      entities=[therapy_entity("mirror therapy")])
    assert messages[0]["text"].startswith("TMS does not replace therapy.")


def test_a_therapy_used_for_both_conditions_still_asks(shipped):
    messages, slots = run(shipped, intent="therapy_pairing",
                          entities=[therapy_entity("physical therapy")])
    assert messages[0]["tms"]["entries"] == ["therapy_pairing/stroke",
                                             "therapy_pairing/phantom_limb_pain"]
    assert slots[SLOT_PENDING_TOPIC] == "therapy_pairing"


UNSURE = [{"name": "not_in_sources", "confidence": 0.7},
          {"name": "candidacy", "confidence": 0.2},
          {"name": "cost", "confidence": 0.05}]


def test_a_short_follow_up_is_read_in_the_conversations_context(shipped):
    messages, slots = run(shipped, intent="not_in_sources", text="can he do tms",
                          intent_ranking=UNSURE,
                          slots={SLOT_CONDITION: "stroke", SLOT_LAST_TOPIC: "evidence"})
    assert messages[0]["tms"]["entries"] == ["candidacy/stroke"]
    assert slots[SLOT_LAST_TOPIC] == "candidacy"


@pytest.mark.parametrize("text, slots, entities", [
    ("can he do tms", {}, []),  # nothing said before it refers back to
    ("can a person with a cochlear implant have tms at all", {SLOT_CONDITION: "stroke"}, []),
    # the condition is named in this very message: a first question, not a follow-up
    ("can it help him after his stroke", {SLOT_CONDITION: "stroke"},
     [condition_entity("stroke")]),
])
def test_without_context_or_reference_the_honest_answer_stands(shipped, text, slots,
                                                               entities):
    messages, _ = run(shipped, intent="not_in_sources", text=text, intent_ranking=UNSURE,
                      slots=slots, entities=entities)
    assert messages[0]["tms"]["kind"] == "not_in_sources"


def test_a_confident_not_in_sources_is_not_overruled_by_context(shipped):
    ranking = [{"name": "not_in_sources", "confidence": 0.95},
               {"name": "side_effects", "confidence": 0.03}]
    messages, _ = run(shipped, intent="not_in_sources", text="can he fly after it",
                      intent_ranking=ranking, slots={SLOT_CONDITION: "stroke"})
    assert messages[0]["tms"]["kind"] == "not_in_sources"
