"""Facts outrank small talk: "你好，我是技师" is a statement of facts, not a greeting.

The intent classifier reads a greeting plus facts as mostly greeting (or, torn between the
two, falls back). The facts were extracted all the same, but the dialogue then answered
"您好" or "没太明白" and did not go on with the question. This component runs after the
FallbackClassifier: when the intent is ``greet`` or ``nlu_fallback`` and the normaliser
found profile facts in the message, the intent becomes the classifier's best-ranked
intent among those that carry facts (inform, correct, ask_eligibility, what_if).
Everything else is left as the classifier said.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

SMALL_TALK = ("greet", "nlu_fallback")
FACT_INTENTS = ("inform", "correct", "ask_eligibility", "what_if")
FACT_EXTRACTOR = "ProfileFactExtractor"


def facts_first(message: Message) -> None:
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) not in SMALL_TALK:
        return
    if not any(entity.get("extractor") == FACT_EXTRACTOR for entity in message.get(ENTITIES) or []):
        return
    ranking = message.get(INTENT_RANKING_KEY) or []
    best = next((dict(r) for r in ranking if r.get(INTENT_NAME_KEY) in FACT_INTENTS), None)
    if best is not None:
        message.set(INTENT, best, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FactsBeforeSmallTalk(GraphComponent):
    """See the module docstring."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FactsBeforeSmallTalk":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            facts_first(message)
        return messages
