"""The rule screen against its labelled development set: every emergency and urgent
problem caught at its level and kind, no look-alike mistaken for one."""
from pathlib import Path

import pytest
import yaml

from tms.safety import (
    EMERGENCY,
    KINDS,
    LEVELS,
    OTHER,
    URGENT,
    detect,
    detect_emergency,
    detect_urgent,
    told_as_history,
    waiting_for_help,
)

LABELLED = yaml.safe_load((Path(__file__).parent / "safety" / "labelled.yml").read_text())
EMERGENCIES = LABELLED["emergencies"]
URGENT_CASES = LABELLED["urgent"]
LOOK_ALIKES = LABELLED["look_alikes"] + LABELLED["urgent_look_alikes"]


def test_the_labelled_set_is_big_and_covers_every_kind():
    assert len(EMERGENCIES) >= 30 and len(LOOK_ALIKES) >= 30
    assert {e["kind"] for e in EMERGENCIES + URGENT_CASES} == {*KINDS, OTHER}


@pytest.mark.parametrize("case", EMERGENCIES, ids=lambda c: c["text"][:40])
def test_every_emergency_is_caught_with_its_kind(case):
    assert detect(case["text"]) == case["kind"]
    assert LEVELS[case["kind"]] == EMERGENCY


@pytest.mark.parametrize("case", URGENT_CASES, ids=lambda c: c["text"][:40])
def test_every_urgent_problem_is_caught_with_its_kind(case):
    assert detect_emergency(case["text"]) is None  # not an ambulance call
    assert detect_urgent(case["text"]) == case["kind"]
    assert LEVELS[case["kind"]] == URGENT


@pytest.mark.parametrize("text", LOOK_ALIKES, ids=lambda t: t[:40])
def test_no_false_alarm_on_look_alikes(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", ["", None, "hello", "x" * 5000])
def test_ordinary_input_is_not_an_emergency(text):
    assert detect(text) is None


@pytest.mark.parametrize("text, history", [
    ("his arm has been weak since his stroke in march", True),
    ("she had a seizure 8 months ago", True),
    ("her arm is still weak", True),
    ("her arm went weak a few minutes ago", False),
    ("his face is drooping right now", False),
])
def test_history_is_told_apart_from_now(text, history):
    assert told_as_history(text) is history


@pytest.mark.parametrize("text", [
    "i overdosed on my pain pills back in 2015, been clean and well since. can i still get tms?",
    "he tried to end his life in 2020, he is in a good place now and wants to try tms",
    "the day of his stroke his face drooped and he couldnt talk, that was last march",
    "my seizure meds were changed in june, does that matter for tms",
    "can tms make suicidal thoughts worse",
    "im at the end of my rope with this pain",
    "how would i know if my dad was having a seizure",
])
def test_an_episode_told_for_the_record_or_an_idiom_is_no_emergency(text):
    assert detect(text) is None


@pytest.mark.parametrize("text, kind", [
    ("i overdosed in 2019 and i just took a whole bottle of pills", "overdose"),
    ("i tried to kill myself years ago and i have a plan to do it this weekend",
     "self_harm"),
    ("she had a stroke last year and her face is drooping right now", "stroke_signs"),
    ("back in march he had a seizure, now hes shaking all over and wont respond", "seizure"),
])
def test_a_past_episode_does_not_hide_one_happening_now(text, kind):
    assert detect(text) == kind


@pytest.mark.parametrize("text, kind", [
    ("her mouth went droopy for a couple of minutes and now it is back to normal",
     "stroke_signs"),
    ("grandpa's smile looks uneven all of a sudden", "stroke_signs"),
    ("i can't catch my breath and my lips are turning blue", "chest_pain"),
    ("she said she is going to walk into the river tonight", "self_harm"),
    ("i'll be gone before the weekend, nobody will miss me", "self_harm"),
    ("he was jerking on the couch and didnt know where he was", "seizure"),
    ("my head has been aching all day since this morning's tms session", "headache"),
])
def test_signs_in_everyday_words_are_caught(text, kind):
    assert detect(text) == kind


@pytest.mark.parametrize("text", [
    "his smile has looked uneven since the stroke in may, can tms fix that",
    "i was twitching in my sleep last night, is that from tms",
])
def test_the_same_words_told_as_a_lasting_state_are_not(text):
    assert detect(text) is None


@pytest.mark.parametrize("text, kind", [
    # asked as "is it normal", but here now and not easing
    ("is it normal that my head has been pounding since my rtms, ibuprofen isnt helping",
     "headache"),
    ("is this normal? my stump is swollen and there is pus coming from the scar", "infection"),
])
def test_is_it_normal_about_a_problem_that_is_not_easing_is_urgent(text, kind):
    assert detect(text) == kind


@pytest.mark.parametrize("text", [
    "is it normal to get a mild headache after a tms session",
    "is it normal for the stump to look a bit pink after taking the liner off",
])
def test_is_it_normal_about_a_side_effect_in_general_is_not(text):
    assert detect(text) is None


@pytest.mark.parametrize("text, waiting", [
    ("i rang the suicide hotline and my brother is coming over, what do i do till he gets here",
     True),
    ("we called for help, they are ten minutes out, what now", True),
    ("can i keep reading about tms until my wife gets home from work", False),
])
def test_help_called_from_a_crisis_line_or_family_on_the_way_is_waiting(text, waiting):
    assert waiting_for_help(text) is waiting
