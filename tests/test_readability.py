"""Plain language: a reading-grade estimate per answer, a warning above grade 8, and
every shipped short answer within it."""
import pytest

from tms.check_knowledge import main
from tms.knowledge import WARNING, check_knowledge, load_knowledge
from tms.readability import MAX_GRADE, grade, syllables, too_hard


@pytest.mark.parametrize("word, count", [
    ("tms", 1), ("stroke", 1), ("session", 2), ("therapy", 3), ("magnetic", 3),
    ("rehabilitation", 6), ("60", 1),
])
def test_syllables_are_counted_by_vowel_groups(word, count):
    assert syllables(word) == count


def test_short_everyday_sentences_read_lower_than_long_technical_ones():
    plain = "TMS uses a magnet. It is held near your head. Most people feel a tap."
    dense = ("Repetitive transcranial magnetic stimulation modulates cortical "
             "excitability, facilitating neuroplasticity-dependent rehabilitation "
             "outcomes in individuals with chronic post-stroke hemiparesis.")
    assert grade(plain) <= MAX_GRADE < grade(dense)
    assert grade("") == 0.0


def test_an_answer_above_grade_8_is_a_warning_naming_the_entry(small_knowledge, capsys,
                                                               tmp_path):
    import shutil
    original = tmp_path / "original"
    shutil.copytree(small_knowledge.root, original)
    small_knowledge.replace(
        "answers/topics.yml", "Only for stroke.",
        "Repetitive transcranial magnetic stimulation modulates cortical excitability, "
        "facilitating neuroplasticity-dependent rehabilitation outcomes among "
        "individuals experiencing considerable post-stroke hemiparesis, particularly "
        "following intensive occupational rehabilitation programmes.")
    knowledge, findings = check_knowledge(small_knowledge.root)
    assert knowledge is not None  # a warning: the answer is still served
    graded = [f for f in findings if "reads at about grade" in str(f)]
    [warning] = [f for f in graded if "[stroke_only/stroke]" in str(f)]
    assert warning.severity == WARNING and "answers/topics.yml" in str(warning)
    # the other answers of the folder are unchanged, and so are their findings
    assert len(graded) == 1 + sum("reads at about grade" in str(f)
                                  for f in check_knowledge(original)[1])
    assert main([str(small_knowledge.root)]) == 0
    assert "reads at about grade" in capsys.readouterr().out


def test_a_text_too_short_to_judge_is_not_graded():
    assert grade("Mixed general answer.") > MAX_GRADE  # one long word in three
    assert not too_hard("Mixed general answer.")
    assert too_hard(" ".join(["Rehabilitation considerations."] * 10))


def test_every_shipped_short_answer_reads_at_grade_8_or_below():
    above = {entry.key: grade(entry.text) for entry in load_knowledge().entries.values()
             if grade(entry.text) > MAX_GRADE}
    assert not above, above


def test_the_check_lists_each_answers_grade_on_request(small_knowledge, capsys):
    assert main(["--grades", str(small_knowledge.root)]) == 0
    table = capsys.readouterr().out.split("grade  quotes")[1].split("\nOK:")[0]
    rows = [line.split() for line in table.splitlines() if line.strip()]
    assert [row[0] for row in rows] == ["mixed/general", "mixed/stroke", "shared/general",
                                        "split/phantom_limb_pain", "split/stroke",
                                        "stroke_only/stroke"]
    # one quote per cited source (shared/general cites both)
    assert [row[2] for row in rows] == ["1", "1", "2", "1", "1", "1"]
