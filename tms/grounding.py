"""Every answer traceable to the words of its sources.

Each entry lists, per source it cites, the passages it rests on (short verbatim
quotes, under ``quotes:``). The readable text of each source lives beside the
knowledge, in ``knowledge/sources/<id>.txt``. The check finds:

- a quote that is not in its source's text (case, whitespace, curly quotes and
  dashes folded, so a line break or a typographic apostrophe does not matter);
- quotes listed under a source the entry does not cite;
- a cited source (one whose text is here) the entry quotes nothing from;
- a figure in the answer (a number, percentage, price, duration, a study's year)
  that appears in none of its quotes, or a study or journal it names ("a study in
  The Lancet Neurology") that none of them names: the claims most easily drifted.

Pure Python (no Rasa): staff run it with ``make check-knowledge``.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

#: Where the sources' texts are, inside the knowledge folder.
SOURCE_TEXTS_DIR = "sources"

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
#: Shown of a quote in a message.
SHOWN_CHARS = 70


def fold(text: str) -> str:
    """Lower case, typographic quotes and dashes made plain, whitespace collapsed."""
    return " ".join(text.translate(_FOLD).lower().split())


def figures(text: str) -> Set[str]:
    """The numbers written in a text, as digits ("795,000" -> "795000", "1.5")."""
    found = set()
    for match in _FIGURE.finditer(text):
        number = match.group()
        # "795,000" is one number; "3,4" would be two, but answers write 3 and 4
        found.add(number.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", number)
                  else number.rstrip(".,"))
    return found


#: "a study in The Lancet Neurology", "a meta-analysis published in Stroke", "the
#: review, in Neurorehabilitation and Neural Repair": the journal or study named.
_NAMED_STUDY = re.compile(
    r"\b(?:study|studies|review|trial|meta-analysis|analysis|journal)\W{0,3}\s*"
    r"(?:was\s+|were\s+)?(?:published\s+)?in\s+((?:The\s+)?[A-Z][\w-]*"
    r"(?:\s+(?:and|of|for|on|[A-Z][\w-]*))*)")


def named_studies(text: str) -> Set[str]:
    """The journals or studies an answer names, as written."""
    names = set()
    for match in _NAMED_STUDY.finditer(text.translate(_FOLD)):
        words = match.group(1).split()
        while words and words[-1].islower():  # "... Repair and" -> "... Repair"
            words.pop()
        names.add(" ".join(words))
    return names


def _shown(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= SHOWN_CHARS else quote[:SHOWN_CHARS - 3] + "..."


def check_quotes(quotes: object, cited: Sequence[str],
                 texts: Mapping[str, Optional[str]], answer: Iterable[str]
                 ) -> Tuple[Dict[str, Tuple[str, ...]], List[str]]:
    """(the entry's quotes by source, problems found). ``texts``: each known source's
    text, None where the knowledge has no text for it (then its quotes cannot be
    checked, and are not required). ``answer``: the entry's text and details."""
    problems: List[str] = []
    by_source: Dict[str, Tuple[str, ...]] = {}
    if quotes is None:
        quotes = {}
    if not isinstance(quotes, Mapping) or not all(
            isinstance(k, str) and isinstance(v, list) and v
            and all(isinstance(q, str) and q.strip() for q in v)
            for k, v in quotes.items()):
        return {}, ["'quotes' must list, under each source id it cites, the passages "
                    "the answer rests on, one per line starting with '- '"]
    for source_id, passages in quotes.items():
        if source_id not in cited:
            problems.append(f"quotes '{source_id}', which it does not cite under "
                            "'sources'")
            continue
        by_source[source_id] = tuple(passages)
        text = texts.get(source_id)
        if text is None:
            continue
        folded = fold(text)
        for passage in passages:
            if fold(passage) not in folded:
                problems.append(f"this quote is not in the text of '{source_id}' "
                                f"({SOURCE_TEXTS_DIR}/{source_id}.txt): "
                                f"\"{_shown(passage)}\"")
    for source_id in cited:
        if texts.get(source_id) is not None and source_id not in by_source:
            problems.append(f"cites '{source_id}' but quotes nothing from it: add the "
                            f"passages it rests on under 'quotes:' > '{source_id}'")
    quoted = set()
    for passages in by_source.values():
        for passage in passages:
            quoted |= figures(passage)
    if by_source:
        answer = [part or "" for part in answer]
        stated = set()
        for part in answer:
            stated |= figures(part)
        missing = sorted(stated - quoted, key=lambda n: (len(n), n))
        if missing:
            problems.append(f"the figure(s) {', '.join(missing)} appear in none of its "
                            "quotes: quote the passage that states each, or correct it")
        # names keep their capitals: "Stroke" the journal, not any "stroke"
        said = " ".join(" ".join(p.translate(_FOLD).split())
                        for passages in by_source.values() for p in passages)
        unnamed = sorted(name for part in answer for name in named_studies(part)
                         if name not in said)
        if unnamed:
            problems.append(f"the study or journal named {', '.join(unnamed)} appears in "
                            "none of its quotes: quote the passage that names it")
    return by_source, problems


# --- Regulatory status where it matters ----------------------------------------------
#: Topics whose answers could read as a recommendation to use TMS for stroke or
#: phantom limb pain: each such answer's short text says it is not FDA-cleared for
#: that use (the sources say so: "not FDA-cleared for this indication", "isn't
#: FDA-approved").
RECOMMENDING_TOPICS = ("personal_advice", "candidacy", "find_provider",
                       "other_stroke_effects", "evidence", "timing")
_NOT_CLEARED = re.compile(
    r"\b(?:not|isn'?t|is not|never been)\b[^.]{0,30}\bfda\b|\bfda\b[^.]{0,40}\b(?:not|"
    r"isn'?t|hasn'?t|has not)\b", re.IGNORECASE)


def regulatory_problem(topic: str, text: str) -> Optional[str]:
    """What is missing when an answer that could read as a recommendation does not
    say TMS is not FDA-cleared for this use; None when it says so or need not."""
    if topic not in RECOMMENDING_TOPICS or _NOT_CLEARED.search(text.translate(_FOLD)):
        return None
    return ("this answer could read as a recommendation: its short text must say TMS "
            "is not FDA-cleared for this use (as its sources say), e.g. \"TMS is not "
            "FDA-cleared for stroke.\"")
