"""Is the patient asking about TMS (or another treatment) for a condition this
assistant does not cover?

The sources are about TMS for stroke recovery and phantom limb pain. "can tms help
parkinsons tremors", "tms for tinnitus", "will blue cross cover tms for my
depression" ask about another condition as the thing to treat: they get the one-line
scope reply, never a stroke or phantom-pain answer with its sources. The classifier
alone sent such questions to the nearest TMS topic (a stroke answer for ADHD) because
their words are mostly TMS words.

Only the treatment target counts. A question that names stroke or a missing limb
stays with the classifier ("post-stroke depression", "tms for phantom pain and
depression"), and so does one about safety or eligibility *with* another condition
("is tms safe if i have epilepsy", "can depressed people qualify"): the sources do
speak to those, or the honest "not in my sources" reply is the right one.

Imports neither ``rasa`` nor ``rasa_sdk``; a few regular expressions, microseconds.
"""
from __future__ import annotations

import re
from typing import Optional

_OTHER_CONDITION = (
    r"(?:depression|bipolar|anxiety|ocd|ptsd|schizophreni\w*|adhd|autism|autistic|"
    r"alzheimer'?s?|dementia|parkinson'?s?|multiple sclerosis|ms|als|tinnitus|"
    r"ringing in (?:my|his|her|the) ears?|migraines?|fibromyalgia|crps|"
    r"complex regional pain\w*|(?:lower )?back pain|neck pain|neuropath\w*|sciatica|"
    r"arthritis|addiction|smoking|alcoholism|insomnia|epilepsy|concussions?|"
    r"traumatic brain injur\w*|tbi|cerebral palsy|spinal cord injur\w*|tourette'?s?|"
    r"obesity|weight loss|eating disorders?|dystonia|essential tremor|long covid|"
    r"brain fog|trigeminal neuralgia|restless legs?|lupus|vertigo|stuttering|"
    r"dyslexia|hearing loss|glaucoma|macular degeneration|erectile dysfunction)")

#: A treatment aimed at it: "help(s) ...", "for ...", "treat ...", up to three words
#: between ("help my son's adhd", "for my mom's dementia").
_AIMED_AT = re.compile(
    r"\b(?:help\w*|treat\w*|cure\w*|fix|stop|ease|relieve|quiet|slow(?: down)?|reverse|"
    r"work\w* (?:for|on)|"
    r"good for|effective for|used for|approved for|for|against|quit)\s+"
    r"(?:[\w']+\s+){0,3}?(?P<condition>" + _OTHER_CONDITION + r")\b", re.IGNORECASE)

#: The conditions the sources cover: such a message is theirs to answer.
_OWN_CONDITION = re.compile(
    r"\b(?:stroke\w*|phantom|amput\w*|stump|residual limb|limb loss|"
    r"(?:missing|lost) (?:(?:my|his|her|their|a|an|the|both) )?(?:arms?|legs?|hands?|"
    r"feet|foot|limbs?))\b", re.IGNORECASE)

#: Safety or eligibility with another condition, not treatment of it.
_WITH_CONDITION = re.compile(
    r"\b(?:safe\w*|risk\w*|dangerous|cause\w*|trigger\w*|worsen\w*|worse|if|qualify|"
    r"candidate|allowed|eligible|even though|despite|side effects?)\b", re.IGNORECASE)


def other_condition(text: Optional[str]) -> Optional[str]:
    """The other condition a question asks to treat, or None."""
    if not text or _OWN_CONDITION.search(text) or _WITH_CONDITION.search(text):
        return None
    found = _AIMED_AT.search(text)
    return found.group("condition").lower() if found else None


#: Words of the assistant's subject: TMS and its sessions, phantom limb pain, and what
#: the answers speak of (cost, safety, candidacy, the studies...). A question with
#: none of them ("is coffee bad after a stroke", "what is a shrinker sock for") is
#: about something else unless the classifier is sure of a topic.
_OUR_SUBJECT = re.compile(
    r"\b(?:tms|rtms|r-tms|dtms|magnet\w*|stimm?ulat\w*|neuro|nuero|novel|coil|pulses?|"
    r"scalp|sess?ions?|sesions?|treatments?|procedure|therap\w*|zap\w*|machine|it|this|"
    r"that|they|those|"
    r"phantom|fantom|plp|amput\w*|stump|residual|missing|limbs?|used to be|not there|"
    r"gone|don'?t have|"
    r"cost\w*|price\w*|pay\w*|expensive|insurance|insur\w*|medicare|medicaid|"
    r"afford\w*|cover\w*|free|"
    r"side effects?|risks?|safe\w*|danger\w*|hurts?|painful|headaches?|seizur\w*|"
    r"candidates?|qualify|eligi\w*|ruled out|metal|plate|"
    r"speech|aphasia|swallow\w*|dysphagia|neglect|executive|cognitive|"
    r"brain|brian|hemisphere|cortical|cortex|motor|threshold|intensity|theta|hz|"
    r"frequency|protocols?|dlpfc|graded motor|mirror|lyrica|gabapentin|"
    r"amitriptyline|tricyclics?|meds|medications?|"
    r"japan\w*|jikei|tokyo|tokio|foreigners|"
    r"providers?|clinics?|physiatrist|fda|approv\w*|stud(?:y|ies)|research|evidence|"
    r"trials?|results?|review|meta|paper|vas|"
    r"window|timing|start|permanent|last\w*|relief|wear off|fade|come back|round|"
    r"course|advice|recommend|options?|"
    r"imbalance|interhemispheric|benefits?|improve\w*|difference|exercises?|pt|ot|"
    r"weakness|minutes|every day|go wrong|work\w*|boosters?|maintenance|top.?ups?|"
    r"treat\w*|"
    r"sit there|how many|how long|how often|how soon)\b", re.IGNORECASE)


def about_our_subject(text: Optional[str]) -> bool:
    """Whether a message speaks of anything the assistant's answers are about."""
    return bool(text and _OUR_SUBJECT.search(text))
