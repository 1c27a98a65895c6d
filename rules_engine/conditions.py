"""Three-valued evaluation of one condition: true, false, or unknown (None).

A false `at_least` on a fact that grows with time (years of work) also says how many
years are missing, which is what turns "ineligible" into "not yet, from year N".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Optional

from .model import Condition

TIME_GROWING_FACTS = frozenset({"skill_years", "professional_years", "title_years"})


@dataclass(frozen=True)
class Result:
    value: Optional[bool]
    years_short: int = 0  # > 0 only for a false condition that time alone will satisfy

    @property
    def waits(self) -> bool:
        return self.value is False and self.years_short > 0


def check(cond: Condition, facts: Dict[str, Any]) -> Result:
    if cond.op == "known":
        given = facts.get(cond.fact) is not None
        if cond.value is False:
            return Result(not given)
        return Result(True if given else None)
    value = facts.get(cond.fact)
    if value is None:
        return Result(None)
    op, target = cond.op, cond.value
    if op == "in":
        return Result(value in target)
    if op == "not_in":
        return Result(value not in target)
    if op == "equals":
        return Result(value == target)
    if op == "has_any":
        return Result(any(v in target for v in value))
    if op == "at_most":
        return Result(value <= target)
    if op == "within_years":
        return Result(facts["application_year"] - value <= target)
    if op == "at_least":
        if value >= target:
            return Result(True)
        short = math.ceil(target - value) if cond.fact in TIME_GROWING_FACTS else 0
        return Result(False, short)
    raise AssertionError(f"unknown condition op {op}")
