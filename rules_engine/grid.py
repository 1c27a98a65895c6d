"""The exhaustive grid of applicant profiles: every region × skill grade × years 0–10 ×
title level × title years × each award, and every region × grade × years × title × each
bar flag (without an award and with one). The invariant tests check every decision on it
and `python -m rules_engine sheet` picks one profile per distinct outcome from it."""

from __future__ import annotations

import itertools
from typing import Any, Dict, Iterator, Optional, Tuple

from . import vocabulary

APPLICATION_YEAR = 2026
YEARS = (None, *range(0, 11))
# Each bar flag alone, as the applicant would state it ("series_out": a series outside
# the bridging scope).
BAR_FLAGS: Dict[str, Dict[str, Any]] = {
    "none": {},
    "assessment_failed": {"assessment_ok": False},
    "retired": {"retired": True},
    "under_investigation": {"under_investigation": True},
    "demerit": {"demerit_punishment": True},
    "integrity": {"integrity_record": True},
    "fraud_once": {"fraud_count": 1, "fraud_year": 2025},
    "fraud_twice": {"fraud_count": 2, "fraud_year": 2024},
    "series_out": {"series": "卫生"},
}
AWARD_WITH_BARS = "全国技术能手"

Key = Tuple[str, Optional[str], Optional[int], Optional[str], Optional[int], Optional[str], str]


def profile(region, grade, years, title, title_years, award, bar) -> Dict[str, Any]:
    """The profile a grid key stands for (only the facts it names)."""
    p: Dict[str, Any] = {"region": region, "application_year": APPLICATION_YEAR}
    if grade:
        p["skill_grade"] = grade
    if years is not None:
        p["skill_years"] = years
    if title:
        p["title_level"] = title
        if title_years is not None:
            p["title_years"] = title_years
    if award:
        p["awards"] = [award]
    p.update(BAR_FLAGS[bar])
    return p


def grid(regions=vocabulary.REGIONS) -> Iterator[Tuple[Key, Dict[str, Any]]]:
    grades = (None, *vocabulary.skill_grades())
    titles = (None, *vocabulary.title_levels())
    for region, grade, years, title, award in itertools.product(
        regions, grades, YEARS, titles, (None, *vocabulary.awards())
    ):
        for title_years in (None, 5) if title and award is None else (None,):
            key = (region, grade, years, title, title_years, award, "none")
            yield key, profile(*key)
    for region, grade, years, title, award, bar in itertools.product(
        regions, grades, YEARS, titles, (None, AWARD_WITH_BARS), tuple(BAR_FLAGS)[1:]
    ):
        key = (region, grade, years, title, None, award, bar)
        yield key, profile(*key)
