"""Rasa's logistic-regression intent classifier with a cheaper input row.

Rasa's ``LogisticRegressionClassifier._create_X`` asks the message for its combined
sparse features, which deep-copies and ``scipy.sparse.hstack``-s the *sequence* features
of every featurizer as well as the sentence ones, only to throw the sequence part away.
Profiled under load that was 12% of the Rasa server's CPU per turn, four times the
classifier itself. This subclass builds the same row — the sentence features of the
text, sparse ones in the order the featurizers added them, then the dense ones — with
one concatenation. Training and prediction both use it, and
tests/test_intent_classifier.py checks that the rows equal Rasa's exactly.

At prediction the probabilities are computed as scikit-learn's multinomial
``predict_proba`` computes them (the same sparse product, intercept and softmax, so the
same numbers) without its input validation, which cost five times the product itself.
"""

from __future__ import annotations

from typing import List

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix, vstack
from sklearn.utils.extmath import softmax


def sentence_row(message: Message) -> csr_matrix:
    """One message's sentence features of its text as a 1×n CSR row."""
    data, columns, width = [], [], 0
    dense = []
    for feature in message.features:
        if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
            continue
        if feature.is_sparse():
            matrix = feature.features.tocoo()
            data.append(matrix.data)
            columns.append(matrix.col + width)
            width += matrix.shape[1]
        else:
            dense.append(np.asarray(feature.features))
    if dense:
        values = np.concatenate(dense, axis=-1).reshape(-1)
        data.append(values[values != 0])
        columns.append(np.flatnonzero(values) + width)
        width += values.shape[0]
    if not data:
        return csr_matrix((1, 0))
    values, cols = np.concatenate(data), np.concatenate(columns)
    if len(cols) > 1 and not (cols[1:] > cols[:-1]).all():  # not sorted and unique: let scipy sort
        return csr_matrix((values, (np.zeros(len(cols), dtype=np.int32), cols)), shape=(1, width))
    return csr_matrix((values, cols, np.array([0, len(cols)], dtype=cols.dtype)), shape=(1, width))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceLogisticRegressionClassifier(LogisticRegressionClassifier):
    """`LogisticRegressionClassifier` reading only the sentence features it uses."""

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        rows = [sentence_row(message) for message in messages]
        width = getattr(self.clf, "n_features_in_", None)
        if width is not None:
            # a message without features (an empty text) is a row of zeros, not a crash that
            # fails the turn (and, replayed by bot.guard, every later one)
            rows = [row if row.shape[1] == width else csr_matrix((1, width)) for row in rows]
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's ``process`` (same ranking, same message fields), fed by ``predict_proba``."""
        probas = predict_proba(self.clf, self._create_X(messages))
        for message, row in zip(messages, probas):
            ranking = sorted(
                ({"name": k, "confidence": v} for k, v in zip(self.clf.classes_, row)), key=lambda e: -e["confidence"]
            )
            intent = ranking[0]
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent", intent, add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages


def _is_multinomial(clf) -> bool:
    """sklearn 1.1's rule in ``LogisticRegression.predict_proba`` for using the softmax."""
    ovr = clf.multi_class in ("ovr", "warn") or (
        clf.multi_class == "auto" and (clf.classes_.size <= 2 or clf.solver == "liblinear")
    )
    return not ovr


def predict_proba(clf, X: csr_matrix) -> np.ndarray:
    """``clf.predict_proba(X)`` for a fitted multinomial model and a CSR input of the right
    width, computed as sklearn does; anything else goes to sklearn itself."""
    if not (isinstance(X, csr_matrix) and _is_multinomial(clf) and X.shape[1] == clf.n_features_in_):
        return clf.predict_proba(X)
    cached = clf.__dict__.get("_jineng_weights")
    if cached is None or cached[0] is not clf.coef_:  # a refit assigns a new coef_
        # ``coef_.T`` is a transposed view: scipy copied all of it into row order on every
        # product (a few MB per message). The same numbers, in row order, once per fit.
        cached = clf.__dict__["_jineng_weights"] = (clf.coef_, np.ascontiguousarray(clf.coef_.T))
    scores = X @ cached[1] + clf.intercept_  # sklearn: safe_sparse_dot + intercept_
    return softmax(scores, copy=False)
