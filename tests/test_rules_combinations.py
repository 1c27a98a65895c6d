"""How rules combine (outside review 4): invariants read from the three policy texts and
checked through the public `evaluate` over grids of grade × years × title × awards × bars.

Each expectation below is written from the texts, not from the engine's data:
- bars: 百色 第七条（一）–（四） bar 职称, 第十三条（二）/第十四条 bar 技能评价; 《实施意见》
  二（二）1 (近3年考核, 现工作岗位) bars 职称 only and nothing else bars in 全国/内蒙古;
- awards: 《实施意见》二（二）3, 《内蒙古通知》二（四）, 百色 第十条 (readings #5–#10, #28);
- 技工院校 classes: 《内蒙古通知》二（二）, 百色 第八条 (readings #21, #32).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

import pytest

from rules_engine import clock, evaluate, vocabulary

REGIONS = ("national", "nei_mongol", "baise")
GRADES = (None, "初级工", "中级工", "高级工", "技师", "高级技师")
TITLES = (None, "助理级", "中级", "副高级", "正高级")
YEARS = (None, 0, 1, 2, 3, 4, 6)

BARS: Dict[str, Dict[str, Any]] = {
    "assess": {"assessment_ok": False},
    "retired": {"retired": True},
    "invest": {"under_investigation": True},
    "demerit": {"demerit_punishment": True},
    "integrity": {"integrity_record": True},
    "fraud_2024": {"fraud_count": 1, "fraud_year": 2024},
    "fraud_over": {"fraud_count": 1, "fraud_year": 2023},
    "fraud_year_only": {"fraud_year": 2025},
    "fraud_twice": {"fraud_count": 2, "fraud_year": 2020},
}
PAIRS = (("retired", "fraud_2024"), ("assess", "integrity"), ("demerit", "invest"), ("fraud_2024", "invest"))
for _a, _b in PAIRS:
    BARS[f"{_a}+{_b}"] = {**BARS[_a], **BARS[_b]}

# bar → {kind: (first free year or None, articles cited)} as the texts say (year 2026)
BAISE_BARS = {
    "assess": {"title": (None, ["第七条（一）"]), "skill": (None, ["第十三条（二）"])},
    "retired": {"title": (None, ["第七条（四）"])},
    "invest": {"title": (None, ["第七条（三）"]), "skill": (None, ["第十四条（二）"])},
    "demerit": {"title": (None, ["第七条（三）"]), "skill": (None, ["第十四条（一）"])},
    "integrity": {"skill": (None, ["第十四条（三）"])},
    "fraud_2024": {"title": (2027, ["第七条（二）"])},
    "fraud_over": {},
    "fraud_year_only": {"title": (2028, ["第七条（二）"])},
    "fraud_twice": {"title": (None, ["第七条（二）"])},
}
ELSEWHERE_BARS = {"assess": {"title": (None, ["二（二）1"])}, "retired": {"title": (None, ["二（二）1"])}}


def expected_bars(region: str, name: str) -> Dict[str, Tuple[Optional[int], List[str]]]:
    out: Dict[str, Tuple[Optional[int], List[str]]] = {}
    for part in name.split("+"):
        table = BAISE_BARS if region == "baise" else ELSEWHERE_BARS
        for kind, (until, arts) in table.get(part, {}).items():
            if kind in out:
                old, old_arts = out[kind]
                out[kind] = (None if old is None or until is None else max(old, until), old_arts + arts)
            else:
                out[kind] = (until, list(arts))
    return out


def profile(region, grade=None, years=None, title=None, awards=(), grade_year=False, **extra) -> Dict[str, Any]:
    p: Dict[str, Any] = {"region": region}
    if grade:
        p["skill_grade"] = grade
        if years is not None:
            if grade_year:
                p["skill_grade_year"] = clock.current_year() - years
            else:
                p["skill_years"] = years
    if title:
        p["title_level"] = title
    if awards:
        p["awards"] = list(awards)
    p.update(extra)
    return p


def options(d, kinds=("title", "skill")):
    return sorted(
        (o["kind"], o["level"], o["status"], o["path"], o["earliest_year"]) for o in d["options"] if o["kind"] in kinds
    )


def eligible(d) -> set:
    return {(o["kind"], o["level"]) for o in d["options"] if o["status"] == "eligible"}


def eligible_routes(d) -> set:
    return {(o["kind"], o["level"], o["path"]) for o in d["options"] if o["status"] == "eligible"}


def _base_grid():
    for region, grade, years, title in itertools.product(REGIONS, GRADES, YEARS, TITLES):
        if grade is None and years is not None:
            continue
        yield region, grade, years, title


@lru_cache(maxsize=1)
def bar_grid():
    out = {}
    for region, grade, years, title in _base_grid():
        for bar in (None, *BARS):
            p = profile(region, grade, years, title, grade_year=True, **(BARS[bar] if bar else {}))
            out[(region, grade, years, title, bar)] = (p, evaluate(p))
    return out


def test_each_bar_closes_exactly_the_direction_its_article_closes():
    problems = []
    for (region, grade, years, title, bar), (p, d) in bar_grid().items():
        if bar is None:
            continue
        base = bar_grid()[(region, grade, years, title, None)][1]
        barred = expected_bars(region, bar)
        for kind in ("title", "skill"):
            if kind not in barred:
                if options(base, (kind,)) != options(d, (kind,)) or any(kind in b["applies_to"] for b in d["blockers"]):
                    problems.append((p, f"{kind} changed though no text bars it"))
                continue
            until, articles = barred[kind]
            mine = [o for o in d["options"] if o["kind"] == kind]
            for o in mine:
                if until is None and o["status"] != "ineligible":
                    problems.append((p, f"{kind} {o['level']} {o['status']} under a bar without end"))
                if until is not None and (
                    o["status"] == "eligible" or (o["status"] == "not_yet" and o["earliest_year"] < until)
                ):
                    problems.append((p, f"{kind} {o['level']} {o['status']} {o['earliest_year']} before {until}"))
            cited = {c["article"] for b in d["blockers"] if kind in b["applies_to"] for c in b["citations"]}
            if mine and not set(articles) <= cited:
                problems.append((p, f"{kind}: blockers cite {sorted(cited)}, the texts say {articles}"))
    assert not problems, problems[:5]


def test_a_not_yet_year_is_the_first_application_year_that_opens_the_level():
    """Applying in earliest_year (same certificate year) opens the option's route; a year
    before does not. (By level alone this fails today: 百色 高级技师 0 years + 广西技术能手 +
    a fraud finding of 2024 is told 副高级 “2030” by 第八条 beside “2027” by 第十条.)"""
    problems = []
    awards_cases = ((), ("中华技能大奖",), ("广西技术能手",), ("全区技术能手",))
    for key, (p, d) in bar_grid().items():
        if key[-1] not in (None, "fraud_2024", "fraud_year_only", "retired+fraud_2024"):
            continue
        for awards in awards_cases:
            q = dict(p, awards=list(awards)) if awards else p
            dq = evaluate(q) if awards else d
            for o in dq["options"]:
                if o["status"] != "not_yet":
                    continue
                key = (o["kind"], o["level"], o["path"])
                if key not in eligible_routes(evaluate(dict(q, application_year=o["earliest_year"]))):
                    problems.append((q, f"{key} not_yet {o['earliest_year']} but closed then"))
                if o["earliest_year"] - 1 > clock.current_year():
                    if key in eligible(evaluate(dict(q, application_year=o["earliest_year"] - 1))):
                        problems.append((q, f"{key} not_yet {o['earliest_year']} but open a year earlier"))
    assert not problems, problems[:5]


def test_more_years_never_close_what_fewer_years_opened():
    problems = []
    grid = bar_grid()
    for (region, grade, years, title, bar), (p, d) in grid.items():
        if years is None or years == YEARS[-1]:
            continue
        later = grid[(region, grade, YEARS[YEARS.index(years) + 1], title, bar)][1]
        if not eligible(d) <= eligible(later):
            problems.append((p, f"lost {eligible(d) - eligible(later)}"))
    assert not problems, problems[:5]


def test_local_documents_change_only_what_they_say():
    """Without awards or 技工院校 facts: 内蒙古 adds nothing to the national routes or bars;
    百色 restates the same years and levels (第八条, 第十五条) and differs only by its bars."""
    problems = []
    grid = bar_grid()
    for (region, grade, years, title, bar), (p, d) in grid.items():
        national = grid[("national", grade, years, title, bar)][1]
        if region == "nei_mongol" and options(d) != options(national):
            problems.append((p, f"{options(d)} vs national {options(national)}"))
        # (百色 第十六条 adds one: a grade held before the title, the title's grade without years)
        by_title = [o for o in options(d) if not (o[0] == "skill" and o[3] == "exception" and grade and title)]
        if region == "baise" and bar in (None, "retired") and by_title != options(national):
            problems.append((p, f"{options(d)} vs national {options(national)}"))
    assert not problems, problems[:5]


def test_title_years_and_the_form_of_the_grade_years_change_nothing():
    """No text counts years since the title; skill_years N ≡ skill_grade_year (this year − N)."""
    problems = []
    for region, grade, years, title in _base_grid():
        p = profile(region, grade, years, title)
        d = evaluate(p)
        if title and options(evaluate(dict(p, title_years=7))) != options(d):
            problems.append((p, "title_years changed the decision"))
        if years is not None and options(evaluate(profile(region, grade, years, title, grade_year=True))) != options(d):
            problems.append((p, "skill_grade_year differs from skill_years"))
    assert not problems, problems[:5]


TOP, DEPUTY, MID = "正高级", "副高级", "中级"
NATIONAL_GREEN = {
    "中华技能大奖",
    "全国技术能手",
    "国家级技能大师工作室带头人",
    "国务院政府特殊津贴",
    "省级政府特殊津贴",
    "高精尖缺高技能人才",
}
WORLD = {"世界技能大赛金牌", "世界技能大赛银牌", "世界技能大赛铜牌"}
STUDENT = {"国家级一类大赛三等奖以上", "国家级二类竞赛前六名", "自治区级一类大赛前三名"}


UNNAMED_LOCALLY = {"省级政府特殊津贴", "高精尖缺高技能人才"}  # #28: the national rule, in every region


def green_levels(region: str, award: str) -> set:
    if region == "national" or award in UNNAMED_LOCALLY:
        return {TOP, DEPUTY} if award in NATIONAL_GREEN else set()
    if region == "nei_mongol":  # 二（四）
        if award in WORLD | {"中华技能大奖", "国务院政府特殊津贴"}:
            return {TOP}
        if award in {
            "全国技术能手",
            "自治区技师高级技师突出贡献奖",
            "省级技能大师工作室带头人",
            "国家级技能大师工作室带头人",
        }:
            return {DEPUTY}
        return {MID} if award in STUDENT | {"全区技术能手"} else set()
    if award in WORLD | {
        "世界技能大赛优胜奖",
        "中华技能大奖",
        "全国技术能手",
        "国家级技能大师工作室带头人",
        "国务院政府特殊津贴",
    }:
        return {TOP}  # 第十条, first sentence (#6: 优胜奖 is 获奖)
    if award in {
        "广西技能大奖",
        "广西技术能手",
        "省级技能大师工作室带头人",
        "全国职业技能大赛金牌",
        "全国职业技能大赛银牌",
        "全国职业技能大赛铜牌",
        "全区技术能手",
        "自治区技师高级技师突出贡献奖",
    }:
        return {DEPUTY}  # 第十条, second sentence, 区外同类省级成就 (#5)
    return set()


def test_awards_open_exactly_the_levels_their_article_names_in_that_region():
    problems = []
    for region, award, title in itertools.product(REGIONS, vocabulary.awards(), TITLES):
        p = profile(region, "高级工", 0, title, awards=[award], graduation_year=clock.current_year() - 2)
        d = evaluate(p)
        want = {
            lv
            for lv in green_levels(region, award)
            if not title or vocabulary.level_rank("title", lv) > vocabulary.level_rank("title", title)
        }
        got = {o["level"] for o in d["options"] if o["kind"] == "title" and o["path"] == "green_channel"}
        if got != want:
            problems.append((p, f"green levels {sorted(got)}, the texts give {sorted(want)}"))
        if any(o["status"] != "eligible" for o in d["options"] if o["path"] == "green_channel"):
            problems.append((p, "a green channel the texts open is not eligible"))
        barred = evaluate(dict(p, retired=True))
        if any(o["status"] != "ineligible" for o in barred["options"] if o["kind"] == "title"):
            problems.append((p, "retired, yet a title option is not ineligible"))
    assert not problems, problems[:5]


def test_school_classes_count_as_the_degree_the_local_article_names():
    equivalents = {"中级工班": "中专", "高级工班": "大专", "预备技师班": "本科"}
    problems = []
    for region, cls, grade in itertools.product(REGIONS, (None, *equivalents), GRADES):
        p = (
            profile(region, grade, 3, skill_school_class=cls, graduation_year=2020)
            if cls
            else profile(region, grade, 3)
        )
        got = evaluate(p).get("education_equivalent")
        want = None
        if cls and (region == "baise" or (region == "nei_mongol" and grade not in ("初级工", "中级工"))):
            want = equivalents[cls]
        if (got or {}).get("level") != want:
            problems.append((p, f"{got} expected {want}"))
        if got:
            article = ("baise", "第八条") if region == "baise" else ("nei_mongol", "二（二）")
            if article not in {(c["doc"], c["article"]) for c in got["citations"]}:
                problems.append((p, f"cites {got['citations']}"))
    assert not problems, problems[:5]


def test_no_hint_sends_anyone_to_a_title_they_hold():
    """“现在就可以先申报中级职称” said to a 中级 holder (review 4, V1): a level held is
    never offered, and neither is it suggested in the words of another option."""
    levels = vocabulary.title_levels()
    for (region, grade, years, title, bar), (_, d) in bar_grid().items():
        if not title:
            continue
        at_or_below = levels[: levels.index(title) + 1]
        for o in d["options"]:
            for level in at_or_below:
                assert f"现在就可以先申报{level}职称" not in o["explanation"], (region, grade, years, title, bar)


def test_one_level_by_two_routes_leads_with_the_sooner():
    """百色 高级技师 0 years, 广西技术能手, fraud found in 2024: 副高级 by 第十条 in 2027 comes
    before 副高级 by 第八条 in 2030 (review 4, V2)."""
    for region in REGIONS:
        for grade, years in itertools.product(GRADES[1:], YEARS[1:]):
            for award in vocabulary.awards():
                d = evaluate(profile(region, grade, years, awards=[award], fraud_count=1, fraud_year=2024))
                seen: Dict[Tuple[str, str, str], int] = {}
                for o in d["options"]:
                    key = (o["kind"], o["level"], o["status"])
                    if o["status"] == "not_yet" and key in seen:
                        assert seen[key] <= o["earliest_year"], (region, grade, years, award, d["options"])
                    seen.setdefault(key, o["earliest_year"] or 0)


def test_a_lower_level_that_opens_when_a_ban_ends_is_offered_for_that_year():
    """Review 4, V3: 百色 技师 got this year, 弄虚作假 found in 2025 (ban until 2028, 第七条（二））:
    助理级 opens in 2028 (第八条: 高级工 + 2 years, counted from the higher grade, #24), not
    only 中级 in 2029."""
    d = evaluate(profile("baise", "技师", 0, grade_year=True, fraud_year=2025))
    assert ("title", "助理级", "not_yet", "regular", 2028) in options(d)
    assert ("title", "中级", "not_yet", "regular", 2029) in options(d)
    d = evaluate(profile("baise", "高级技师", 0, "助理级", grade_year=True, fraud_count=1, fraud_year=2026))
    assert ("title", "中级", "not_yet", "regular", 2029) in options(d)


def test_an_option_open_when_a_ban_ends_carries_the_premises_of_the_others():
    """Review 5, N1/N2: the option added for the ban's end year says the same premises (考核, 退休,
    系列, 处分, 立案) as its siblings, and no shortfall it cannot know."""
    d = evaluate(profile("baise", "技师", 0, grade_year=True, fraud_year=2025))
    by_level = {o["level"]: o for o in d["options"]}
    facts = {a["fact"] for a in by_level["中级"]["assumptions"]}
    assert facts and facts <= {a["fact"] for a in by_level["助理级"]["assumptions"]}
    assert "还差" not in by_level["助理级"]["explanation"]


@pytest.mark.parametrize("region", ["national", "baise", "nei_mongol"])
@pytest.mark.parametrize("years", [None, 0, 12])
def test_the_premise_on_working_years_stays_whatever_number_is_stated(region, years):
    """二（四）: "累计工作年限达到申报条件的" — no document gives the number, so a stated number
    cannot settle it: the premise is kept, with the number (rules review 6 G2)."""
    profile = {"region": region, "title_level": "中级"}
    if years is not None:
        profile["professional_years"] = years
    skill = [o for o in evaluate(profile)["options"] if o["kind"] == "skill" and o["status"] == "eligible"]
    assert skill, profile
    for o in skill:
        if years is None:
            assert "您说的累计" not in o["explanation"]
            assert "累计工作年限达到申报条件" in o["explanation"]
        elif years == 0:
            assert "累计工作年限达到所报职业（工种）的申报条件（您说的是0年，请按申报条件核对）" in o["explanation"]
        else:
            assert f"您说的累计工作年限（{years}年）达到所报职业（工种）的申报条件" in o["explanation"]


@pytest.mark.parametrize(
    "extra, asked",
    [
        ({}, True),  # 第十七条（二） may open a skill evaluation: the degree decides
        ({"integrity_record": True}, False),  # 第十四条（三） closes the skill direction
        ({"title_level": "助理级", "assessment_ok": False}, False),  # 第十三条（二）
        ({"skill_grade": "高级技师", "skill_years": 5}, False),  # the top grade is held
    ],
)
def test_a_further_route_s_fact_is_asked_only_when_an_answer_could_open_it(extra, asked):
    """百色 海外人才: the degree opens only 第十七条（二）'s skill evaluation — not worth asking
    when a bar with no end closes that direction or nothing higher is left (review 6 G4)."""
    decision = evaluate({"region": "baise", "overseas_talent": True, **extra})
    assert ("degree" in decision["missing"]) is asked, decision["missing"]


def test_a_grade_is_still_asked_when_a_bar_closes_only_the_skill_direction():
    """百色 第十四条（三） (诚信档案) closes skill evaluation only: a grade could still open a
    title (技师 满3年 → 中级, 第八条), so it stays in `missing` (rules review 7 F2)."""
    decision = evaluate({"region": "baise", "title_level": "助理级", "integrity_record": True})
    assert "skill_grade" in decision["missing"]
    both_closed = evaluate({"region": "baise", "title_level": "助理级", "assessment_ok": False})
    assert "skill_grade" not in both_closed["missing"]  # 第七条（一） and 第十三条（二）: both directions


@pytest.mark.parametrize(
    "lasting",
    [{"retired": True}, {"series": "卫生"}, {"assessment_ok": False}],
)
def test_a_ban_that_ends_beside_a_bar_that_does_not_promises_no_year(lasting):
    """Rules review 8 H5: “2027年起可再申报” had been said to a retired applicant (第七条（四）)."""
    profile = {"region": "baise", "skill_grade": "高级技师", "skill_years": 6, "fraud_count": 1, "fraud_year": 2024}
    decision = evaluate({**profile, **lasting})
    said = " ".join([o["explanation"] for o in decision["options"]] + [b["explanation"] for b in decision["blockers"]])
    assert "起可再申报" not in said and "起方可申报" not in said
    assert "该限制2027年到期" in said
    alone = evaluate(profile)  # the ban alone: its year is the answer
    assert "2027年起可再申报" in " ".join(b["explanation"] for b in alone["blockers"])


def test_half_a_year_short_is_said_as_half_a_year():
    """Rules review 8 H11: “1.5年（要求满2年）。还差1年。” — the year to wait, not the gap."""
    said = evaluate({"region": "baise", "skill_grade": "高级工", "skill_years": 1.5})["options"][0]["explanation"]
    assert "还差0.5年" in said
    said = evaluate({"region": "baise", "skill_grade": "高级工", "skill_years": 1})["options"][0]["explanation"]
    assert "还差1年" in said
