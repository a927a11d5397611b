"""Screen a raw message before NLU: cap its length, strip markup, spot input that
no English classifier can read.

Runs inside the Rasa server (see ``addons/message_guard.py``) on every message
from every channel, so it must stay cheap: linear in the capped text.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

#: Longest message, in characters, that NLU reads. Patients' questions, even
#: caregivers' run-on ones, are well under this; DIET's cost grows with tokens.
MAX_MESSAGE_CHARS = 1000
#: Longest message a channel (widget, SMS) passes on and stores. Longer than what NLU
#: reads, so that a too-long message still gets the "too long" reply.
MAX_CHANNEL_CHARS = 10_000
#: Largest request body either server reads (the action server's after inflating):
#: generous for a chat message or a conversation, far under Sanic's 100 MB default.
MAX_BODY_BYTES = 2 * 1024 * 1024

EMPTY = "empty"
TOO_LONG = "too_long"
NO_WORDS = "no_words"
NON_ENGLISH = "non_english"
#: Not found here: the classifier itself judged the message unreadable.
UNCLEAR = "unclear"
PROBLEMS = (EMPTY, TOO_LONG, NO_WORDS, NON_ENGLISH, UNCLEAR)

_TAG = re.compile(r"<[^<>]{0,200}>")
# Code inside <script>/<style> is not something a patient wrote to us.
_CODE = re.compile(r"<(script|style)\b[^<>]{0,200}>.{0,2000}?(</\1\s*>|$)",
                   re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

_ENGLISH = frozenset("""a about after am an and any are as at be been but by can could
did do does for from get had has have he her his how i if in is it its me my no not
of on or our she so that the their them there they this to too was we were what when
where which who why will with would you your tms help pain stroke""".split())
# Common function words of the languages a U.S. clinic most often hears, chosen so
# that none is also a common English word.
_FOREIGN = frozenset("""que qué es el los las del por para una uno como cómo cuál cuando
cuándo dónde puedo tengo tiene hay mi mis su sus pero muy también está estoy esta este
ese eso soy usted ustedes gracias hola dolor ayuda derrame cerebral
est les des une pour avec mais sont dans pas qui quoi je suis vous nous merci bonjour
comment combien douleur
não sim uma você obrigado olá dor
der die das und ist nicht ich sie wir mit ein eine für wie was hallo danke schmerz
il lo gli della sono perché grazie ciao dolore""".split())


@dataclass(frozen=True)
class Screened:
    """The text NLU should read, and the problem found (None when it is fine)."""

    text: str
    problem: Optional[str] = None


def screen(raw: Optional[str], max_chars: int = MAX_MESSAGE_CHARS) -> Screened:
    """Cheap checks on a raw message; never raises."""
    if raw is None or not str(raw).strip():
        return Screened("", EMPTY)
    raw = str(raw)
    too_long = len(raw) > max_chars
    # Only the head is ever read: everything below is bounded by max_chars.
    text = html.unescape(raw[: max_chars])
    text = _CODE.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = " ".join(text.split())[:max_chars]
    if text.startswith("/") and not raw.lstrip().startswith("/"):
        # Markup or an entity hid a typed payload ("&#47;emergency{...}"): Rasa
        # would read the cleaned text as a button payload. It is words.
        text = text.lstrip("/ ")
    if too_long:
        return Screened(text, TOO_LONG)
    words = _WORD.findall(text)
    if not words:
        if any(ch.isdigit() for ch in text):
            return Screened(text)  # "1" answers a numbered choice
        return Screened(text, NO_WORDS)
    if _is_foreign(text, words):
        return Screened(text, NON_ENGLISH)
    return Screened(text)


def _is_foreign(text: str, words: list) -> bool:
    if "¿" in text or "¡" in text:  # only Spanish opens a sentence this way
        return True
    letters = [ch for ch in text if ch.isalpha()]
    non_latin = sum(1 for ch in letters if not _is_latin(ch))
    if non_latin > len(letters) / 2:
        return True
    lowered = [w.lower() for w in words]
    foreign = sum(1 for w in lowered if w in _FOREIGN)
    english = sum(1 for w in lowered if w in _ENGLISH)
    return foreign >= 2 and foreign > english


def _is_latin(ch: str) -> bool:
    try:
        return unicodedata.name(ch).startswith("LATIN")
    except ValueError:
        return False
