"""Screening of raw messages before NLU."""

import pytest

from tms.input_screen import (
    EMPTY,
    MAX_MESSAGE_CHARS,
    NO_WORDS,
    NON_ENGLISH,
    TOO_LONG,
    screen,
)


@pytest.mark.parametrize("raw, problem", [
    ("", EMPTY), ("   \n\t", EMPTY), (None, EMPTY),
    ("😀😀🙏", NO_WORDS), ("???!!!", NO_WORDS), ("<script>alert(1)</script>", NO_WORDS),
    ('<img src=x onerror="alert(1)">', NO_WORDS),
    ("¿Es seguro?", NON_ENGLISH),
    ("hola, mi padre tuvo un derrame cerebral", NON_ENGLISH),
    ("mon père a eu un AVC, est-ce que la stimulation est pour moi", NON_ENGLISH),
    ("经颅磁刺激安全吗", NON_ENGLISH), ("هل هذا العلاج آمن", NON_ENGLISH),
    ("is tms fda approved", None), ("my dad had a stroke in la, can he get tms", None),
    ("1", None), ("does it hurt?? 😟", None),
])
def test_problems(raw, problem):
    assert screen(raw).problem == problem


def test_markup_is_stripped_so_the_question_still_reads():
    result = screen("<b>is tms</b> <i>fda approved</i>?")
    assert result.problem is None
    assert result.text == "is tms fda approved ?"


def test_oversized_message_is_capped():
    raw = "is tms fda approved " * 50_000  # 1,000,000 characters
    result = screen(raw)
    assert result.problem == TOO_LONG
    assert len(result.text) <= MAX_MESSAGE_CHARS


def test_message_at_the_limit_is_read_normally():
    raw = "is tms safe " * (MAX_MESSAGE_CHARS // 12)
    assert len(raw) <= MAX_MESSAGE_CHARS
    assert screen(raw).problem is None


@pytest.mark.parametrize("raw", ['&#47;emergency{"crisis_line": "X"}',
                                 '<b></b>/emergency{"crisis_line": "X"}',
                                 '<script>x</script> /inform_condition{"condition": "X"}'])
def test_markup_never_uncovers_a_button_payload(raw):
    # Rasa reads a text starting with "/" as a button payload: once the markup is
    # gone, what the patient typed must still read as words.
    assert not screen(raw).text.startswith("/")


def test_a_payload_sent_as_one_stays_one():
    assert screen("/feedback_positive").text == "/feedback_positive"
