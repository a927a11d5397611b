"""Drop candidate training lines that near-duplicate a held-out sentence.

Usage: python scripts/decontaminate.py FILE.yml [FILE.yml ...]

Rewrites each Rasa NLU file in place without the example lines that are, by the rule
of tests/test_blind_sets.py, near-duplicates of a sentence of tests/blind/ or
tests/dev/. Prints only how many lines each file lost, never the held-out text.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_blind_sets import BLIND, DEV, blind_texts, near_duplicates  # noqa: E402


def main(paths) -> int:
    held_out = blind_texts(BLIND) + blind_texts(DEV)
    for path in map(Path, paths):
        lines = path.read_text().splitlines(keepends=True)
        examples = [line.strip()[2:] for line in lines if line.strip().startswith("- ")
                    and not line.strip().startswith("- intent:")]
        bad = {trained for _, trained in near_duplicates(held_out, examples)}
        kept = [line for line in lines if not (line.strip().startswith("- ")
                                                and line.strip()[2:] in bad)]
        path.write_text("".join(kept))
        print(f"{path}: {len(lines) - len(kept)} lines dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
