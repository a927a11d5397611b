"""The staff report of unanswered questions, read from a real conversation store."""
import csv
import datetime as dt

import pytest
from rasa.shared.core.events import SlotSet

from tms import report
from tms.storage import ENV_URL
from tests.conversations import save_conversations, user_said

DAY = dt.datetime(2026, 11, 10, 12, tzinfo=dt.timezone.utc).timestamp()


said = user_said


CONVERSATIONS = {
    "alice@example.com": [
        said("can i drive home after a session?", "nlu_fallback", DAY),
        said("none of those", "something_else", DAY + 10),
        SlotSet("handoff_requested", "unanswered", timestamp=DAY + 11)],
    "bob-1": [said("Can I drive home after the session", "nlu_fallback", DAY + 20)],
    "carol-2": [said("does tms work for migraines", "out_of_scope", DAY + 30)],
    "dan-3": [
        said("how much does it cost for my stroke", "cost", DAY + 40),
        SlotSet("last_entry", "cost/stroke", timestamp=DAY + 41),
        said("not helpful", "feedback_negative", DAY + 50),
        SlotSet("feedback", "not_helpful:cost/stroke", timestamp=DAY + 51)],
    "erin-4": [
        said("please call me at 555-123-4567 about booking", "human_handoff", DAY + 60),
        SlotSet("handoff_requested", "asked", timestamp=DAY + 61)],
    "frank-5": [
        said("how many sessions will my dad need", "personal_advice", DAY + 70),
        SlotSet("unanswered", "sessions/stroke", timestamp=DAY + 71)],
    "old-6": [said("an old unanswered question", "nlu_fallback", DAY - 40 * 86400)],
    "mallory-7": [said('=HYPERLINK("http://x.example","\x1b[31mclick\x1b[0m")',
                       "nlu_fallback", DAY + 80)],
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    url = (f"sqlite:///{tmp_path_factory.mktemp('report')}/conversations.db"
           if request.param == "sqlite" else request.getfixturevalue("postgres_database"))
    save_conversations(url, CONVERSATIONS)
    return url


def run(store_url, monkeypatch, capsys, *args):
    monkeypatch.setenv(ENV_URL, store_url)
    assert report.main(["--since", "2026-11-01", "--until", "2026-11-30", *args]) == 0
    return capsys.readouterr().out


def test_groups_similar_questions_with_counts(store_url, monkeypatch, capsys):
    out = run(store_url, monkeypatch, capsys)
    # alice's double miss also counts as a request for a person
    assert "8 in 7 groups" in out
    lines = out.splitlines()
    assert lines[2].startswith("   2  not understood")
    assert "drive home after" in lines[2]
    assert '"does tms work for migraines"' in out and "outside what it covers" in out
    assert '"how many sessions will my dad need"' in out and "no sourced answer" in out
    assert '"how much does it cost for my stroke"' in out and "answer not helpful" in out
    assert "old unanswered" not in out  # outside the date range


def test_no_sender_ids_or_phone_numbers(store_url, monkeypatch, capsys):
    out = run(store_url, monkeypatch, capsys)
    for secret in ("alice", "example.com", "bob-1", "dan-3", "555-123-4567"):
        assert secret not in out
    assert "please call me at [phone] about booking" in out
    assert report.conversation_code("alice@example.com") in out


def test_csv_and_show_a_conversation_by_its_code(store_url, monkeypatch, capsys,
                                                 tmp_path):
    path = tmp_path / "unanswered.csv"
    run(store_url, monkeypatch, capsys, "--csv", str(path))
    rows = list(csv.DictReader(path.open()))
    assert rows[0]["category"] == "not understood" and rows[0]["count"] == "2"
    assert "can i drive home after a session?" in rows[0]["all_wordings"]
    code = report.conversation_code("alice@example.com")
    assert report.main(["--show", code]) == 0
    shown = capsys.readouterr().out
    assert "PATIENT  can i drive home after a session?" in shown
    assert "alice" not in shown


def test_missing_store_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path}/nothing-here.db")
    with pytest.raises(SystemExit, match="no conversations table yet"):
        report.main([])


def test_hostile_text_is_neither_a_formula_nor_a_terminal_escape(store_url, monkeypatch,
                                                                 capsys, tmp_path):
    path = tmp_path / "unanswered.csv"
    out = run(store_url, monkeypatch, capsys, "--csv", str(path))
    assert "\x1b" not in out and 'HYPERLINK("http://x.example","click")' in out
    cells = [cell for row in csv.reader(path.open()) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_conversation_codes_are_keyed_and_the_key_is_private(tmp_path, monkeypatch):
    import hashlib
    import stat

    sender = "+15551234567"
    assert report.conversation_code(sender, b"one") != report.conversation_code(sender,
                                                                                b"two")
    # not the plain hash, which anyone could recompute for every phone number
    assert report.conversation_code(sender, b"one")[5:] != hashlib.sha256(
        sender.encode()).hexdigest()[:10]
    monkeypatch.delenv("TMS_REPORT_SECRET", raising=False)
    key_file = tmp_path / "var" / "report.key"
    first = report.report_key(key_file)
    assert report.report_key(key_file) == first and len(first) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
