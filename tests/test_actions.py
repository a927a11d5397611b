"""The answer action, as a patient would see its replies.

The behaviour is tested on small fixture knowledge whose wording the tests control;
the few tests on the shipped knowledge/ compare with what it says at test time, so
that staff editing an answer's wording never breaks them.
"""
from __future__ import annotations

import json
import re

import pytest

from actions.actions import ActionAnswerQuestion
from tms import render
from tms.conditions import LABELS, PHANTOM_LIMB_PAIN, STROKE
from tms.knowledge import load_knowledge
from tms.names import (
    INTENT_INFORM_CONDITION,
    SLOT_CONDITION,
    SLOT_LAST_ENTRY,
    SLOT_LAST_TOPIC,
    SLOT_PENDING_TOPIC,
)
from tests.conftest import (
    CLINIC,
    TODAY,
    condition_entity,
    run,
    shipped_knowledge,
    slots_set,
    web_answer,
    web_sources,
)

SOURCE_A = "- Source A (Publisher A) https://a.example/page"
SOURCE_B = "- Source B (Publisher B)"


@pytest.fixture(scope="module")
def shipped_kb():
    return shipped_knowledge()


@pytest.fixture(scope="module")
def shipped(shipped_kb):
    return ActionAnswerQuestion(shipped_kb)


@pytest.fixture
def small(small_knowledge):
    return ActionAnswerQuestion(load_knowledge(small_knowledge.root, today=TODAY))


def answered(action, **tracker_args):
    """The messages and the slots set, for one turn."""
    messages, events = run(action, **tracker_args)
    return messages, slots_set(events)


# --- the shipped knowledge, wired end to end ------------------------------------------

def test_stroke_fda_question_gets_the_stroke_answer_and_its_source(shipped, shipped_kb):
    messages, slots = answered(shipped, intent="fda_status", slots={"condition": "stroke"})
    assert len(messages) == 1
    entry = shipped_kb.entries[("fda_status", STROKE)]
    # the short answer, then exactly its own sources, each title (publisher) link
    assert messages[0]["text"] == web_answer(shipped_kb, entry)
    assert messages[0]["tms"]["entries"] == ["fda_status/stroke"]
    assert [s["title"] for s in messages[0]["tms"]["sources"]] == [
        shipped_kb.sources[s].title for s in entry.sources]
    assert slots == {SLOT_LAST_TOPIC: "fda_status", SLOT_LAST_ENTRY: "fda_status/stroke"}


@pytest.mark.parametrize("topic, condition, entry", [
    ("neuro_program", None, "neuro_program/stroke"),
    ("about_plp", None, "about_plp/phantom_limb_pain"),
    ("duration", STROKE, None),  # the sources say nothing about it for stroke
    ("side_effects", None, "side_effects/general"),
    ("side_effects", PHANTOM_LIMB_PAIN, "side_effects/phantom_limb_pain"),
    ("evidence", STROKE, "evidence/stroke"),
])
def test_new_topics_answer_from_their_sources(shipped, shipped_kb, topic, condition,
                                              entry):
    slots = {SLOT_CONDITION: condition} if condition else {}
    messages, _ = answered(shipped, intent=topic, slots=slots)
    if entry is None:
        assert messages[0]["tms"]["kind"] == render.NOT_IN_SOURCES
        assert messages[0]["tms"]["entries"] == []
        assert f"for {LABELS[condition]}" in messages[0]["text"]
        assert "Sources:" not in messages[0]["text"]
        return
    assert messages[0]["tms"]["entries"] == [entry]
    assert messages[0]["text"] == web_answer(
        shipped_kb, shipped_kb.entries[tuple(entry.split("/"))])


def test_personal_decision_points_to_the_clinician(shipped, shipped_kb):
    messages, _ = answered(shipped, intent="personal_advice")
    entry = shipped_kb.entries[("personal_advice", "general")]
    assert messages[0]["tms"]["entries"] == ["personal_advice/general"]
    assert messages[0]["text"] == web_answer(shipped_kb, entry)
    # whatever its wording, the answer sends the patient to their own clinicians
    assert re.search(r"\b(doctor|clinician|care team)s?\b", entry.text, re.IGNORECASE)


# --- answering, on fixture knowledge --------------------------------------------------

