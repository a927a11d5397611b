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

# Actions
ACTION_ANSWER = "action_answer_question"

# What the NLU input guard flags (parse-data key, entity and slot) and the intent
# it then predicts (see addons/message_guard.py)
INPUT_PROBLEM = "input_problem"
INTENT_BAD_INPUT = "bad_input"
