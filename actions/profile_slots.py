"""Slots ⇄ applicant profile. The slots carry the profile keys of CONTRACT.md §3 under the
same names, so the translation is only about types and about dropping what is unknown."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rules_engine import ProfileError, validate
from rules_engine.profile import schema

PROFILE_KEYS = tuple(schema())


def _typed(key: str, value: Any) -> Any:
    kind = schema()[key]["type"]
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return int(value)
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
            key = next((k for k in profile if str(err).startswith(k)), None)
            if key is None:
                raise
            dropped.append(key)
            profile.pop(key)
