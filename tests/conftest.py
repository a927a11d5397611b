"""Shared test helpers: a tracker factory and small knowledge folders."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import textwrap
import uuid
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import psycopg2
import pytest
import sqlalchemy
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.standins import TwilioStandIn
from tms.knowledge import Entry, KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
TODAY = dt.date(2026, 11, 22)
#: The PostgreSQL server every development and CI machine runs (trust auth).
POSTGRES_ADMIN = "postgresql://postgres@localhost:5432/test"


def initial_slots() -> Dict:
    """Every slot at its initial value from domain.yml, as in a new conversation."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: spec.get("initial_value") for name, spec in domain["slots"].items()}


def make_tracker(intent: Optional[str] = None, slots: Optional[Dict] = None,
                 entities: Iterable[Dict] = (), text: str = "",
                 sender: str = "test-user", **parse_data) -> Tracker:
    """A tracker whose latest message has this intent, these entities and slots."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": list(entities),
        **parse_data,
    }
    return Tracker(sender_id=sender, slots={**initial_slots(), **(slots or {})},
                   latest_message=latest,
                   events=[], paused=False, followup_action=None,
                   active_loop={}, latest_action_name="action_listen")


def run(action, first_reply: bool = False, **tracker_args) -> Tuple[List[Dict], List[Dict]]:
    """Run an action mid-session (disclaimer shown) unless first_reply: the messages it
    sent and the events it returned."""
    tracker_args["slots"] = {"disclaimer_due": first_reply,
                             **(tracker_args.get("slots") or {})}
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, make_tracker(**tracker_args), domain={})
    return dispatcher.messages, events


def slots_set(events: Iterable[Dict]) -> Dict:
    """The slots these events set, by name."""
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def condition_entity(value: str) -> Dict:
    return {"entity": "condition", "value": value, "start": 0, "end": len(value),
            "extractor": "SpacyEntityExtractor"}


class KnowledgeFolder:
    """A throwaway copy of knowledge/ that a test can break on purpose."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, content: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        (self.root / relative).write_text(text.replace(old, new, 1), encoding="utf-8")

    def restore(self, relative: str, content: str) -> None:
        """Put back a file's exact content, as read before an edit."""
        (self.root / relative).write_text(content, encoding="utf-8")

    def answer_file(self, topic: str, condition: str) -> str:
        """The answers file (relative to the folder) holding this entry."""
        for path in sorted((self.root / "answers").glob("*.y*ml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if any(e.get("topic") == topic and e.get("condition") == condition
                   for e in data.get("entries") or []):
                return str(path.relative_to(self.root))
        raise AssertionError(f"no entry {topic}/{condition} in {self.root}")

    def entry(self, topic: str, condition: str) -> Dict:
        """The entry's fields as written in its file."""
        data = yaml.safe_load(self.read(self.answer_file(topic, condition)))
        return next(e for e in data["entries"]
                    if e.get("topic") == topic and e.get("condition") == condition)

    def edit_entry(self, topic: str, condition: str, **fields) -> str:
        """Change an entry's fields the way staff would (a field set to None is
        removed), leaving the rest of its file as it was; the file edited."""
        relative = self.answer_file(topic, condition)
        data = yaml.safe_load(self.read(relative))
        entry = next(e for e in data["entries"]
                     if e.get("topic") == topic and e.get("condition") == condition)
        for key, value in fields.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
        self._dump(relative, data)
        return relative

    def edit_clinic(self, **fields) -> None:
        """Change the clinic's details in clinic.yml."""
        data = yaml.safe_load(self.read("clinic.yml"))
        data["clinic"].update(fields)
        self._dump("clinic.yml", data)

    def _dump(self, relative: str, data: object) -> None:
        (self.root / relative).write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88),
            encoding="utf-8")


# --- Shipped knowledge, read at test time (never its wording pasted into a test) ----

def shipped_knowledge(root: Path = KNOWLEDGE, today: Optional[dt.date] = TODAY
                      ) -> KnowledgeBase:
    """The knowledge as loaded now from ``root`` (knowledge/ unless given)."""
    return load_knowledge(root, today=today)


def first_sentence(text: str, shortest: int = 20) -> str:
    """The opening of an answer up to the end of its first sentence at least
    ``shortest`` characters long (so a bare "No." takes the next one with it)."""
    for boundary in re.finditer(r"[.!?](?=\s|$)", text):
        if boundary.end() >= shortest:
            return text[:boundary.end()]
    return text


def cited(kb: KnowledgeBase, *entries: Entry) -> list:
    """The sources these entries cite, each once, in order."""
    found: list = []
    for entry in entries:
        found.extend(s for s in kb.sources_of(entry) if s not in found)
    return found


def web_sources(kb: KnowledgeBase, *entries: Entry) -> str:
    """The Sources block a web or REST answer from these entries ends with."""
    return "Sources:\n" + "\n".join(
        f"- {s.title} ({s.publisher})" + (f" {s.url}" if s.url else "")
        for s in cited(kb, *entries))


