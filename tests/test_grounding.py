"""Every answer traceable to the words of its source: quotes checked against the
sources' texts, figures checked against the quotes, errors naming file, line, entry."""
import pytest

from tms.check_knowledge import main
from tms.grounding import check_quotes, figures, fold, regulatory_problem
from tms.knowledge import ERROR, check_knowledge, load_knowledge

SOURCE_A = """A Study of Things

In the 2018 review, patients improved by 24% after 10 sessions.
TMS is not FDA-cleared for stroke.
"""
SOURCE_B = "Phantom limb pain affects about half of people after an amputation.\n"

ANSWER = """entries:
  - topic: split
    condition: stroke
    text: A 2018 review found 24% better movement after 10 sessions.
    questions:
      - does it work
    sources: [src_a]
    quotes:
      src_a:
        - "In the 2018 review, patients improved by 24% after 10 sessions."
    last_reviewed: 2026-11-01
    next_review: 2027-11-01
"""


@pytest.fixture
def grounded(small_knowledge):
    """The small knowledge with source texts and one quoted answer."""
    small_knowledge.write("sources/src_a.txt", SOURCE_A)
    small_knowledge.write("sources/src_b.txt", SOURCE_B)
    small_knowledge.write("answers/topics.yml", ANSWER)
    for source in ("src_a", "src_b"):
        small_knowledge.replace("sources.yml", f"id: {source}\n",
                                f"id: {source}\n    captured: 2026-11-01\n")
    return small_knowledge


def errors(folder):
    return [f for f in check_knowledge(folder.root)[1] if f.severity == ERROR]


def test_a_quoted_answer_with_its_figures_passes(grounded, capsys):
    assert errors(grounded) == []
    kb = load_knowledge(grounded.root)
    assert kb.entries[("split", "stroke")].quotes == {"src_a": (
        "In the 2018 review, patients improved by 24% after 10 sessions.",)}
    assert "TMS is not FDA-cleared" in kb.sources["src_a"].text
    assert main([str(grounded.root)]) == 0


@pytest.mark.parametrize("old, new, says", [
    # a changed number in the answer
    ("found 24% better", "found 42% better", "the figure(s) 42 appear in none"),
    # a made-up quote
    ('- "In the 2018 review, patients improved by 24% after 10 sessions."',
     '- "In the 2018 review, every patient improved by 24% after 10 sessions."',
     "this quote is not in the text of 'src_a'"),
    # a quote from a source the answer does not cite
    ("      src_a:\n", "      src_b:\n", "quotes 'src_b', which it does not cite"),
    # an uncited number
    ("after 10 sessions.\n    questions", "after 10 sessions of 20 minutes.\n    questions",
     "the figure(s) 20 appear in none"),
    # a cited source with nothing quoted from it
    ("sources: [src_a]", "sources: [src_a, src_b]", "cites 'src_b' but quotes nothing"),
    # a study named that no quote names
    ("A 2018 review found", "A 2018 review published in The Lancet found",
     "the study or journal named The Lancet appears in none"),
])
def test_an_answer_that_drifts_from_its_source_fails_naming_the_entry(
        grounded, capsys, old, new, says):
    grounded.replace("answers/topics.yml", old, new)
    found = errors(grounded)
    assert any(says in error.message for error in found), found
    for error in found:
        assert error.file == "knowledge/answers/topics.yml"
        assert (error.entry, error.line) == ("split/stroke", 2)
    assert main([str(grounded.root)]) == 1
    assert "[split/stroke]" in capsys.readouterr().out


def test_a_source_without_its_text_is_a_warning_not_a_guess(grounded):
    (grounded.root / "sources" / "src_a.txt").unlink()
    kb, findings = check_knowledge(grounded.root)
    assert kb is not None  # its quotes cannot be checked, and are not required
    assert any("no text at sources/src_a.txt" in f.message for f in findings)


def test_a_study_named_in_a_quote_passes(grounded):
    grounded.write("sources/src_a.txt", SOURCE_A + "The review was published in "
                   "The Journal of Things.\n")
    grounded.replace("answers/topics.yml", "A 2018 review found",
                     "A 2018 review published in The Journal of Things found")
    grounded.replace("answers/topics.yml", "    last_reviewed",
                     '        - "published in The Journal of Things."\n    last_reviewed')
    assert errors(grounded) == []


def test_quotes_match_across_line_breaks_case_and_typographic_marks():
    text = "The brain\u2019s capacity \u2014 called\n  NEUROPLASTICITY."
    assert fold("the brain's capacity - called neuroplasticity.") in fold(text)
    assert check_quotes({"s": ["brain's capacity - called neuroplasticity"]}, ["s"],
                        {"s": text}, ["no figures here"])[1] == []


@pytest.mark.parametrize("text, found", [
    ("795,000 Americans", {"795000"}), ("1 Hz, 10 Hz", {"1", "10"}),
    ("$300 to $400", {"300", "400"}), ("60% to 85%", {"60", "85"}),
    ("a 2.5 hour session.", {"2.5"}), ("no numbers", set()),
])
def test_figures_are_read_as_digits(text, found):
    assert figures(text) == found


def test_every_shipped_answer_quotes_each_source_it_cites():
    kb = load_knowledge()
    unquoted = {entry.key: [s for s in entry.sources
                            if kb.sources[s].text is not None and not entry.quotes.get(s)]
                for entry in kb.entries.values()}
    assert not {key: missing for key, missing in unquoted.items() if missing}


@pytest.mark.parametrize("topic, text, problem", [
    ("candidacy", "Good candidates have some movement left.", True),
    ("candidacy", "Good candidates have some movement left. TMS is not FDA-cleared "
                  "for stroke.", False),
    ("personal_advice", "It may help. TMS for phantom limb pain isn\u2019t FDA-approved.",
     False),
    ("evidence", "The FDA has not cleared it for this use.", False),
    # an answer that states facts only needs no such line
    ("sessions", "Most courses are 10 to 20 sessions.", False),
])
def test_an_answer_that_could_read_as_a_recommendation_states_fda_status(
        topic, text, problem):
    assert (regulatory_problem(topic, text) is not None) is problem
