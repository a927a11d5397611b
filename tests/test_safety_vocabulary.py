"""One vocabulary of emergency and urgent kinds: tms/safety.py LEVELS. Every kind
has its domain response, its rule, its slot value, labelled development cases and
descriptions for the meaning-based screen; nothing exists in one place only."""
from pathlib import Path

import yaml

from tms.safety import KINDS, LEVELS, OTHER, response_name

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
RULES = yaml.safe_load((ROOT / "data" / "rules" / "safety.yml").read_text())["rules"]
LABELLED = yaml.safe_load((ROOT / "tests" / "safety" / "labelled.yml").read_text())
SCREEN = yaml.safe_load((ROOT / "tms" / "safety_descriptions.yml").read_text())


def rule_responses():
    """{kind: response} from the rules that answer the emergency and urgent intents."""
    found = {}
    for rule in RULES:
        steps = rule["steps"]
        if steps[0].get("intent") in ("emergency", "urgent") and len(steps) == 3:
            [(slot, kind)] = steps[1]["slot_was_set"][0].items()
            assert slot == "emergency_type"
            found[kind] = steps[2]["action"]
    return found


def test_every_kind_has_its_response_rule_and_slot_value():
    responses = {name for name in DOMAIN["responses"]
                 if name.startswith(("utter_emergency_", "utter_urgent_"))}
    assert responses == {response_name(kind) for kind in LEVELS}
    assert rule_responses() == {kind: response_name(kind) for kind in LEVELS}
    assert set(DOMAIN["slots"]["emergency_type"]["values"]) == set(LEVELS)
    assert set(DOMAIN["slots"]["safety_level"]["values"]) == set(LEVELS.values())


def test_every_kind_has_labelled_cases_and_screen_descriptions():
    labelled = {c["kind"] for c in LABELLED["emergencies"] + LABELLED["urgent"]}
    assert labelled == set(LEVELS)
    assert set(SCREEN["kinds"]) == set(KINDS)  # "other" is the classifier's alone
    assert OTHER not in SCREEN["kinds"]


def test_every_reply_names_a_number_from_the_clinic_file():
    for kind in LEVELS:
        text = DOMAIN["responses"][response_name(kind)][0]["text"]
        assert "{emergency_number}" in text or "{crisis_line}" in text, kind


def _steps(node):
    """Every step of every test story, however nested."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _steps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _steps(item)


def test_the_test_stories_speak_the_same_vocabulary():
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())
    kinds, actions = set(), set()
    for step in _steps(stories["stories"]):
        if isinstance(step.get("emergency_type"), str):
            kinds.add(step["emergency_type"])
        if str(step.get("action", "")).startswith(("utter_emergency_", "utter_urgent_")):
            actions.add(step["action"])
    assert kinds and kinds <= set(LEVELS)
    assert actions and actions <= {response_name(kind) for kind in LEVELS}


def test_the_emergency_numbers_have_one_default():
    from tms.knowledge import DEFAULT_CRISIS_LINE, DEFAULT_EMERGENCY_NUMBER, Clinic
    slots = DOMAIN["slots"]
    assert slots["emergency_number"]["initial_value"] == DEFAULT_EMERGENCY_NUMBER
    assert slots["crisis_line"]["initial_value"] == DEFAULT_CRISIS_LINE
    clinic = Clinic("c", "p", "e", "h", "w")
    assert (clinic.emergency_number, clinic.crisis_line) == (DEFAULT_EMERGENCY_NUMBER,
                                                             DEFAULT_CRISIS_LINE)
