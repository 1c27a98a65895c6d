"""Rasa's bag-of-words featurizer without the token-level half nobody here reads.

``CountVectorsFeaturizer`` computes two matrices per message: one row per token
("sequence" features, for DIET-style models) and one for the whole text ("sentence"
features). Our only consumer, the logistic-regression intent classifier
(bot/nlu/intent_classifier.py), reads the sentence row alone; the token rows were 5% of
the Rasa server's CPU per turn. This subclass computes the sentence row exactly as Rasa
does and leaves the sequence one out. Vocabulary, training and persistence are Rasa's.
tests/test_intent_classifier.py checks that the classifier's input equals Rasa's.
"""
from __future__ import annotations

from typing import List, Optional, Text, Tuple

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """`CountVectorsFeaturizer` producing sentence features only."""

    def _create_features(self, attribute: Text, all_tokens: List[List[Text]]) -> Tuple[
            List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]]:
        if not self.vectorizers.get(attribute):
            return [None], [None]
        sentence_features: List[Optional[scipy.sparse.spmatrix]] = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence_features.append(None)
                continue
            sentence = self.vectorizers[attribute].transform([" ".join(tokens)])   # as Rasa does
            sentence.sort_indices()
            sentence_features.append(sentence.tocoo())
        return [None] * len(all_tokens), sentence_features
