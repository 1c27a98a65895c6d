"""Our logistic-regression classifier's input rows equal Rasa's, and our bag-of-words
featurizer's sentence rows equal Rasa's: Rasa's models, trained and run on the same
numbers, only cheaper to feed."""

import os

import numpy as np
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

from bot.nlu.intent_classifier import SentenceLogisticRegressionClassifier, sentence_row
from bot.nlu.sentence_features import SentenceCountVectorsFeaturizer

TEXTS = [
    "你好",
    "我是百色的技师，拿证五年了",
    "评职称要交多少钱",
    "转人工",
    "我在通辽，高级工2019年考的",
    "我有工程师职称，能考技师吗",
    "😀😀",
    "a" * 300,
    "去年获得全国技术能手，现在是高级技师",
    "？",
]


@pytest.fixture(scope="module")
def featurised():
    """The trained model's messages as they reach the intent classifier."""
    from rasa.core.agent import Agent

    model = os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz")
    if not os.path.exists(model):
        pytest.skip("no trained model (make test trains it)")
    agent = Agent.load(model)
    schema = agent.processor.model_metadata.predict_schema
    name, node = next((n, s) for n, s in schema.nodes.items() if s.uses is SentenceLogisticRegressionClassifier)
    parent = node.needs["messages"]
    runner = agent.processor.graph_runner
    messages = []
    for text in TEXTS:
        out = runner.run(inputs={"__message__": [UserMessage(text)]}, targets=[parent])
        messages += out[parent]
    classifier = runner._instantiated_nodes[name]._component
    featurizers = [
        node._component
        for node in runner._instantiated_nodes.values()
        if isinstance(node._component, SentenceCountVectorsFeaturizer)
    ]
    return messages, classifier, featurizers


def test_rows_equal_rasas(featurised):
    messages, classifier, _ = featurised
    ours = SentenceLogisticRegressionClassifier._create_X(classifier, messages)
    rasas = LogisticRegressionClassifier._create_X(classifier, messages)
    assert ours.shape == rasas.shape and ours.shape[0] == len(TEXTS) and ours.shape[1] > 100
    assert np.array_equal(ours.toarray(), rasas.toarray())
    for message, row in zip(messages, rasas):
        assert np.array_equal(sentence_row(message).toarray(), row.toarray())


def test_same_intents_and_confidences(featurised):
    messages, classifier, _ = featurised
    ours = classifier.clf.predict_proba(SentenceLogisticRegressionClassifier._create_X(classifier, messages))
    rasas = classifier.clf.predict_proba(LogisticRegressionClassifier._create_X(classifier, messages))
    assert np.allclose(ours, rasas, rtol=0, atol=1e-12)
    assert (ours.argmax(axis=1) == rasas.argmax(axis=1)).all()


def test_sentence_count_vectors_equal_rasas(featurised):
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.shared.nlu.constants import TEXT

    messages, _, featurizers = featurised
    assert len(featurizers) == 2  # word and char n-grams
    for featurizer in featurizers:
        nonzero = 0
        for message in messages:
            tokens = featurizer._get_processed_message_tokens_by_attribute(message, TEXT)
            ours_sequence, ours_sentence = featurizer._create_features(TEXT, [tokens])
            rasa_sequence, rasa_sentence = CountVectorsFeaturizer._create_features(featurizer, TEXT, [tokens])
            assert ours_sequence == [None] and rasa_sequence[0] is not None
            nonzero += ours_sentence[0].nnz > 0
            assert np.array_equal(ours_sentence[0].toarray(), rasa_sentence[0].toarray())
        assert nonzero >= len(messages) // 2  # not trivially empty rows


def test_probabilities_are_sklearns_to_the_bit(featurised):
    from bot.nlu.intent_classifier import predict_proba

    messages, classifier, _ = featurised
    X = SentenceLogisticRegressionClassifier._create_X(classifier, messages)
    assert np.array_equal(predict_proba(classifier.clf, X), classifier.clf.predict_proba(X))
    for i in range(len(messages)):  # one row at a time, as at run time
        assert np.array_equal(predict_proba(classifier.clf, X[i]), classifier.clf.predict_proba(X[i]))


def test_process_sets_what_rasas_process_sets(featurised):
    import copy

    messages, classifier, _ = featurised
    ours = SentenceLogisticRegressionClassifier.process(classifier, copy.deepcopy(messages))
    rasas = LogisticRegressionClassifier.process(classifier, copy.deepcopy(messages))
    for a, b in zip(ours, rasas):
        assert a.get("intent") == b.get("intent") and a.get("intent_ranking") == b.get("intent_ranking")
        assert a.get("intent")["name"] and len(a.get("intent_ranking")) > 1


def test_count_rows_have_sklearns_type_and_order(featurised):
    from bot.nlu.sentence_features import count_row
    from rasa.shared.nlu.constants import TEXT

    messages, _, featurizers = featurised
    for featurizer in featurizers:
        vectorizer = featurizer.vectorizers[TEXT]
        for message in messages:
            document = " ".join(featurizer._get_processed_message_tokens_by_attribute(message, TEXT))
            ours, theirs = count_row(vectorizer, document), vectorizer.transform([document]).tocoo()
            assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
            assert list(ours.col) == sorted(theirs.col) and np.array_equal(ours.toarray(), theirs.toarray())


def test_regex_sentence_rows_equal_rasas_on_the_training_examples(featurised):
    """Our regex featurizer's sentence row against Rasa's RegexFeaturizer, message by message."""
    import copy
    from pathlib import Path

    from rasa.core.agent import Agent
    from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
    from rasa.shared.nlu.constants import TEXT
    from bot.nlu.generate_lookups import training_examples
    from bot.nlu.sentence_features import SentenceRegexFeaturizer

    texts = list(TEXTS)
    for path in sorted(Path("data/nlu").glob("*.yml")):
        texts += [text for _, text in training_examples(path)]
    texts = texts[:: max(1, len(texts) // 600)]
    agent = Agent.load(os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz"))
    runner = agent.processor.graph_runner
    name, node = next(
        (n, node)
        for n, node in runner._instantiated_nodes.items()
        if isinstance(node._component, SentenceRegexFeaturizer)
    )
    featurizer = node._component
    parent = agent.processor.model_metadata.predict_schema.nodes[name].needs["messages"]
    matched = 0
    for text in texts:
        message = runner.run(inputs={"__message__": [UserMessage(text)]}, targets=[parent])[parent][0]
        _, ours = featurizer._features_for_patterns(copy.deepcopy(message), TEXT)
        _, rasas = RegexFeaturizer._features_for_patterns(featurizer, copy.deepcopy(message), TEXT)
        assert ours.dtype == rasas.dtype and ours.shape == rasas.shape
        assert np.array_equal(ours.toarray(), rasas.toarray()), text
        matched += ours.nnz > 0
    assert len(texts) > 300 and matched > len(texts) // 4


def test_an_empty_text_is_classified_not_crashed_on():
    """An empty message has no sentence features: a zero row, an intent, no exception
    (the failed turn was replayed before every later one — explore6 C1)."""
    from rasa.core.agent import Agent

    model = os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz")
    if not os.path.exists(model):
        pytest.skip("no trained model (make test trains it)")
    agent = Agent.load(model)
    import asyncio

    parsed = asyncio.run(agent.parse_message(""))
    assert parsed["intent"]["name"]
