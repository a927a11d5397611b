"""Words no answer speaks of: a sign that a question asks what the sources don't say.

A question sorted into a topic can still ask about something no source covers: "is
tms ok with warfarin", "can i keep my tens unit on during the course", "is neurostar
better than brainsway". The classifier sees a question about safety or devices; the
word that matters is one no answer, stated question or training example ever used.

A word is *unfamiliar* when all of these hold:
- it has four letters or more and is not a stop word or a chat contraction;
- neither it, nor a form of it (plural, -ed, -ing...), nor a one-letter typo of it
  is among the words the answers' topics know (their training examples, the
  knowledge entries' texts, details and questions), so "insurence" and "sesions"
  stay familiar;
- it is not a whole word of the sentence encoder's vocabulary (about 20,000 common
  English words), so ordinary words a patient brings ("clumsy", "transport",
  "chicago") stay familiar. What is left is rare: drug names, devices and brands,
  procedures, specialist terms.

Built once at training time; checking a question is a few set lookups per word.
"""
from __future__ import annotations

import re
import string
from typing import FrozenSet, Iterable, List

from spacy.lang.en.stop_words import STOP_WORDS

MIN_LETTERS = 4
#: Chat spellings the vocabulary of the encoder does not hold as words.
CHAT_WORDS = frozenset("""
    hasnt havent isnt dont doesnt didnt wont cant couldnt wouldnt shouldnt arent werent
    wasnt aint shes hes ive youre theyre weve thats whats heres theres wheres hows whos
    lets mins hrs yrs wks mths thru pls plz thanx thx cuz gonna wanna gotta kinda sorta
    hubby okay
""".split())
_ENDINGS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "ies", "ied")
_WORD = re.compile(r"[a-z]+")


def words_of(text: str) -> List[str]:
    return _WORD.findall(text.lower())


class Familiarity:
    """Which words of a question none of the answers' topics know."""

    def __init__(self, known: Iterable[str], common: Iterable[str]) -> None:
        self.known: FrozenSet[str] = frozenset(known)
        self.common: FrozenSet[str] = frozenset(common)

    @classmethod
    def from_texts(cls, texts: Iterable[str], common: Iterable[str]) -> "Familiarity":
        known = set()
        for text in texts:
            known.update(words_of(text))
        return cls(known, (w for w in common if w.isalpha()))

    @staticmethod
    def _form_in(word: str, words: FrozenSet[str]) -> bool:
        """The word, or another form of its stem (plural, -ed, -ing...), is in words."""
        stems = {word}
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                stem = word[:-len(ending)]
                stems.update((stem, stem + "e", stem + "y"))
        return any(stem in words or any(stem + ending in words for ending in _ENDINGS)
                   for stem in stems)

    def _typo_of_known(self, word: str) -> bool:
        """One letter dropped, added, changed or two swapped."""
        for i in range(len(word) + 1):
            if i < len(word) and word[:i] + word[i + 1:] in self.known:
                return True
            if i < len(word) - 1 and (word[:i] + word[i + 1] + word[i] + word[i + 2:]
                                      in self.known):
                return True
            for letter in string.ascii_lowercase:
                if word[:i] + letter + word[i:] in self.known:
                    return True
                if i < len(word) and word[:i] + letter + word[i + 1:] in self.known:
                    return True
        return False

    def unfamiliar(self, text: str) -> List[str]:
        found = []
        for word in words_of(text):
            if (len(word) < MIN_LETTERS or word in STOP_WORDS or word in CHAT_WORDS
                    or self._form_in(word, self.common) or self._form_in(word, self.known)
                    or self._typo_of_known(word)):
                continue
            found.append(word)
        return found

    def save_words(self) -> str:
        return "\n".join(sorted(self.known))
