"""Traditional → simplified characters before the NLU reads a message ("我是技師" = "我是技师").

``SimplifiedChinese`` is the pipeline's first component: it rewrites the text every later
component sees (tokenizer, regexes, classifier, normaliser) with OpenCC's ``t2s``
conversion. Only the NLU's reading changes: Rasa builds the ``UserUttered`` event from the
incoming ``UserMessage``'s own text, so the tracker and transcripts keep what the user
typed, while ``parse_data["text"]`` is the text the NLU read (and the actions' regexes).

The conversion keeps the length, so every entity span points at the same characters in
both texts: OpenCC's phrase table may map a phrase to one of another length; then each
character is converted on its own (one character stays one character).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, List, Text

import opencc
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _converter() -> "opencc.OpenCC":
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, same length (see the module docstring)."""
    if not text or text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for ch in text:
        one = _converter().convert(ch)
        chars.append(one if len(one) == 1 else ch)
    return "".join(chars)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SimplifiedChinese(GraphComponent):
    """Rewrites each message's text in simplified characters (first in the pipeline)."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SimplifiedChinese":
        return cls()

    @staticmethod
    def _simplify(message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            simplified = to_simplified(text)
            if simplified != text:
                message.set(TEXT, simplified)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._simplify(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # a traditional-character training example is learnt as the NLU will read it
        for example in training_data.training_examples:
            self._simplify(example)
        return training_data
