"""How well the assistant understands questions nobody trained it on.

Usage: python scripts/evaluate.py [--dev | --v2 | --v3] [--no-cross-validation] [--folds 5] [--json FILE]

With --dev, the development set tests/dev/questions.yml (same shape, written the same
way, but tuned against) instead of the blind one, with every miss printed.

1. Starts the assistant exactly as `make run` does (both servers; a throw-away
   SQLite store) and sends it every question of the frozen blind set
   (tests/blind/questions.yml) over REST, one conversation each, then every
   conversation of that set turn by turn. What each turn got is read from the
   conversation store, never from the reply's wording: the knowledge entries an
   answer showed, an honest "my sources don't cover that", the scope reply, a
   clarification (answered with the expected condition, as a patient would), an
   emergency reply.
2. The same questions through a TF-IDF nearest-example lookup over data/nlu: the
   baseline a trained classifier must beat.
3. Rasa's own 5-fold cross-validation of the NLU pipeline on data/nlu.

A question is answered right when an answer shows an entry of one of its expected
topics for its condition (or the general entry; for a question naming no condition,
any entry of the topic). Reports are written under results/.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tms.conditions import GENERAL  # noqa: E402
from tms.render import ASK_CONDITION, NOT_IN_SOURCES, PAYLOAD_KEY  # noqa: E402
from tests.conftest import stored_events  # noqa: E402
from tests.running_assistant import RunningAssistant  # noqa: E402

BLIND = ROOT / "tests" / "blind" / "questions.yml"
#: Written later by another helper, frozen on arrival: honest figures once the first
#: blind set had been looked at many times.
BLIND_V2 = ROOT / "tests" / "blind" / "questions_v2.yml"
#: Third, written 2026-11-25 by a fresh helper once v1 and v2 had steered choices.
BLIND_V3 = ROOT / "tests" / "blind" / "questions_v3.yml"
DEV = ROOT / "tests" / "dev" / "questions.yml"
MODEL = ROOT / "models" / "tms-assistant.tar.gz"
RESULTS = ROOT / "results"

ANSWER, NOT_COVERED, OUT_OF_SCOPE, CONTEXT = ("answer", "not_in_sources",
                                              "out_of_scope", "context")
#: Targets from the issue; reported, not gates (`make test` holds the gates).
TARGETS = {ANSWER: 0.90, NOT_COVERED: 0.90, OUT_OF_SCOPE: 0.90, "turns": 0.90,
           "cross_validation": 0.85, "vs_baseline": 1.3}


# ------------------------------------------------------------------ what a turn got
def turn_outcome(events: List[Tuple[str, dict]]) -> Dict[str, object]:
    """What the assistant did after the last user message: its actions, the entries
    its answers showed, and the kinds of its replies."""
    last_user = max(i for i, (kind, _) in enumerate(events) if kind == "user")
    actions, entries, kinds, buttons = [], [], [], []
    for kind, data in events[last_user + 1:]:
        if kind == "action":
            actions.append(data.get("name"))
        elif kind == "bot":
            metadata = data.get("metadata") or {}
            payload = metadata.get(PAYLOAD_KEY) or {}
            # A plain response names itself; an action's reply says what it is.
            kinds.append(payload.get("kind") or metadata.get("utter_action")
                         or (actions[-1] if actions else ""))
            entries.extend(payload.get("entries") or [])
            buttons.extend((data.get("data") or {}).get("buttons") or [])
    return {"actions": actions, "entries": entries, "kinds": kinds, "buttons": buttons}


def is_emergency(outcome: Dict[str, object]) -> bool:
    return any(str(a).startswith("utter_emergency_") or str(a).startswith("utter_urgent_")
               for a in outcome["actions"])


def judge(item: dict, outcome: Dict[str, object]) -> bool:
    expect = item["expect"]
    if expect == NOT_COVERED:
        return NOT_IN_SOURCES in outcome["kinds"]
    if expect == OUT_OF_SCOPE:
        return "utter_out_of_scope" in outcome["actions"]
    topics = set(item.get("topics") or [])
    condition = item.get("condition") or "none"
    for entry in outcome["entries"]:
        topic, _, entry_condition = entry.partition("/")
        if topic in topics and (condition == "none"
                                or entry_condition in (condition, GENERAL)):
            return True
    return False


def condition_button(outcome: Dict[str, object], condition: str) -> Optional[str]:
    for button in outcome["buttons"]:
        if f'"{condition}"' in str(button.get("payload")):
            return button["payload"]
    return None


class Conversation:
    def __init__(self, assistant: RunningAssistant, store: str, sender: str):
        self.assistant, self.store, self.sender = assistant, store, sender

    def turn(self, item: dict) -> Tuple[bool, Dict[str, object], bool]:
        """Send one message; (right, outcome, clarified). A clarification is
        answered once with the expected condition (stroke when none is named)."""
        self.assistant.send(self.sender, item["text"])
        outcome = turn_outcome(stored_events(self.store, self.sender))
        clarified = False
        if item["expect"] == ANSWER and ASK_CONDITION in outcome["kinds"]:
            wanted = item.get("condition") or "none"
            payload = condition_button(outcome, "stroke" if wanted == "none" else wanted)
            if payload:
                clarified = True
                self.assistant.send(self.sender, payload)
                outcome = turn_outcome(stored_events(self.store, self.sender))
        return judge(item, outcome), outcome, clarified


# --------------------------------------------------------------------- the baseline
def training_examples() -> List[Tuple[str, str]]:
    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", line[2:])
                    examples.append((text.strip(), block["intent"]))
    return examples


def baseline_judge(item: dict, intent: str) -> bool:
    if item["expect"] in (NOT_COVERED, OUT_OF_SCOPE):
        return intent == item["expect"]
    return intent in set(item.get("topics") or [])


def baseline(items: List[dict]) -> List[bool]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not items:
        return []
    examples = training_examples()
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    matrix = vectorizer.fit_transform([t for t, _ in examples])
    queries = vectorizer.transform([i["text"] for i in items])
    nearest = (queries @ matrix.T).toarray().argmax(axis=1)
    return [baseline_judge(item, examples[n][1]) for item, n in zip(items, nearest)]


# ---------------------------------------------------------------- cross-validation
def cross_validation(folds: int) -> Optional[float]:
    out = RESULTS / "cross_validation"
    out.mkdir(parents=True, exist_ok=True)
    log = RESULTS / "cross_validation.log"
    with open(log, "w") as handle:
        result = subprocess.run(
            [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", str(ROOT / "data" / "nlu"),
             "--config", str(ROOT / "config.yml"), "--cross-validation", "--folds",
             str(folds), "--out", str(out)], cwd=ROOT, stdout=handle,
            stderr=subprocess.STDOUT)
    if result.returncode != 0:
        print(f"cross-validation failed; see {log}")
        return None
    report = json.loads((out / "intent_report.json").read_text())
    print(f"Cross-validation ({folds} folds over data/nlu): accuracy "
          f"{report['accuracy']:.1%}, macro F1 {report['macro avg']['f1-score']:.3f}")
    return report["accuracy"]


# ------------------------------------------------------------------------- the run
def rate(flags: List[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def line(label: str, flags: List[bool], target: Optional[float] = None) -> str:
    text = f"  {label:<44} {sum(flags):>4}/{len(flags):<4} {rate(flags):6.1%}"
    if target is not None:
        text += "   (target {:.0%}: {})".format(target, "met" if rate(flags) >= target
                                                 else "NOT met")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cross-validation", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dev", action="store_true",
                        help="the development set, misses shown, instead of the blind one")
    parser.add_argument("--set", type=Path, default=None,
                        help="another development set of the same shape (implies --dev)")
    parser.add_argument("--v2", action="store_true",
                        help="the second blind set (tests/blind/questions_v2.yml)")
    parser.add_argument("--v3", action="store_true",
                        help="the third blind set (tests/blind/questions_v3.yml)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    args.dev = args.dev or args.set is not None
    if not MODEL.is_file():
        sys.exit("No trained model: run `make train` first.")
    source = ((args.set.resolve() if args.set else DEV) if args.dev
              else BLIND_V3 if args.v3 else BLIND_V2 if args.v2 else BLIND)
    json_path = args.json or RESULTS / ("dev_evaluation.json" if args.dev
                                        else "blind_v3_evaluation.json" if args.v3
                                        else "blind_v2_evaluation.json" if args.v2
                                        else "blind_evaluation.json")
    blind = yaml.safe_load(source.read_text())
    blind.setdefault("conversations", [])
    RESULTS.mkdir(exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        store = f"sqlite:///{tmp}/evaluation.db"
        assistant = RunningAssistant({"TRACKER_STORE_URL": store},
                                     RESULTS / "evaluation_server.log").start()
        started = time.monotonic()
        try:
            singles = []
            for n, item in enumerate(blind["questions"]):
                right, outcome, clarified = Conversation(
                    assistant, store, f"blind-q{n}").turn(item)
                singles.append(dict(item, right=right, clarified=clarified,
                                    emergency=is_emergency(outcome),
                                    got=outcome["entries"] or outcome["kinds"]
                                    or outcome["actions"]))
            turns = []
            for conversation in blind["conversations"]:
                chat = Conversation(assistant, store, f"blind-{conversation['id']}")
                for position, item in enumerate(conversation["turns"]):
                    right, outcome, clarified = chat.turn(item)
                    turns.append(dict(item, conversation=conversation["id"],
                                      turn=position, right=right, clarified=clarified,
                                      emergency=is_emergency(outcome),
                                      got=outcome["entries"] or outcome["kinds"]
                                      or outcome["actions"]))
        finally:
            assistant.stop()
        elapsed = time.monotonic() - started

    scored_turns = [t for t in turns if t["expect"] != CONTEXT]
    base_single = baseline(blind["questions"])
    base_turns = baseline(scored_turns)
    by = defaultdict(list)
    for item in singles:
        by[item["expect"]].append(item["right"])
    print(f"{'Development' if args.dev else 'Blind'} set {source.relative_to(ROOT)}: {len(singles)} questions and "
          f"{len(blind['conversations'])} conversations, through the running assistant "
          f"({elapsed:.0f} s)")
    print(line("answerable: right sourced answer", by[ANSWER], TARGETS[ANSWER]))
    print(line("  of which after one clarification",
               [i["clarified"] and i["right"] for i in singles if i["expect"] == ANSWER]))
    print(line("not in sources: said honestly", by[NOT_COVERED], TARGETS[NOT_COVERED]))
    print(line("out of scope: recognised", by[OUT_OF_SCOPE], TARGETS[OUT_OF_SCOPE]))
    print(line("all single questions", [i["right"] for i in singles]))
    print(line("conversation turns right (context excluded)",
               [t["right"] for t in scored_turns], TARGETS["turns"]))
    print(line("emergency reply on a non-emergency question",
               [i["emergency"] for i in singles + turns]))
    print("TF-IDF nearest training example (same questions, intent only):")
    print(line("answerable", [r for r, i in zip(base_single, blind["questions"])
                              if i["expect"] == ANSWER]))
    print(line("all single questions", base_single))
    print(line("conversation turns", base_turns))
    ours, theirs = rate([i["right"] for i in singles]), rate(base_single)
    ratio = ours / theirs if theirs else float("inf")
    print(f"  assistant / baseline on single questions: {ratio:.2f}x "
          f"(target {TARGETS['vs_baseline']}x)")

    # Kinds of miss, without the questions: the set stays blind to whoever tunes.
    misses = Counter()
    for item in singles + scored_turns:
        if not item["right"]:
            want = item["expect"] if item["expect"] != ANSWER else "answer"
            got = item["got"]
            got = "entry of another topic" if got and "/" in str(got[0]) else str(got)
            misses[(want, got)] += 1
    print("\nMisses by kind (expected -> got: count; questions in the JSON file):")
    for (want, got), count in misses.most_common():
        print(f"  {want} -> {got}: {count}")
    if args.dev:  # development set only: the blind set's texts stay unseen
        for item in singles + scored_turns:
            if not item["right"]:
                print(f"  MISS {item['expect']} {item.get('topics') or ''} "
                      f"{item.get('condition') or ''} -> {item['got']}: {item['text']}")
    cv = None if args.no_cross_validation else cross_validation(args.folds)
    summary = {
        "answer": rate(by[ANSWER]), "not_in_sources": rate(by[NOT_COVERED]),
        "out_of_scope": rate(by[OUT_OF_SCOPE]),
        "turns": rate([t["right"] for t in scored_turns]),
        "baseline_single": theirs, "single": ours, "vs_baseline": ratio,
        "cross_validation": cv,
    }
    json_path.write_text(json.dumps({"summary": summary, "singles": singles,
                                     "turns": turns}, indent=1))
    print(f"\nSummary: {json.dumps(summary)}\nDetails: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
