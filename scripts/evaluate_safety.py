"""Recall and false alarms of the emergency and urgent screens, through the running
assistant (rules, the meaning-based screen and the classifier together).

Usage: python scripts/evaluate_safety.py [--offline] [--dev | --v1 | --v3]

Sets: the frozen blind sets tests/blind/safety.yml, safety_v2.yml and safety_v3.yml (messages with
level and kind, look-alikes, conversations with the emergency mid-flow; v2 was
written later by another helper, for honest figures once the first had been looked
at many times) and the development set tests/safety/labelled.yml. With --dev, the development sets tests/dev/safety.yml and safety_2.yml
(same shape as the blind one) and labelled.yml instead, with every miss and false
alarm printed: those are the sets to tune against; the blind one is not. A reply counts as an emergency or urgent reply by the
response the assistant ran (utter_emergency_* / utter_urgent_*, read from the
conversation store), never by its wording. With --offline only the two screens
are run, without servers, on the messages (seconds).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tms.safety import EMERGENCY, URGENT, level_of  # noqa: E402

BLIND = ROOT / "tests" / "blind" / "safety.yml"
BLIND_V2 = ROOT / "tests" / "blind" / "safety_v2.yml"
#: Third blind set, written 2026-11-25 by a fresh helper once v1 and v2 had steered
#: choices; `--v3` runs it alone, so each look at it is one look.
BLIND_V3 = ROOT / "tests" / "blind" / "safety_v3.yml"
LABELLED = ROOT / "tests" / "safety" / "labelled.yml"
DEV = ROOT / "tests" / "dev" / "safety.yml"
DEV_2 = ROOT / "tests" / "dev" / "safety_2.yml"
RESULTS = ROOT / "results"
WHILE_WAITING = "while_waiting"
NORMAL = "normal"


def replied(actions: List[str]) -> Tuple[str, Optional[str]]:
    """(what the reply was, kind): emergency / urgent / while_waiting / normal."""
    for name in actions:
        for level in (EMERGENCY, URGENT):
            if name.startswith(f"utter_{level}_"):
                return level, name[len(f"utter_{level}_"):]
        if name == "utter_dont_wait_emergency":
            return EMERGENCY, None
        if name == "utter_dont_wait_urgent":
            return URGENT, None
    return NORMAL, None


def labelled_sets(development: bool = False, only: Optional[str] = None
                  ) -> Dict[str, dict]:
    sets = {}
    blind = {"blind": BLIND, "blind_v2": BLIND_V2, "blind_v3": BLIND_V3}
    shaped = ({"development (tests/dev/safety.yml)": DEV,
               "development 2 (tests/dev/safety_2.yml)": DEV_2} if development
              else {only: blind[only]} if only else blind)
    for name, path in shaped.items():
        data = yaml.safe_load(path.read_text())
        sets[name] = {"messages": data["messages"],
                      "look_alikes": [m["text"] for m in data["look_alikes"]],
                      "conversations": data["conversations"]}
    dev = yaml.safe_load(LABELLED.read_text())
    dev_messages = [dict(m, level=level_of(m["kind"]))
                    for m in dev["emergencies"] + dev["urgent"]]
    sets["development (labelled.yml)"] = {
        "messages": dev_messages,
        "look_alikes": list(dev["look_alikes"]) + list(dev["urgent_look_alikes"]),
        "conversations": []}
    return sets


def report(name: str, messages: List[dict], got: List[Tuple[str, Optional[str]]],
           look_alikes: List[str], alarms: List[Tuple[str, Optional[str]]],
           show: bool = False) -> dict:
    per_kind = defaultdict(lambda: [0, 0])
    per_level = defaultdict(lambda: [0, 0])
    right_kind = 0
    for message, (level, kind) in zip(messages, got):
        caught = level == message["level"] or (message["level"] == URGENT
                                               and level == EMERGENCY)
        per_level[message["level"]][0] += caught
        per_level[message["level"]][1] += 1
        per_kind[(message["level"], message["kind"])][0] += caught
        per_kind[(message["level"], message["kind"])][1] += 1
        right_kind += kind == message["kind"]
    false_alarms = [t for t, (level, _) in zip(look_alikes, alarms) if level != NORMAL]
    print(f"\n{name}")
    for level, (caught, total) in sorted(per_level.items()):
        print(f"  {level} recall: {caught}/{total} ({caught / total:.1%})"
              + ("  (an urgent message given the emergency reply counts as caught)"
                 if level == URGENT else ""))
    for (level, kind), (caught, total) in sorted(per_kind.items()):
        print(f"    {level}/{kind}: {caught}/{total}")
    print(f"  right kind named: {right_kind}/{len(messages)}")
    print(f"  false alarms: {len(false_alarms)}/{len(look_alikes)} look-alikes")
    if show:  # development sets only: the blind set's texts stay unseen
        for message, (level, kind) in zip(messages, got):
            if level == NORMAL or (level == URGENT and message["level"] == EMERGENCY):
                print(f"    MISSED {message['level']}/{message['kind']}: {message['text']}")
        for text, (level, kind) in zip(look_alikes, alarms):
            if level != NORMAL:
                print(f"    FALSE ALARM {level}/{kind}: {text}")
    return {"recall": {k: v[0] / v[1] for k, v in per_level.items()},
            "false_alarms": len(false_alarms), "look_alikes": len(look_alikes)}


def offline(sets: Dict[str, dict], show: bool = False) -> None:
    from tms.safety import detect
    from tms.encoder import shared_encoder
    from tms.safety_screen import shared_screen

    encoder = shared_encoder()
    screen = shared_screen()

    def screened(text: str) -> Tuple[str, Optional[str]]:
        kind = detect(text) or screen.detect(text, encoder.encode_one(text))
        return (level_of(kind), kind) if kind else (NORMAL, None)

    for name, data in sets.items():
        report(f"{name}, screens only (no classifier, no servers)", data["messages"],
               [screened(m["text"]) for m in data["messages"]], data["look_alikes"],
               [screened(t) for t in data["look_alikes"]], show=show)


def through_assistant(sets: Dict[str, dict], json_path: Path, show: bool = False) -> int:
    from scripts.evaluate import turn_outcome
    from tests.conftest import stored_events
    from tests.running_assistant import RunningAssistant

    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = f"sqlite:///{tmp}/safety.db"
        assistant = RunningAssistant({"TRACKER_STORE_URL": store},
                                     RESULTS / "safety_server.log").start()
        counter = iter(range(10 ** 6))

        def send(sender: str, text: str) -> Tuple[str, Optional[str], List[str]]:
            assistant.send(sender, text)
            outcome = turn_outcome(stored_events(store, sender))
            level, kind = replied(outcome["actions"])
            if level == NORMAL and outcome["entries"] == ["while_waiting/general"]:
                level = WHILE_WAITING
            return level, kind, outcome["actions"]

        started = time.monotonic()
        summary = {}
        try:
            for name, data in sets.items():
                got = [send(f"s{next(counter)}", m["text"])[:2] for m in data["messages"]]
                alarms = [send(f"s{next(counter)}", t)[:2] for t in data["look_alikes"]]
                summary[name] = report(f"{name}, through the running assistant",
                                       data["messages"], got, data["look_alikes"], alarms,
                                       show=show)
                if not data["conversations"]:
                    continue
                turns = Counter()
                missed = []
                for conversation in data["conversations"]:
                    sender = f"c{next(counter)}"
                    for position, turn in enumerate(conversation["turns"]):
                        level, _, actions = send(sender, turn["text"])
                        want = turn["expect"]
                        ok = level == want or (want == URGENT and level == EMERGENCY)
                        turns[(want, ok)] += 1
                        if not ok:
                            missed.append((conversation["id"], position, want, level))
                print("  conversations: turns right by what was expected:")
                for want in (EMERGENCY, URGENT, WHILE_WAITING, NORMAL):
                    right, wrong = turns[(want, True)], turns[(want, False)]
                    if right + wrong:
                        print(f"    {want}: {right}/{right + wrong}")
                print("  missed turns (conversation, turn, expected -> got): "
                      + ", ".join(f"{c}#{p} {w}->{g}" for c, p, w, g in missed))
                if show:
                    turn_texts = {(c["id"], n): t["text"] for c in data["conversations"]
                                  for n, t in enumerate(c["turns"])}
                    for c, p, w, g in missed:
                        print(f"    {c}#{p} {w}->{g}: {turn_texts[(c, p)]}")
                summary[name]["turns"] = {
                    want: turns[(want, True)] / (turns[(want, True)] + turns[(want, False)])
                    for want in (EMERGENCY, URGENT, WHILE_WAITING, NORMAL)
                    if turns[(want, True)] + turns[(want, False)]}
        finally:
            assistant.stop()
        print(f"\n({time.monotonic() - started:.0f} s)")
    json_path.write_text(json.dumps(summary, indent=1))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("--dev", action="store_true",
                        help="the development sets, misses shown, instead of the blind one")
    parser.add_argument("--v3", action="store_true",
                        help="only the third blind set (tests/blind/safety_v3.yml)")
    parser.add_argument("--v1", action="store_true",
                        help="only the first blind set (what make test's floors are on)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    sets = labelled_sets(args.dev, only="blind_v3" if args.v3
                         else "blind" if args.v1 else None)
    if args.offline:
        offline(sets, show=args.dev)
        return 0
    json_path = args.json or RESULTS / ("safety_dev.json" if args.dev
                                        else "safety_evaluation.json")
    return through_assistant(sets, json_path, show=args.dev)


if __name__ == "__main__":
    sys.exit(main())
