"""Spot a message that describes an emergency happening now.

Runs on every message, in the Rasa server, before anything else decides the reply
(``addons/message_guard.py``). Deliberately rule-based: it must be predictable,
fast and testable against a labelled set (``tests/safety/labelled.yml``). It tells
an emergency ("my dad's face is drooping and he can't talk") from an educational
look-alike ("what are the warning signs of a stroke?", "can TMS cause seizures?").
When in doubt between the two, a first-person or caregiver report of symptoms
happening now wins.
"""
from __future__ import annotations

import re
from typing import Optional

SELF_HARM = "self_harm"
STROKE_SIGNS = "stroke_signs"
SEIZURE = "seizure"
CHEST_PAIN = "chest_pain"
#: An emergency the classifier recognised that none of the rules names.
OTHER = "other"
KINDS = (SELF_HARM, STROKE_SIGNS, SEIZURE, CHEST_PAIN)


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Someone (the writer or the person they care for) is the subject of what follows.
_PERSON = (r"\b(?:i|i'm|im|i am|i've|ive|me|my|mine|he|he's|hes|she|she's|shes|him|her|"
           r"they|they're|we|we're|mom|mum|dad|husband|wife|son|daughter|father|mother|"
           r"grandma|grandpa|grandmother|grandfather|brother|sister|partner|friend|"
           r"patient|someone here|wife's|husband's|mom's|dad's)\b")

_SELF_HARM = _any(
    r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting)\s+(?:my|him|her)?self\b",
    r"\bend(?:ing)?\s+(?:my|it all|his|her)\s*(?:life|own life)?\b",
    r"\b(?:wants?|wanna|going|planning|plans?)\s+(?:to\s+)?die\b",
    r"\bsuicid(?:e|al)\b.*\b(?:i|i'm|im|me|my|he|she|feel|feeling|thinking|thoughts)\b",
    r"\b(?:i|i'm|im|me|my|he|she|feel|feeling|thinking|thoughts)\b.*\bsuicid(?:e|al)\b",
    r"\b(?:don't|dont|do not)\s+want\s+to\s+(?:live|be alive|be here|wake up)\b",
    r"\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going on)\b",
    r"\b(?:not|isn't|isnt|is not|aint)\s+worth\s+(?:living|it anymore|going on)\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\boverdos(?:e|ed|ing)\b",
)
# Questions about TMS and suicide risk in general, not a person at risk.
_SELF_HARM_EDUCATIONAL = _any(
    r"\b(?:can|does|do|will|could)\s+(?:tms|rtms|it|the treatment)\s+"
    r"(?:cause|lead to|increase|trigger|help)\b.*\bsuicid",
    r"\bsuicid\w*\s+(?:risk|rates?|prevention)\b",
    r"\bwhat\s+is\s+(?:the\s+)?suicid",
)

