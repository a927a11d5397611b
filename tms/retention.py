"""Conversations are health data: kept only as long as the clinic needs them.

    python -m tms.staff purge [--days N]        delete conversations idle for N days
    python -m tms.staff delete CONVERSATION     delete one conversation, by its code

`make purge [DAYS=N]` and `make delete CONVERSATION=conv-...` run these. N defaults to
TMS_RETENTION_DAYS, else 90. A conversation is deleted whole (every event), and only
once its last message is older than N days, so a patient who is still talking keeps
their history. Codes are the ones `make report` prints. Works on the SQLite file and
on PostgreSQL (TRACKER_STORE_URL), like the assistant.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, List, Optional, Tuple

import sqlalchemy

from tms.report import _open, sender_with_code
from tms.storage import configured_url

DEFAULT_DAYS = 90
ENV_DAYS = "TMS_RETENTION_DAYS"


def retention_days(environ: Optional[dict] = None) -> int:
    """Days a conversation is kept after its last message (TMS_RETENTION_DAYS)."""
    value = (os.environ if environ is None else environ).get(ENV_DAYS, "").strip()
    if not value:
        return DEFAULT_DAYS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"Days to keep conversations must be a whole number, 1 or "
                         f"more, not {value!r} (DAYS= or {ENV_DAYS}).")
    return int(value)


def purge(url: str, days: int, clock: Callable[[], float] = time.time
          ) -> Tuple[int, int]:
    """Delete every conversation whose last event is older than ``days``:
    (conversations, events) deleted."""
    if days < 1:
        raise ValueError("Keep conversations for at least one day.")
    cutoff = clock() - days * 86400
    engine = _open(url)
    try:
        with engine.begin() as connection:
            idle = [row[0] for row in connection.execute(sqlalchemy.text(
                "SELECT sender_id FROM events GROUP BY sender_id "
                "HAVING MAX(timestamp) < :cutoff"), {"cutoff": cutoff})]
            events = 0
            for start in range(0, len(idle), 500):
                events += connection.execute(
                    sqlalchemy.text("DELETE FROM events WHERE sender_id IN :senders")
                    .bindparams(sqlalchemy.bindparam("senders", expanding=True)),
                    {"senders": idle[start:start + 500]}).rowcount
    finally:
        engine.dispose()
    return len(idle), events


def delete_events(connection: sqlalchemy.engine.Connection, sender: str) -> int:
    """Delete one conversation's every event; how many were deleted. Also what the
    Rasa server's store does for the widget's "Delete conversation"."""
    return connection.execute(sqlalchemy.text(
        "DELETE FROM events WHERE sender_id = :s"), {"s": sender}).rowcount


def delete_by_code(url: str, code: str) -> Optional[int]:
    """Delete the conversation a report code names: its events deleted, or None when
    no conversation has that code."""
    engine = _open(url)
    try:
        with engine.begin() as connection:
            sender = sender_with_code(connection, code)
            return None if sender is None else delete_events(connection, sender)
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["delete"]:
        parser = argparse.ArgumentParser(prog="delete", description="Delete one "
                                         "conversation, by the code `make report` shows.")
        parser.add_argument("code", metavar="CONVERSATION", help="e.g. conv-1a2b3c4d5e")
        options = parser.parse_args(args[1:])
        deleted = delete_by_code(configured_url(), options.code.strip())
        if deleted is None:
            print(f"No conversation {options.code} in the store; nothing deleted.",
                  file=sys.stderr)
            return 1
        print(f"Deleted conversation {options.code} ({deleted} events).")
        return 0
    parser = argparse.ArgumentParser(prog="purge", description="Delete conversations "
                                     "idle for more than DAYS days.")
    parser.add_argument("--days", default=None,
                        help=f"default: {ENV_DAYS}, else {DEFAULT_DAYS}")
    options = parser.parse_args(args[1:] if args[:1] == ["purge"] else args)
    try:
        days = retention_days({ENV_DAYS: options.days} if options.days else None)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    conversations, events = purge(configured_url(), days)
    print(f"Deleted {conversations} conversations idle for more than {days} days "
          f"({events} events).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
