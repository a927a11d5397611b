"""Which question topics have answers, for which conditions; and whether the
assistant is trained to recognise each topic that has answers (and the reverse)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Set

import yaml

from tms.conditions import GENERAL, LABELS, PATIENT_CONDITIONS
from tms.knowledge import ERROR, WARNING, Finding, KnowledgeBase
from tms.names import (
    ACTION_ANSWER,
    INTENT_INFORM_CONDITION,
    INTENT_NOT_IN_SOURCES,
    INTENT_SAFETY_FOLLOWUP,
    INTENT_TELL_ME_MORE,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OWN = "answer"
FALLS_BACK = "general answer"
NONE = "NO ANSWER"


def coverage_rows(kb: KnowledgeBase) -> List[List[str]]:
    """Topic x condition: its own answer, the general one, or none."""
    rows = []
    for topic in sorted(set(kb.topic_questions) | set(kb.topics)):
        entries = kb.entries_for(topic)
        cells = [OWN if c in entries else FALLS_BACK if GENERAL in entries else NONE
                 for c in PATIENT_CONDITIONS]
        rows.append([topic, kb.question(topic), *cells])
    return rows


def coverage_table(kb: KnowledgeBase) -> str:
    header = ["topic", "question", *(LABELS[c] for c in PATIENT_CONDITIONS)]
    rows = [header, *coverage_rows(kb)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def answered_intents(project_root: Path = PROJECT_ROOT) -> Set[str]:
    """Intents whose rules run the answer action (the trained question topics)."""
    intents: Set[str] = set()
    for path in sorted((project_root / "data" / "rules").glob("*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
                "rules", []):
            steps = rule.get("steps", [])
            for step, following in zip(steps, steps[1:], strict=False):
                if following.get("action") == ACTION_ANSWER:
                    options = step.get("or", [step])
                    intents.update(o["intent"] for o in options if "intent" in o)
    return intents - {INTENT_INFORM_CONDITION, INTENT_TELL_ME_MORE,
                      INTENT_NOT_IN_SOURCES, INTENT_SAFETY_FOLLOWUP}


def trained_intents(project_root: Path = PROJECT_ROOT) -> Set[str]:
    """Intents with training examples in data/nlu/."""
    intents: Set[str] = set()
    for path in sorted((project_root / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
                "nlu", []):
            if "intent" in item:
                intents.add(item["intent"])
    return intents


def topic_findings(kb: KnowledgeBase, project_root: Path = PROJECT_ROOT
                   ) -> List[Finding]:
    """A topic with answers the assistant cannot recognise, or the reverse."""
    if not (project_root / "data").is_dir():
        return []
    answered, trained = answered_intents(project_root), trained_intents(project_root)
    findings = []
    for topic in kb.topics:
        if topic not in answered or topic not in trained:
            findings.append(Finding(
                WARNING, "knowledge/answers", None, topic,
                "has answers, but the assistant is not trained to recognise questions "
                "about it yet: a developer must add training examples and a rule "
                "(README, 'Adding a question topic')"))
    for intent in sorted(answered - set(kb.topics)):
        findings.append(Finding(
            ERROR, "data/rules", None, intent,
            "the assistant is trained to answer this topic but knowledge/ has no answer "
            "for it: add an entry with 'topic: " + intent + "'"))
    return findings
