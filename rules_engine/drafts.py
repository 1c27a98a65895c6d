"""The interpreter's working objects: an option while it is decided, and a bar in force.

They live apart from engine.py so that explain.py, which turns them into words, and the
engine, which builds them, both import them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .model import Bar, Citation, Condition, Route


@dataclass
class ActiveBar:
    bar: Bar
    until_year: Optional[int]
    until_unknown: bool = False

    @property
    def permanent(self) -> bool:
        return self.until_year is None and not self.until_unknown


@dataclass
class Draft:
    """An option while it is being decided; explain.py turns it into words."""

    route: Route
    level: str
    status: str = "eligible"
    earliest_year: Optional[int] = None
    assumptions: Dict[str, List[Citation]] = field(default_factory=dict)
    unknown: List[Condition] = field(default_factory=list)
    failing: List[Condition] = field(default_factory=list)
    waiting: List[Tuple[Condition, int]] = field(default_factory=list)
    blockers: List[ActiveBar] = field(default_factory=list)
    # The highest level of this kind open to the applicant now, when this option is below it.
    below_best: Optional[str] = None

    # True when the route is a lower grade's (`route.base_grade`) and the applicant holds a
    # higher grade: the years are a lower bound, so only an open option is offered.
    via_higher_grade: bool = False
    # Set on the highest open level when lower ones are open too.
    lower_open: bool = False
    # Lower levels that may already be open through the years since a lower grade, which
    # the profile does not hold (said as a hint on the applicant's own-grade option).
    lower_hints: List["Draft"] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.route.kind
