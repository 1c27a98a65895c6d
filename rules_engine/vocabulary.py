"""The domain vocabulary (data/vocabulary.yaml) as Python lookups.

Everything that needs the canonical values or what people call them — profile
validation, the NLU patterns, the dialogue's validators — asks this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

DATA_DIR = Path(__file__).parent / "data"

REGIONS = ("national", "nei_mongol", "baise")
# The 人社服务热线, named wherever the assistant sends someone on (one source).
HOTLINE = "12333"
# How each region is named, by where the name appears (one source for every label; a local
# region's full name is its ``name`` in vocabulary.yaml).
REGION_LABELS: Dict[str, Dict[str, str]] = {
    "profile": {
        "national": "其他地区（按国家规定）",
        "nei_mongol": "内蒙古",
        "baise": "百色",
    },  # the user's region said back
    "rules": {"national": "全国通用规定", "nei_mongol": "内蒙古", "baise": "百色市"},  # whose rule an answer quotes
    "sheet": {
        "national": "全国（按《实施意见》）",
        "nei_mongol": "内蒙古自治区",
        "baise": "广西百色市",
    },  # sign-off sheets
}
NATIONAL_NAME = "全国（按国家《实施意见》）"


def region_label(region: str, where: str) -> str:
    """``where``: a key of REGION_LABELS, or "name" (vocabulary.yaml's full name; the
    national rules' for ``national``). KeyError for an unknown region."""
    if where == "name":
        return NATIONAL_NAME if region == "national" else raw()["regions"][region]["name"]
    return REGION_LABELS[where][region]


KINDS = ("title", "skill")
PATHS = ("regular", "green_channel", "exception")
STATUSES = ("eligible", "not_yet", "undecided", "ineligible")


@lru_cache(maxsize=None)
def raw() -> dict:
    return yaml.safe_load((DATA_DIR / "vocabulary.yaml").read_text(encoding="utf-8"))


def _values(section: str) -> Tuple[str, ...]:
    return tuple(item["value"] for item in raw()[section])


def skill_grades() -> Tuple[str, ...]:
    return _values("skill_grades")


def title_levels() -> Tuple[str, ...]:
    return _values("title_levels")


def awards() -> Tuple[str, ...]:
    return _values("awards")


def series() -> Tuple[str, ...]:
    return _values("series")


def bridging_series() -> Tuple[str, ...]:
    return tuple(item["value"] for item in raw()["series"] if item["bridging"])


def degrees() -> Tuple[str, ...]:
    return _values("degrees")


def skill_school_classes() -> Tuple[str, ...]:
    return _values("skill_school_classes")


VALUE_LISTS = {
    "regions": lambda: REGIONS,
    "skill_grades": skill_grades,
    "title_levels": title_levels,
    "awards": awards,
    "series": series,
    "degrees": degrees,
    "skill_school_classes": skill_school_classes,
}


def grade_rank(grade: str) -> int:
    return skill_grades().index(grade)


def title_rank(level: str) -> int:
    return title_levels().index(level)


def level_rank(kind: str, level: str) -> int:
    return title_rank(level) if kind == "title" else grade_rank(level)


def next_grade(grade: str) -> Optional[str]:
    grades = skill_grades()
    i = grades.index(grade)
    return grades[i + 1] if i + 1 < len(grades) else None


def grade_number(grade: str) -> str:
    """高级工 → 三级: the numbered name the 2019 skill-level reform uses."""
    return next(g["level_number"] for g in raw()["skill_grades"] if g["value"] == grade)


def aliases(section: str) -> Dict[str, List[str]]:
    """canonical value → every way of saying it (canonical first)."""
    return {item["value"]: list(dict.fromkeys([item["value"], *item.get("aliases", [])])) for item in raw()[section]}


def said_apart(section: str) -> List[Tuple[str, str]]:
    """(regular expression, canonical value): ways of saying a value with words in between
    that a list of aliases cannot hold (“自治区级一类职业技能大赛第二名”)."""
    return [(pattern, item["value"]) for item in raw()[section] for pattern in item.get("said_apart", [])]


def series_workplaces() -> List[Tuple[str, str, str]]:
    """(workplace, series, series whose title names it disambiguates): “图书馆” beside 馆员
    is 图书资料, not the 文物博物 the name alone implies."""
    return [
        (name, item["value"], item["workplaces"]["titles_of"])
        for item in raw()["series"]
        if "workplaces" in item
        for name in item["workplaces"]["names"]
    ]


@dataclass(frozen=True)
class TitleName:
    name: str
    level: str
    series: str


def title_names() -> List[TitleName]:
    """Every title name (工程师, 副主任医师 …) with the level and series it implies."""
    levels = title_levels()
    out = []
    for series_key, names in raw()["title_names"].items():
        series_value = series_key.split("/")[0]
        for level, name in zip(levels, names):
            if name:
                out.append(TitleName(name, level, series_value))
    return out


@dataclass(frozen=True)
class Place:
    name: str
    region: str
    note: Optional[str] = None
    # award words that mean another award where this place is ("自治区技术能手" in Guangxi)
    award_readings: Tuple[Tuple[str, str], ...] = ()
    # False for a name that alone does not tell the region ("广西": 百色 or elsewhere)
    settled: bool = True


def _short_form(name: str) -> Optional[str]:
    for suffix in (
        "维吾尔自治区",
        "回族自治区",
        "壮族自治区",
        "各族自治县",
        "自治区",
        "自治县",
        "自治旗",
        "联合旗",
        "矿区",
        "省",
        "市",
        "县",
        "区",
        "盟",
        "旗",
    ):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=None)
def places() -> Dict[str, Place]:
    """Every place name (full and unambiguous short forms) → canonical region."""
    out: Dict[str, Place] = {}
    for key, spec in raw()["regions"].items():
        region = spec.get("region", key)
        note = spec.get("note")
        readings = tuple(sorted((spec.get("award_readings") or {}).items()))
        ambiguous = set(spec.get("ambiguous_short_forms", []))
        names = list(spec.get("aliases", []))
        for city, counties in spec["places"].items():
            names.append(city)
            names.extend(counties)
        unsettled = set(spec.get("unsettled", []))
        for name in names:
            out[name] = Place(name, region, note, readings, name not in unsettled)
            short = _short_form(name)
            if short and short not in ambiguous and short not in out:
                out[short] = Place(short, region, note, readings, name not in unsettled and short not in unsettled)
    return out


def unsettled_place(text: str) -> Optional[str]:
    """The first name in ``text`` that alone does not tell the region ("广西"), if no place
    that does is said with it ("广西南宁")."""
    found = [name for name in places() if name in text]
    if any(places()[name].settled for name in found):
        return None
    return next((name for name in sorted(found, key=len, reverse=True)), None)


def resolve_place(text: str) -> Optional[Place]:
    """The region of a place name, or None when it is none we know (→ national)."""
    return places().get(text.strip())


def settles_region(name: str) -> bool:
    """Whether naming this place tells the region (“广西” alone does not: 百色 or another city)."""
    place = resolve_place(name)
    return place is None or place.settled
