"""The emergency screen against its labelled set: every emergency caught, no
educational question mistaken for one."""
from pathlib import Path

import pytest
import yaml

from actions.safety import KINDS, OTHER, detect_emergency

LABELLED = yaml.safe_load((Path(__file__).parent / "safety" / "labelled.yml").read_text())
EMERGENCIES = LABELLED["emergencies"]
LOOK_ALIKES = LABELLED["look_alikes"]


def test_the_labelled_set_is_big_and_balanced():
    assert len(EMERGENCIES) >= 30 and len(LOOK_ALIKES) >= 30
    assert {e["kind"] for e in EMERGENCIES} == {*KINDS, OTHER}


@pytest.mark.parametrize("case", EMERGENCIES, ids=lambda c: c["text"][:40])
def test_every_emergency_is_caught_with_its_kind(case):
    assert detect_emergency(case["text"]) == case["kind"]


@pytest.mark.parametrize("text", LOOK_ALIKES, ids=lambda t: t[:40])
def test_no_false_alarm_on_look_alikes(text):
    assert detect_emergency(text) is None


@pytest.mark.parametrize("text", ["", None, "hello", "x" * 5000])
def test_ordinary_input_is_not_an_emergency(text):
    assert detect_emergency(text) is None
