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

# Two levels. EMERGENCY: call the emergency number (or the crisis line) now.
# URGENT: see a doctor today or go to urgent care.
EMERGENCY = "emergency"
URGENT = "urgent"

SELF_HARM = "self_harm"
STROKE_SIGNS = "stroke_signs"
SEIZURE = "seizure"  # also fainting, passing out, not responding
CHEST_PAIN = "chest_pain"
OVERDOSE = "overdose"
#: An emergency the classifier recognised that none of the rules names.
OTHER = "other"
INFECTION = "infection"  # a residual limb or wound that looks infected
HEADACHE = "headache"  # a new, severe headache after a session
FEVER_PAIN = "fever_pain"  # fever with pain that is getting worse
HEAD_INJURY = "head_injury"  # a fall with a blow to the head

#: The one vocabulary of kinds and their level: domain.yml's responses
#: (utter_<level>_<kind>), the rules in data/rules/safety.yml, the slot values and
#: the labelled sets are checked against it (tests/test_safety_vocabulary.py).
LEVELS = {
    STROKE_SIGNS: EMERGENCY, SEIZURE: EMERGENCY, CHEST_PAIN: EMERGENCY,
    SELF_HARM: EMERGENCY, OVERDOSE: EMERGENCY, OTHER: EMERGENCY,
    INFECTION: URGENT, HEADACHE: URGENT, FEVER_PAIN: URGENT, HEAD_INJURY: URGENT,
}
KINDS = tuple(k for k in LEVELS if k != OTHER)


def level_of(kind: Optional[str]) -> Optional[str]:
    return LEVELS.get(kind) if kind else None


def response_name(kind: str) -> str:
    """The domain response that answers a kind: utter_emergency_<kind> or
    utter_urgent_<kind>."""
    return f"utter_{LEVELS[kind]}_{kind}"


_WEEKDAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = ("(?:january|february|march|april|may|june|july|august|september|october|"
          "november|december)")


