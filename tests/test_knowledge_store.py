"""Edits go live without a restart; a broken edit never replaces good content."""
import logging

import pytest

from tms.knowledge import KnowledgeError
from tms.knowledge_store import KnowledgeStore


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def cost_text(store):
    return store.current().entries[("cost", "stroke")].text


def test_valid_edit_is_served_after_the_check_interval(knowledge_copy, clock):
    store = KnowledgeStore(knowledge_copy.root, check_interval=2.0, clock=clock)
    knowledge_copy.replace("answers/cost.yml", "please ask the clinic what it charges",
                           "please ask our front desk what it charges")
    assert "ask the clinic" in cost_text(store)  # not checked yet
    clock.now += 2.5
    assert "ask our front desk" in cost_text(store)
    assert store.rejected == []


def test_broken_edit_keeps_the_last_valid_knowledge_and_reports(knowledge_copy, clock,
                                                                 caplog):
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock)
    before = store.current()
    knowledge_copy.replace("answers/cost.yml", "sources: [tmslist_stroke]",
                           "sources: [no_such_source]")
    knowledge_copy.replace("answers/cost.yml", "Self-pay rates run about",
                           "Self-pay rates are now about")  # a change in the same file
    with caplog.at_level(logging.ERROR, logger="tms.knowledge_store"):
        clock.now += 1
        assert store.current() is before  # nothing half-applied
    assert "cites unknown source 'no_such_source'" in caplog.text
    assert "still serving the last valid version" in caplog.text
    assert [f.entry for f in store.rejected] == ["cost/stroke"]
    # fixing it brings the new text in
    knowledge_copy.replace("answers/cost.yml", "sources: [no_such_source]",
                           "sources: [tmslist_stroke]")
    clock.now += 1
    assert "Self-pay rates are now about" in store.current().entries[
        ("cost", "phantom_limb_pain")].text
    assert store.rejected == []


def test_unchanged_files_are_not_revalidated(knowledge_copy, clock, monkeypatch):
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock)
    calls = []
    monkeypatch.setattr("tms.knowledge_store.check_knowledge",
                        lambda root: calls.append(root))
    for _ in range(5):
        clock.now += 1
        store.current()
    assert calls == []


def test_invalid_knowledge_at_start_up_is_a_precise_error(knowledge_copy, clock):
    knowledge_copy.replace("answers/cost.yml", "text: >-", "text: ''\n    old: >-")
    with pytest.raises(KnowledgeError, match="knowledge/answers/cost.yml"):
        KnowledgeStore(knowledge_copy.root, clock=clock)
