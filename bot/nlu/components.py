"""Rasa 3.6 graph component: the normaliser as an entity extractor.

``ProfileFactExtractor`` runs after SpacyNLP (whose ``entity_ruler`` spans it takes as
hints), the tokenizer and the intent classifier, calls :func:`bot.nlu.normalise.extract_facts` and *replaces*
the message's entities with canonical profile-key entities::

    {"entity": "skill_grade", "value": "技师", "start": 2, "end": 4,
     "extractor": "ProfileFactExtractor", "confidence_entity": 1.0}

One entity per profile key, several for ``awards`` (one per award).  ``value`` is already
canonical (str / int / float / bool), so slots filled ``from_entity`` carry the rules
engine's values directly.  A fact said as a condition ("要是拿到技师呢") carries
``"role": "hypothetical"``: the slot mappings (role-less) skip it, the what-if action reads it.
The same key may come twice, once stated and once supposed ("我是高级工，要是拿到技师呢").

How ``rasa test nlu`` sees them: ``rasa.nlu.test.get_eval_data`` parses every test message
through the whole graph and ``_get_active_entity_extractors`` collects the ``extractor``
field of the predicted entities (only SpacyEntityExtractor / Duckling are dropped as
"pretrained").  Because every entity this component emits carries
``extractor: ProfileFactExtractor``, the evaluation reports it as an extractor of its own.
Overlapping predictions (the ``series`` a title name implies shares its span) are allowed
for extractors other than DIET/CRF; the evaluation then labels the token with the first
entity, which is the ``title_level``.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalise import extract_facts

logger = logging.getLogger(__name__)
SPACY_DOC_KEY = "text_spacy_doc"  # rasa.nlu.constants.SPACY_DOCS[TEXT]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ProfileFactExtractor(GraphComponent, EntityExtractorMixin):
    """Canonical profile facts (CONTRACT §3) as entities."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # keep entities of other extractors (e.g. DIET's) next to ours
            "keep_other_entities": False,
            # emit the series a held title name implies (工程师 → 工程)
            "implied_series": True,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ProfileFactExtractor":
        return cls(config)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ProfileFactExtractor":
        return cls(config)

    @staticmethod
    def _ruler_entities(message: Message) -> Optional[List[Dict[Text, Any]]]:
        doc = message.get(SPACY_DOC_KEY)
        if doc is None:
            return None
        try:
            return [{"start": e.start_char, "end": e.end_char, "label": e.label_, "id": e.ent_id_} for e in doc.ents]
        except AttributeError as err:  # a doc without spaCy's span attributes: the scan alone is used
            logger.warning("spaCy ruler spans unreadable (%s); facts from the lexicon scan only", err)
            return None

    def entities_for(self, message: Message) -> List[Dict[Text, Any]]:
        text = message.get(TEXT) or ""
        facts = extract_facts(
            text,
            ruler_entities=self._ruler_entities(message),
            with_implied=bool(self._config.get("implied_series", True)),
        )
        entities = []
        for f in facts:
            entity = {
                ENTITY_ATTRIBUTE_TYPE: f["entity"],
                ENTITY_ATTRIBUTE_VALUE: f["value"],
                ENTITY_ATTRIBUTE_START: f["start"],
                ENTITY_ATTRIBUTE_END: f["end"],
                ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
            }
            if f.get("role"):
                # a condition ("要是拿到技师呢"): role-less slot mappings do not take it
                entity[ENTITY_ATTRIBUTE_ROLE] = f["role"]
            entities.append(entity)
        return self.add_extractor_name(entities)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ours = self.entities_for(message)
            if self._config.get("keep_other_entities"):
                keys = {e[ENTITY_ATTRIBUTE_TYPE] for e in ours}
                others = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) not in keys]
                ours = others + ours
            message.set(ENTITIES, ours, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # the annotated (gold) entities of training examples are left untouched
        return training_data
