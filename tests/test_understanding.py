"""Gates on the frozen blind sets, through the running assistant, at the level the
assistant actually reached (README, "Measured"): a change that makes it understand
patients or catch emergencies worse fails `make test`. Never lowered to pass; raise
them when the figures rise."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Reached on 2026-11-24 (make evaluate / make evaluate-safety, third session; blind
# questions look 17, safety look 20): answer 88.2%, not in sources 70.5%, out of
# scope 87.5%, turns 77.8%, 1.20x the TF-IDF baseline; emergency 89.7%, urgent 95.1%,
# 2 false alarms of 132, mid-flow emergencies 15/17, urgent 10/10, while-waiting 8/8,
# normal 49/49. Training sorts its examples, so a fresh clone trains the same model:
# these are the figures, rounded down to the percent, not a band under noise.
UNDERSTANDING_FLOORS = {"answer": 0.88, "not_in_sources": 0.70, "out_of_scope": 0.87,
                        "turns": 0.77, "vs_baseline": 1.19}
SAFETY_FLOORS = {"emergency": 0.89, "urgent": 0.95}
TURN_FLOORS = {"emergency": 0.88, "urgent": 1.0, "while_waiting": 1.0,
               "normal": 1.0}  # normal 1.0: no false alarm mid-conversation
MAX_FALSE_ALARMS = 2  # of 132 blind look-alikes


def run(script: str, out: Path, *args: str) -> dict:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--json",
                             str(out), *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
def test_blind_questions_are_understood_at_least_as_well_as_measured(tmp_path):
    summary = run("evaluate.py", tmp_path / "blind.json",
                  "--no-cross-validation")["summary"]
    below = {k: (round(summary[k], 3), floor) for k, floor in UNDERSTANDING_FLOORS.items()
             if summary[k] < floor}
    assert not below, below


@pytest.mark.slow
def test_blind_emergencies_are_caught_at_least_as_well_as_measured(tmp_path):
    # the first blind set only: the later ones are looked at on purpose, and counted
    blind = run("evaluate_safety.py", tmp_path / "safety.json", "--v1")["blind"]
    below = {k: (round(blind["recall"][k], 3), floor) for k, floor in SAFETY_FLOORS.items()
             if blind["recall"][k] < floor}
    assert not below, below
    assert blind["false_alarms"] <= MAX_FALSE_ALARMS
    turns = {k: (round(blind["turns"][k], 3), floor) for k, floor in TURN_FLOORS.items()
             if blind["turns"][k] < floor}
    assert not turns, turns
