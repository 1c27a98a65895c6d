"""The dialogue's slots are the rules engine's profile keys, generated, never retyped."""

import yaml

from rules_engine.profile import schema
from scripts.gen_domain_slots import DOMAIN, updated


def test_domain_slots_are_generated_from_the_profile_schema():
    text = DOMAIN.read_text(encoding="utf-8")
    assert updated(text) == text, "run: python scripts/gen_domain_slots.py"


def _entities(domain):
    return {
        e if isinstance(e, str) else next(iter(e)): ({} if isinstance(e, str) else next(iter(e.values())))
        for e in domain["entities"]
    }


def test_every_profile_key_is_a_slot_and_an_entity_and_in_the_form():
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    for key in schema():
        assert key in domain["slots"] and key in _entities(domain)
        assert key in domain["forms"]["eligibility_form"]["required_slots"]


def test_stated_facts_fill_slots_whatever_the_intent_and_conditions_never():
    """The NLU decides which facts are stated; the intent only chooses what to say."""
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    entities = _entities(domain)
    for key in schema():
        assert "hypothetical" in entities[key].get("roles", []), key
        for mapping in domain["slots"][key]["mappings"]:
            if mapping["type"] == "from_entity":
                assert "intent" not in mapping and "not_intent" not in mapping, key
                assert "role" not in mapping, key  # role-less mappings skip role-marked entities


def test_every_fact_the_form_may_ask_has_a_question():
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    for key in schema():
        assert f"utter_ask_{key}" in domain["responses"], key
