"""Names shared by the domain, the actions and the tests: one place for each."""

# Slots
SLOT_CONDITION = "condition"
SLOT_THERAPY = "therapy"
SLOT_PENDING_TOPIC = "pending_topic"
SLOT_LAST_TOPIC = "last_topic"
SLOT_LAST_ENTRY = "last_entry"

# Entities
ENTITY_CONDITION = "condition"
ENTITY_THERAPY = "therapy"

# Intents the answer action handles besides the question topics themselves
INTENT_INFORM_CONDITION = "inform_condition"
INTENT_TELL_ME_MORE = "tell_me_more"
#: A TMS question the sources do not answer: said honestly, recorded for staff.
INTENT_NOT_IN_SOURCES = "not_in_sources"
INTENT_OUT_OF_SCOPE = "out_of_scope"

# Actions
ACTION_ANSWER = "action_answer_question"

# What the NLU input guard flags (parse-data key, entity and slot) and the intent
# it then predicts (see addons/message_guard.py)
INPUT_PROBLEM = "input_problem"
INTENT_BAD_INPUT = "bad_input"

# Emergencies: the intent the NLU predicts, and the entities (filling slots of the
# same names) that carry the kind and the clinic's numbers into the reply
INTENT_EMERGENCY = "emergency"
#: See a doctor today (tms/safety.py: URGENT kinds).
INTENT_URGENT = "urgent"
#: Help has been called: what to do until it arrives (a knowledge topic).
INTENT_WHILE_WAITING = "while_waiting"
#: "Can it wait?", "what now?": answered by the conversation's safety level.
INTENT_SAFETY_FOLLOWUP = "safety_followup"
#: The level of the last emergency or urgent reply; cleared when the person moves on.
SLOT_SAFETY_LEVEL = "safety_level"
ENTITY_EMERGENCY_TYPE = "emergency_type"
ENTITY_EMERGENCY_NUMBER = "emergency_number"
ENTITY_CRISIS_LINE = "crisis_line"

# Support: fallback, handoff, feedback, the session's disclaimer
SLOT_MISSES = "misses"
SLOT_HANDOFF = "handoff_requested"
SLOT_FEEDBACK = "feedback"
SLOT_UNANSWERED = "unanswered"
SLOT_DISCLAIMER_DUE = "disclaimer_due"
INTENT_SOMETHING_ELSE = "something_else"
INTENT_FEEDBACK_POSITIVE = "feedback_positive"
INTENT_FEEDBACK_NEGATIVE = "feedback_negative"
INTENT_FRUSTRATION = "frustration"
ACTION_FALLBACK = "action_fallback"
ACTION_HANDOFF = "action_handoff"
ACTION_FEEDBACK = "action_record_feedback"
ACTION_DISCLAIMER = "action_disclaimer"
