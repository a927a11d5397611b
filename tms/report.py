"""What patients asked that the assistant could not answer, for clinic staff.

Usage: python -m tms.report [--since 2026-11-01] [--until 2026-11-30]
                                [--csv unanswered.csv] [--show CONVERSATION]

Reads the conversation store (SQLite by default, PostgreSQL when TRACKER_STORE_URL is
set) and lists, grouped by similar wording with counts: questions not understood,
questions outside what the assistant covers, questions with no sourced answer,
requests for a person, and answers marked "Not helpful". It shows message text only:
no sender ids (conversations are named by a keyed one-way code: HMAC-SHA-256 with a
local secret, so a phone number cannot be recovered by trying them all), e-mail
addresses and phone numbers inside messages are masked, control characters never
reach the terminal, and no CSV cell can start a spreadsheet formula.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Tuple

import sqlalchemy

from tms.names import INTENT_OUT_OF_SCOPE, SLOT_FEEDBACK, SLOT_HANDOFF, SLOT_UNANSWERED
from tms.storage import configured_url

NOT_UNDERSTOOD = "not understood"
OUT_OF_SCOPE = "outside what it covers"
NO_SOURCE = "no sourced answer"
HANDOFF = "asked for a person"
NOT_HELPFUL = "answer not helpful"
CATEGORIES = (NOT_UNDERSTOOD, OUT_OF_SCOPE, NO_SOURCE, HANDOFF, NOT_HELPFUL)
SIMILARITY = 0.5

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset("""a an the is are am was were be to of for in on at and or it
this that my me i you your he she his her we they do does did can could would should
will with about what how when if so just please tms""".split())


@dataclass
class Item:
    category: str
    text: str
    conversation: str
    when: float


@dataclass
class Group:
    category: str
    example: Item
    words: frozenset
    items: List[Item] = field(default_factory=list)


#: The report's secret key: TMS_REPORT_SECRET, else this file (made on first use,
#: readable by its owner only).
KEY_FILE = Path(__file__).resolve().parent.parent / "var" / "report.key"
# Terminal escapes and other control characters (newlines are kept).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_key(path: Optional[Path] = None) -> bytes:
    configured = os.environ.get("TMS_REPORT_SECRET")
    if configured:
        return configured.encode("utf-8")
    path = path or KEY_FILE
    if not path.exists():
        # Both servers may make it at once (their logs use it): one whole key wins.
        path.parent.mkdir(parents=True, exist_ok=True)
        made = path.with_name(f"{path.name}.{os.getpid()}")
        descriptor = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(made, path)
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return path.read_text().strip().encode("utf-8")


def conversation_code(sender_id: str, key: Optional[bytes] = None) -> str:
    """A stable, keyed one-way name for a conversation: no sender id in the report."""
    digest = hmac.new(key or report_key(), sender_id.encode("utf-8"), hashlib.sha256)
    return "conv-" + digest.hexdigest()[:10]


def mask(text: str) -> str:
    """Masked e-mail addresses and phone numbers, no control characters."""
    return _CONTROL.sub("", _PHONE.sub("[phone]", _EMAIL.sub("[email]", text or "")))


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _events(url: str, since: float, until: float) -> Iterator[Tuple[str, str, float,
                                                                  dict]]:
    engine = _open(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sqlalchemy.text(
                "SELECT sender_id, type_name, timestamp, data FROM events "
                "WHERE timestamp >= :since AND timestamp < :until "
                "AND type_name IN ('user', 'slot') ORDER BY sender_id, id"),
                {"since": since, "until": until})
            for sender, kind, when, data in rows:
                yield sender, kind, when, json.loads(data)
    finally:
        engine.dispose()


def _open(url: str) -> sqlalchemy.engine.Engine:
    """An engine on the store, or a clear message why there is nothing to read."""
    engine = sqlalchemy.create_engine(url)
    try:
        has_events = sqlalchemy.inspect(engine).has_table("events")
    except sqlalchemy.exc.OperationalError as e:
        engine.dispose()
        raise SystemExit(f"Cannot read conversations from the store: {e.orig}") from e
    if not has_events:
        engine.dispose()
        raise SystemExit("The store has no conversations table yet (has the assistant "
                         "run with it?)")
    return engine


def collect(events: Iterable[Tuple[str, str, float, dict]]) -> List[Item]:
    """The unanswered moments, each with the patient's own words."""
    items: List[Item] = []
    current, last, before_last = None, "", ""
    key = report_key()
    for sender, kind, when, data in events:
        if sender != current:
            current, last, before_last = sender, "", ""
        code = conversation_code(sender, key)
        if kind == "user":
            before_last, last = last, data.get("text") or ""
            intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == "nlu_fallback":
                items.append(Item(NOT_UNDERSTOOD, last, code, when))
            elif intent == INTENT_OUT_OF_SCOPE:
                items.append(Item(OUT_OF_SCOPE, last, code, when))
        elif kind == "slot" and data.get("value"):
            name, value = data.get("name"), str(data.get("value"))
            if name == SLOT_UNANSWERED:
                items.append(Item(NO_SOURCE, last, code, when))
            elif name == SLOT_HANDOFF:
                # after two misses, the question that was missed is the one before
                text = before_last if value == "unanswered" else last
                items.append(Item(HANDOFF, text, code, when))
            elif name == SLOT_FEEDBACK and value.startswith("not_helpful"):
                items.append(Item(NOT_HELPFUL, before_last, code, when))
    return [i for i in items if i.text.strip()]


