"""Recall and false alarms of the emergency screen on its labelled set.

Usage: python scripts/evaluate_safety.py [tests/safety/labelled.yml]
(The end-to-end suite checks the same set through the running assistant, where the
classifier's own emergency predictions count too.)
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from actions.safety import detect_emergency  # noqa: E402


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests/safety/labelled.yml"
    labelled = yaml.safe_load(path.read_text(encoding="utf-8"))
    emergencies, look_alikes = labelled["emergencies"], labelled["look_alikes"]
    missed = [c for c in emergencies if detect_emergency(c["text"]) is None]
    wrong_kind = [c for c in emergencies
                  if detect_emergency(c["text"]) not in (None, c["kind"])]
    alarms = [t for t in look_alikes if detect_emergency(t) is not None]
    caught = len(emergencies) - len(missed)
    share = 100 * caught / len(emergencies)
    print(f"recall:       {caught}/{len(emergencies)} emergencies ({share:.1f}%), "
          f"{len(wrong_kind)} with the wrong kind")
    print(f"false alarms: {len(alarms)}/{len(look_alikes)} look-alikes")
    for case in missed:
        print(f"  MISSED: {case['text']}")
    for text in alarms:
        print(f"  FALSE ALARM: {text}")
    return 0 if not (missed or alarms or wrong_kind) else 1


if __name__ == "__main__":
    sys.exit(main())
