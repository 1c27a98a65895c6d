"""A pipeline step that rewrites the text every later component reads (same length).

``SimplifiedChinese`` (traditional → simplified) and ``CommonTypos`` (工程狮 → 工程师) only
differ in their ``rewrite`` function; the Rasa plumbing is here once. Rasa builds the
``UserUttered`` event from the incoming message's own text, so the tracker and transcripts
keep what the user typed; the NLU reads the rewritten text, and training examples are
learnt as the NLU will read them.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class TextRewriter(GraphComponent):
    """Subclasses set ``rewrite`` (text → text of the same length) and register themselves."""

    rewrite: Callable[[str], str]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TextRewriter":
        return cls()

    def _rewrite(self, message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            rewritten = type(self).rewrite(text)
            if rewritten != text:
                message.set(TEXT, rewritten)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._rewrite(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._rewrite(example)
        return training_data
