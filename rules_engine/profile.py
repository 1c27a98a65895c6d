"""Validation of the applicant profile (CONTRACT.md §3) against data/facts.yaml.

A wrong key, type or value is an error naming the key and what is accepted — the
engine never guesses what the caller meant.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Dict, List

import yaml

from . import clock, vocabulary


class ProfileError(ValueError):
    """The profile cannot be evaluated as given; `key` names the offending fact, if one."""

    def __init__(self, message: str, key: str = None):
        super().__init__(message)
        self.key = key


@lru_cache(maxsize=None)
def schema() -> Dict[str, dict]:
    return yaml.safe_load((vocabulary.DATA_DIR / "facts.yaml").read_text(encoding="utf-8"))


def label(fact: str) -> str:
    return schema().get(fact, {}).get("label", fact)


def accepted_values(fact: str) -> tuple:
    spec = schema()[fact]
    return vocabulary.VALUE_LISTS[spec["values"]]() if "values" in spec else ()


def _check_number(key: str, value: Any, spec: dict, integer: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProfileError(f"{key}: 应为{'整数' if integer else '数字'}，收到 {value!r}", key)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ProfileError(f"{key}: 应为有限的数字，收到 {value!r}", key)
    if integer and isinstance(value, float):
        if not value.is_integer():
            raise ProfileError(f"{key}: 应为整数，收到 {value!r}", key)
        value = int(value)
    lo, hi = spec.get("min"), spec.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ProfileError(f"{key}: 应在 {lo} 到 {hi} 之间，收到 {value!r}", key)
    return value


def _check_value(key: str, value: Any, spec: dict) -> Any:
    kind = spec["type"]
    if kind == "bool":
        if not isinstance(value, bool):
            raise ProfileError(f"{key}: 应为 true 或 false，收到 {value!r}", key)
        return value
    if kind in ("int", "number"):
        return _check_number(key, value, spec, integer=kind == "int")
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{key}: 应为非空字符串，收到 {value!r}", key)
        allowed = accepted_values(key)
        if value not in allowed and not spec.get("open"):
            raise ProfileError(f"{key}: 未知的值 {value!r}；可接受的值：{'、'.join(allowed)}", key)
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise ProfileError(f"{key}: 应为列表，收到 {value!r}", key)
        allowed = accepted_values(key)
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ProfileError(f"{key}: 未知的值 {unknown!r}；可接受的值：{'、'.join(allowed)}", key)
        return list(dict.fromkeys(value))
    raise AssertionError(f"facts.yaml: unknown type {kind} for {key}")


def validate(profile: Any) -> Dict[str, Any]:
    """A checked copy of the profile; `None` values count as not known."""
    if not isinstance(profile, dict):
        raise ProfileError(f"申请人信息应为 JSON 对象，收到 {type(profile).__name__}")
    known = schema()
    unknown_keys = sorted(k for k in profile if k not in known)
    if unknown_keys:
        raise ProfileError(f"未知的字段 {unknown_keys}；可接受的字段：{', '.join(known)}")
    checked = {k: _check_value(k, v, known[k]) for k, v in profile.items() if v is not None}
    _check_consistency(checked)
    return checked


def _check_consistency(p: Dict[str, Any]) -> None:
    year = p.get("application_year", clock.current_year())
    for key in ("skill_grade_year", "graduation_year", "fraud_year"):
        if key in p and p[key] > year:
            raise ProfileError(f"{key}: {p[key]} 晚于申报年份 {year}", key)
    if p.get("fraud_count") == 0 and "fraud_year" in p:
        raise ProfileError("fraud_year: fraud_count 为 0 时不应有 fraud_year", "fraud_year")


def facts_for_evaluation(profile: Dict[str, Any]) -> Dict[str, Any]:
    """The validated profile with what follows from it: the application year, and the
    years after the grade counted from the year it was obtained (满N年 the year it is reached)."""
    facts = dict(profile)
    facts.setdefault("application_year", clock.current_year())
    if "skill_years" not in facts and "skill_grade_year" in facts:
        facts["skill_years"] = facts["application_year"] - facts["skill_grade_year"]
    if "fraud_year" in facts and "fraud_count" not in facts:
        facts["fraud_count"] = 1  # a finding with its year is at least one finding
    return facts


def known_facts(profile: Dict[str, Any]) -> List[str]:
    return [k for k in schema() if k in profile]