_STROKE_NOW = _any(
    r"\b(?:i'm|im|i am|he's|hes|she's|shes|he is|she is|they're|they are|is|are|am)"
    r"\s+(?:having|having a|getting)\s+(?:a\s+)?(?:stroke|another stroke|cva)\b",
    r"\b(?:think|thinks|scared|afraid|worried|feel like)\b.{0,30}\b(?:having|had)\s+"
    r"(?:a\s+|another\s+)?(?:stroke|mini stroke|cva|tia)\b.{0,30}\b(?:now|right now|"
    r"today|just|this morning|tonight|again)\b",
    r"\b(?:i|i'm|im|i am|he|she)\b.{0,20}\bhaving\s+(?:a\s+|another\s+)?stroke\b",
)
_STROKE_SIGN = _any(
    r"\bface\b.{0,25}\b(?:droop\w*|drooping|sagging|numb|uneven|crooked|falling)\b",
    r"\b(?:droop\w*|sagging)\b.{0,20}\b(?:face|mouth|smile|eye)\b",
    r"\bslurr\w*\b", r"\b(?:can't|cant|cannot|can not|unable to)\s+(?:speak|talk|"
    r"get (?:the|his|her|my) words out|understand|see|lift|raise|move)\b",
    r"\b(?:arm|leg|hand|side)\b.{0,25}\b(?:weak|numb|limp|dead|won't move|"
    r"wont move|went numb|gave out|heavy)\b",
    r"\b(?:weak|numb|numbness|weakness)\b.{0,25}\b(?:arm|leg|face|side|hand)\b",
    r"\b(?:sudden|suddenly)\b.{0,40}\b(?:vision|see|blind|headache|confus\w*|dizz\w*|"
    r"weak\w*|numb\w*|speech|talk|walk|balance)\b",
    r"\b(?:lost|losing|loss of)\s+(?:his|her|my)?\s*(?:vision|sight|speech|balance)\b",
    r"\bworst headache\b", r"\b(?:severe|terrible|splitting)\s+headache\b",
    r"\bspeech\b.{0,20}\b(?:garbled|weird|strange|off|gone)\b",
)
_NOW = _any(
    r"\b(?:right\s+)?now\b", r"\bjust\b", r"\bsudden(?:ly)?\b", r"\ball of a sudden\b",
    r"\bstarted\b", r"\bthis (?:morning|evening|afternoon)\b", r"\btonight\b",
    r"\b(?:minutes?|an hour|hours?) ago\b", r"\bhappening\b", r"\bwhat do (?:i|we) do\b",
    r"\bemergency\b", r"\b(?:can't|cant|cannot|won't|wont)\b",
)
# A sign described as the state someone is in right now ("her face is drooping").
_PRESENT_STATE = _any(
    r"\b(?:is|are|am|'s|looks?|feels?|went|going|getting)\s+(?:all\s+)?(?:drooping|"
    r"droopy|numb|slurred|slurring|limp|crooked|confused|sagging|garbled|blurry|weak)\b",
)
_URGENT = _any(
    r"\bright now\b", r"\bjust now\b", r"^help\b",
    # a plea ("help me!"), not a question about treatment ("will tms help him")
    r"(?<!tms )(?<!it )(?<!that )(?<!this )\bhelp(?: me| us| him| her|!)",
    r"\bplease help\b", r"\bneed help\b", r"\bemergency\b", r"\bwhat do (?:i|we) do\b",
    r"\bhappening now\b",
)
# Deficits that have been there for a while, as stroke survivors describe them.
_CHRONIC = _any(
    r"\bsince\s+(?:his|her|my|the|their)\b", r"\bever since\b",
    r"\b(?:after|from)\s+(?:his|her|my|the|their)\s+(?:stroke|cva)\b",
    r"\b(?:for|over)\s+(?:\d+|a few|several|many|two|three)\s+(?:weeks|months|years)\b",
    r"\b(?:last|a|one|two|\d+)\s+(?:year|years|month|months)\s+ago\b",
    r"\bstill\b", r"\bleft (?:him|her|me|them) with\b", r"\bin (?:19|20)\d\d\b",
    r"\b(?:stroke|cva) (?:last|in|two|\d+)\b",
)
_EDUCATIONAL = _any(
    r"\b(?:what|which|how)\s+(?:are|is|do|does|can|would|should)\b",
    r"\b(?:signs|symptoms|warning signs)\s+of\b",
    r"\bhow (?:do|can) (?:you|i) (?:tell|know|recognize|recognise|spot)\b",
    r"\b(?:can|could|does|do|will|would|is|are)\s+(?:tms|rtms|it|the (?:treatment|"
    r"stimulation|magnet|session))\b",
    r"\bside effects?\b", r"\brisks?\b", r"\bhistory of\b", r"\bwhat if\b",
    r"\bwhat happens if\b", r"\bif (?:someone|a person|you|i|he|she) (?:has|had|gets?)\b",
    r"\bcan tms (?:help|treat|fix|improve)\b",
)

# Within the day: a seizure then is never just background for a question.
_RECENT = _any(r"\btoday\b", r"\bthis (?:morning|afternoon|evening)\b", r"\btonight\b",
               r"\b(?:minutes?|an hour|hours?) ago\b", r"\bjust\b")

_SEIZURE = _any(r"\bseiz(?:ure|ures|ing|ed)\b", r"\bconvuls\w*\b", r"\bfit\b",
                r"\b(?:shaking|jerking)\b.{0,30}\b(?:won't|wont|not|can't|cant)\s+"
                r"(?:stop|respond|wake)\b", r"\bpassed out\b", r"\bunconscious\b",
                r"\b(?:won't|wont|will not|not)\s+(?:wake up|respond\w*)\b",
                r"\bblacked out\b", r"\bcollapsed\b")
_SEIZURE_EVENT = _any(
    _PERSON + r".{0,30}\b(?:is|are|am|'s|just|has|had|having|started|went into|keeps)\b",
    r"\b(?:during|after)\s+(?:my|his|her|the|their|today's|todays|this)\s+(?:tms|rtms|"
    r"session|treatment|appointment)\b",
)
_SEIZURE_EDUCATIONAL = _any(
    r"\b(?:can|could|does|do|will|would|is|are)\s+(?:tms|rtms|it|the (?:treatment|"
    r"stimulation|session))\b.{0,40}\bseiz", r"\bseizure (?:risk|history|rate)\b",
    r"\b(?:history of|prone to|had .{0,10}seizures? as a (?:child|kid)|epilep\w*)\b",
    r"\b(?:risk|chance|likely|likelihood|odds)\b", r"\bwhat (?:if|happens)\b",
    # a seizure in the past, asked about as a reason not to have TMS
    r"\b(?:eligible|candidate|qualify)\b", r"\b(?:years?|months?) ago\b",
    r"\b(?:last|a) (?:year|month)\b", r"\bback in (?:19|20)\d\d\b",
    r"\bcan (?:i|he|she|we|they) still\b",
)

