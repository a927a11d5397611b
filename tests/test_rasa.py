"""Rasa's own checks: the training data validates and the conversation tests pass;
and the domain, the rules and knowledge/ agree on the question topics."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from tms.coverage import answered_intents, topic_findings
from tms.knowledge import load_knowledge
from tests.conftest import KNOWLEDGE, ROOT, TODAY

MODEL = ROOT / "models" / "tms-assistant.tar.gz"


def rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_every_knowledge_topic_is_trained_and_every_trained_topic_has_answers():
    kb = load_knowledge(KNOWLEDGE, today=TODAY)
    assert topic_findings(kb) == []
    assert answered_intents() == set(kb.topics)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(kb.topics) <= set(domain["intents"])


@pytest.mark.slow
def test_rasa_data_validate_is_clean():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "UserWarning" not in result.stderr


@pytest.mark.slow
def test_conversation_tests_pass(tmp_path):
    assert MODEL.is_file(), "no trained model: run `make train` (make test does)"
    result = rasa("test", "core", "--model", str(MODEL), "--stories",
                  str(ROOT / "tests" / "test_stories.yml"),
                  "--fail-on-prediction-errors", "--out", str(tmp_path))
    failed = (tmp_path / "failed_test_stories.yml")
    report = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, report or result.stderr[-3000:]
    assert "None of the test stories failed" in report


#: A regression guard, below the 90% target and the measured 93.9% (both held-out
#: sets): trainings of the same data differ by a couple of points, so the gate must
#: not flip on that noise.
HELD_OUT_FLOOR = 0.88


@pytest.mark.slow
def test_held_out_patient_questions_reach_the_right_answer(tmp_path):
    """Questions never seen in training still get the right intent."""
    assert MODEL.is_file(), "no trained model: run `make train` (make test does)"
    result = rasa("test", "nlu", "--model", str(MODEL), "--nlu",
                  str(ROOT / "tests" / "nlu"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    assert report["macro avg"]["support"] >= 150
    accuracy = report["accuracy"]
    assert accuracy >= HELD_OUT_FLOOR, f"held-out accuracy {accuracy:.1%}"


def test_held_out_questions_are_not_in_the_training_data():
    def examples(path):
        found = set()
        for item in yaml.safe_load(path.read_text())["nlu"]:
            found |= {line[2:].strip().lower() for line in
                      item.get("examples", "").splitlines() if line.startswith("- ")}
        return found

    training = set().union(*(examples(p) for p in (ROOT / "data" / "nlu").glob("*.yml")))
    for name in ("heldout.yml", "heldout_blind.yml"):
        assert examples(ROOT / "tests" / "nlu" / name).isdisjoint(training), name
