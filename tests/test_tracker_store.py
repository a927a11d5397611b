"""Conversations persist in SQLite by default and in PostgreSQL when configured."""
from __future__ import annotations

import asyncio
import uuid

import psycopg2
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons import tracker_store
from addons.tracker_store import (ENV_URL, FLUSH_EVERY_S, RETRY_S,
                                  ConfiguredSQLTrackerStore, configured_url,
                                  with_timeouts)
from tests.conftest import ROOT, stored_events
from tests.standins import CuttableProxy

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def test_default_is_an_sqlite_file_in_the_project():
    assert configured_url({}) == f"sqlite:///{ROOT / 'var' / 'conversations.db'}"


def test_environment_variable_wins():
    url = "postgresql://rasa:secret@db.internal:5432/rasa"
    assert configured_url({ENV_URL: url}) == url
    assert "secret" not in tracker_store.describe(url)


def test_malformed_url_is_refused_with_a_clear_error():
    with pytest.raises(Exception, match="Could not parse"):
        configured_url({ENV_URL: "not a url"})


def roundtrip(store_factory):
    sender = f"patient-{uuid.uuid4().hex[:8]}"
    store = store_factory()
    tracker = DialogueStateTracker.from_events(sender, [
        UserUttered("my mom had a stroke", {"name": "inform_condition"}),
        SlotSet("condition", "stroke"),
    ], slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))
    restarted = store_factory()  # a new server process would build a new store
    loaded = asyncio.run(restarted.retrieve(sender))
    assert loaded is not None
    assert loaded.get_slot("condition") == "stroke"
    assert loaded.latest_message.text == "my mom had a stroke"


def test_sqlite_store_keeps_conversations_across_restarts(tmp_path, monkeypatch):
    db = tmp_path / "nested" / "conversations.db"
    monkeypatch.setenv(ENV_URL, f"sqlite:///{db}")
    roundtrip(lambda: ConfiguredSQLTrackerStore(domain=DOMAIN))
    assert db.is_file()


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    import stat

    made = tmp_path / "new" / "conversations.db"
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"")
    existing.chmod(0o644)  # as an older version left it
    for db in (made, existing):
        monkeypatch.setenv(ENV_URL, f"sqlite:///{db}")
        ConfiguredSQLTrackerStore(domain=DOMAIN).engine.dispose()
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.parent.stat().st_mode) & 0o077 == 0


def test_postgres_store_keeps_conversations_across_restarts(postgres_database,
                                                             monkeypatch):
    monkeypatch.setenv(ENV_URL, postgres_database)
    roundtrip(lambda: ConfiguredSQLTrackerStore(domain=DOMAIN))
    with psycopg2.connect(postgres_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events")
        assert cursor.fetchone()[0] >= 2


def test_postgres_gets_connect_and_statement_timeouts_unless_the_url_sets_them():
    url = with_timeouts("postgresql://rasa:secret@db.internal:5432/rasa")
    assert "connect_timeout=3" in url and "statement_timeout" in url
    assert "secret" in url  # the password still reaches the driver
    own = with_timeouts("postgresql://db.internal/rasa?connect_timeout=10")
    assert "connect_timeout=10" in own and "connect_timeout=3" not in own
    assert with_timeouts("sqlite:///var/c.db") == "sqlite:///var/c.db"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def user_texts(url: str, sender: str):
    return [data.get("text") for kind, data in stored_events(url, sender)
            if kind == "user"]


def test_a_database_outage_loses_nothing(postgres_database, monkeypatch):
    """Replies go on from memory while PostgreSQL is away; every turn said meanwhile
    is written, in order, when it answers again; a restarted server sees them all."""
    proxy = CuttableProxy(5432)
    through_proxy = postgres_database.replace("localhost:5432",
                                              f"127.0.0.1:{proxy.port}")
    monkeypatch.setenv(ENV_URL, through_proxy)
    clock = Clock()
    store = ConfiguredSQLTrackerStore(domain=DOMAIN, clock=clock)
    known, new = f"known-{uuid.uuid4().hex[:6]}", f"new-{uuid.uuid4().hex[:6]}"

    def say(sender: str, text: str, *events) -> DialogueStateTracker:
        tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(
            sender, DOMAIN.slots)
        tracker.update(UserUttered(text, {"name": "ask"}))
        for event in events:
            tracker.update(event)
        asyncio.run(store.save(tracker))
        return tracker

    try:
        say(known, "my mom had a stroke", SlotSet("condition", "stroke"))
        proxy.cut()
        # the conversation goes on from memory: the condition is still known
        during = say(known, "how many sessions would she need")
        assert during.get_slot("condition") == "stroke"
        say(new, "is tms fda approved")  # a conversation that starts in the outage
        attempts = proxy.attempts
        say(known, "and the cost?")
        say(new, "does it hurt")
        # within RETRY_S of the failure the database is not tried again: no message
        # waits for another timeout
        assert proxy.attempts == attempts
        assert store.queued_conversations == 2
        assert user_texts(postgres_database, known) == ["my mom had a stroke"]

        proxy.restore()
        clock.now += RETRY_S
        last = say(known, "thanks")  # the queue is written first, then this turn
        assert store.queued_conversations == 0
        assert user_texts(postgres_database, known) == [
            "my mom had a stroke", "how many sessions would she need", "and the cost?",
            "thanks"]
        assert user_texts(postgres_database, new) == ["is tms fda approved",
                                                      "does it hurt"]
        restarted = ConfiguredSQLTrackerStore(domain=DOMAIN)
        reloaded = asyncio.run(restarted.retrieve(known))
        assert reloaded.get_slot("condition") == "stroke"
        assert len(reloaded.events) == len(last.events) == 5
        restarted.engine.dispose()
    finally:
        store.engine.dispose()
        proxy.close()


def test_queued_turns_are_written_when_the_database_returns_without_another_message(
        postgres_database, monkeypatch):
    """Their conversation may have moved to another server (a load balancer): this one
    writes what it holds anyway, so the other finds it in the database."""
    proxy = CuttableProxy(5432)
    monkeypatch.setenv(ENV_URL, postgres_database.replace("localhost:5432",
                                                          f"127.0.0.1:{proxy.port}"))
    clock = Clock()
    store = ConfiguredSQLTrackerStore(domain=DOMAIN, clock=clock)
    sender = f"moved-{uuid.uuid4().hex[:6]}"

    async def outage_then_silence() -> None:
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(UserUttered("does tms hurt", {"name": "ask"}))
        proxy.cut()
        await store.save(tracker)
        assert store.queued_conversations == 1
        proxy.restore()
        clock.now += RETRY_S
        await asyncio.sleep(FLUSH_EVERY_S * 2.5)  # nobody writes to this server

    try:
        asyncio.run(outage_then_silence())
        assert store.queued_conversations == 0
        assert user_texts(postgres_database, sender) == ["does tms hurt"]
    finally:
        store.engine.dispose()
        proxy.close()
