"""Check the answers and sources in knowledge/ and say what to fix.

Usage: python -m tms.check_knowledge [--coverage] [--grades] [KNOWLEDGE_DIR]
Exit status: 0 when the assistant can serve the content (warnings allowed), 1 when
there are errors. A running assistant picks up valid edits within a few seconds.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from tms.coverage import coverage_table, topic_findings
from tms.knowledge import ERROR, check_knowledge, knowledge_dir
from tms.knowledge_store import approve
from tms.readability import grade, too_hard


def grade_table(knowledge) -> str:
    """Each answer's reading grade (short text) and how many passages it quotes."""
    rows = [f"{'answer':<38} grade  quotes"]
    for entry in sorted(knowledge.entries.values(), key=lambda e: e.key):
        quotes = sum(len(passages) for passages in entry.quotes.values())
        flag = "  above 8" if too_hard(entry.text) else ""
        rows.append(f"{entry.key:<38} {grade(entry.text):>5g}  {quotes:>6}{flag}")
    return "\n".join(rows)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Check the answers in knowledge/.")
    parser.add_argument("root", nargs="?", type=Path, default=None)
    parser.add_argument("--coverage", action="store_true",
                        help="also print which topics have answers for which condition")
    parser.add_argument("--grades", action="store_true",
                        help="also print each answer's reading grade and quote count")
    args = parser.parse_args(argv)
    knowledge, findings = check_knowledge(args.root or knowledge_dir())
    if knowledge is not None and args.root is None:
        # The folder the assistant serves must agree with what it is trained on.
        findings += topic_findings(knowledge)
    for finding in findings:
        print(finding)
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if knowledge is None or errors:
        print(f"\nNOT OK: {errors} error(s), {warnings} warning(s). A running "
              "assistant keeps serving the last valid version until they are fixed; "
              "a stopped one will not start with them.")
        return 1
    # A running assistant refuses an edit that drops answers or topics unless it was
    # checked here: this content is now approved.
    approve(args.root or knowledge_dir())
    if args.coverage:
        print("\n" + coverage_table(knowledge))
    if args.grades:
        print("\n" + grade_table(knowledge))
    print(f"\nOK: {len(knowledge.entries)} answers on {len(knowledge.topics)} topics, "
          f"{len(knowledge.sources)} sources; {warnings} warning(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
