"""Typed rule objects. The YAML files are the source; these are what the interpreter reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Citation:
    doc: str
    article: str

    def to_json(self) -> Dict[str, str]:
        return {"doc": self.doc, "article": self.article}


@dataclass(frozen=True)
class Condition:
    """One typed test of one profile fact, with the article it comes from.

    op is one of: in, not_in, equals, at_least, at_most, has_any, known, within_years.
    `known: true` is unknown (None) while the fact is not given; `known: false` is true
    exactly while it is not given.
    """

    fact: str
    op: str
    value: Any
    citation: Citation


@dataclass(frozen=True)
class YearFormula:
    """until_year = profile[fact] + plus (e.g. a fraud finding bars three application years)."""

    fact: str
    plus: int
    citation: Citation


@dataclass(frozen=True)
class Presumption:
    """A condition a document sets that no profile fact records (e.g. 申报专业与技能等级证书
    专业相近、相符): always presumed, said in the explanation and cited."""

    text: str
    citation: Citation


@dataclass
class Item:
    """What every rule, bar, knowledge entry and equivalence shares."""

    id: str  # qualified: "<doc>:<local id>"
    doc: str
    citations: List[Citation]  # the first is the main article
    quote: str
    interpretation: Optional[str] = None
    replaces: Tuple[str, ...] = ()
    adds: Optional[str] = None  # the base item it stands beside, or "new"
    when: List[Condition] = field(default_factory=list)

    @property
    def citation(self) -> Citation:
        return self.citations[0]


@dataclass
class Route(Item):
    kind: str = "title"
    path: str = "regular"
    levels: Tuple[str, ...] = ()
    next_grade: bool = False  # the level is the grade above the applicant's own
    outcome: Optional[str] = None  # "ineligible" for routes that only explain a no
    why_not: Optional[str] = None
    requires: List[Condition] = field(default_factory=list)
    presumes: List[Condition] = field(default_factory=list)
    presumes_text: List[Presumption] = field(default_factory=list)
    # Set when the route also speaks for holders of a higher grade than `base_grade`: their
    # years since `base_grade` are at least their years since their own grade, so the route
    # is offered to them only when those years already suffice.
    base_grade: Optional[str] = None


@dataclass
class Bar(Item):
    code: str = ""
    applies_to: Tuple[str, ...] = ()
    until_year: Optional[YearFormula] = None
    why_not: Optional[str] = None


@dataclass
class Knowledge(Item):
    topics: Tuple[str, ...] = ()
    step_for: Tuple[str, ...] = ()
    answer: str = ""
    fees: Dict[str, int] = field(default_factory=dict)
    window_months: Tuple[int, ...] = ()
    skip_when: List[Condition] = field(default_factory=list)  # all true → not a next step
    only_if_any: List[Condition] = field(default_factory=list)  # none true → not a next step


@dataclass
class EducationEquivalent(Item):
    classes: Dict[str, str] = field(default_factory=dict)


@dataclass
class Layer:
    doc: str
    name: str
    short_name: str
    refines: Optional[str]
    routes: List[Route]
    bars: List[Bar]
    knowledge: List[Knowledge]
    equivalents: List[EducationEquivalent]
    excluded_articles: Dict[str, str]


@dataclass
class RuleSet:
    """The rules in force in one region, after layering local over national."""

    region: str
    routes: List[Route]
    bars: List[Bar]
    knowledge: List[Knowledge]
    equivalents: List[EducationEquivalent]
