"""Retention and deletion (make purge, make delete) on a real SQLite file and a real
PostgreSQL database: what is deleted is gone whole, everything else is untouched."""
import time

import pytest
import sqlalchemy
from rasa.shared.core.events import SlotSet

from tms import retention, staff
from tms.report import conversation_code, report_key
from tms.storage import ENV_URL
from tests.conversations import save_conversations, user_said

DAY = 86400
NOW = time.time()


def said(text, age_days):
    return user_said(text, "cost", NOW - age_days * DAY)


CONVERSATIONS = {
    "+15550001111": [said("how much is it", 200), said("thanks", 120)],  # idle 120 days
    "widget-old": [said("does it hurt", 95)],  # idle 95 days
    "widget-active": [said("is it approved", 300), said("and now?", 2)],  # still talking
    "widget-new": [said("hello", 0.1),
                   SlotSet("condition", "stroke", timestamp=NOW - 0.1 * DAY)],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch):
    url = (f"sqlite:///{tmp_path}/conversations.db" if request.param == "sqlite"
           else request.getfixturevalue("postgres_database"))
    save_conversations(url, CONVERSATIONS)
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv("TMS_REPORT_SECRET", "test-secret")
    yield url
    if request.param == "postgresql":
        engine = sqlalchemy.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DELETE FROM events"))
        engine.dispose()


def counts(url):
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sqlalchemy.text(
            "SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).fetchall()
    engine.dispose()
    return dict(rows)


def test_purge_deletes_only_conversations_idle_longer_than_the_limit(store_url, capsys):
    before = counts(store_url)
    assert staff.main(["purge", "--days", "90"]) == 0
    assert "Deleted 2 conversations idle for more than 90 days" in capsys.readouterr().out
    after = counts(store_url)
    assert set(after) == {"widget-active", "widget-new"}
    # a conversation still going keeps its whole history, its old turns included
    assert after == {k: before[k] for k in after}


def test_purge_takes_its_default_from_the_configuration(store_url, monkeypatch, capsys):
    monkeypatch.setenv(retention.ENV_DAYS, "100")
    assert staff.main(["purge"]) == 0
    assert set(counts(store_url)) == {"widget-old", "widget-active", "widget-new"}
    monkeypatch.delenv(retention.ENV_DAYS)
    assert retention.retention_days() == 90


@pytest.mark.parametrize("days", ["0", "ninety", "-5"])
def test_a_wrong_number_of_days_deletes_nothing_and_says_why(store_url, days, capsys):
    assert staff.main(["purge", "--days", days]) == 2
    assert "whole number" in capsys.readouterr().err
    assert len(counts(store_url)) == 4


def test_staff_delete_one_conversation_by_its_report_code(store_url, capsys):
    code = conversation_code("widget-new", report_key())
    assert staff.main(["delete", code]) == 0
    assert f"Deleted conversation {code}" in capsys.readouterr().out
    assert set(counts(store_url)) == {"+15550001111", "widget-old", "widget-active"}
    # an unknown code deletes nothing
    assert staff.main(["delete", "conv-0000000000"]) == 1
    assert "nothing deleted" in capsys.readouterr().err
    assert len(counts(store_url)) == 3
