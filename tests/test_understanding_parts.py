"""The pieces that decide what a message means, each on its own."""
from __future__ import annotations

import numpy as np
import pytest

from tms.safety import detect, told_as_history
from addons.semantic_nlu import CoveredIntentClassifier, _put_first
from tms.unfamiliar import Familiarity
from tms.encoder import shared_encoder
from tms.intent_model import IntentModel, Prediction
from tms.safety_model import Guess
from tms.safety_screen import shared_screen


def unit(*values):
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_similarity_to_ordinary_examples_leaves_the_safety_intents_out():
    model = IntentModel.train(["is tms safe", "help my face droops", "what does it cost"],
                              ["side_effects", "emergency", "cost"],
                              np.vstack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)]))
    message = unit(0, 1, 0.1)
    assert model.nearest_excluding(message, ["emergency"]) == pytest.approx(
        float(unit(0, 0, 1) @ message))
    assert model.nearest_excluding(message, []) == pytest.approx(
        float(unit(0, 1, 0) @ message))


@pytest.mark.parametrize("intent, support, ranking, expected", [
    # a refusal nothing like it supports gives way to a plausible topic
    ("out_of_scope", 0.44, [("candidacy", 0.13)], "candidacy"),
    # "not in sources" stands: honest about the sources is the safer error
    ("not_in_sources", 0.40, [("side_effects", 0.2)], None),
    # ...but not when it resembles known refusals, or no topic is plausible
    ("out_of_scope", 0.62, [("candidacy", 0.3)], None),
    ("out_of_scope", 0.44, [("greet", 0.3), ("candidacy", 0.05)], None),
    ("cost", 0.30, [("candidacy", 0.3)], None),
])
def test_a_refusal_must_rest_on_resemblance_too(intent, support, ranking, expected):
    classifier = CoveredIntentClassifier(
        CoveredIntentClassifier.get_default_config(), None, None,
        topics=["candidacy", "side_effects", "cost"])
    top = 1.0 - sum(c for _, c in ranking)
    assert classifier._weak_refusal(Prediction([(intent, top)] + ranking,
                                               support)) == expected


@pytest.fixture(scope="module")
def screen():
    encoder = shared_encoder()
    the_screen = shared_screen()
    return lambda text, ordinary=0.0: the_screen.detect(
        text, encoder.encode_one(text), ordinary)


PLAN = "im putting away my pain pills so i can take them all at once"


def test_the_meaning_screen_catches_an_indirect_plan(screen):
    assert not detect(PLAN)  # no rule names it: the meaning does
    assert screen(PLAN) == "self_harm"


def test_a_bodily_kind_needs_a_word_for_one_of_its_signs(screen):
    # Close in meaning to an infected residual limb, but nothing infected is named.
    assert screen("my stump has been itchy in the liner") is None


def test_an_ordinary_trained_question_that_close_is_a_look_alike(screen):
    assert screen(PLAN, ordinary=0.99) is None


@pytest.mark.parametrize("text, kind, history", [
    ("since the stroke im a burden and ive worked out how to end it", "self_harm", False),
    ("i used to feel like a burden but therapy helped me", "self_harm", True),
    ("this pain will be the death of me lol", "self_harm", True),
    ("my hand is numb since the stroke 2 years ago", "stroke_signs", True),
    ("my hand went numb 10 minutes ago", "stroke_signs", False),
])
def test_history_is_judged_by_kind(text, kind, history):
    assert told_as_history(text, kind) is history


def test_the_learned_reading_counts_when_sure_but_never_against_the_look_alikes():
    encoder, the_screen = shared_encoder(), shared_screen()
    # Just below the nearest-description screen's own similarity floor.
    text = "i think everyone would be fine without me, i might just not wake up one day"
    vector = encoder.encode_one(text)
    sure = Guess("self_harm", 0.99)
    assert the_screen.detect(text, vector, 0.0, sure) == "self_harm"
    assert the_screen.detect(text, vector, 0.0) is None
    assert the_screen.detect(text, vector, 0.0, Guess("self_harm", 0.5)) is None
    assert the_screen.detect(text, vector, 0.99, sure) is None  # an ordinary question


def classifier_for(topics, **config):
    return CoveredIntentClassifier(dict(CoveredIntentClassifier.get_default_config(),
                                        **config), None, None, topics=topics)


@pytest.mark.parametrize("text, guess, confidence, off", [
    # nothing of the subject, a doubtful topic guess: out of scope
    ("is coffee bad for you after a stroke", "side_effects", 0.45, True),
    ("what is a shrinker sock for", "not_in_sources", 0.3, True),
    ("how do i get a hospital bed for the house", "out_of_scope", 0.35, True),
    # a confident topic, a word of the subject, or a short follow-up stays
    ("is coffee bad for you after a stroke", "side_effects", 0.8, False),
    ("is it safe to drive home after a session", "side_effects", 0.45, False),
    ("and for the leg?", "other_stroke_effects", 0.3, False),
])
def test_a_question_off_the_subject_is_out_of_scope(text, guess, confidence, off):
    classifier = classifier_for(["side_effects", "other_stroke_effects"])
    prediction = Prediction([(guess, confidence), ("cost", 1 - confidence)], 0.4)
    assert classifier._off_subject(text, prediction) is off