def _normalised(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: what every pattern expects."""
    return " ".join(text.lower().replace("’", "'").split())


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Someone (the writer or the person they care for) is the subject of what follows.
_PERSON = (r"\b(?:i|i'm|im|i am|i've|ive|me|my|mine|he|he's|hes|she|she's|shes|him|his|her|"
           r"their|them|us|our|"
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
    r"\b(?:won't|wont|will not)\s+be\s+(?:around|here)\s+(?:much longer|anymore|after|"
    r"by|next)\b",
    r"\b(?:saving|stockpiling|hoarding)\s+(?:up\s+)?(?:my|his|her)?\s*(?:pills|meds|"
    r"medications?|tablets)\b",
    r"\b(?:gun|firearm|pistol|rifle|rope(?<!end of my rope)(?<!end of the rope)(?<!end of his rope)(?<!end of her rope))\b.{0,80}\b(?:end|over|done|weekend|tonight|"
    r"plan|finish|can't take|cant take|no point|hopeless|goodbye|use it)\b",
    r"\b(?:end|over|done|plan|can't take|cant take|no point|hopeless|goodbye)\b.{0,80}"
    r"\b(?:gun|firearm|pistol|rifle|rope(?<!end of my rope)(?<!end of the rope)(?<!end of his rope)(?<!end of her rope))\b",
    r"\b(?:say|said|saying)\s+goodbye\s+(?:to\s+)?(?:everyone|my family|the kids)\b",
    r"\b(?:saving|stockpiling|hoarding)\s+(?:up\s+)?(?:my|his|her)\s+(?:\w+\s+)?(?:pills|meds|"
    r"medications?|tablets|oxy\w*|morphine|opioids?|painkillers|gabapentin|fentanyl)\b",
    r"\btonight is the night\b", r"\bmy last message\b",
    r"\btell (?:my|them|\w+) (?:\w+ )?i love (?:her|him|them)\b",
    r"\b(?:use|using)\s+it\s+on\s+(?:my|him|her)self\b",
    r"\b(?:make it|end it|stop it|stop)\s+(?:stop\s+)?for good\b",
    r"\b(?:drive|driving|crash|crashing|steer)\s+(?:my|the|his|her)\s+car\s+(?:into|off)\b",
    r"\bhow many (?:pills|tablets)\b.{0,30}\b(?:takes?|to die|kill|lethal)\b",
    r"\blethal dose\b", r"\bjoin (?:dad|mom|him|her|my \w+) in heaven\b",
    r"\bpills (?:are |all |are all )?lined up\b",
    r"\b(?:going to|gonna|will|plans? to|wants? to)\s+(?:drive|jump|walk)\s+(?:off|into|in front "
    r"of)\s+(?:the|a)\s+(?:bridge|cliff|train|truck|river|lake)\b",
    r"\b(?:i'll|ill|i will|he'll|she'll|he will|she will)\s+be\s+gone\s+(?:by|before|tomorrow|"
    r"tonight|soon)\b",
    r"\b(?:standing|sitting) on (?:the|a) (?:bridge|ledge|roof|edge)\b",
    r"\b(?:wish|wished)\s+(?:i|he|she)\s+(?:was|were|could be)\s+dead\b",
    r"\b(?:i'd|id|i would|rather)\s+(?:rather\s+)?(?:be dead|die)\b",
    r"\b(?:take|taking|took)\s+(?:my|his|her)\s+(?:own\s+)?life\b",
    r"\bend\s+it\s+(?:all|tonight|today|now|soon|this week|this weekend)\b",
    r"\b(?:i'll|ill|i will|i'm gonna|im gonna|gonna|i'm going to|im going to)\s+"
    r"(?:just\s+)?end\s+it\b(?!\s+with\s+(?:the|my|this|that)\s+(?:clinic|doctor|"
    r"therapist|provider|program|insurance))",
    r"\b(?:go to sleep|fall asleep)\s+and\s+(?:not|never)\s+wake\s+up\b",
    r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b",
    r"\b(?:suicide|goodbye)\s+(?:note|letter)s?\b",
    r"\b(?:giving|gave|give)\s+away\s+(?:all\s+)?(?:my|his|her)\s+(?:things|stuff|"
    r"belongings)\b",
    r"\b(?:hang|hanging|shoot|shooting|drown|drowning)\s+(?:my|him|her)self\b",
    r"\b(?:jump|jumping)\s+(?:off|from|in front of)\b",
    r"\b(?:plan|planning|plans|going|decided)\s+to\s+(?:end|kill|hurt|off)\s+"
    r"(?:my life|myself|it|it all|things|my own life|himself|herself)\b",
    r"\b(?:picked|chosen|chose|set) a (?:date|day)\b",
    r"\b(?:i|he|she)\s+(?:have|has|got|made)\s+a\s+plan\b(?!.{0,40}\b(?:session|tms|"
    r"treatment|appointment|insurance|pay|therapy|rehab|doctor|program)\b)",
    r"\b(?:hopeless|no point|no way out|can't go on|cant go on|can't do this anymore|"
    r"cant do this anymore|give up on life|tired of living|done with life)\b.{0,100}"
    r"\b(?:gun|firearm|rope|bridge|knife|blade|stash|enough pills|all (?:my|the) pills|"
    r"bottle of pills|pills saved)\b",
    r"\b(?:gun|firearm|rope|bridge|knife|blade|stash|enough pills)\b.{0,100}\b(?:hopeless|"
    r"no point|no way out|can't go on|cant go on|give up on life|tired of living|"
    r"done with life|end it)\b",
    r"\b(?:no|any)\s+(?:reason|point)\s+(?:to|in)\s+(?:keep\s+)?(?:going|living|"
    r"trying)\b.{0,40}\b(?:pills|gun|end)\b",
    # intent to take everything at once, a method worked out, a goodbye, asking how
    r"\b(?:going to|gonna|will|i'll|ill|plan to|about to)\s+(?:take|swallow)\s+(?:all|every|"
    r"the whole|the rest)\b",
    r"\b(?:figured out|worked out|know|knows|decided)\s+(?:exactly\s+)?how\s+(?:i'd|id|i would|"
    r"i will|i'll|i'm going to|im going to|to|he'd|she'd|he will|she will)\s+(?:do it|end "
    r"(?:it|things|my life|his life|her life))\b",
    r"\b(?:painless|least painful|easiest|quickest|fastest|best|surest)\s+way\s+to\s+"
    r"(?:die|end it|end my life|kill myself|go)\b",
    r"\b(?:texted|wrote|sent|left|said)\s+(?:me\s+|us\s+|everyone\s+|my\s+|his\s+|her\s+)?"
    r"(?:a\s+)?goodbyes?\b",
    r"\bkms\b", r"\beat (?:my|his|her|a) (?:gun|bullet)\b", r"\b(?:would be|is|are)\s+(?:a\s+)?lethal\b",
    r"\bhow (?:many|much)\b.{0,50}\blethal\b",
    r"\b(?:doesn't|doesnt|does not|didn't|didnt|did not)\s+want\s+to\s+(?:live|be alive|"
    r"be here|wake up)\b",
    r"\b(?:step|stepping|stepped)\s+(?:off|in front of)\b",
    r"\btell (?:my|\w+) (?:\w+ )?(?:i'm|im|i am) sorry\b.{0,60}\b(?:can't|cant|can not|"
    r"cannot)\s+(?:do this|go on|take (?:it|this))\b",
)
_OVERDOSE = _any(
    r"(?<!can you )(?<!could you )(?<!can someone )(?<!can one )\boverdos(?:e|ed|ing)\b"
    r"(?! on (?:tms|rtms|it\b|magnet|the (?:treatment|magnet|stimulation|sessions?)|sessions?))",
    r"\b(?:took|taken|swallowed|ate|has taken|had taken)\s+(?:too many|all (?:of )?"
    r"(?:my|his|her|the)|a (?:whole|full) (?:bottle|pack|box)|a bunch of|a handful of|"
    r"(?:\d+|ten|twenty|thirty) (?:of (?:my|his|her) )?)\s*(?:pills|tablets|meds|"
    r"medications?|capsules|gabapentin|pregabalin|opioids?|oxy\w*|painkillers|"
    r"sleeping pills|of them)\b",
    r"\b(?:took|taken|swallowed)\b.{0,25}\b(?:too much|double|triple)\s+"
    r"(?:of\s+)?(?:his|her|my)?\s*(?:medicine|medication|meds|dose|gabapentin|"
    r"pregabalin|painkillers|pills)\b",
    r"\b(?:found|find)\s+(?:him|her|them|my \w+)\b.{0,40}\b(?:empty\s+)?(?:pill|"
    r"medicine)\s+(?:bottles?|packets?)\b",
    r"\bempty (?:\w+ )?(?:bottle|packet)s? of (?:his|her|my|the) \w+",
    r"\btook\s+(?:like\s+|about\s+|around\s+)?(?:[5-9]|\d\d+|ten|twenty|a dozen)\s+"
    r"(?:of\s+)?"
    r"(?:my|his|her)?\s*(?:\w+\s+){0,3}(?:pills|tablets|meds|capsules)\b",
    r"\bgot into (?:the|my|his|her|\w+s) (?:pills|medicine|meds|medication)\b",
    r"\b(?:took|taken|swallowed|ate)\s+(?:a\s+)?(?:whole\s+)?handful\b",
    r"\b(?:took|taken|swallowed)\s+(?:the|a)\s+whole\s+(?:week|month|bottle|pack|box|"
    r"strip|organi[sz]er)\b",
    r"\b(?:took|taken|swallowed)\b.{0,40}\b(?:days?'? ?worth|all at once|at once)\b",
    r"\b(?:took|taken|used|put on)\s+(?:\w+\s+){0,4}(?:extra|twice|two times|three times|"
    r"double|triple)\b.{0,120}\b(?:drowsy|sleepy|slow|dizzy|confused|woozy|can't wake|cant wake)\b",
    # a household poison swallowed
    r"\b(?:drank|drunk|swallowed|ate|has eaten|got into)\b.{0,40}\b(?:bleach|cleaning "
    r"(?:liquid|fluid|stuff|product)|detergent|laundry pod|dishwasher tablet|antifreeze|"
    r"weed ?killer|rat poison|poison(?!\s*(?:ivy|oak|sumac))|drain cleaner|lamp oil|lighter fluid)\b",
)
# Questions about TMS and suicide risk in general, not a person at risk.
_SELF_HARM_EDUCATIONAL = _any(
    r"\b(?:can|does|do|will|could)\s+(?:tms|rtms|it|the treatment)\s+"
    r"(?:cause|lead to|increase|trigger|help|make|worsen|affect|bring on)\b.*\bsuicid",
    r"\bsuicid\w*\s+(?:risk|rates?|prevention)\b",
    r"\bwhat\s+is\s+(?:the\s+)?suicid",
    r"\b(?:years ago|used to|in the past|back then|a long time ago|as a teen\w*)\b.{0,40}"
    r"suicid", r"suicid\w*.{0,80}\b(?:years ago|in the past|haven't had|havent had|"
    r"got help|long time ago|under control|better now|doing better|much better|fine now|"
    r"okay now|ok now|past that|recovered)\b",
    r"\b(?:was|were|had been|used to be|felt) suicidal\b(?!.{0,20}\b(?:again|now|today)\b)",
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
    r"\bface\b.{0,25}\b(?:droop\w*|drooping|sagging|numb|uneven|crooked|falling|"
    r"lopsided|twisted|slanted|off)\b",
    r"\b(?:smile|mouth|lip)\b.{0,25}\b(?:lopsided|crooked|uneven|droop\w*|sagg\w*|"
    r"slanted|twisted|off|wrong|one sided|one-sided|hanging|hangs)\b",
    r"\b(?:speech|voice|talking)\b.{0,25}\b(?:mushy|drunk|garbled|slurred|thick)\b",
    r"\b(?:don't|dont|do not|doesn't|doesnt)\s+make\s+(?:any\s+)?sense\b",
    r"\b(?:can't|cant|cannot)\s+walk\s+straight\b", r"\broom is spinning\b",
    r"\b(?:lopsided|crooked|uneven|droopy|one sided|one-sided)\s+(?:smile|face|mouth)\b",
    r"\b(?:arm|leg|hand)\b.{0,20}\b(?:sags?|sagging|drifts?|drifting|drops?|dropping|"
    r"falls? down|flops?|floppy)\b",
    r"\bwords?\b.{0,25}\b(?:wrong|jumbled|mixed up|garbled|nonsense|slurred|don't make "
    r"sense|dont make sense|not making sense)\b",
    r"\b(?:talking|speaking|talks)\s+(?:funny|weird|strange|nonsense|gibberish)\b",
    r"\b(?:can't|cant|cannot)\s+find\s+(?:his|her|my|the)\s+words\b",
    r"\b(?:dragging|drags)\s+(?:his|her|my)\s+(?:leg|foot)\b",
    r"\bone side of (?:his|her|my) (?:body|face)\b.{0,30}\b(?:numb|weak|tingl\w*|"
    r"dead|heavy|won't|wont)\b",
    r"\b(?:vision|sight)\b.{0,20}\b(?:went|gone|going)\s+(?:black|dark|blurry|double)\b",
    r"\b(?:droop\w*|sagging)\b.{0,20}\b(?:face|mouth|smile|eye)\b",
    r"\bslurr\w*\b", r"\b(?:can't|cant|cannot|can not|unable to)\s+(?:speak|talk|"
    r"get (?:the|his|her|my) words out|understand|see|lift|raise|move)\b",
    r"\b(?:arm|leg|hand|side)\b.{0,25}\b(?:weak|numb|limp|dead|won't move|"
    r"wont move|went numb|gave out|heavy|drooping|tingling|can't grip|cant grip|"
    r"stopped working)\b",

    r"\b(?:weak|numb|numbness|weakness)\b.{0,25}\b(?:arm|leg|face|side|hand)\b",
    r"\b(?:sudden|suddenly|all at once)\b.{0,40}\b(?:vision|see|blind|headache|"
    r"confus\w*|dizz\w*|weak\w*|numb\w*|speech|talk|walk|balance|tingl\w*|grip|"
    r"know where|know who|recogni[sz]e)\b",
    r"\b(?:lost|losing|loss of)\s+(?:his|her|my)?\s*(?:vision|sight|speech|balance)\b",
    r"\bworst headache\b", r"\bthunderclap\b",
    r"\bsudden(?:ly)?\b.{0,20}\b(?:severe|terrible|splitting|worst|awful)\s+headache\b",
    r"\bspeech\b.{0,20}\b(?:garbled|weird|strange|off|gone)\b",
)
# Signs that alarm even inside a question about TMS ("his face is drooping, is tms
# safe?"); a weak or numb limb asked about with TMS is a lasting deficit unless
# something says it is new.
_STRONG_PRESENT = _any(
    r"\b(?:is|are|am|'s|looks?|went|going|getting)\s+(?:all\s+)?(?:drooping|droopy|crooked|"
    r"sagging|garbled|slurring|lopsided)\b",
    r"\b(?:face|smile|mouth)\s+(?:looks?|is|went|seems?)\s+(?:\w+\s+)?(?:uneven|lopsided|"
    r"crooked|off on one side)\b",
)
# A sign described as the state someone is in right now ("her face is drooping").
_PRESENT_STATE = _any(
    r"\b(?:is|are|am|'s|looks?|feels?|went|going|getting)\s+(?:all\s+)?(?:drooping|"
    r"droopy|numb|slurred|slurring|limp|crooked|confused|sagging|garbled|blurry|weak)\b",
)
_ACUTE = _any(
    r"\bright now\b", r"\bjust now\b", r"^help\b",
    # a plea ("help me!"), not a question about treatment ("will tms help him")
    r"(?<!tms )(?<!it )(?<!that )(?<!this )\bhelp(?: me| us| him| her|!)",
    r"\bplease help\b", r"\bneed help\b", r"\bemergency\b", r"\bwhat do (?:i|we) do\b",
    r"\bhappening (?:now|again)\b", r"\bwait and see\b",
    r"\b(?<!never )(?<!hasn't )(?<!hasnt )(?<!didn't )(?<!didnt )(?:going|went) away\b",
    r"\b(?:minutes?|an hour|few minutes|couple (?:of )?minutes) ago\b",
    r"\bjust (?:started|happened|began|now)\b", r"\bcame (?:back|and went)\b",
    # a sign back again, told in the present ("now his face is drooping again")
    r"\b(?:is|are|'s|looks?|went|going)\s+(?:all\s+)?(?:drooping|droopy|slurring|slurred|"
    r"lopsided|crooked|garbled)\s+again\b",
    r"\b(?:after|for|in the last|within)\s+(?:\d+|a few|ten|five)\s*(?:min|mins|minutes)\b",
    r"\ball at once\b",
)
# Deficits that have been there for a while, as stroke survivors describe them.
_CHRONIC = _any(
    r"\bsince\s+(?:his|her|my|the|their)\b", r"\bever since\b",
    r"\b(?:after|from)\s+(?:his|her|my|the|their)\s+(?:stroke|cva)\b",
    r"\b(?:for|over)\s+(?:\d+|a few|several|many|two|three)\s+(?:weeks|months|years)\b",
    r"\b(?:for|over)\s+(?:a|one|over a|about a)\s+(?:year|month)\b",
    r"\b(?:last|a|one|two|\d+)\s+(?:year|years|month|months)\s+ago\b",
    r"\bstill\b", r"\bleft (?:him|her|me|them) with\b", r"\bin (?:19|20)\d\d\b",
    r"\b(?:stroke|cva) (?:last|in|two|\d+)\b",
    r"\bhad (?:a|his|her|their)\s+(?:\w+\s+)?(?:stroke|bleed|cva|brain bleed)\b",
    r"\bfrom (?:a|the|his|her|my) (?:stroke|cva)\b",
    r"\blast (?:spring|summer|fall|autumn|winter|year|month)\b",
    r"\b(?:is|was) (?:a )?stroke survivor\b",
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
    r"\bwhy (?:would|does|do|is|would)\b",
    r"\b(?:would|will|could|can|does)\s+(?:tms|rtms|it|this|that|magnets?)\b.{0,40}"
    r"\bhelp\b",
)

# The message asks about TMS as a treatment: a deficit in it is usually a lasting one.
_ABOUT_TMS = _any(
    r"\b(?:candidate|eligible|qualify|good fit)\b",
    r"\b(?:tms|rtms|magnetic stimulation|the treatment|sessions?)\b.{0,60}\?",
    r"\b(?:would|will|could|can|does|is)\s+(?:tms|rtms|it|this|that)\b",
)

# Within the day: a seizure then is never just background for a question.
_RECENT = _any(r"\btoday\b", r"\bthis (?:morning|afternoon|evening)\b", r"\btonight\b",
               r"\b(?:minutes?|an hour|hours?|\d+ min) ago\b",
               r"\bjust (?:now|happened|started|had|collapsed|fainted|passed|fell|went)\b")

_SEIZURE = _any(r"\bseiz(?:ure|ures|ing|ed)\b", r"\bconvuls\w*\b", r"\bfit\b",
                r"\b(?:shaking|jerking)\b.{0,40}\b(?:won't|wont|not|can't|cant|didn't|didnt|"
                r"doesn't|doesnt|isn't|isnt|wasn't)\s+(?:stop|respond|wake)\w*\b",
                r"\b(?:can't|cant|cannot)\s+wake\s+(?:him|her|them|my \w+)\b",
                r"\bnot answering (?:me )?at all\b",
                r"\beverything went (?:black|dark)\b", r"\bpassed out\b", r"\bunconscious\b",
                r"\bfaint(?:ed|ing)?\b", r"\bblack(?:ed)? out\b",
                r"\beyes\s+(?:rolled|rolling)\b", r"\bfoaming at the mouth\b",
                r"\bkeeled over\b", r"\bwent (?:stiff|limp) and\b",
                r"\b(?:lost|losing) consciousness\b", r"\bunresponsive\b",
                r"\b(?:won't|wont|will not|not)\s+(?:wake up|respond\w*)\b",
                r"\bblacked out\b", r"\bcollapsed\b",
                r"\b(?:twitching|jerking|shaking)\b.{0,60}\b(?:didn't|didnt|did not|doesn't|"
                r"doesnt)\s+know\s+where\b")
_SEIZURE_EVENT = _any(
    _PERSON + r".{0,30}\b(?:is|are|am|'s|just|has|had|having|started|went into|keeps|"
    r"fainted|passed|blacked|collapsed|convuls\w*|seiz\w*|shaking|jerking|keeled)\b",
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
    r"\b(?:can|could|should|may) (?:i|he|she|we|they|my \w+) (?:have|get|do|try|start)"
    r" (?:tms|rtms|it|this|the treatment)\b",
    r"\bif (?:i|he|she|they|you) (?:have|has|had) (?:had |a history of )?seizures?\b",
    r"\bwhen (?:i|he|she|they) (?:was|were) (?:a |little|young|\d+)", r"\bonce\b",
    r"\bas a (?:child|kid|teen\w*|baby|toddler)\b", r"\bin (?:high school|college)\b",
    r"\b(?:i've|ive|i have|he's|hes|she's|shes|has) had (?:a )?seizures?\b",
    r"\bin (?:19|20)\d\d\b", r"\b(?:none|nothing|no more|not one|no seizures?) since\b",
    r"\b(?:years?|months?) back\b",
)

_CHEST = _any(
    r"\bchest\b.{0,20}\b(?:pain|hurts?|hurting|tight\w*|pressure|crushing|heavy|squeez\w*)\b",
    r"\b(?:pain|pressure|tightness)\s+in\s+(?:my|his|her|the)\s+chest\b",
    r"\bheart attack\b", r"\belephant on (?:my|his|her) chest\b",
    r"\b(?:squeez\w*|crushing|tight\w*)\b.{0,20}\bchest\b",
    r"\b(?:can't|cant|cannot|can not|struggling to|trouble|hard to)\s+breath\w*\b",
    r"\bshort(?:ness)? of breath\b",
    r"\b(?:can't|cant|cannot|can not)\s+catch\s+(?:my|his|her|their)\s+breath\b",
    r"\blips?\s+(?:look|looks|are|is|turning|went|gone)\s+(?:\w+\s+)?(?:blue|purple|grey|gray)\b",
)
_CHEST_EDUCATIONAL = _any(
    r"\b(?:nearly|almost) (?:had|have|gave me) a heart attack\b",
    r"\bwhat (?:does|do) (?:a )?(?:heart attack|chest pain)\b",
    r"\b(?:back in|in|last) " + _MONTH + r"\b",
    r"\bturned out\b", r"\byears ago\b", r"\bin (?:19|20)\d\d\b",
    r"\bhad a heart attack and (?:then )?a stroke\b",
    r"\b(?:can|could|does|do|will|would|is|are)\s+(?:tms|rtms|it|the (?:treatment|"
    r"stimulation|session))\b", r"\bside effects?\b", r"\brisks?\b",
    r"\bsafe (?:for|with)\b", r"\bhistory of\b", r"\bwhat (?:if|happens|are|is)\b",
)


# --- Urgent: a doctor today or urgent care, not an ambulance ---------------------
_INFECTION = _any(
    r"\b(?:stump|residual limb|wound|incision|amputation site|scar|stitches|cut)\b.{0,60}"
    r"\b(?:red|redder|swollen|swelling|hot|warm|pus|oozing|ooz\w*|smell\w*|stinks?|puffy|"
    r"discharge|yellow|green|"
    r"weeping|draining|leaking|opened up|open|infect\w*|streaks?|throbbing)\b",
    r"\b(?:red|swollen|hot|infected|oozing|smelly)\b.{0,30}\b(?:stump|residual limb|"
    r"wound|incision|amputation site|stitches)\b",
    r"\bpus\b", r"\bred,? hot,? (?:and )?swollen\b", r"\bhot,? (?:red,? )?(?:and )?swollen\b",
)
_BODY_SITE = _any(r"\b(?:stump|residual limb|amputation site)\b")
_HEADACHE_AFTER = _any(
    r"\b(?:severe|terrible|awful|bad|splitting|pounding|horrible|killer|massive|"
    r"really bad|intense|strong|worse)\s+headache\b",
    r"\bheadache\b.{0,60}\b(?:won't|wont|doesn't|doesnt|not|hasn't|hasnt)\s+(?:go away|"
    r"gone away|stop|stopped|quit|ease)\b",
    r"\bheadache\b.{0,90}\b(?:getting worse|really severe|severe|all night|all day|"
    r"next morning|still there|been going|whole day|(?:\d|two|three|four) days|"
    r"(?:isn't|isnt|is not|not) helping|nothing helps)\b",
    r"\bhead\b.{0,20}\b(?:pounding|killing|throbbing)\b", r"\bache in (?:my|his|her) head\b",
    r"\bhead\w*\b.{0,60}\b(?:nonstop|non-stop|all day|all night|for (?:\d+|two|three) days|"
    r"(?:\d+|24|48) hours|still (?:really )?bad|won't stop|wont stop)\b",
)
_SESSION = _any(
    r"\b(?:after|since|from)\s+(?:(?:my|his|her|the|their|today's|todays|this|last|"
    r"yesterday's|this morning's|this mornings|this afternoon's)\s+)?(?:tms|rtms|session|"
    r"treatment|appointment|stimulation)\b",
    r"\b(?:had|got)\s+(?:tms|rtms|a session|treatment)\b", r"\bthe coil\b",
    r"\b(?:tms|rtms|session|treatment)\s+(?:today|this morning|yesterday|earlier)\b",
    r"\b(?:headache|head)\b.{0,20}\b(?:from|after)\s+(?:the\s+)?(?:tms|rtms|sessions?|"
    r"treatments?|stimulation)\b",
    r"\bturned up the (?:intensity|power|strength|level)\b",
)
_FEVER = _any(r"\bfever\w*\b", r"\btemperature of\b", r"\bhigh temp\w*\b",
              r"\b(?:a|has a|running a|got a) temp(?:erature)?\b", r"\bburning up\b",
              r"\b(?:10[0-5]|3[89])(?:\.\d)?\s*(?:degrees|°|f\b|c\b)", r"\bchills\b")
_WORSE_PAIN = _any(
    r"\b(?:pain|hurts?|hurting|ache|aches|aching|achy|sore)\b.{0,60}\b(?:worse|worsening|"
    r"getting bad|spreading|unbearable|climbing|more and more|went from|increasing|"
    r"going up|rising)\b",
    r"\b(?:worse|worsening|increasing)\b.{0,20}\b(?:pain|ache)\b",
)
_HEAD_INJURY = _any(
    r"\b(?:fell|fall|fallen|falling|tripped|slipped|collapsed|lost (?:his|her|my) "
    r"balance)\b.{0,80}\b(?:hit|hitting|bumped|banged|smacked|struck|cut|knocked)\s+"
    r"(?:\w+\s+){0,4}(?:head|forehead)\b",
    r"\b(?:fell|fall|fallen|tripped|slipped)\b.{0,60}\b(?:bump|lump|bruise|gash|cut|egg)\s+"
    r"on\s+(?:his|her|my|the)\s+(?:head|forehead)\b",
    r"\b(?:knocked|banged|bashed|smacked|whacked)\s+(?:my|his|her)\s+head\b",
    r"\b(?:fell|fall|fallen|slipped|tripped)\b.{0,60}\bhead hit\b",
    r"\b(?:hit|bumped|banged|smacked)\s+(?:my|his|her)\s+head\s+(?:pretty |really |very )?"
    r"(?:hard|badly)\b", r"\bgot a lump\b",
    r"\b(?:hit|bumped|banged|smacked)\s+(?:his|her|my|their)\s+head\b.{0,60}"
    r"\b(?:fell|fall|floor|ground|stairs|table|corner)\b",
    r"\bhead injury\b.{0,40}\b(?:today|just|now|this|fell|fall)\b",
)
_NO_HEAD_BLOW = _any(r"\b(?:didn't|didnt|did not|without|never|not|no)\s+(?:\w+\s+)?"
                    r"(?:hit|hitting|bump|bumping|bang|banging)\w*\s+(?:\w+\s+)?head\b")
# Past or hypothetical: "what if he falls", "last year she hit her head".
_URGENT_NOT_NOW = _any(
    r"\b(?:what if|what happens if|if (?:someone|a person|you|i|he|she))\b",
    r"\b(?:last|a|one|two|\d+)\s+(?:year|years|month|months)\s+ago\b",
    r"\b(?:is (?:a|it) common|how common|can tms cause|does tms cause|"
    r"could tms cause|side effects?)\b",
    r"\bhealed\b", r"\bused to\b", r"\bin (?:19|20)\d\d\b",
    r"\b(?:back in|in|last) " + _MONTH + r"\b",
    r"\b(?:ct|scan|x-ray|mri) was (?:clear|fine|normal)\b", r"\byears ago\b",
    r"\bif (?:my|his|her|the|a) (?:stump|wound|residual limb|incision|head)\b",
    r"\b(?:what|how) (?:should|do|can|would) (?:i|we|you)\b.{0,40}\bif\b",
    r"\bhow (?:do|can|would) (?:i|you|we) (?:know|tell)\b",
    r"\b(?:signs|symptoms) of (?:an? )?(?:infection|concussion)\b",
    r"\bturned out\b",
)
# "Is it normal...?" asks about a side effect in general ("is it normal to get a
# headache after tms"), unless the problem is here and not easing ("is it normal to
# have a really bad headache all day after tms? nothing helps").
_ASKS_IF_NORMAL = _any(r"\bis (?:that|this|it) normal\b")
_NOT_EASING = _any(
    r"\bnothing (?:helps|is helping|works|has helped)\b",
    r"\b(?:isn't|isnt|is not|not|hasn't|hasnt|has not)\s+(?:helping|helped|easing|eased|"
    r"going away|gone away|getting better)\b",
    r"\ball (?:day|night)\b", r"\b(?:\d+|twelve|several) hours\b",
    r"\bstill (?:really |so )?(?:bad|getting worse|there)\b",
    r"\bstreaks?\b", r"\bpus\b", r"\bspreading\b", r"\bgetting worse\b",
)


def detect_urgent(text: Optional[str]) -> Optional[str]:
    """The kind of urgent problem (see a doctor today) the message describes."""
    if not text:
        return None
    lowered = _normalised(text)
    if ((_URGENT_NOT_NOW.search(lowered) or (_ASKS_IF_NORMAL.search(lowered)
                                              and not _NOT_EASING.search(lowered)))
            and not _acute(lowered)):
        return None
    if _HEAD_INJURY.search(lowered) and not _NO_HEAD_BLOW.search(lowered):
        return HEAD_INJURY
    if _INFECTION.search(lowered) and (re.search(_PERSON, lowered)
                                        or _BODY_SITE.search(lowered)):
        return INFECTION
    if _FEVER.search(lowered) and _WORSE_PAIN.search(lowered):
        return FEVER_PAIN
    if _HEADACHE_AFTER.search(lowered) and _SESSION.search(lowered):
        return HEADACHE
    return None


def detect(text: Optional[str]) -> Optional[str]:
    """The emergency kind, else the urgent kind, the message describes; else None."""
    return detect_emergency(text) or detect_urgent(text)


# Spanish, the language U.S. clinics most often hear: a message the assistant cannot
# otherwise read must still get the emergency number. Any mention counts (a false
# alarm costs a line; a miss could cost a life), answered with the general reply.
_SPANISH_EMERGENCY = _any(
    r"\bderrame\b", r"\bictus\b", r"\bembolia\b", r"\bconvulsi[oó]n(?:es)?\b",
    r"\bconvulsiona", r"\bataque (?:al coraz[oó]n|card[ií]aco|epil[eé]ptico)\b",
    r"\bdolor (?:en el|de) pecho\b", r"\bno puede (?:hablar|respirar|mover|ver)\b",
    r"\bno (?:puedo|podemos) respirar\b", r"\bcara (?:ca[ií]da|torcida|dormida)\b",
    r"\bsuicid(?:io|arme|arse)\b", r"\bmatarme\b", r"\bquiero morir",
    r"\bquitarme la vida\b", r"\bse desmay", r"\bemergencia\b",
    r"\bayuda(?:nme)?\b.*\b(?:r[aá]pido|urgente|ya)\b",
)


# A sign that came and went (a warning stroke) is still an emergency.
_TRANSIENT_STROKE = _any(
    r"\b(?:couldn't|couldnt|could not|can't|cant)\s+(?:talk|speak|see|move|lift|get (?:my|his|"
    r"her) words out)\b.{0,60}\b(?:gone now|better now|went away|passed|came back|fine now|"
    r"ok now|okay now|came and went)\b",
    r"\b(?:droop\w*|numb|weak|slurr\w*|crooked|lopsided|uneven|tingl\w*)\b.{0,40}\b(?:for|like)\s+"
    r"(?:a (?:few|couple)|like|about|maybe|\d+|five|ten|two|a)\s*(?:\w+\s+)?"
    r"(?:min|mins|minutes?|seconds?|moment|bit)\b.{0,60}\b(?:back to normal|gone now|"
    r"better now|went away|passed|fine now|ok now|okay now|normal again)\b")

# Unmistakable on their own: no "is having" needed.
_SEIZURE_STRONG = _any(
    r"\b(?:can't|cant|cannot)\s+wake\s+(?:him|her|them|my \w+)\b",
    r"\bnot answering (?:me )?at all\b", r"\beverything went (?:black|dark)\b",
    r"\b(?:is|went|was|now) unresponsive\b", r"\beyes\s+(?:rolled|rolling)\b",
    r"\bfoaming at the mouth\b",
)


def detect_emergency(text: Optional[str]) -> Optional[str]:
    """The kind of emergency the message describes as happening now, else None."""
    if not text:
        return None
    lowered = _normalised(text)
    kind = _emergency_named(lowered)
    if kind and past_episode(lowered):
        return None
    return kind


# An episode dated in the past ("tried to overdose years ago", "the night of her stroke
# she had the worst headache... that was in april", "my seizure meds were stopped in
# august"): what a patient tells for their intake, not an emergency now...
_DATED_PAST = _any(
    r"\b(?:\d+|a|one|two|three|four|five|six|several|many|a few|a couple of)\s+"
    r"(?:years?|months?)\s+(?:ago|back)\b", r"\byears ago\b", r"\bin (?:19|20)\d\d\b",
    rf"\blast (?:spring|summer|fall|autumn|winter|year|month|{_MONTH})\b",
    rf"\b(?:that was|back) in\b", rf"\bin {_MONTH}\b",
    r"\bas a (?:kid|child|teen\w*)\b",
    r"\bwhen (?:i|he|she) was (?:a )?(?:kid|child|teen\w*|young|little|\d+)\b",
    r"\bthe (?:night|day|week|morning) (?:of|before|after) (?:my|his|her|the) stroke\b",
    r"\bused to\b", r"\bnot anymore\b")
# ...unless something is said to be happening now or again.
_NOW_OR_AGAIN = _any(
    r"\bagain\b", r"\bcurrently\b", r"\bat the moment\b", r"\bright now\b",
    r"\bjust (?:took|swallowed|ate|drank|had|now|happened|started|collapsed|fainted|"
    r"passed|fell|went)\b", r"\bplan\w*\b", r"\bgoodbye\b", r"\bthis week\b",
    r"\bsudden(?:ly)?\b", r"\bout of nowhere\b",
    r"\bnow (?:he|she|i|they|we|his|her|my|it's|its|it is|there's|hes|he's|shes|she's|im|i'm|"
    r"theyre|they're)\b")


def past_episode(lowered: str) -> bool:
    """Told as an episode in the past, with nothing said to be happening now."""
    return bool(_DATED_PAST.search(lowered)) and not (
        _NOW_OR_AGAIN.search(lowered) or _acute(lowered) or _RECENT.search(lowered)
        or _STRONG_PRESENT.search(lowered) or _PRESENT_STATE.search(lowered))


def _emergency_named(lowered: str) -> Optional[str]:
    """The kind of emergency a rule names in the (normalised) message, else None."""
    if _SELF_HARM.search(lowered) and not _SELF_HARM_EDUCATIONAL.search(lowered):
        return SELF_HARM
    if _OVERDOSE.search(lowered) and not _hypothetical(lowered):
        return OVERDOSE
    if _STROKE_NOW.search(lowered) and not _hypothetical(lowered):
        return STROKE_SIGNS
    if _TRANSIENT_STROKE.search(lowered) and not _hypothetical(lowered):
        return STROKE_SIGNS
    if _STROKE_SIGN.search(lowered) and _reported_now(lowered):
        return STROKE_SIGNS
    if _SEIZURE_STRONG.search(lowered) and not _hypothetical(lowered):
        return SEIZURE
    if _SEIZURE.search(lowered) and _SEIZURE_EVENT.search(lowered) and not (
            (_SEIZURE_EDUCATIONAL.search(lowered) or _hypothetical(lowered))
            and not _acute(lowered) and not _RECENT.search(lowered)):
        return SEIZURE
    if _CHEST.search(lowered) and not (
            _CHEST_EDUCATIONAL.search(lowered) and not _acute(lowered)):
        return CHEST_PAIN
    if _SPANISH_EMERGENCY.search(lowered):
        return OTHER
    return None


def _hypothetical(text: str) -> bool:
    return bool(re.search(r"\b(?:what if|what happens if|if (?:someone|a person|you)|"
                          r"how (?:do|can|would|will) (?:i|you|we|they) (?:know|tell)"
                          r"(?: if| whether)?)\b", text))


def _acute(text: str) -> bool:
    return bool(_ACUTE.search(text))


def _reported_now(text: str) -> bool:
    """Stroke signs described as happening to someone now, not a chronic deficit or a
    question about stroke in general."""
    if not re.search(_PERSON, text):
        return False
    if _acute(text):
        return True
    if _CHRONIC.search(text):
        return False
    if _STRONG_PRESENT.search(text):
        return True
    if _EDUCATIONAL.search(text) or _ABOUT_TMS.search(text):
        return False
    return True


def looks_educational(text: Optional[str]) -> bool:
    """A question about TMS, risks or warning signs, with nothing urgent in it.

    Used to overrule the classifier when it calls such a question an emergency.
    """
    if not text:
        return False
    lowered = _normalised(text)
    if _acute(lowered) or _PRESENT_STATE.search(lowered):
        return False
    return bool(_EDUCATIONAL.search(lowered) or _SEIZURE_EDUCATIONAL.search(lowered)
                or _CHEST_EDUCATIONAL.search(lowered) or _CHRONIC.search(lowered)
                or _SELF_HARM_EDUCATIONAL.search(lowered))


# Long ago, stated outright: outweighs a present-tense description ("my hand is numb
# since the stroke 2 years ago").
_LONG_AGO = _any(
    r"\b(?:\d+|a|one|two|three|four|five|six|several|many|a few|a couple of)\s+"
    r"(?:years?|months?)\s+(?:ago|back)\b",
    r"\bfor (?:a|one|over a|about a|\d+|two|three|several|many|a few) (?:years?|months?)\b",
    r"\bin (?:19|20)\d\d\b")
# Said of a feeling, not a plan: "the pain will be the death of me lol".
_IDIOM = _any(r"\bdeath of me\b", r"\bdying to\b", r"\bkilling me\b", r"\bkill for\b",
              r"\b(?:lol|lmao|haha\w*|jk)\b")
_RECOVERED = _any(r"\bused to\b", r"\bin the past\b", r"\b(?:years|months) ago\b",
                  r"\b(?:doing|feeling|much|a lot|lot) better\b", r"\bhelped me\b",
                  r"\bback then\b", r"\bnot anymore\b", r"\bunder control\b")
_STILL_AT_RISK = _any(r"\bagain\b", r"\btonight\b", r"\bright now\b", r"\bthis week\b",
                      r"\bplan\w*\b", r"\bgoodbye\b")
#: Kinds told of a person's intent, not a bodily sign: "since the stroke" or "still"
#: describes their suffering, not a past event, and does not make them history.
_INTENT_KINDS = (SELF_HARM, OVERDOSE)


def told_as_history(text: Optional[str], kind: Optional[str] = None) -> bool:
    """Told as history or as a lasting deficit ("since his stroke", "8 months ago",
    "still weak"), with no sign of anything happening now. For self-harm and
    overdose only a past or recovered episode ("years ago", "doing better now") or an
    idiom counts: a burden "since the stroke" with a plan is no history."""
    if not text:
        return False
    lowered = _normalised(text)
    if kind in _INTENT_KINDS:
        return bool(_SELF_HARM_EDUCATIONAL.search(lowered) or _IDIOM.search(lowered)
                    or (_RECOVERED.search(lowered) and not _STILL_AT_RISK.search(lowered)))
    if _acute(lowered) or _RECENT.search(lowered):
        return False
    if _LONG_AGO.search(lowered):
        return True
    if _PRESENT_STATE.search(lowered):
        return False
    return bool(_CHRONIC.search(lowered) or _URGENT_NOT_NOW.search(lowered)
                or _hypothetical(lowered) or _SEIZURE_EDUCATIONAL.search(lowered))


# --- After an emergency or urgent reply -------------------------------------------
# "Help is on the way, what now?": while-you-wait steps (knowledge/answers/
# while_waiting.yml). "Can it wait?", "it's going away, can we wait and see?", "what
# now?": answered by the level the conversation is in (data/rules/safety.yml); outside
# that mode they are ordinary questions.
_WAITING_FOR_HELP = _any(
    r"\b(?:ambulance|paramedics?|emts?|911|help|they|fire department)\b.{0,25}\b(?:is|are|"
    r"'s|s)?\s*(?:on (?:the|their|its|it's) way|coming|en route|almost here|"
    r"(?:will be|are|is) here)\b",
    r"\b(?:called|rang|rung|phoned|dialed|dialled)\s+(?:for\s+)?(?:911|an ambulance|the "
    r"ambulance|999|112|000|emergency|ems|paramedics|help)\b",
    # "i already called, what else can i do": a call just made, nothing else named
    r"\b(?:i|we)(?:'ve|ve)?\s+(?:just\s+|already\s+|have\s+)+(?:called|rang|phoned|dialed|"
    r"dialled)\s*(?:them\s*)?(?:[,.!;]|$|what\b|now\b)",
    r"\b(?:i|we)\s+(?:called|rang|phoned|dialed|dialled)(?:\s+them)?\s*[,.!;]?\s*(?:ok\s+|so\s+)?"
    r"(?:now\s+)?what\s+(?:now|do|should|else)\b",
    r"\b(?:911|999|112|000|the dispatcher|ems)\s+(?:is|are)\s+(?:on the phone|on the line)\b",
    r"\b(?:until|till|til|before)\s+(?:the ambulance|they|paramedics|help|the paramedics|"
    r"emts?)\s+(?:get|gets|arrive|arrives|come|comes)\b",
    # "what do i do until she gets here": someone on the way to the person
    r"\b(?:until|till|til)\s+(?:he|she|they|someone|somebody|(?:my|his|her|our)\s+\w+)\s+"
    r"(?:gets?|arrives?|comes?)\s+(?:here|over)\b",
    r"\bwhile\s+(?:we|i)\s+wait\b",
    r"\b(?:911|999|112|an ambulance|the ambulance|ambulance|paramedics|emts?)\s+(?:(?:is|are|has been|"
    r"have been|was|were|got|been|just)\s+)?(?:called|calling|on the way)\b",
    r"\b(?:calling|are calling|is calling|have called|has called)\s+(?:911|999|112|an "
    r"ambulance|the ambulance|paramedics)\b",
    r"\bwaiting\s+(?:for|on)\s+(?:the\s+|an\s+)?(?:ambulance|ambo|paramedics?|emts?|ems|"
    r"help|911)\b",
    r"\b(?:on the phone|on the line)\s+with\s+(?:911|999|112|000|the dispatcher|"
    r"emergency|the ambulance)\b",
    r"\b(?:dispatcher|call taker|operator|911|999|112)\s+(?:said|says|told)\b",
    r"\b(?:ambulance|ambo|paramedics?|emts?|ems)\b.{0,20}\b(?:\d+|few|ten|five)\s+"
    r"(?:minutes?|mins?)\s+(?:out|away)\b",
)
# Help is already coming, said with the emergency service's name, in the present: the
# while-you-wait steps come first even when the signs are told again ("he's still
# slurring, the ambulance is on its way, what do we do?"). Not "called 911 last year".
_HELP_ALREADY_COMING = _any(
    r"\b(?:ambulance|ambo|paramedics?|emts?|ems|911|999|112)\b.{0,25}\b(?:is|are|'s|s)?"
    r"\s*(?:on (?:the|their|its|it's) way|coming|en route|almost here)\b",
    r"\bwaiting\s+(?:for|on)\s+(?:the\s+|an\s+)?(?:ambulance|ambo|paramedics?|emts?|ems)\b",
    r"\b(?:on the phone|on the line)\s+with\s+(?:911|999|112|000|the dispatcher)\b",
    r"\b(?:i|we|he|she|they|son|daughter|wife|husband|just|already|have|i've|ive|we've|"
    r"weve)\s+(?:just\s+|already\s+)?(?:called|rang|rung|phoned|dialed|dialled)\s+(?:for\s+)?"
    r"(?:911|999|112|000|an ambulance|the ambulance|emergency services|ems|paramedics)\b",
    r"\b(?:911|999|112|000|the dispatcher)\s+(?:is|are)\s+(?:on the phone|on the line)\b",
    r"\b(?:ambulance|911|999|112|paramedics)\s+(?:has been\s+|was\s+|is\s+)?called\b",
)
_SAFETY_FOLLOWUP = _any(
    r"\bcan\s+(?:it|this|that|we|he|she|i)\s+(?:just\s+)?wait\b",
    r"\bwait and see\b", r"\bwait (?:until|till|til) (?:tomorrow|monday|morning|"
    r"the weekend|next week|my next|his next|her next)\b",
    r"\b(?:is it|it's|its)\s+(?:going|gone)\s+away\b", r"\b(?:getting|feels?)\s+better\s+now\b",
    r"\b(?:is it|is that)\s+(?:really\s+)?(?:that\s+)?(?:serious|urgent|an emergency)\b",
    r"^\s*(?:what now|now what|what do (?:i|we) do now|what should (?:i|we) do( now)?)\W*$",
    r"\bdo (?:i|we) (?:really )?(?:have|need) to (?:go|call)\b",
    # refusing or playing it down after the emergency reply
    r"\b(?:not|no|won't|wont|don't|dont|do not|am not|i'm not|im not)\s+(?:calling|call|"
    r"want to call|going to call|gonna call)\s+(?:anyone|anybody|911|an ambulance|them|"
    r"the ambulance)\b",
    r"\bsleep it off\b", r"\b(?:make|making) a fuss\b",
    r"\bwait (?:for|until|till|til) (?:his|her|my|the|our|their) (?:next )?(?:tms |rtms )?"
    r"(?:appointment|session|visit|treatment)\b",
    r"\b(?:mention|bring) (?:it|this|that) (?:up )?(?:then|at (?:the|my|his|her) (?:next )?"
    r"(?:appointment|session|visit))\b",
    r"\b(?:says|said)\s+(?:he's|hes|she's|shes|he is|she is|they're|i'm|im)\s+fine\b",
    r"\bskip (?:the )?(?:er|hospital|emergency room|a&e|doctor)\b",
    r"\b(?:can|could|should)\s+(?:we|i)\s+(?:just\s+)?(?:tell|mention it to|show|let)\s+"
    r"(?:the|my|his|her|our)\s+(?:tms\s+)?(?:team|doctor|nurse|clinic|staff|tech\w*|"
    r"therapist)\b.{0,25}\b(?:when (?:we|i|he|she) (?:go|come|get)|next time|then|"
    rf"tomorrow|on {_WEEKDAY}|at (?:the|my|his|her|our) (?:next )?(?:session|appointment|"
    r"visit))\b",
)


# A call for help told as the past ("we called 911 last year for his stroke").
_PAST_CALL = _any(r"\b(?:last|that)\s+(?:year|month|week|time|spring|summer|fall|autumn|"
                  r"winter)\b", r"\bback in\b", r"\bwhen (?:he|she|i|they) had\b")


def _said_now(pattern: re.Pattern, text: Optional[str]) -> bool:
    """The pattern matches, and the message does not tell it as the past."""
    if not text:
        return False
    lowered = _normalised(text)
    return bool(pattern.search(lowered)) and not (
        _LONG_AGO.search(lowered) or _PAST_CALL.search(lowered))


def waiting_for_help(text: Optional[str]) -> bool:
    """Help has been called: the person asks what to do until it arrives."""
    return _said_now(_WAITING_FOR_HELP, text)


def help_already_coming(text: Optional[str]) -> bool:
    """Emergency services are on their way now (named as such): while-you-wait steps
    take precedence over repeating the emergency reply."""
    return _said_now(_HELP_ALREADY_COMING, text)


def safety_followup(text: Optional[str]) -> bool:
    """"Can it wait?", "what now?": answered by the conversation's safety level."""
    return bool(text) and bool(_SAFETY_FOLLOWUP.search(_normalised(text)))
