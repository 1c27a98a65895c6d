"""Slots ⇄ applicant profile. The slots carry the profile keys of CONTRACT.md §3 under the
same names, so the translation is only about types and about dropping what is unknown."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from bot.nlu.clauses import HYPOTHETICAL  # noqa: F401 - the role of a condition, for the actions
from rules_engine import ProfileError, validate
from rules_engine.profile import schema

PROFILE_KEYS = tuple(schema())
# Side questions: a message with one of these intents is not an answer to the form's
# question (actions.actions). Which facts a message states is the NLU's decision, not theirs.
FAQ_INTENTS = (
    "faq_fee",
    "faq_window",
    "faq_where",
    "faq_materials",
    "faq_continuing_education",
    "faq_education_equivalent",
    "faq_post",
    "faq_scope",
    "faq_degree",
    "faq_evaluation",
)


def is_stated(entity: Dict[str, Any]) -> bool:
    """A fact the applicant states: a profile key without a role (a condition such as
    "要是拿到技师呢" carries the role ``hypothetical``). Same rule as the slot mappings."""
    return entity.get("entity") in PROFILE_KEYS and not entity.get("role")


def facts_from_entities(entities: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The facts a parsed message states, whatever its intent (as the slot mappings)."""
    facts: Dict[str, Any] = {}
    for ent in entities:
        key = ent.get("entity")
        if not is_stated(ent):
            continue
        if schema()[key]["type"] == "list":
            value = ent.get("value")
            facts.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        else:
            facts[key] = ent.get("value")
    return facts


def _typed(key: str, value: Any) -> Any:
    """Slots store numbers as floats and may hold what an entity carried as text ("3")."""
    kind = schema()[key]["type"]
    if kind in ("int", "number") and isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return value  # left for validation to refuse by name
    if kind in ("int", "number") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "bool" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind == "list" and isinstance(value, str):
        return [value]
    return value


def profile_from_slots(slots: Dict[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """The valid profile the slots describe, and the keys dropped because their value was
    not acceptable (an NLU slip must not lose the other facts)."""
    profile = {k: _typed(k, slots[k]) for k in PROFILE_KEYS if slots.get(k) not in (None, [], "")}
    dropped: List[str] = []
    while True:
        try:
            return validate(profile), dropped
        except ProfileError as err:
            key = err.key
            if key not in profile:
                raise
            dropped.append(key)
            profile.pop(key)


def merge_awards(earlier: Optional[List[str]], new: Optional[List[str]]) -> List[str]:
    """Awards accumulate over a conversation: naming a second one keeps the first; each once,
    in the order first said (the form's validator, the what-if, the assist console)."""
    return list(dict.fromkeys([*(earlier or []), *(new or [])]))
