"""Check the answers and sources in knowledge/ and say what to fix.

Usage: python -m actions.check_knowledge [KNOWLEDGE_DIR]
Exit status: 0 when the assistant can serve the content (warnings allowed), 1 when
there are errors.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

from actions.knowledge import ERROR, KNOWLEDGE_DIR, check_knowledge


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else KNOWLEDGE_DIR
    knowledge, findings = check_knowledge(root)
    for finding in findings:
        print(finding)
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if knowledge is None:
        print(f"\nNOT OK: {errors} error(s), {warnings} warning(s). Fix the errors "
              "before starting the assistant; it will not start with them.")
        return 1
    print(f"\nOK: {len(knowledge.entries)} answers on {len(knowledge.topics)} topics, "
          f"{len(knowledge.sources)} sources; {warnings} warning(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
