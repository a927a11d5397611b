"""The knowledge contract: what loads, and the errors staff get for bad content."""
from __future__ import annotations

import pytest

from tms.conditions import PHANTOM_LIMB_PAIN, STROKE
from tms.knowledge import (
    ERROR,
    WARNING,
    KnowledgeError,
    check_knowledge,
    load_knowledge,
)
from tests.conftest import KNOWLEDGE, TODAY


def errors(folder):
    kb, findings = check_knowledge(folder.root, today=TODAY)
    assert kb is None, "expected the knowledge to be rejected"
    return [f for f in findings if f.severity == ERROR]


def only_error(folder):
    found = errors(folder)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_the_shipped_knowledge_loads_with_every_seed_source():
    kb = load_knowledge(KNOWLEDGE, today=TODAY)
    assert {"tmslist_stroke", "jikei_neuro", "tmslist_plp"} <= set(kb.sources)
    assert kb.sources["tmslist_plp"].publisher == "TMSList"
    assert kb.sources["jikei_neuro"].url is None
    for topic in ("fda_status", "timing", "cost", "therapy_pairing"):
        assert set(kb.entries_for(topic)) == {STROKE, PHANTOM_LIMB_PAIN}, topic


def test_every_entry_cites_an_existing_source():
    kb = load_knowledge(KNOWLEDGE, today=TODAY)
    for entry in kb.entries.values():
        assert entry.sources
        assert all(s in kb.sources for s in entry.sources), entry.key


def test_small_fixture_loads(small_knowledge):
    kb = load_knowledge(small_knowledge.root, today=TODAY)
    assert kb.topics == ["mixed", "shared", "split", "stroke_only"]
    split = kb.entries_for("split")[PHANTOM_LIMB_PAIN]
    assert split.details == "More about PLP."
    assert [s.title for s in kb.sources_of(split)] == ["Source B"]
    assert split.file.endswith("answers/topics.yml") and split.line


def test_unknown_source_id_names_file_entry_and_known_ids(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "sources: [src_b]\n    quotes:\n      src_b:",
                            "sources: [src_zz]\n    quotes:\n      src_zz:")
    finding = only_error(small_knowledge)
    assert finding.file == "knowledge/answers/topics.yml"
    assert finding.entry == "split/phantom_limb_pain"
    assert "unknown source 'src_zz'" in finding.message
    assert "src_a, src_b" in finding.message
    assert finding.line == 13  # where that entry starts


def test_missing_citation_is_an_error(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "    sources: [src_a]\n    quotes:\n      src_a:\n        - \"Source A says what it says.\"\n", "")
    finding = only_error(small_knowledge)
    assert finding.entry == "split/stroke"
    assert "every answer must cite" in finding.message


def test_empty_citation_list_is_an_error(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "sources: [src_a]\n    quotes:\n      src_a:\n        - \"Source A says what it says.\"\n",
                            "sources: []\n")
    assert "'sources' is missing" in only_error(small_knowledge).message


def test_duplicate_topic_and_condition_points_at_the_first(small_knowledge):
    small_knowledge.write("answers/z_more.yml", "entries:\n" + """\
  - topic: split
    condition: stroke
    text: A second stroke answer.
    sources: [src_a]
    quotes:
      src_a:
        - "Source A says what it says."
    last_reviewed: 2026-11-01
    next_review: 2027-11-01
""")
    finding = only_error(small_knowledge)
    assert finding.file == "knowledge/answers/z_more.yml"
    assert "second answer for topic 'split' and condition 'stroke'" in finding.message
    assert "knowledge/answers/topics.yml line 2" in finding.message


def test_empty_text_is_an_error(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "text: Only for stroke.", "text: ''")
    finding = only_error(small_knowledge)
    assert finding.entry == "stroke_only/stroke"
    assert "'text' is missing or empty" in finding.message


def test_malformed_yaml_reports_its_line(small_knowledge):
    small_knowledge.write("answers/broken.yml", """
        entries:
          - topic: broken
            condition: stroke
            text: "an unclosed quote
            sources: [src_a]
        """)
    finding = only_error(small_knowledge)
    assert finding.file == "knowledge/answers/broken.yml"
    assert "YAML is malformed" in finding.message
    assert finding.line in (5, 6)
    assert "knowledge/answers/broken.yml:" in str(finding)


