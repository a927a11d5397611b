"""How what patients type maps to the conditions the assistant knows."""
import pytest

from tms.conditions import (
    PHANTOM_LIMB_PAIN,
    STROKE,
    entity_ruler_patterns,
    normalize_condition,
    normalize_therapy,
)


@pytest.mark.parametrize("typed, expected", [
    ("stroke", STROKE), ("Stroke", STROKE), ("CVA", STROKE), ("strok", STROKE),
    ("post-stroke", STROKE), ("hemiparesis", STROKE), ("mini stroke", STROKE),
    ("phantom limb pain", PHANTOM_LIMB_PAIN), ("PLP", PHANTOM_LIMB_PAIN),
    ("lost my leg", PHANTOM_LIMB_PAIN), ("amputee", PHANTOM_LIMB_PAIN),
    ("phantom_limb_pain", PHANTOM_LIMB_PAIN), ("phantom pain", PHANTOM_LIMB_PAIN),
    ("lost my right leg", PHANTOM_LIMB_PAIN), ("lost 2 fingers", PHANTOM_LIMB_PAIN),
    ("losing his arm", PHANTOM_LIMB_PAIN), ("below the knee", PHANTOM_LIMB_PAIN),
    ("prosthetic leg", PHANTOM_LIMB_PAIN),
    ("my knee", None), ("", None), (None, None), (42, None), ("lost my keys", None),
])
def test_normalize_condition(typed, expected):
    assert normalize_condition(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("mirror therapy", "mirror_therapy"), ("CIMT", "cimt"),
    ("occupational therapy", "occupational_therapy"), ("yoga", None),
])
def test_normalize_therapy(typed, expected):
    assert normalize_therapy(typed) == expected


def test_entity_ruler_finds_both_labels_with_few_patterns():
    import spacy

    patterns = entity_ruler_patterns()
    assert {p["label"] for p in patterns} == {"condition", "therapy"}
    # Alternatives stay inside one pattern: thousands of patterns cost over a
    # millisecond of every message.
    assert len(patterns) < 300
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(
        patterns)
    found = {(e.text, e.label_, e.ent_id_) for e in nlp(
        "she lost her left arm and does mirror therapy after my dad's cva").ents}
    assert found == {("lost her left arm", "condition", PHANTOM_LIMB_PAIN),
                     ("mirror therapy", "therapy", "mirror_therapy"),
                     ("cva", "condition", STROKE)}
