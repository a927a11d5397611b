"""One vocabulary of input problems: tms/input_screen.py PROBLEMS. Each has its
slot value, its rule and its domain response; a problem added in one place only would
fall through to the fallback instead of its kind reply."""
from pathlib import Path

import yaml

from tms.input_screen import PROBLEMS

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
RULES = yaml.safe_load((ROOT / "data" / "rules" / "fallback.yml").read_text())["rules"]


def test_every_input_problem_has_its_slot_value_rule_and_response():
    assert set(DOMAIN["slots"]["input_problem"]["values"]) == set(PROBLEMS)
    answered = {}
    for rule in RULES:
        steps = rule["steps"]
        if steps[0].get("intent") == "bad_input":
            [(slot, problem)] = steps[1]["slot_was_set"][0].items()
            answered[problem] = steps[2]["action"]
    assert answered == {p: f"utter_input_{p}" for p in PROBLEMS}
    assert {f"utter_input_{p}" for p in PROBLEMS} <= set(DOMAIN["responses"])