_CHEST = _any(
    r"\bchest\b.{0,20}\b(?:pain|hurts?|hurting|tight\w*|pressure|crushing|heavy)\b",
    r"\b(?:pain|pressure|tightness)\s+in\s+(?:my|his|her|the)\s+chest\b",
    r"\bheart attack\b",
    r"\b(?:can't|cant|cannot|can not|struggling to|trouble|hard to)\s+breath\w*\b",
    r"\bshort(?:ness)? of breath\b",
)
_CHEST_EDUCATIONAL = _any(
    r"\b(?:can|could|does|do|will|would|is|are)\s+(?:tms|rtms|it|the (?:treatment|"
    r"stimulation|session))\b", r"\bside effects?\b", r"\brisks?\b",
    r"\bsafe (?:for|with)\b", r"\bhistory of\b", r"\bwhat (?:if|happens|are|is)\b",
)


# Spanish, the language U.S. clinics most often hear: a message the assistant cannot
# otherwise read must still get the emergency number. Any mention counts (a false
# alarm costs a line; a miss could cost a life), answered with the general reply.
_SPANISH_EMERGENCY = _any(
    r"\bderrame\b", r"\bictus\b", r"\bembolia\b", r"\bconvulsi[oó]n",
    r"\bconvulsiona", r"\bataque (?:al coraz[oó]n|card[ií]aco|epil[eé]ptico)\b",
    r"\bdolor (?:en el|de) pecho\b", r"\bno puede (?:hablar|respirar|mover|ver)\b",
    r"\bno (?:puedo|podemos) respirar\b", r"\bcara (?:ca[ií]da|torcida|dormida)\b",
    r"\bsuicid(?:io|arme|arse)\b", r"\bmatarme\b", r"\bquiero morir",
    r"\bquitarme la vida\b", r"\bse desmay", r"\bemergencia\b",
    r"\bayuda(?:nme)?\b.*\b(?:r[aá]pido|urgente|ya)\b",
)


def detect_emergency(text: Optional[str]) -> Optional[str]:
    """The kind of emergency the message describes as happening now, else None."""
    if not text:
        return None
    lowered = " ".join(text.lower().replace("’", "'").split())
    if _SELF_HARM.search(lowered) and not _SELF_HARM_EDUCATIONAL.search(lowered):
        return SELF_HARM
    if _STROKE_NOW.search(lowered) and not _hypothetical(lowered):
        return STROKE_SIGNS
    if _STROKE_SIGN.search(lowered) and _reported_now(lowered):
        return STROKE_SIGNS
    if _SEIZURE.search(lowered) and _SEIZURE_EVENT.search(lowered) and not (
            _SEIZURE_EDUCATIONAL.search(lowered) and not _urgent(lowered)
            and not _RECENT.search(lowered)):
        return SEIZURE
    if _CHEST.search(lowered) and not (
            _CHEST_EDUCATIONAL.search(lowered) and not _urgent(lowered)):
        return CHEST_PAIN
    if _SPANISH_EMERGENCY.search(lowered):
        return OTHER
    return None


def _hypothetical(text: str) -> bool:
    return bool(re.search(r"\b(?:what if|what happens if|if (?:someone|a person|you))\b",
                          text))


def _urgent(text: str) -> bool:
    return bool(_URGENT.search(text))


def _reported_now(text: str) -> bool:
    """Stroke signs described as happening to someone now, not a chronic deficit or a
    question about stroke in general."""
    if not re.search(_PERSON, text):
        return False
    if _CHRONIC.search(text) and not _urgent(text):
        return False
    if _PRESENT_STATE.search(text) or _urgent(text):
        return True
    if _EDUCATIONAL.search(text):
        return False
    return True


def looks_educational(text: Optional[str]) -> bool:
    """A question about TMS, risks or warning signs, with nothing urgent in it.

    Used to overrule the classifier when it calls such a question an emergency.
    """
    if not text:
        return False
    lowered = " ".join(text.lower().replace("’", "'").split())
    if _urgent(lowered) or _PRESENT_STATE.search(lowered):
        return False
    return bool(_EDUCATIONAL.search(lowered) or _SEIZURE_EDUCATIONAL.search(lowered)
                or _CHEST_EDUCATIONAL.search(lowered) or _CHRONIC.search(lowered)
                or _SELF_HARM_EDUCATIONAL.search(lowered))
