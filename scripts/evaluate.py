"""How well the assistant understands questions it was not trained on.

Usage: python scripts/evaluate.py [--cross-validation] [--folds 3]

Runs the trained model on the held-out questions in tests/nlu/heldout.yml and on the
later, blind set tests/nlu/heldout_blind.yml (neither copied into data/) and prints
intent accuracy, macro F1 and every confusion for each, and for both together. A
question reaches the right answer when its intent is right (a low-confidence
fallback counts as wrong). With --cross-validation it also runs Rasa's NLU
cross-validation on the training data. Reports are written under results/.
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "tms-assistant.tar.gz"
HELDOUT_SETS = {
    "Held-out questions (heldout.yml)": ROOT / "tests" / "nlu" / "heldout.yml",
    "Blind held-out questions (heldout_blind.yml)":
        ROOT / "tests" / "nlu" / "heldout_blind.yml",
}
TARGET = 0.90


def rasa(*args: str, log: Path) -> None:
    with open(log, "w") as out:
        result = subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        sys.exit(f"rasa {' '.join(args[:2])} failed; see {log}")


def summarise(out: Path, title: str) -> float:
    report = json.loads((out / "intent_report.json").read_text())
    errors_file = out / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    support = report["macro avg"]["support"]
    accuracy = report["accuracy"]
    print(f"{title}: {support} questions, accuracy {accuracy:.1%}, "
          f"macro F1 {report['macro avg']['f1-score']:.3f}, "
          f"weighted F1 {report['weighted avg']['f1-score']:.3f}")
    pairs = collections.Counter((e["intent"], e["intent_prediction"]["name"])
                                for e in errors)
    if pairs:
        print("  confusions (expected -> predicted: count):")
        for (expected, predicted), count in pairs.most_common():
            print(f"    {expected} -> {predicted}: {count}")
        print("  misread questions:")
        for e in errors:
            print(f"    [{e['intent']} -> {e['intent_prediction']['name']} "
                  f"{e['intent_prediction']['confidence']:.2f}] {e['text']}")
    return accuracy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cross-validation", action="store_true")
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    if not MODEL.is_file():
        sys.exit("No trained model: run `make train` first.")
    results = ROOT / "results"
    correct = total = 0
    for title, path in HELDOUT_SETS.items():
        out = results / path.stem
        out.mkdir(parents=True, exist_ok=True)
        rasa("test", "nlu", "--nlu", str(path), "--model", str(MODEL), "--out",
             str(out), log=results / f"{path.stem}.log")
        support = json.loads((out / "intent_report.json").read_text())["macro avg"][
            "support"]
        correct += round(summarise(out, title) * support)
        total += support
    accuracy = correct / total
    print(f"\nAll held-out questions: {correct}/{total} right, {accuracy:.1%}")
    if args.cross_validation:
        folds = results / "cross_validation"
        folds.mkdir(parents=True, exist_ok=True)
        rasa("test", "nlu", "--nlu", str(ROOT / "data" / "nlu"), "--config",
             str(ROOT / "config.yml"), "--cross-validation", "--folds",
             str(args.folds), "--out", str(folds), log=results / "cross_validation.log")
        summarise(folds, f"Cross-validation ({args.folds} folds, training data)")
    verdict = "meets" if accuracy >= TARGET else "MISSES"
    print(f"Held-out accuracy {accuracy:.1%} {verdict} the {TARGET:.0%} target.")
    return 0 if accuracy >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