def sms_sources(kb: KnowledgeBase, *entries: Entry) -> str:
    """The numbered Sources block of an SMS answer from these entries."""
    return "Sources:\n" + "\n".join(
        f"[{i}] {s.title} ({s.publisher})" + (f" {s.url}" if s.url else "")
        for i, s in enumerate(cited(kb, *entries), start=1))


def web_answer(kb: KnowledgeBase, entry: Entry, detailed: bool = False) -> str:
    """The whole web or REST text of one entry's answer."""
    body = f"{entry.text}\n\n{entry.details}" if detailed and entry.details else entry.text
    return f"{body}\n\n{web_sources(kb, entry)}"


def shown_entries(store_url: str, sender: str) -> List[str]:
    """The knowledge entries the replies to the latest message showed, as the
    conversation store recorded them."""
    from scripts.evaluate import turn_outcome  # it imports this module
    return turn_outcome(stored_events(store_url, sender))["entries"]


@pytest.fixture(scope="module")
def served_knowledge(tmp_path_factory) -> KnowledgeFolder:
    """A copy of knowledge/ that a running assistant serves and a test may edit."""
    target = tmp_path_factory.mktemp("served") / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return KnowledgeFolder(target)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> KnowledgeFolder:
    """A copy of the real knowledge/ folder."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return KnowledgeFolder(target)


SOURCES = """
sources:
  - id: src_a
    title: Source A
    publisher: Publisher A
    url: https://a.example/page
    last_reviewed: 2026-11-01
    captured: 2026-11-01
  - id: src_b
    title: Source B
    publisher: Publisher B
    last_reviewed: 2026-11-01
    captured: 2026-11-01
"""

#: Each fixture source's text (knowledge/sources/<id>.txt): what the answers quote.
SOURCE_TEXTS = {"src_a": "Source A says what it says.\n",
                "src_b": "Source B says what it says.\n"}

CLINIC = """
clinic:
  name: Test Clinic
  phone: 555-0100
  email: hello@clinic.example
  hours: Mon-Fri 9-5
  website: https://clinic.example
"""


TOPICS = """
topics:
  split: Is it split?
  shared: Is it shared?
  mixed: Is it mixed?
  stroke_only: Is it for stroke?
"""


def entry(topic: str, condition: str, text: str, sources: List[str],
          details: Optional[str] = None) -> str:
    lines = [f"  - topic: {topic}", f"    condition: {condition}", f"    text: {text}"]
    if details:
        lines.append(f"    details: {details}")
    lines += ["    questions:", f"      - what about {topic.replace('_', ' ')}?",
              f"    sources: [{', '.join(sources)}]", "    quotes:"]
    for source in sources:
        lines += [f"      {source}:", f'        - "{SOURCE_TEXTS[source].strip()}"']
    lines += ["    last_reviewed: 2026-11-01", "    next_review: 2027-11-01"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def small_knowledge(tmp_path: Path) -> KnowledgeFolder:
    """A minimal valid knowledge folder with topics of every shape."""
    folder = KnowledgeFolder(tmp_path / "knowledge")
    folder.write("sources.yml", SOURCES)
    for source, text in SOURCE_TEXTS.items():
        folder.write(f"sources/{source}.txt", text)
    folder.write("clinic.yml", CLINIC)
    folder.write("topics.yml", TOPICS)
    folder.write("answers/topics.yml", "entries:\n" + "".join([
        # differs by condition, no general answer
        entry("split", "stroke", "Split answer for stroke.", ["src_a"]),
        entry("split", "phantom_limb_pain", "Split answer for PLP.", ["src_b"],
              details="More about PLP."),
        # one general answer
        entry("shared", "general", "Shared answer for everyone.", ["src_a", "src_b"]),
        # general answer plus a stroke-specific one
        entry("mixed", "general", "Mixed general answer.", ["src_b"]),
        entry("mixed", "stroke", "Mixed stroke answer.", ["src_a"]),
        # only stroke
        entry("stroke_only", "stroke", "Only for stroke.", ["src_a"]),
    ]))
    return folder


@pytest.fixture(scope="module")
def postgres_database():
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    name = f"tms_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(POSTGRES_ADMIN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@localhost:5432/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def stored_events(store_url: str, sender: str) -> List[Tuple[str, dict]]:
    """(type, data) of every event the store keeps for one conversation, in order."""
    engine = sqlalchemy.create_engine(store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sqlalchemy.text(
                "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender}).fetchall()
    finally:
        engine.dispose()
    return [(kind, json.loads(data)) for kind, data in rows]


# --- SMS: the assistant's Twilio settings, with a loopback stand-in for its API ------

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-" + uuid.uuid4().hex
CLINIC_NUMBER = "+15550001111"
PUBLIC_WEBHOOK = "https://chat.clinic.example/webhooks/twilio/webhook"


@pytest.fixture(scope="module")
def twilio():
    stand_in = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN)
    yield stand_in
    stand_in.stop()


def twilio_settings(stand_in: TwilioStandIn) -> Dict[str, str]:
    """The environment that turns the assistant's SMS channel on, against it."""
    return {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_NUMBER": CLINIC_NUMBER, "TWILIO_API_URL": stand_in.url,
            "TWILIO_WEBHOOK_URL": PUBLIC_WEBHOOK}
