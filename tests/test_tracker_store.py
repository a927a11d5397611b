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
from addons.tracker_store import ENV_URL, ConfiguredSQLTrackerStore, configured_url
from tests.conftest import ROOT

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
