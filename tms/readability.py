"""A reading-grade estimate for patient-facing text (Flesch-Kincaid grade level).

Answers are read by stroke survivors, some with aphasia, and by elderly caregivers:
the short answer of every entry should read at about grade 8 or below. The estimate
counts words per sentence and syllables per word (syllables by vowel groups, the usual
approximation); it is a guide for staff, not a judge of meaning.
"""
from __future__ import annotations

import re

#: Short answers should read at this grade or below.
MAX_GRADE = 8.0
#: Below this many words the estimate says little (one long word in a three-word
#: sentence reads as grade 9): shorter texts are not graded.
MIN_WORDS = 20

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*%?")
_VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")
_SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$")


def syllables(word: str) -> int:
    """Syllables in one word, estimated from its vowel groups (a number: one)."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return 1
    if len(letters) <= 3:
        return 1
    letters = _SILENT_ENDING.sub("", letters)
    letters = re.sub(r"^y", "", letters)
    return max(1, len(_VOWEL_GROUP.findall(letters)))


def too_hard(text: str) -> bool:
    """The text is long enough to judge and reads above MAX_GRADE."""
    return len(_WORD.findall(text)) >= MIN_WORDS and grade(text) > MAX_GRADE


def grade(text: str) -> float:
    """The Flesch-Kincaid grade level of the text (0.0 for no words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text.strip())))
    total_syllables = sum(syllables(word) for word in words)
    return round(0.39 * len(words) / sentences
                 + 11.8 * total_syllables / len(words) - 15.59, 1)
