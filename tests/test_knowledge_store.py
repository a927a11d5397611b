"""Edits go live without a restart; a broken edit never replaces good content."""
import logging
import time

import pytest

from tms.knowledge import KnowledgeError
from tms.knowledge_store import SETTLE_S, KnowledgeStore


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
    store = KnowledgeStore(knowledge_copy.root, check_interval=2.0, clock=clock,
                           settle_s=0)
    knowledge_copy.replace("answers/cost.yml", "please ask the clinic what it charges",
                           "please ask our front desk what it charges")
    assert "ask the clinic" in cost_text(store)  # not checked yet
    clock.now += 2.5
    assert "ask our front desk" in cost_text(store)
    assert store.rejected == []


def test_broken_edit_keeps_the_last_valid_knowledge_and_reports(knowledge_copy, clock,
                                                                 caplog):
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock, settle_s=0)
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
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock, settle_s=0)
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


def settled(now=None):
    """A wall clock SETTLE_S after every file's last change."""
    return lambda: time.time() + SETTLE_S + 1


def test_a_file_changed_a_moment_ago_is_not_taken_until_it_settles(knowledge_copy,
                                                                    clock):
    wall = {"now": time.time}
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock,
                           wall_clock=lambda: wall["now"]())
    knowledge_copy.replace("answers/cost.yml", "please ask the clinic what it charges",
                           "please ask our front desk what it charges")
    clock.now += 1
    assert "ask the clinic" in cost_text(store)  # written just now: perhaps not done
    wall["now"] = settled()
    clock.now += 1
    assert "ask our front desk" in cost_text(store)


def test_a_file_that_changes_while_it_is_read_is_read_again(knowledge_copy, clock,
                                                            monkeypatch):
    from tms import knowledge_store

    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock,
                           wall_clock=settled())
    real_check = knowledge_store.check_knowledge
    writes = ["please ask our front desk what it charges"]

    def check_while_writing(root):
        result = real_check(root)
        if writes:  # the editor saves again in the middle of the read
            knowledge_copy.replace("answers/cost.yml", "please ask the clinic what it "
                                   "charges", writes.pop())
        return result

    monkeypatch.setattr(knowledge_store, "check_knowledge", check_while_writing)
    knowledge_copy.replace("answers/cost.yml", "Self-pay rates run about",
                           "Self-pay rates are now about")
    clock.now += 1
    served = store.current()  # the version read half-way through a save: not taken
    assert "Self-pay rates run about" in served.entries[("cost", "phantom_limb_pain")].text
    clock.now += 1
    assert "ask our front desk" in cost_text(store)
    assert "Self-pay rates are now about" in store.current().entries[
        ("cost", "phantom_limb_pain")].text


def test_a_file_cut_short_is_refused_until_staff_approve_it(knowledge_copy, clock,
                                                           caplog):
    from tms.check_knowledge import main as check_main

    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock,
                           wall_clock=settled())
    text = knowledge_copy.read("answers/cost.yml")
    second = text.index("\n  - ", text.index("\n  - ") + 1)
    (knowledge_copy.root / "answers" / "cost.yml").write_text(text[:second] + "\n")
    with caplog.at_level(logging.ERROR, logger="tms.knowledge_store"):
        clock.now += 1
        assert ("cost", "phantom_limb_pain") in store.current().entries
    assert "refused as suspicious" in caplog.text
    assert "cost/phantom_limb_pain" in str(store.rejected[0])
    # staff meant it: the check approves exactly this content, and it goes live
    assert check_main([str(knowledge_copy.root)]) == 0
    clock.now += 1
    assert ("cost", "phantom_limb_pain") not in store.current().entries
    assert store.rejected == []
