"""Edits go live without a restart; a broken edit never replaces good content."""
import logging
import time

import pytest
import yaml

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


#: Edits a staff member makes to the shipped answers (whatever they say now).
EDITED_STROKE = "Please ask our front desk what TMS after a stroke costs."
EDITED_PLP = "Self-pay rates for phantom limb pain are now set by our front desk."


def cost_text(store, condition="stroke"):
    return store.current().entries[("cost", condition)].text


def test_valid_edit_is_served_after_the_check_interval(knowledge_copy, clock):
    store = KnowledgeStore(knowledge_copy.root, check_interval=2.0, clock=clock,
                           settle_s=0)
    shipped = cost_text(store)
    knowledge_copy.edit_entry("cost", "stroke", text=EDITED_STROKE)
    assert cost_text(store) == shipped  # not checked yet
    clock.now += 2.5
    assert cost_text(store) == EDITED_STROKE
    assert store.rejected == []


def test_broken_edit_keeps_the_last_valid_knowledge_and_reports(knowledge_copy, clock,
                                                                 caplog):
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock, settle_s=0)
    before = store.current()
    cited = list(before.entries[("cost", "stroke")].sources)
    knowledge_copy.edit_entry("cost", "stroke", sources=["no_such_source"])
    # a change in the same file
    knowledge_copy.edit_entry("cost", "phantom_limb_pain", text=EDITED_PLP)
    with caplog.at_level(logging.ERROR, logger="tms.knowledge_store"):
        clock.now += 1
        assert store.current() is before  # nothing half-applied
    assert "cites unknown source 'no_such_source'" in caplog.text
    assert "still serving the last valid version" in caplog.text
    assert {f.entry for f in store.rejected} == {"cost/stroke"}  # that entry only
    assert cost_text(store, "phantom_limb_pain") != EDITED_PLP
    # fixing it brings the new text in
    knowledge_copy.edit_entry("cost", "stroke", sources=cited)
    clock.now += 1
    assert cost_text(store, "phantom_limb_pain") == EDITED_PLP
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
    edited = knowledge_copy.edit_entry("cost", "stroke", text="")
    with pytest.raises(KnowledgeError, match=f"knowledge/{edited}.*cost/stroke"):
        KnowledgeStore(knowledge_copy.root, clock=clock)


def settled(now=None):
    """A wall clock SETTLE_S after every file's last change."""
    return lambda: time.time() + SETTLE_S + 1


def test_a_file_changed_a_moment_ago_is_not_taken_until_it_settles(knowledge_copy,
                                                                    clock):
    wall = {"now": time.time}
    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock,
                           wall_clock=lambda: wall["now"]())
    shipped = cost_text(store)
    knowledge_copy.edit_entry("cost", "stroke", text=EDITED_STROKE)
    clock.now += 1
    assert cost_text(store) == shipped  # written just now: perhaps not done
    wall["now"] = settled()
    clock.now += 1
    assert cost_text(store) == EDITED_STROKE


def test_a_file_that_changes_while_it_is_read_is_read_again(knowledge_copy, clock,
                                                            monkeypatch):
    from tms import knowledge_store

    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock,
                           wall_clock=settled())
    real_check = knowledge_store.check_knowledge
    shipped_plp = cost_text(store, "phantom_limb_pain")
    writes = [EDITED_STROKE]

    def check_while_writing(root):
        result = real_check(root)
        if writes:  # the editor saves again in the middle of the read
            knowledge_copy.edit_entry("cost", "stroke", text=writes.pop())
        return result

    monkeypatch.setattr(knowledge_store, "check_knowledge", check_while_writing)
    knowledge_copy.edit_entry("cost", "phantom_limb_pain", text=EDITED_PLP)
    clock.now += 1
    served = store.current()  # the version read half-way through a save: not taken
    assert served.entries[("cost", "phantom_limb_pain")].text == shipped_plp
    clock.now += 1
    assert cost_text(store) == EDITED_STROKE
    assert cost_text(store, "phantom_limb_pain") == EDITED_PLP


def test_a_file_cut_short_is_refused_until_staff_approve_it(knowledge_copy, clock,
                                                           caplog):
    from tms.check_knowledge import main as check_main

    store = KnowledgeStore(knowledge_copy.root, check_interval=0, clock=clock,
                           wall_clock=settled())
    text = knowledge_copy.read("answers/cost.yml")
    # saved halfway: the file ends just before its second entry, still valid YAML
    entries = dict(yaml.compose(text).value)  # key node -> value node, by position
    second = [v for k, v in entries.items() if k.value == "entries"][0].value[1]
    assert yaml.safe_load(text)["entries"][1]["condition"] == "phantom_limb_pain"
    cut = text.rfind("\n", 0, second.start_mark.index) + 1
    (knowledge_copy.root / "answers" / "cost.yml").write_text(text[:cut])
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
