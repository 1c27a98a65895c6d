"""A greeting or a fallback that carries profile facts is read as the facts (bot/nlu/facts_first.py)."""

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.facts_first import facts_first

FACT = {"entity": "skill_grade", "value": "技师", "start": 3, "end": 5, "extractor": "ProfileFactExtractor"}


def message(intent, ranking, entities):
    m = Message(data={"text": "你好，我是技师"})
    m.set("intent", {"name": intent, "confidence": ranking[0][1]})
    m.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    m.set("entities", entities)
    return m


def test_greeting_with_facts_becomes_the_best_fact_intent():
    m = message("greet", [("greet", 0.59), ("inform", 0.2), ("ask_eligibility", 0.12)], [FACT])
    facts_first(m)
    assert m.get("intent") == {"name": "inform", "confidence": 0.2}


def test_fallback_with_facts_becomes_the_best_fact_intent():
    m = message("nlu_fallback", [("nlu_fallback", 0.3), ("greet", 0.28), ("what_if", 0.27), ("inform", 0.2)], [FACT])
    facts_first(m)
    assert m.get("intent")["name"] == "what_if"


def test_without_facts_or_other_intents_nothing_changes():
    for intent, entities in [
        ("greet", []),
        ("nlu_fallback", [{**FACT, "extractor": "RegexEntityExtractor"}]),
        ("faq_fee", [FACT]),
        ("inform", [FACT]),
    ]:
        m = message(intent, [(intent, 0.6), ("inform", 0.3)], entities)
        facts_first(m)
        assert m.get("intent")["name"] == intent


def test_no_fact_intent_in_the_ranking_keeps_the_greeting():
    m = message("greet", [("greet", 0.9), ("thank", 0.1)], [FACT])
    facts_first(m)
    assert m.get("intent")["name"] == "greet"