def test_unknown_condition_and_misspelt_field(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "condition: general\n    text: Shared",
                            "condition: migraine\n    text: Shared")
    small_knowledge.replace("answers/topics.yml", "details: More about PLP.",
                            "detials: More about PLP.")
    messages = [f.message for f in errors(small_knowledge)]
    assert any("'condition' must be one of stroke, phantom_limb_pain, general, not "
               "'migraine'" in m for m in messages)
    assert any("unknown field 'detials'" in m for m in messages)


def test_missing_review_date(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "    next_review: 2027-11-01\n", "")
    assert "'next_review' is missing" in only_error(small_knowledge).message


def test_past_review_date_is_only_a_warning(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "next_review: 2027-11-01",
                            "next_review: 2025-01-01")
    kb, findings = check_knowledge(small_knowledge.root, today=TODAY)
    assert kb is not None
    assert [f.severity for f in findings] == [WARNING]
    assert "2025-01-01 has passed" in findings[0].message


def test_source_link_must_be_https(small_knowledge):
    small_knowledge.replace("sources.yml", "https://a.example", "http://a.example")
    finding = only_error(small_knowledge)
    assert finding.file == "knowledge/sources.yml" and finding.entry == "source src_a"
    assert "https://" in finding.message


def test_duplicate_source_id(small_knowledge):
    sources = small_knowledge.read("sources.yml")
    small_knowledge.write("sources.yml", sources + """\
  - id: src_a
    title: Another A
    publisher: Someone
    last_reviewed: 2026-11-01
""")
    finding = only_error(small_knowledge)
    assert "the id 'src_a' is used twice" in finding.message
    assert finding.line == 13


@pytest.mark.parametrize("claim", ["TMS will cure your pain.", "Results are guaranteed.",
                                   "It has no side effects.", "100% effective."])
def test_promises_are_rejected(small_knowledge, claim):
    small_knowledge.replace("answers/topics.yml", "Only for stroke.", claim)
    found = errors(small_knowledge)
    assert any("must not publish" in f.message for f in found), found
    assert {f.entry for f in found} == {"stroke_only/stroke"}


def test_honest_negations_are_allowed(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "Only for stroke.",
                            "TMS is not a cure, and there is no guarantee it helps.")
    assert check_knowledge(small_knowledge.root, today=TODAY)[0] is not None


def test_too_long_answer(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "Only for stroke.", "word " * 200)
    assert "keep it under 600" in only_error(small_knowledge).message


def test_placeholder_clinic_details_warn(small_knowledge):
    small_knowledge.replace("clinic.yml", "name: Test Clinic", 'name: "[Clinic name]"')
    kb, findings = check_knowledge(small_knowledge.root, today=TODAY)
    assert kb is not None
    assert any(f.severity == WARNING and "placeholders: name" in f.message
               for f in findings)


def test_missing_files_are_named(tmp_path):
    (tmp_path / "knowledge").mkdir()
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "knowledge", today=TODAY)
    text = str(caught.value)
    assert "knowledge/sources.yml" in text and "list of sources is missing" in text
    assert "knowledge/clinic.yml" in text
    assert "no answer files" in text


def test_error_lists_every_problem_at_once(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "Only for stroke.", "''")
    small_knowledge.replace("sources.yml", "title: Source A", "title: ''")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(small_knowledge.root, today=TODAY)
    assert len(caught.value.findings) >= 2
    assert "knowledge/sources.yml" in str(caught.value)
    assert "stroke_only/stroke" in str(caught.value)


def test_topic_missing_from_topics_file_is_an_error(small_knowledge):
    small_knowledge.replace("topics.yml", "  mixed: Is it mixed?\n", "")
    messages = [str(f) for f in errors(small_knowledge)]
    assert len(messages) == 2  # both "mixed" entries
    assert "[mixed/general]: the topic 'mixed' is not in topics.yml" in messages[0]


def test_topic_without_answers_warns(small_knowledge):
    small_knowledge.replace("topics.yml", "topics:\n", "topics:\n  sessions: How many?\n")
    kb, findings = check_knowledge(small_knowledge.root, today=TODAY)
    assert kb is not None
    assert [f.entry for f in findings] == ["sessions"]
    assert kb.question("split") == "Is it split?"


def test_an_entry_without_its_questions_is_a_warning(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "    questions:\n", "    asked:\n")
    kb, findings = check_knowledge(small_knowledge.root, today=TODAY)
    assert any("no 'questions:' list" in f.message for f in findings)


def test_questions_must_be_a_list_of_text(small_knowledge):
    small_knowledge.replace("answers/topics.yml", "    questions:\n      - ",
                            "    questions: ")
    finding = only_error(small_knowledge)
    assert "'questions' must be a list" in finding.message