def test_condition_specific_question_gets_that_answer_and_its_source(small):
    messages, slots = answered(small, intent="split", slots={"condition": "stroke"})
    assert len(messages) == 1
    text = messages[0]["text"]
    body, sources = text.split("\n\nSources:\n")
    assert body == "Split answer for stroke."
    assert sources == SOURCE_A
    assert slots == {SLOT_LAST_TOPIC: "split", SLOT_LAST_ENTRY: "split/stroke"}


def test_condition_named_in_the_message_is_understood_and_remembered(small):
    messages, slots = answered(small, intent="split",
                               entities=[condition_entity("lost my leg")])
    text = messages[0]["text"]
    assert text.startswith("Split answer for PLP.")
    assert text.endswith(SOURCE_B)
    assert slots[SLOT_CONDITION] == PHANTOM_LIMB_PAIN


def test_source_without_a_link_is_named_without_one(small):
    messages, _ = answered(small, intent="split", slots={"condition": PHANTOM_LIMB_PAIN})
    assert messages[0]["text"].splitlines()[-1] == SOURCE_B


def test_unknown_condition_answers_each_condition_labelled_and_offers_to_tailor(small):
    messages, slots = answered(small, intent="split")
    payload = messages[0]["tms"]
    assert payload["kind"] == "answer"
    assert payload["entries"] == ["split/stroke", "split/phantom_limb_pain"]
    text = messages[0]["text"]
    assert f"For {LABELS[STROKE]}: Split answer for stroke." in text
    assert f"For {LABELS[PHANTOM_LIMB_PAIN]}: Split answer for PLP." in text
    assert text.endswith(f"Sources:\n{SOURCE_A}\n{SOURCE_B}")  # both answers' sources
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons[:2]] == [LABELS[STROKE].capitalize(),
                                                 LABELS[PHANTOM_LIMB_PAIN].capitalize()]
    payload = buttons[1]["payload"]
    assert payload.startswith(f"/{INTENT_INFORM_CONDITION}")
    assert json.loads(payload[len(INTENT_INFORM_CONDITION) + 1:]) == {
        "condition": "phantom_limb_pain"}
    assert slots[SLOT_PENDING_TOPIC] == "split"  # a button tailors this question


def test_reply_to_the_clarification_answers_the_original_question(small):
    messages, slots = answered(small, intent=INTENT_INFORM_CONDITION,
                               entities=[condition_entity("phantom_limb_pain")],
                               slots={SLOT_PENDING_TOPIC: "split",
                                      SLOT_CONDITION: "phantom_limb_pain"})
    assert messages[0]["text"].startswith("Split answer for PLP.")
    assert slots[SLOT_PENDING_TOPIC] is None
    assert SLOT_CONDITION not in slots  # already set from the button's entity


def test_naming_a_condition_with_nothing_pending_acknowledges_it(small):
    messages, slots = answered(small, intent=INTENT_INFORM_CONDITION,
                               entities=[condition_entity("CVA")],
                               slots={"condition": "CVA"})
    assert messages[0]["text"] == render.condition_noted(STROKE).text
    assert LABELS[STROKE] in messages[0]["text"]
    assert slots == {SLOT_CONDITION: "stroke"}


def test_a_condition_named_now_replaces_the_remembered_one(small):
    messages, slots = answered(small, intent="split",
                               slots={SLOT_CONDITION: "phantom_limb_pain"},
                               entities=[condition_entity("stroke")])
    assert messages[0]["text"].startswith("Split answer for stroke.")
    assert slots[SLOT_CONDITION] == "stroke"


def test_unrecognised_reply_to_clarification_asks_again(small):
    messages, slots = answered(small, intent=INTENT_INFORM_CONDITION,
                               slots={SLOT_PENDING_TOPIC: "split"})
    assert messages[0]["tms"]["entries"] == ["split/stroke", "split/phantom_limb_pain"]
    assert SLOT_PENDING_TOPIC not in slots  # still ready to tailor "split"


def test_general_answer_needs_no_condition(small):
    messages, slots = answered(small, intent="shared")
    assert messages[0]["text"].startswith("Shared answer for everyone.")
    assert SOURCE_A in messages[0]["text"]
    assert SOURCE_B in messages[0]["text"]


def test_general_answer_serves_while_the_condition_is_unknown(small):
    messages, slots = answered(small, intent="mixed")
    assert messages[0]["text"].startswith("Mixed general answer.")
    assert SLOT_PENDING_TOPIC not in slots