def test_a_follow_up_left_unanswered_is_read_again_with_the_condition(monkeypatch):
    from addons import semantic_nlu
    from addons.conversation_context import CONVERSATION_CONDITION
    classifier = classifier_for(["evidence", "cost"])
    read = []

    class Model:
        def predict(self, text, vector):
            read.append(text)
            return Prediction([("evidence", 0.8), ("cost", 0.2)], 0.7)

    classifier._model = Model()
    monkeypatch.setattr(semantic_nlu, "shared_encoder",
                        lambda: type("E", (), {"encode_one": lambda self, t: None})())
    unsure = Prediction([("not_in_sources", 0.6), ("evidence", 0.3)], 0.3)
    token = CONVERSATION_CONDITION.set("phantom_limb_pain")
    try:
        again = classifier._read_in_context("can tms help that", unsure)
        kept = classifier._read_in_context(
            "can tms help that", Prediction([("tell_me_more", 0.5)], 0.5))
    finally:
        CONVERSATION_CONDITION.reset(token)
    assert again.intent == "evidence"
    assert read == ["can tms help that for phantom limb pain"]
    assert kept.intent == "tell_me_more"
    # no condition known: nothing to read it with
    assert classifier._read_in_context("can tms help that", unsure) is unsure


def test_only_a_conversations_first_message_is_judged_off_the_subject():
    from addons.conversation_context import CONVERSATION_STARTED
    classifier = classifier_for(["side_effects"])
    doubtful = Prediction([("side_effects", 0.4), ("cost", 0.6)], 0.4)
    token = CONVERSATION_STARTED.set(True)
    try:
        assert not classifier._off_subject("is coffee bad after a stroke", doubtful)
    finally:
        CONVERSATION_STARTED.reset(token)
    assert classifier._off_subject("is coffee bad after a stroke", doubtful)


# --- Words no answer speaks of ------------------------------------------------------

@pytest.fixture(scope="module")
def familiar():
    """What the answers know, and the encoder's common English words."""
    return Familiarity.from_texts(
        ["how much does tms cost", "does insurance cover the sessions",
         "is it safe with metal implants", "what does the NEURO program involve"],
        shared_encoder().tokenizer.vocab)


@pytest.mark.parametrize("text, rare", [
    # a drug, a device, a brand nobody's answer names
    ("i take warfarin, is tms ok", ["warfarin"]),
    ("is neurostar better than brainsway", ["neurostar", "brainsway"]),
    # words the answers know, with a typo or in another form, stay familiar
    ("will insurence pay for my sesions", []),
    ("the implanted coil, is that safe", []),
    # common English a patient brings, and chat spellings, stay familiar
    ("my hand is still clumsy, i need transport from chicago", []),
    ("hes havent been able, mins", []),
])
def test_a_rare_word_no_answer_knows_is_unfamiliar(familiar, text, rare):
    assert familiar.unfamiliar(text) == rare


def test_a_topic_question_with_an_unfamiliar_word_is_not_in_the_sources(familiar):
    classifier = classifier_for(["side_effects", "cost"], unfamiliar_words=True)
    classifier._familiarity = familiar
    sure = Prediction([("side_effects", 0.9), ("cost", 0.1)], 0.8)
    assert classifier._unfamiliar("i take warfarin, is tms ok", sure)
    assert not classifier._unfamiliar("is tms ok, does it cost much", sure)
    # a refusal or a greeting is left as it is
    assert not classifier._unfamiliar("warfarin", Prediction([("greet", 0.9)], 0.2))
    # and the honest reply comes first with no "Did you mean...?" between them
    ranking = _put_first("not_in_sources", sure)
    assert ranking[0] == ("not_in_sources", 0.9)
    assert ranking[1][0] == "side_effects" and ranking[1][1] < 0.2


@pytest.mark.parametrize("text, guess, confidence, last_share, stays", [
    # a short follow-up that refers back, sorted elsewhere without confidence
    ("is it the same spot for an arm vs a leg", "about_plp", 0.45, 0.16, True),
    # a confident new topic, a last topic the classifier gave nothing, a long
    # message, or one that does not refer back: the classifier's guess stands
    ("how many sessions would he need", "about_plp", 0.8, 0.1, False),
    ("is it the same spot for an arm vs a leg", "about_plp", 0.45, 0.02, False),
    ("is it the same spot for an arm vs a leg or for a hand and a foot and the "
     "face too", "about_plp", 0.45, 0.16, False),
    ("same spot for arm vs leg", "about_plp", 0.45, 0.16, False),
])
def test_a_short_follow_up_stays_on_the_last_answers_topic(text, guess, confidence,
                                                          last_share, stays):
    from addons.conversation_context import CONVERSATION_STARTED, CONVERSATION_TOPIC
    classifier = classifier_for(["about_plp", "protocols"])
    prediction = Prediction([(guess, confidence), ("protocols", last_share)], 0.5)
    tokens = CONVERSATION_STARTED.set(True), CONVERSATION_TOPIC.set("protocols")
    try:
        assert classifier._stay_on_topic(text, prediction) == ("protocols" if stays
                                                               else None)
    finally:
        CONVERSATION_STARTED.reset(tokens[0])
        CONVERSATION_TOPIC.reset(tokens[1])
    # a conversation's first message has no last topic to stay on
    assert classifier._stay_on_topic(text, prediction) is None


def test_a_long_storys_passing_rare_word_is_not_what_it_asks(familiar):
    classifier = classifier_for(["sessions"], unfamiliar_words=True)
    classifier._familiarity = familiar
    sure = Prediction([("sessions", 0.9)], 0.8)
    story = ("my husband had his stroke in february and has done months of therapy with "
             "a lot of effort, the physio says he has plateaued, how many sessions would "
             "he need")
    assert familiar.unfamiliar("he has plateaued on warfarin")
    assert not classifier._unfamiliar(story + " on warfarin", sure)


def test_the_unfamiliar_word_rule_is_off_unless_configured(familiar):
    classifier = classifier_for(["side_effects"])
    classifier._familiarity = familiar
    assert not classifier._unfamiliar("i take warfarin, is tms ok",
                                      Prediction([("side_effects", 0.9)], 0.8))
