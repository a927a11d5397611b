"""Coverage table and the check that answers and training data agree on topics."""
import re
import shutil

from tms.check_knowledge import main
from tms.coverage import FALLS_BACK, NONE, OWN, coverage_rows, topic_findings
from tms.knowledge import load_knowledge
from tests.conftest import ROOT, TODAY


def test_coverage_rows_show_own_general_and_missing_answers(small_knowledge):
    small_knowledge.replace("topics.yml", "topics:\n", "topics:\n  sessions: How many?\n")
    rows = {r[0]: r[2:] for r in coverage_rows(load_knowledge(small_knowledge.root,
                                                              today=TODAY))}
    assert rows["split"] == [OWN, OWN]
    assert rows["mixed"] == [OWN, FALLS_BACK]
    assert rows["shared"] == [FALLS_BACK, FALLS_BACK]
    assert rows["stroke_only"] == [OWN, NONE]
    assert rows["sessions"] == [NONE, NONE]


def project_copy(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    return root


def test_answers_for_an_untrained_topic_warn(knowledge_copy, tmp_path):
    knowledge_copy.replace("topics.yml", "topics:\n",
                           "topics:\n  driving: Can I drive after a session?\n")
    knowledge_copy.write("answers/driving.yml", """
        entries:
          - topic: driving
            condition: phantom_limb_pain
            text: An answer staff wrote before the assistant was trained on it.
            sources: [tmslist_plp]
            quotes:
              tmslist_plp:
                - "Bottom Line"
            last_reviewed: 2026-11-22
            next_review: 2027-11-22
        """)
    kb = load_knowledge(knowledge_copy.root, today=TODAY)
    [finding] = topic_findings(kb, project_copy(tmp_path))
    assert finding.severity == "warning" and finding.entry == "driving"
    assert "not trained to recognise questions about it" in finding.message


def test_trained_topic_without_answers_is_an_error(knowledge_copy, tmp_path):
    (knowledge_copy.root / "answers" / "cost.yml").unlink()
    knowledge_copy.replace("topics.yml", "  cost: What does TMS cost?\n", "")
    kb = load_knowledge(knowledge_copy.root, today=TODAY)
    [finding] = topic_findings(kb, project_copy(tmp_path))
    assert finding.severity == "error" and finding.entry == "cost"
    assert "has no answer" in finding.message


def test_check_command_prints_the_coverage_table(capsys):
    assert main(["--coverage"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^neuro_program +What is the NEURO program\? +answer +NO ANSWER",
                     out, re.MULTILINE)