def test_condition_specific_answer_wins_over_general(small):
    messages, _ = answered(small, intent="mixed", slots={SLOT_CONDITION: "stroke"})
    assert messages[0]["text"].startswith("Mixed stroke answer.")
    messages, _ = answered(small, intent="mixed",
                           slots={SLOT_CONDITION: "phantom_limb_pain"})
    assert messages[0]["text"].startswith("Mixed general answer.")


def test_single_condition_topic_is_answered_without_asking(small):
    messages, _ = answered(small, intent="stroke_only")
    assert messages[0]["text"].startswith("Only for stroke.")


def test_another_conditions_answer_is_never_passed_off(small):
    messages, slots = answered(small, intent="stroke_only",
                               slots={SLOT_CONDITION: "phantom_limb_pain",
                                      SLOT_LAST_ENTRY: "mixed/general"})
    text = messages[0]["text"]
    assert "Only for stroke" not in text
    assert messages[0]["tms"]["kind"] == "not_in_sources"
    assert "for phantom limb pain" in text
    assert "Test Clinic" in text and "555-0100" in text
    assert slots[SLOT_LAST_ENTRY] is None
    assert slots["unanswered"] == "stroke_only/phantom_limb_pain"


def test_only_changed_slots_are_set(small):
    _, slots = answered(small, intent="split", slots={
        SLOT_CONDITION: "stroke", SLOT_LAST_TOPIC: "split",
        SLOT_LAST_ENTRY: "split/stroke", SLOT_PENDING_TOPIC: None})
    assert slots == {}


def test_unknown_slot_value_is_forgotten(small):
    _, slots = answered(small, intent="shared", slots={SLOT_CONDITION: "my knee"})
    assert slots[SLOT_CONDITION] is None


def test_first_reply_of_a_session_ends_with_the_disclaimer(small_knowledge):
    small_knowledge.write("clinic.yml", CLINIC + "  disclaimer: Fixture disclaimer.\n")
    action = ActionAnswerQuestion(load_knowledge(small_knowledge.root, today=TODAY))
    messages, events = run(action, first_reply=True, intent="split",
                           slots={"condition": "stroke"})
    # the clinic's own disclaimer line, after the answer
    assert [m["text"] for m in messages][1:] == ["Fixture disclaimer."]
    assert messages[0]["text"].startswith("Split answer for stroke.")
    assert slots_set(events)["disclaimer_due"] is False
    later, events = run(action, intent="split", slots={"condition": "stroke"})
    assert len(later) == 1 and "disclaimer_due" not in slots_set(events)


def test_naming_the_other_condition_after_an_answer_answers_the_same_topic(small):
    messages, slots = answered(small, intent=INTENT_INFORM_CONDITION,
                               entities=[condition_entity("phantom pain")],
                               slots={SLOT_CONDITION: "phantom pain",
                                      SLOT_LAST_TOPIC: "split",
                                      SLOT_LAST_ENTRY: "split/stroke"})
    assert messages[0]["text"].startswith("Split answer for PLP.")
    assert slots[SLOT_CONDITION] == "phantom_limb_pain"
    assert slots[SLOT_LAST_ENTRY] == "split/phantom_limb_pain"


def test_tell_me_more_gives_the_longer_answer_of_the_same_entry(small):
    messages, _ = answered(small, intent="tell_me_more", slots={
        SLOT_CONDITION: "phantom_limb_pain", SLOT_LAST_TOPIC: "split"})
    assert [m["text"] for m in messages] == [
        f"Split answer for PLP.\n\nMore about PLP.\n\nSources:\n{SOURCE_B}"]


def test_tell_me_more_without_a_longer_answer_says_so(small):
    messages, _ = answered(small, intent="tell_me_more",
                           slots={SLOT_CONDITION: "stroke", SLOT_LAST_TOPIC: "split"})
    assert messages[0]["text"] == render.nothing_more().text
    assert messages[1]["text"] == f"Split answer for stroke.\n\nSources:\n{SOURCE_A}"


def test_tell_me_more_before_any_answer_asks_what_about(small):
    messages, slots = answered(small, intent="tell_me_more")
    assert [m["text"] for m in messages] == [render.more_about_what().text]
    assert slots == {}


def test_question_the_sources_do_not_answer_is_said_honestly(small):
    messages, slots = answered(small, intent="not_in_sources",
                               text="can i drive home after a session",
                               slots={SLOT_CONDITION: "stroke"})
    text = messages[0]["text"]
    assert messages[0]["tms"]["kind"] == "not_in_sources"
    assert messages[0]["tms"]["entries"] == []
    assert "Sources:" not in text
    assert "555-0100" in text  # the clinic's phone, from its details
    assert slots["unanswered"] == "not_in_sources/stroke"