def _words(text: str) -> frozenset:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


def group(items: Iterable[Item]) -> List[Group]:
    """Items of a category whose words overlap enough share a group."""
    groups: List[Group] = []
    for item in items:
        words = _words(item.text)
        best: Optional[Group] = None
        best_score = 0.0
        for candidate in groups:
            if candidate.category != item.category:
                continue
            union = words | candidate.words
            score = len(words & candidate.words) / len(union) if union else 1.0
            if score >= SIMILARITY and score > best_score:
                best, best_score = candidate, score
        if best is None:
            best = Group(item.category, item, words)
            groups.append(best)
        best.items.append(item)
    return sorted(groups, key=lambda g: (-len(g.items), CATEGORIES.index(g.category),
                                         g.example.text))


def report(url: str, since: dt.date, until: dt.date) -> List[Group]:
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc).timestamp()
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(),
                              tzinfo=dt.timezone.utc).timestamp()
    return group(collect(_events(url, start, end)))


def as_text(groups: List[Group], since: dt.date, until: dt.date) -> str:
    lines = [f"Questions the assistant could not answer, {since} to {until}: "
             f"{sum(len(g.items) for g in groups)} in {len(groups)} groups", ""]
    for g in groups:
        lines.append(f"{len(g.items):4d}  {g.category:22s}  \"{mask(g.example.text)}\""
                     f"  (e.g. {g.example.conversation})")
        others = sorted({mask(i.text) for i in g.items} - {mask(g.example.text)})
        for text in others[:3]:
            lines.append(f"{'':28s}also: \"{text}\"")
    if not groups:
        lines.append("Nothing to report: every question in this period was answered.")
    return "\n".join(lines)


def write_csv(groups: List[Group], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["category", "count", "example", "example_conversation",
                         "all_wordings"])
        for g in groups:
            writer.writerow([csv_cell(cell) for cell in (
                g.category, len(g.items), mask(g.example.text), g.example.conversation,
                " | ".join(sorted({mask(i.text) for i in g.items})))])


def sender_with_code(connection: sqlalchemy.engine.Connection, code: str,
                     key: Optional[bytes] = None) -> Optional[str]:
    """The conversation a report code names, or None."""
    key = key or report_key()
    senders = connection.execute(sqlalchemy.text("SELECT DISTINCT sender_id FROM events"))
    return next((s for (s,) in senders if conversation_code(s, key) == code), None)


def show(url: str, code: str) -> str:
    """One conversation's messages, by its code: what a patient and the bot said."""
    engine = _open(url)
    try:
        with engine.connect() as connection:
            sender = sender_with_code(connection, code)
            if sender is None:
                return f"No conversation {code} in the store."
            rows = connection.execute(sqlalchemy.text(
                "SELECT type_name, data FROM events WHERE sender_id = :s "
                "AND type_name IN ('user', 'bot') ORDER BY id"), {"s": sender})
            lines = [f"{'PATIENT' if kind == 'user' else 'BOT':8s} "
                     f"{mask(json.loads(data).get('text') or '')}"
                     for kind, data in rows]
    finally:
        engine.dispose()
    return "\n".join([code, *lines])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    today = dt.date.today()
    parser.add_argument("--since", type=dt.date.fromisoformat,
                        default=today - dt.timedelta(days=30))
    parser.add_argument("--until", type=dt.date.fromisoformat, default=today)
    parser.add_argument("--csv", type=Path, help="also write the groups to this file")
    parser.add_argument("--show", metavar="CONVERSATION",
                        help="print one conversation (e.g. conv-1a2b3c4d5e)")
    args = parser.parse_args(argv)
    url = configured_url()
    if args.show:
        print(show(url, args.show))
        return 0
    if args.since > args.until:
        parser.error("--since must not be after --until")
    groups = report(url, args.since, args.until)
    print(as_text(groups, args.since, args.until))
    if args.csv:
        write_csv(groups, args.csv)
        print(f"\nWritten to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
