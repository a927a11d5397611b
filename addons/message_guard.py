"""NLU components that protect patients and the pipeline.

``InputGuard`` runs first: it caps the text NLU reads (a 100,000-character message
otherwise blocks the server for about 30 s inside DIET), strips markup, and notes
what is wrong with it.

``InputOverride`` runs last and decides before any policy does:

1. A message describing an emergency happening now (``tms/safety.py``) becomes
   the ``emergency`` intent, with entities for its kind and for the clinic's
   emergency and crisis numbers (read from ``knowledge/clinic.yml`` each time), so a
   rule answers it from the Rasa server itself, in any state, on any channel, even if
   the action server is down. The classifier's own ``emergency`` prediction stands
   only when it is confident and the message is not an educational question.
2. A question about treating a condition the sources do not cover ("can tms help
   parkinsons", ``tms/scope.py``) becomes ``out_of_scope``: the scope reply, never
   a stroke or phantom-pain answer.
3. A message flagged by the guard becomes ``bad_input`` with an ``input_problem``
   entity, so a rule picks the kind reply for that problem; a ``bad_input`` the
   classifier predicted itself gets the problem ``unclear``.

The patient's original text is kept in the conversation as they sent it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from tms.input_screen import MAX_MESSAGE_CHARS, UNCLEAR, screen
from tms.knowledge import emergency_numbers
from tms.scope import other_condition
from tms.names import (
    ENTITY_CRISIS_LINE,
    ENTITY_EMERGENCY_NUMBER,
    ENTITY_EMERGENCY_TYPE,
    INPUT_PROBLEM,
    INTENT_BAD_INPUT,
    INTENT_EMERGENCY,
    INTENT_OUT_OF_SCOPE,
    INTENT_SAFETY_FOLLOWUP,
    INTENT_URGENT,
    INTENT_WHILE_WAITING,
    SLOT_SAFETY_LEVEL,
)
from tms.safety import (
    EMERGENCY,
    OTHER,
    detect,
    level_of,
    looks_educational,
    help_already_coming,
    safety_followup,
    waiting_for_help,
)
from addons.semantic_nlu import ORDINARY_KEY, SAFETY_GUESS_KEY, sentence_vector
from tms.safety_screen import SafetyScreen, shared_screen

#: Intents only this component may decide: the classifier's own guess is not enough.
_DECIDED_HERE = (INTENT_URGENT, INTENT_WHILE_WAITING, INTENT_SAFETY_FOLLOWUP)


class _Stateless(GraphComponent):
    """Shared construction for components that learn nothing."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext
               ) -> GraphComponent:
        return cls(config)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class InputGuard(_Stateless):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": MAX_MESSAGE_CHARS}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            result = screen(message.get(TEXT), self._config["max_chars"])
            message.set(TEXT, result.text)
            if result.problem:
                message.set(INPUT_PROBLEM, result.problem, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def _entity(kind: str, value: str, extractor: str) -> Dict[Text, Any]:
    return {ENTITY_ATTRIBUTE_TYPE: kind, ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_START: 0, ENTITY_ATTRIBUTE_END: 0, EXTRACTOR: extractor}


def _force_intent(message: Message, intent_name: str,
                  entities: List[Dict[Text, Any]]) -> None:
    """Decide the message's intent (with full confidence) and entities."""
    intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
    message.set(ENTITIES, entities, add_to_output=True)


def _demote_emergency(message: Message) -> None:
    """The classifier said emergency (or another safety intent) but nothing supports
    it: read the message as the next most likely intent instead (or as unclear, if
    there is none)."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
               if r.get(INTENT_NAME_KEY) not in (INTENT_EMERGENCY, *_DECIDED_HERE)]
    if not ranking:
        ranking = [{INTENT_NAME_KEY: INTENT_BAD_INPUT, PREDICTED_CONFIDENCE_KEY: 1.0}]
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class InputOverride(_Stateless):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # A classifier "emergency" below this confidence is not trusted on its own.
        return {"classifier_emergency_threshold": 0.7}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        # Built when the server loads the model, not on a patient's first message.
        self._screen: SafetyScreen = shared_screen()

    def process(self, messages: List[Message]) -> List[Message]:
        name = type(self).__name__
        for message in messages:
            kind, by_rule = self._emergency_kind(message)
            text = message.get(TEXT)
            # Help already on its way: the while-you-wait steps, not the emergency
            # reply again. Named emergency services are enough; a sign that only
            # sounds like an emergency (no rule matched) gives way to any mention of
            # help being on its way.
            if kind and level_of(kind) == EMERGENCY and (
                    help_already_coming(text) or (not by_rule and waiting_for_help(text))):
                _force_intent(message, INTENT_WHILE_WAITING, [])
                continue
            if kind:
                emergency, crisis = emergency_numbers()
                level = level_of(kind)
                _force_intent(message, INTENT_EMERGENCY if level == EMERGENCY
                              else INTENT_URGENT, [
                    _entity(ENTITY_EMERGENCY_TYPE, kind, name),
                    _entity(SLOT_SAFETY_LEVEL, level, name),
                    _entity(ENTITY_EMERGENCY_NUMBER, emergency, name),
                    _entity(ENTITY_CRISIS_LINE, crisis, name)])
                continue
            if waiting_for_help(text):
                _force_intent(message, INTENT_WHILE_WAITING, [])
                continue
            if safety_followup(text):
                _force_intent(message, INTENT_SAFETY_FOLLOWUP, [])
                continue
            if self._predicted(message) in (INTENT_EMERGENCY, *_DECIDED_HERE):
                _demote_emergency(message)
            problem = message.get(INPUT_PROBLEM)
            if problem:
                _force_intent(message, INTENT_BAD_INPUT,
                              [_entity(INPUT_PROBLEM, problem, name)])
            elif other_condition(text):
                _force_intent(message, INTENT_OUT_OF_SCOPE, [])
            elif self._predicted(message) == INTENT_BAD_INPUT:
                message.set(ENTITIES, [_entity(INPUT_PROBLEM, UNCLEAR, name)],
                            add_to_output=True)
        return messages

    @staticmethod
    def _predicted(message: Message) -> Optional[str]:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)

    def _emergency_kind(self, message: Message) -> Tuple[Optional[str], bool]:
        """(kind or None, whether a written rule found it rather than a model)."""
        text = message.get(TEXT)
        kind = detect(text)
        if kind:
            return kind, True
        kind = self._screen.detect(
            text, sentence_vector(message), message.get(ORDINARY_KEY) or 0.0,
            message.get(SAFETY_GUESS_KEY))
        if kind:
            return kind, False
        intent = message.get(INTENT) or {}
        if (intent.get(INTENT_NAME_KEY) == INTENT_EMERGENCY
                and intent.get(PREDICTED_CONFIDENCE_KEY, 0)
                >= self._config["classifier_emergency_threshold"]
                and not looks_educational(text)):
            return OTHER, False
        return None, False