def test_question_the_shipped_sources_do_not_answer_gives_the_clinics_phone(
        shipped, shipped_kb):
    messages, _ = answered(shipped, intent="not_in_sources",
                           text="can i drive home after a session",
                           slots={SLOT_CONDITION: "stroke"})
    assert messages[0]["tms"]["kind"] == "not_in_sources"
    assert shipped_kb.clinic.phone in messages[0]["text"]


def therapy_entity(value):
    return {"entity": "therapy", "value": value, "start": 0, "end": len(value),
            "extractor": "SpacyEntityExtractor"}


@pytest.mark.parametrize("therapy, entry, start", [
    ("mirror therapy", "split/phantom_limb_pain", "Split answer for PLP."),
    ("CIMT", "split/stroke", "Split answer for stroke."),
])
def test_a_named_therapy_picks_its_condition_when_none_is_known(small, therapy, entry,
                                                                start):
    messages, slots = answered(small, intent="split", entities=[therapy_entity(therapy)])
    assert messages[0]["tms"]["entries"] == [entry]
    assert messages[0]["text"].startswith(start)
    assert SLOT_CONDITION not in slots  # a hint for this answer, not a diagnosis


def test_the_patients_condition_wins_over_a_therapy_hint(small):
    messages, _ = answered(small, intent="split", slots={SLOT_CONDITION: "stroke"},
                           entities=[therapy_entity("mirror therapy")])
    assert messages[0]["tms"]["entries"] == ["split/stroke"]
    assert messages[0]["text"].startswith("Split answer for stroke.")


def test_a_therapy_used_for_both_conditions_still_asks(small):
    messages, slots = answered(small, intent="split",
                               entities=[therapy_entity("physical therapy")])
    assert messages[0]["tms"]["entries"] == ["split/stroke", "split/phantom_limb_pain"]
    assert slots[SLOT_PENDING_TOPIC] == "split"


def test_therapy_pairing_on_the_shipped_knowledge_follows_the_therapys_condition(
        shipped, shipped_kb):
    for therapy, condition in (("mirror therapy", PHANTOM_LIMB_PAIN), ("CIMT", STROKE)):
        messages, _ = answered(shipped, intent="therapy_pairing",
                               entities=[therapy_entity(therapy)])
        entry = shipped_kb.entries[("therapy_pairing", condition)]
        assert messages[0]["tms"]["entries"] == [entry.key]
        assert messages[0]["text"].endswith(web_sources(shipped_kb, entry))


UNSURE = [{"name": "not_in_sources", "confidence": 0.7},
          {"name": "split", "confidence": 0.2},
          {"name": "shared", "confidence": 0.05}]


def test_a_short_follow_up_is_read_in_the_conversations_context(small):
    messages, slots = answered(small, intent="not_in_sources", text="can he do tms",
                               intent_ranking=UNSURE,
                               slots={SLOT_CONDITION: "stroke", SLOT_LAST_TOPIC: "mixed"})
    assert messages[0]["tms"]["entries"] == ["split/stroke"]
    assert slots[SLOT_LAST_TOPIC] == "split"


@pytest.mark.parametrize("text, slots, entities", [
    ("can he do tms", {}, []),  # nothing said before it refers back to
    ("can a person with a cochlear implant have tms at all", {SLOT_CONDITION: "stroke"}, []),
    # the condition is named in this very message: a first question, not a follow-up
    ("can it help him after his stroke", {SLOT_CONDITION: "stroke"},
     [condition_entity("stroke")]),
])
def test_without_context_or_reference_the_honest_answer_stands(small, text, slots,
                                                               entities):
    messages, _ = answered(small, intent="not_in_sources", text=text,
                           intent_ranking=UNSURE, slots=slots, entities=entities)
    assert messages[0]["tms"]["kind"] == "not_in_sources"


def test_a_confident_not_in_sources_is_not_overruled_by_context(small):
    ranking = [{"name": "not_in_sources", "confidence": 0.95},
               {"name": "shared", "confidence": 0.03}]
    messages, _ = answered(small, intent="not_in_sources", text="can he fly after it",
                           intent_ranking=ranking, slots={SLOT_CONDITION: "stroke"})
    assert messages[0]["tms"]["kind"] == "not_in_sources"
