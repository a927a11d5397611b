"""The conditions this assistant covers and the words patients use for them.

One table serves two places: the spaCy entity ruler built at install time
(``scripts/build_spacy_pipeline.py``) and the action that turns whatever a patient
typed ("CVA", "lost my leg") into a canonical slot value.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

STROKE = "stroke"
PHANTOM_LIMB_PAIN = "phantom_limb_pain"
GENERAL = "general"

#: Conditions a patient can have; ``general`` is only a knowledge-entry scope.
PATIENT_CONDITIONS = (STROKE, PHANTOM_LIMB_PAIN)
ENTRY_CONDITIONS = (STROKE, PHANTOM_LIMB_PAIN, GENERAL)

LABELS = {
    STROKE: "stroke recovery",
    PHANTOM_LIMB_PAIN: "phantom limb pain",
    GENERAL: "TMS in general",
}

_LIMBS = ["leg", "legs", "arm", "arms", "hand", "hands", "foot", "feet", "limb",
          "limbs", "finger", "fingers", "toe", "toes"]
_OWNERS = ["my", "his", "her", "their", "a", "an", "the", "both", "one"]
_SIDES = ["left", "right", "lower", "upper", "whole", "two", "2", "three", "3", "some",
          "several", "most", "part", "of"]

# Phrases, matched on lower-cased tokens. Each phrase is a list of tokens; a token may
# be a list of alternatives. Misspellings patients often type are listed on purpose.
CONDITION_PHRASES: Dict[str, List[List[object]]] = {
    STROKE: [
        ["stroke"], ["strokes"], ["stroke's"], ["strok"], ["stoke"], ["storke"],
        ["strock"], ["stroek"], ["cva"], ["cvas"], ["post-stroke"], ["poststroke"],
        ["hemiparesis"], ["hemiplegia"], ["hemiparetic"], ["hemiplegic"],
        ["brain", "attack"], ["cerebral", ["stroke", "infarction", "hemorrhage"]],
        ["cerebrovascular", "accident"], ["brain", "bleed"], ["tia"],
        ["mini", "stroke"], ["mini-stroke"], ["stroke", "survivor"],
        ["stroke", "rehab"], ["stroke", "rehabilitation"], ["stroke", "recovery"],
    ],
    PHANTOM_LIMB_PAIN: [
        ["phantom", "limb", "pain"], ["phantom", "limb"], ["phantom", "pain"],
        ["phantom", "pains"], ["phantom", ["leg", "arm", "hand", "foot"]],
        ["phantom", "sensation"], ["phantom", "sensations"], ["phantom"],
        ["phantoms"], ["phatom"], ["phanton"], ["fantom"], ["plp"],
        ["amputation"], ["amputations"], ["amputee"], ["amputees"], ["amputated"],
        ["amputate"], ["amputaion"], ["amputaton"], ["amputatee"],
        ["lost", _OWNERS, _LIMBS], ["lost", _LIMBS], ["missing", _LIMBS],
        [["lost", "losing", "lose"], _OWNERS, _SIDES, _LIMBS],
        [["lost", "losing"], _SIDES, _LIMBS], [["losing", "lose"], _OWNERS, _LIMBS],
        ["missing", _OWNERS, _LIMBS], ["missing", _OWNERS, _SIDES, _LIMBS],
        [["above", "below"], "the", ["knee", "elbow"]],
        [["above-knee", "below-knee", "above-the-knee", "below-the-knee"]],
        [["prosthetic", "artificial"], _LIMBS], ["prosthesis"], ["prosthetics"],
        ["missing", "limb"], ["residual", "limb"], ["stump", "pain"],
    ],
}

THERAPY_PHRASES: Dict[str, List[List[object]]] = {
    "mirror_therapy": [["mirror", "therapy"], ["mirror", "box"], ["mirror"]],
    "graded_motor_imagery": [["graded", "motor", "imagery"], ["gmi"],
                             ["motor", "imagery"]],
    "cimt": [["cimt"], ["constraint", "induced"], ["constraint-induced"],
             ["constraint", "therapy"]],
    "physical_therapy": [["physical", "therapy"], ["physiotherapy"], ["physio"],
                         ["pt"], ["physical", "therapist"]],
    "occupational_therapy": [["occupational", "therapy"], ["ot"],
                             ["occupational", "therapist"]],
}

#: Therapies the sources discuss for one condition only: mirror therapy and graded
#: motor imagery for phantom limb pain, CIMT for stroke. Physical and occupational
#: therapy serve both, so they say nothing about the condition.
THERAPY_CONDITION = {
    "mirror_therapy": PHANTOM_LIMB_PAIN,
    "graded_motor_imagery": PHANTOM_LIMB_PAIN,
    "cimt": STROKE,
}

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*")


def _expand(phrase: List[object]) -> List[List[str]]:
    """All token sequences one phrase stands for (alternatives multiplied out)."""
    sequences: List[List[str]] = [[]]
    for token in phrase:
        options = token if isinstance(token, list) else [token]
        sequences = [seq + [str(option)] for seq in sequences for option in options]
    return sequences


def _build_index(table: Dict[str, List[List[object]]]) -> Dict[tuple, str]:
    return {
        tuple(seq): canonical
        for canonical, phrases in table.items()
        for phrase in phrases
        for seq in _expand(phrase)
    }


_CONDITION_INDEX = _build_index(CONDITION_PHRASES)
_THERAPY_INDEX = _build_index(THERAPY_PHRASES)


def _find(text: str, index: Dict[tuple, str]) -> Optional[str]:
    """The canonical value of the longest phrase from ``index`` found in ``text``."""
    tokens = _TOKEN.findall(text.lower())
    longest = max((len(key) for key in index), default=0)
    best: Optional[tuple] = None
    for start in range(len(tokens)):
        for size in range(min(longest, len(tokens) - start), 0, -1):
            key = tuple(tokens[start:start + size])
            if key in index and (best is None or size > best[0]):
                best = (size, index[key])
                break
    return best[1] if best else None


def _normalize(value: object, canonical: tuple, index: Dict[tuple, str]
               ) -> Optional[str]:
    if not isinstance(value, str) or not value.strip():
        return None
    cleaned = value.strip().lower()
    for candidate in (cleaned, cleaned.replace(" ", "_")):
        if candidate in canonical:
            return candidate
    return _find(cleaned, index)


def normalize_condition(value: object) -> Optional[str]:
    """Map what a patient typed, or a slot value, to a canonical condition."""
    return _normalize(value, PATIENT_CONDITIONS, _CONDITION_INDEX)


def normalize_therapy(value: object) -> Optional[str]:
    """Map a therapy a patient named to its canonical id."""
    return _normalize(value, tuple(THERAPY_PHRASES), _THERAPY_INDEX)


def entity_ruler_patterns() -> List[dict]:
    """Token patterns for spaCy's entity ruler, one per phrase: a token with
    alternatives matches any of them ({"IN": [...]}), so the ruler holds about a
    hundred patterns, not the thousands the alternatives multiply out to (which cost
    over a millisecond per message)."""
    patterns = []
    for label, table in (("condition", CONDITION_PHRASES), ("therapy", THERAPY_PHRASES)):
        for canonical, phrases in table.items():
            for phrase in phrases:
                patterns.append({
                    "label": label,
                    "id": canonical,
                    "pattern": [{"LOWER": {"IN": [str(t) for t in token]}}
                                if isinstance(token, list) else {"LOWER": str(token)}
                                for token in phrase],
                })
    return patterns
