"""NLU components that protect the pipeline from input it cannot handle.

``InputGuard`` runs first: it caps the text NLU reads (a 100,000-character message
otherwise blocks the server for about 30 s inside DIET), strips markup, and notes
what is wrong. ``BadInputOverride`` runs last and turns a noted problem into the
``bad_input`` intent with full confidence and an ``input_problem`` entity (which
fills the slot of that name), so a rule picks the kind reply for that problem. A
``bad_input`` the classifier predicted itself gets the problem ``unclear``. The
patient's original text is kept in the conversation as they sent it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

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

from actions.input_screen import MAX_MESSAGE_CHARS, UNCLEAR, screen
from actions.names import INPUT_PROBLEM, INTENT_BAD_INPUT


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


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class BadInputOverride(_Stateless):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            problem = message.get(INPUT_PROBLEM)
            if problem:
                intent = {INTENT_NAME_KEY: INTENT_BAD_INPUT,
                          PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == INTENT_BAD_INPUT:
                problem = UNCLEAR
            else:
                continue
            message.set(ENTITIES, [{
                ENTITY_ATTRIBUTE_TYPE: INPUT_PROBLEM, ENTITY_ATTRIBUTE_VALUE: problem,
                ENTITY_ATTRIBUTE_START: 0, ENTITY_ATTRIBUTE_END: 0,
                EXTRACTOR: type(self).__name__,
            }], add_to_output=True)
        return messages
