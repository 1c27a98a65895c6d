"""Slots ⇄ applicant profile. The slots carry the profile keys of CONTRACT.md §3 under the
same names, so the translation is only about types and about dropping what is unknown."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from bot.nlu.clauses import HYPOTHETICAL  # noqa: F401 - the role of a condition, for the actions
from rules_engine import ProfileError, clock, validate
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


# years told as a count (“干了一年”) are as of today; the engine counts them at the
# application year (docs/interpretations.md #12)
YEARS_TOLD = ("skill_years", "title_years", "professional_years")


def at_the_application_year(profile: Dict[str, Any]) -> Dict[str, Any]:
    """The slots' years carried to a later application year: “高级工干了一年，明年报” has
    two years when applying in 2027 (a year of the grade needs nothing: the engine subtracts).
    Applied where the engine is asked (the actions' tracker_profile, the assist console), never
    to what is stored, so that it is applied once."""
    try:
        later = int(profile.get("application_year") or 0) - clock.current_year()
    except (TypeError, ValueError):
        return profile
    if later <= 0:
        return profile
    out = dict(profile)
    for key in YEARS_TOLD:
        if isinstance(out.get(key), (int, float)) and not isinstance(out.get(key), bool):
            out[key] = out[key] + later
    return out


def profile_from_slots(slots: Dict[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """The valid profile the slots describe, and the keys dropped because their value was
    not acceptable (an NLU slip must not lose the other facts)."""
    profile = {k: _typed(k, slots[k]) for k in PROFILE_KEYS if slots.get(k) not in (None, [], "")}
    if profile.get("fraud_count") == 0:
        profile.pop("fraud_year", None)  # “不对 我没有造假”: the finding's year goes with it (explore16 W-1)
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


# the grade's time, said as years (“干了三年”) or as the year it was had (“去年拿的”): the one
# said last replaces the other (the actions' tracker_profile, the assist console's merge)
GRADE_TIMES = ("skill_years", "skill_grade_year")


def merge_awards(earlier: Optional[List[str]], new: Optional[List[str]]) -> List[str]:
    """Awards accumulate over a conversation: naming a second one keeps the first; each once,
    in the order first said (the form's validator, the what-if, the assist console)."""
    return list(dict.fromkeys([*(earlier or []), *(new or [])]))


# “22年也被查出来过一回”, “后来又造假被查了一次”: a finding besides the one told before.
# Without such a word a different year is read as a correction of the year told before.
ANOTHER_FINDING = re.compile(r"也|又|另外|另有|再次|再一[次回]|第[二两2][次回]|还有一[次回]|还被")


def merge_fraud(before: Dict[str, Any], stated: Dict[str, Any], text: str) -> Dict[str, Any]:
    """The 弄虚作假 facts after a message that tells of another finding: the counts add up
    and the bar runs from the latest year (百色 第七条（二）: 3 years from the year found;
    twice, never). {} when the message tells of no other finding than the one known."""
    earlier_count, earlier_year = before.get("fraud_count"), before.get("fraud_year")
    if not (earlier_count or earlier_year) or not ("fraud_count" in stated or "fraud_year" in stated):
        return {}
    if not ANOTHER_FINDING.search(text):
        return {}
    new_year = stated.get("fraud_year")
    if new_year is not None and earlier_year is not None and int(new_year) == int(earlier_year):
        return {}  # the same finding told again
    count = int(earlier_count or 1) + int(stated.get("fraud_count") or 1)
    years = [int(y) for y in (earlier_year, new_year) if y is not None]
    return {"fraud_count": count, "fraud_year": max(years) if years else None}


# “之前2021年也有过一次”, “其实之前还有一次，是2021年”: another time of what was told before
ANOTHER_TIME = re.compile(
    r"(也|还|又|另外)(有|有过|出过|出了|查出过?|被查出?过?|犯过|来过)?(一|1)[次回]|还有一[次回]|之前(还|也)有"
)


def another_finding(before: Dict[str, Any], stated: Dict[str, Any], text: str) -> Dict[str, Any]:
    """The facts to set when this message tells of another 弄虚作假 finding after one was
    told: said with its fraud words (merge_fraud), or as “another time” with only a year,
    which the NLU gives to the grade (then the grade's year is the one known before). {} if
    the message tells of no other finding."""
    merged = merge_fraud(before, stated, text)
    if merged or not (before.get("fraud_count") or before.get("fraud_year")) or not ANOTHER_TIME.search(text):
        return merged
    if set(stated) - {"skill_grade_year", "fraud_year", "fraud_count"}:
        return {}  # a level or another fact: not (only) another finding
    year = stated.get("fraud_year") or stated.get("skill_grade_year")
    merged = merge_fraud(before, {"fraud_year": year} if year else {"fraud_count": 1}, "也")
    if merged and "skill_grade_year" in stated:
        merged["skill_grade_year"] = before.get("skill_grade_year")  # the year was the finding's
    return merged
