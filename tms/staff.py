"""The clinic staff's tools, behind one command that needs only PyYAML (and
SQLAlchemy, for the report): no Rasa install.

    python -m tms.staff check [KNOWLEDGE_DIR]      is my edit valid? (errors name file and entry)
    python -m tms.staff coverage [KNOWLEDGE_DIR]   which topics have answers, for which condition
    python -m tms.staff preview TOPIC [CONDITION] [--more]   what a patient sees
    python -m tms.staff report [--since D] [--until D] [--csv FILE]   what went unanswered
    python -m tms.staff purge [--days N]        delete conversations idle for N days (90)
    python -m tms.staff delete CONVERSATION     delete one conversation (code from report)

`make check-knowledge`, `make coverage`, `make preview`, `make report`, `make purge`
and `make delete` run these in a small environment of their own (`make
staff-install`: seconds, not the 2 GB Rasa install).
"""
from __future__ import annotations

import sys
from typing import List, Optional

COMMANDS = ("check", "coverage", "preview", "report", "purge", "delete")


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    command, rest = args[0], args[1:]
    if command in ("check", "coverage"):
        from tms.check_knowledge import main as check
        return check(rest + (["--coverage"] if command == "coverage" else []))
    if command == "preview":
        from tms.preview import main as preview
        return preview(rest)
    if command in ("purge", "delete"):
        from tms.retention import main as retention
        return retention(args)
    from tms.report import main as report
    return report(rest)


if __name__ == "__main__":
    sys.exit(main())
