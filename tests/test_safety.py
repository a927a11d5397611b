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
