"""Rasa's bag-of-words and regex featurizers without the token-level half nobody here reads.

``CountVectorsFeaturizer`` computes two matrices per message: one row per token
("sequence" features, for DIET-style models) and one for the whole text ("sentence"
features). Our only consumer, the logistic-regression intent classifier
(bot/nlu/intent_classifier.py), reads the sentence row alone; the token rows were 5% of
the Rasa server's CPU per turn. This subclass computes the sentence row exactly as Rasa
does and leaves the sequence one out. Vocabulary, training and persistence are Rasa's.
The row is counted the way scikit-learn's ``CountVectorizer.transform`` counts one
document (same analyzer, same vocabulary, same dtype) without its per-call checks and
CSR round trip, which were most of the remaining cost (4% of the CPU per turn).
tests/test_intent_classifier.py checks that the classifier's input equals Rasa's.
"""

from __future__ import annotations

import re
from typing import List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.shared.nlu.constants import ACTION_TEXT, RESPONSE, TEXT


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """`CountVectorsFeaturizer` producing sentence features only."""

    def _create_features(
        self, attribute: Text, all_tokens: List[List[Text]]
    ) -> Tuple[List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]]:
        if not self.vectorizers.get(attribute):
            return [None], [None]
        sentence_features: List[Optional[scipy.sparse.spmatrix]] = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence_features.append(None)
                continue
            sentence_features.append(count_row(self.vectorizers[attribute], " ".join(tokens)))  # as Rasa
        return [None] * len(all_tokens), sentence_features


def count_row(vectorizer, document: Text) -> scipy.sparse.coo_matrix:
    """``vectorizer.transform([document])`` as a sorted 1×n COO row (sklearn's
    ``_count_vocab`` with a fixed vocabulary, then ``binary``), without the checks."""
    analyze = vectorizer.__dict__.get("_jineng_analyzer")
    if analyze is None:
        analyze = vectorizer.__dict__["_jineng_analyzer"] = vectorizer.build_analyzer()
    vocabulary = vectorizer.vocabulary_
    counts: dict = {}
    for feature in analyze(document):
        index = vocabulary.get(feature)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    columns = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
    values = np.fromiter(
        (1 if vectorizer.binary else counts[c] for c in columns.tolist()), dtype=vectorizer.dtype, count=len(counts)
    )
    return scipy.sparse.coo_matrix(
        (values, (np.zeros(len(counts), dtype=np.int32), columns)), shape=(1, len(vocabulary)), dtype=vectorizer.dtype
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceRegexFeaturizer(RegexFeaturizer):
    """`RegexFeaturizer` producing the sentence row only: which lookup/regex patterns
    match a token of the text, exactly as Rasa computes it. Rasa's version also fills a
    token × pattern matrix and a ``pattern`` dict on every token, read only by CRF-style
    extractors and DIET, which this pipeline does not have (4% of the CPU per turn)."""

    def _features_for_patterns(self, message, attribute):
        if not message.get(attribute):
            return None, None
        tokens = message.get(TOKENS_NAMES[attribute], [])
        if not tokens:
            return None, None
        flags = 0 if self.case_sensitive else re.IGNORECASE
        text = message.get(attribute)
        hits = []
        if attribute in (RESPONSE, TEXT, ACTION_TEXT):  # Rasa leaves other rows at zero
            for index, pattern in enumerate(self.known_patterns):
                if any(
                    token.start < match.end() and token.end > match.start()
                    for match in re.finditer(pattern["pattern"], text, flags=flags)
                    for token in tokens
                ):
                    hits.append(index)
        sentence = scipy.sparse.coo_matrix(
            (np.ones(len(hits)), (np.zeros(len(hits), dtype=np.int32), np.array(hits, dtype=np.int32))),
            shape=(1, len(self.known_patterns)),
        )
        return None, sentence
