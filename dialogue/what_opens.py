"""What opens a level, and awards that open nothing more: said beside an answer when the
level asked is not open (“您问的副高级职称：…要取得高级技师后满4年”), when no grade was told,
and when an award told changes nothing (listed or not in the region's documents)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional

from bot.nlu.clauses import levels_named
from bot.nlu.lexicon import SERIES, SKILL_GRADE, TITLE, TITLE_LEVEL
from bot.nlu.normalise import assessment_failure_year
from rules_engine import answer_topic, clock, evaluate, vocabulary
from rules_engine.loader import short_name

from dialogue.replies import grade_words, skill_grade_asked, sources


def intro_for_the_level_asked(text: str, decision: Dict[str, Any], profile: Dict[str, Any]) -> Optional[str]:
    """What is said first about a level the message asks (held already, not open and why, a
    skill grade) — the chat's answer and the console's reply alike."""
    return (
        held_level_asked(text, profile)
        or level_asked_not_open(text, decision, profile.get("title_level"), profile.get("awards"), profile)
        or skill_grade_asked_not_open(text, decision, profile)
    )


def level_asked_not_open(
    text: str,
    decision: Dict[str, Any],
    held: Optional[str],
    awards: Optional[List[str]] = None,
    profile: Optional[Dict[str, Any]] = None,
) -> Optional[str]:
    """“能评正高吗” when no route of theirs leads to 正高: said so before the routes that do
    (with what opens that level; the awards they told are already counted)."""
    hopeful = {o["level"] for o in decision["options"] if o["kind"] == "title" and o["status"] != "ineligible"}
    promotion = _higher_title_asked(text, decision, held, profile or {})
    if promotion:
        return promotion
    asked = [level for level in levels_named(text, (TITLE, TITLE_LEVEL)) if level not in hopeful and level != held]
    if asked and profile:
        said = _title_bar_unshown(asked[0], decision, profile) or _open_to_their_grade(asked[0], decision, profile)
        if said:
            return said
    if not hopeful:
        return None  # the answer itself says no
    if not asked:
        return None
    region = decision.get("region") or "national"
    needs = grade_that_opens(asked[0], region) or awards_that_open(asked[0], region)
    hints = [needs] if needs else []
    # (an award that opens nothing here is spoken of by the idle-award note — review 10 K2)
    idle = awards_that_change_nothing(profile, decision) if profile and awards else []
    counted = [a for a in awards or [] if a not in idle]
    if counted:
        hints.append(f"您说的{'、'.join(counted)}在本地区通往的级别已算在下面")
    elif not awards:
        hints.append("如获得了文件列出的奖项，可告诉我奖项名称再算")
    settled = _something_open(decision)
    lead = "您可以申报的是：" if settled else "其他级别的情况："  # an undecided one is no “可以”
    return f"您问的{asked[0]}职称：按您目前说的情况，文件里没有对您开放的申报途径（{'；'.join(hints)}）。{lead}"


def _title_bar_unshown(level: str, decision: Dict[str, Any], profile: Dict[str, Any]) -> Optional[str]:
    """A title holder who is retired (or failed 考核 …) asks “能评中级职称吗” with no grade told:
    the decision has no title route to show the bar beside — said here (rules review 8 H1)."""
    if any(o["kind"] == "title" for o in decision["options"]) or any(
        "title" in b["applies_to"] for b in decision["blockers"]
    ):
        return None  # the answer says it
    bars = _title_bars(profile)
    if not bars:
        return None
    said = f"您问的{level}职称：⚠️ {bars[0]['explanation']}"
    needs = grade_that_opens(level, decision.get("region") or "national")
    if bars[0].get("until_year") and needs:  # a ban that ends: after it, still no route of theirs (review 9 J4)
        said += f"限制到期后，按贯通仍需技能等级：{needs}；由现有职称晋升不属于贯通，按所在系列评审的一般条件申报。"
    return said


def _open_to_their_grade(level: str, decision: Dict[str, Any], profile: Dict[str, Any]) -> Optional[str]:
    """“技师，能评助理级吗” with the years not told, under a ban that ends, or with 正高级 open
    by an award (the lower level is then not listed): the level asked is open to their grade
    — never “没有对您开放的申报途径” (rules review 8 H2, 9 J1)."""
    grade = profile.get("skill_grade")
    if not grade:
        return None
    base = {k: v for k, v in profile.items() if k != "awards"}
    told = "skill_years" in profile or "skill_grade_year" in profile
    unbanned = {k: v for k, v in base.items() if k not in TEMPORARY_BAN_FACTS}
    years = None if told else next((y for y in range(0, 31) if _option(unbanned, level, y, ("eligible",))), None)
    if not told and years is None:
        return None
    opened = _option(base, level, years, ("eligible", "not_yet"))
    if opened is None:
        return _open_to_a_lower_grade(level, decision, grade, unbanned) if told else None
    cited = sources(opened["citations"][:1])
    when = f"，最早{opened['earliest_year']}年起可申报" if opened["status"] == "not_yet" else ""
    lead = _lead_to_their_options(decision)
    if told:
        return f"您问的{level}职称：按您的{grade}{when or '也可申报'}（{cited}）；但您已可申报更高一级，通常按更高一级申报。{lead}"
    return (
        f"您问的{level}职称：取得{grade}后从事技术技能工作满{years}年可申报（{cited}）{when}；"
        f"您还没说取得{grade}多少年了，告诉我就能算。{lead}"
    )


def _open_to_a_lower_grade(level: str, decision: Dict[str, Any], grade: str, unbanned: Dict[str, Any]) -> Optional[str]:
    """“高级技师两年，能评中级吗”: 中级 is opened by 技师 and its years, which a 高级技师 may
    well have — said so, not “没有对您开放” (rules review 10 K1)."""
    grades = vocabulary.skill_grades()
    below = grades[: grades.index(grade)]
    lower = {k: v for k, v in unbanned.items() if k not in ("skill_years", "skill_grade_year")}
    for g in reversed(below):
        years = next((y for y in range(0, 11) if _option({**lower, "skill_grade": g}, level, y, ("eligible",))), None)
        if years is None:
            continue
        opened = _option({**lower, "skill_grade": g, "skill_years": years}, level, None, ("eligible",))
        lead = _lead_to_their_options(decision)
        return (
            f"您问的{level}职称：取得{g}后从事技术技能工作满{years}年可申报（{sources(opened['citations'][:1])}）；"
            f"您现有{grade}，如取得{g}已满{years}年，现在就可以申报{level}职称（通常按可申报的最高一级申报）。{lead}"
        )
    return None


# facts of a ban that ends (百色 第七条（二）): the years a grade needs are found without them
TEMPORARY_BAN_FACTS = ("fraud_count", "fraud_year")


def _option(profile: Dict[str, Any], level: str, years: Optional[int], statuses: tuple) -> Optional[Dict[str, Any]]:
    probe = profile if years is None else {**profile, "skill_years": years}
    return next(
        (
            o
            for o in evaluate(probe)["options"]
            if o["kind"] == "title" and o["level"] == level and o["status"] in statuses
        ),
        None,
    )


def _higher_title_asked(
    text: str, decision: Dict[str, Any], held: Optional[str], profile: Dict[str, Any]
) -> Optional[str]:
    """“我是工程师，想评高工”: a title above the one held that no 贯通 route of theirs reaches.
    Title to title is not 贯通 (the series' ordinary conditions): said first, with the grade
    that would open it by 贯通, before the routes that are theirs (the skill grades). Not said
    when a route of theirs reaches that level or higher, open or not (their answer says why),
    nor under a bar on titles (ordinary 评审 is no way round it) — rules review 7 F1."""
    if not held:
        return None
    rank = vocabulary.title_levels().index
    reached = [o["level"] for o in decision["options"] if o["kind"] == "title"]
    asked = [
        level
        for level in levels_named(text, (TITLE, TITLE_LEVEL))
        if rank(level) > rank(held) and not any(rank(r) >= rank(level) for r in reached)
    ]
    if not asked:
        return None
    title_bars = _title_bars(profile)
    series_bar = next((b for b in title_bars if b["code"] == SERIES_OUT_OF_SCOPE), None)
    if any(b is not series_bar for b in title_bars):
        return None
    region = decision.get("region") or "national"
    said = f"您问的{asked[0]}职称：{answer_topic('promotion_by_title', region)[0]['text']}"
    needs = grade_that_opens(asked[0], region)
    if series_bar:
        said += (
            f"另外，{profile['series']}系列不在贯通的职称系列内（{sources(series_bar['citations'][:1])}），"
            "凭技能等级也不能申报该系列职称。"
        )
    elif needs and profile.get("skill_grade"):
        said += f"按贯通，{needs}。"
    elif needs:
        said += f"如果您有技能等级，也可以按贯通申报：{needs}，可以告诉我您的技能等级再算。"
    first = next((o for o in decision["options"] if o["status"] != "ineligible"), None)
    if first is not None and first["status"] in ("eligible", "not_yet"):
        said += "按贯通政策，您可以申报的是："
    return said


def held_level_asked(text: str, profile: Dict[str, Any]) -> Optional[str]:
    """“我是工程师，想评助理工程师” / “我是高级工，能评高级工吗”: a level at or below one they
    hold is nothing to apply for — said first, so the answer's other levels do not read as a
    reply to it (rules review 7 F4). A same-level title of another series they name (百色
    第七条（五）) is a real question, left to the answer."""
    notes = []
    held_title, held_grade = profile.get("title_level"), profile.get("skill_grade")
    titles, grades = vocabulary.title_levels(), vocabulary.skill_grades()
    other_series = bool(levels_named(text, (SERIES,)))
    for level in levels_named(text, (TITLE, TITLE_LEVEL), wanted_only=True):
        if held_title and (
            titles.index(level) < titles.index(held_title) or (level == held_title and not other_series)
        ):
            notes.append(f"您问的{level}职称：您已取得{held_title}职称{_above(held_title, level)}，不用再申报{level}。")
    for grade in levels_named(text, (SKILL_GRADE,), wanted_only=True):
        if held_grade and grades.index(grade) <= grades.index(held_grade):
            notes.append(
                f"您问的{grade_words(grade)}：您已取得{grade_words(held_grade)}{_above(held_grade, grade)}，"
                "同一职业（工种）不用再考这一级。"
            )
    return "".join(notes[:1]) or None


def skill_grade_asked_not_open(text: str, decision: Dict[str, Any], profile: Dict[str, Any]) -> Optional[str]:
    """“技师，能考高级技师吗”: a grade above theirs that no option of theirs is — a title holder
    hears which title goes with it (《实施意见》二（四）, 百色 第十五条); someone without a title,
    that the documents give no grade-to-grade conditions (rules review 8 H4)."""
    held = profile.get("skill_grade")
    grades = vocabulary.skill_grades()
    skills = [o for o in decision["options"] if o["kind"] == "skill"]
    asked = [
        g
        for g in levels_named(text, (SKILL_GRADE,), wanted_only=True)
        # (an option for it, open or not, leads the answer: it is said there — review 9 J2)
        if not any(o["level"] == g for o in skills) and not (held and grades.index(g) <= grades.index(held))
    ]
    if not asked:
        return None
    settled = _something_open(decision)
    lead = "按贯通，您可以申报的是：" if settled else ""
    if profile.get("title_level"):
        # (the intro lists what they may take: no second lead before the same lines — review 9 J6)
        return f"您问的{grade_words(asked[0])}：{skill_grade_asked(asked[0], profile)[0].rstrip('。')}。"
    if skills:
        return None  # a route without a title (百色 第十七条) is in the answer (review 9 J5)
    return (
        f"您问的{grade_words(asked[0])}：贯通文件没有给技能人才规定技能等级本身的晋级条件（《实施意见》二（四）"
        "只在专业技术人才参加技能评价处写到取得职业资格或职业技能等级1年后可按累计工作年限申报晋级评价），"
        f"请咨询当地人社部门或拨打{vocabulary.HOTLINE}。{lead}"
    )


def assessment_bar_end(said: List[str], profile: Dict[str, Any], decision: Dict[str, Any]) -> Optional[str]:
    """“去年考核不合格”: the bar's end year, which a yes/no fact cannot hold — said beside the
    answer that rests on it, as the assistant reads “从申报当年往前推算，3年内” (explore13/14 M3)."""
    bar = next((b for b in decision["blockers"] if b["code"] == "assessment_failed"), None)
    if profile.get("assessment_ok") is not False or bar is None:
        return None
    years = [y for y in (assessment_failure_year(text) for text in said) if y is not None]
    if not years:
        return None
    year = max(years)
    return (
        f"按本助手的理解，{sources(bar['citations'][:1])}说的3年是申报当年之前的3个年度：您说的{year}年考核不合格，"
        f"影响到{year + 3}年的申报；{year + 4}年起（此后年度考核都合格的话）不再受这一条限制。"
    )


def failure_before_the_window(said: List[str], profile: Dict[str, Any]) -> Optional[int]:
    """The year of a failed 考核 told, when the application year told is 4 or more years
    after it: 近3年 counted back from then no longer holds it (#58). None otherwise."""
    years = [y for y in (assessment_failure_year(text) for text in said) if y is not None]
    return max(years) if years and failure_lapsed(max(years), profile) else None


def failure_lapsed(year: Optional[int], profile: Dict[str, Any]) -> bool:
    """A failed 考核 of ``year`` no longer bars the application year of ``profile`` (#58):
    the chat (failure_before_the_window) and the console (its noted year) alike."""
    applying = profile.get("application_year")
    return bool(year and applying and profile.get("assessment_ok") is False and applying >= year + 4)


def lapsed_failure_note(year: int, profile: Dict[str, Any]) -> str:
    return (
        f"按本助手的理解，“近3年年度考核合格”从申报当年往前数3个年度：您说的{year}年考核不合格，"
        f"到{profile['application_year']}年申报时已不在这3年内，以上按不受这一条限制答复（此后年度考核都合格的话）。"
    )


def _lead_to_their_options(decision: Dict[str, Any]) -> str:
    """After an intro on the level asked: “您可以申报的是” only when something is open."""
    return "按目前说的情况，您可以申报的是：" if _something_open(decision) else ""


def _something_open(decision: Dict[str, Any]) -> bool:
    """An option open now or from a year: only then does a lead say “您可以申报的是”."""
    return any(o["status"] in ("eligible", "not_yet") for o in decision["options"])


def _above(held: str, asked: str) -> str:
    return "" if held == asked else f"（高于{asked}）"


SERIES_OUT_OF_SCOPE = "series_out_of_scope"


def _title_bars(profile: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The blockers on title 评审 of theirs (考核, 退休, 处分 …, or a series outside the
    bridging scope: 二（一）, 百色 第六条): probed with a route to a title open, since the
    decision shows a bar only beside the options it closes."""
    probe = {**profile, "skill_grade": vocabulary.skill_grades()[-1], "skill_years": 30}
    probe.pop("skill_grade_year", None)
    return [b for b in evaluate(probe)["blockers"] if "title" in b["applies_to"]]


def grade_not_told_hint(profile: Dict[str, Any], decision: Dict[str, Any]) -> Optional[str]:
    """“高级工班毕业…在校拿过大赛奖，能直接评中级吗” with the award route closed: said with
    the answer, that a grade (which they most likely hold) opens the ordinary routes."""
    if profile.get("skill_grade") or profile.get("title_level") or not decision["options"]:
        return None
    if any(o["status"] != "ineligible" for o in decision["options"]):
        return None
    region = profile.get("region") or "national"
    routes = [r for r in (grade_that_opens("助理级", region), grade_that_opens("中级", region)) if r]
    return (
        f"您还没说技能等级：如果有，请告诉我是哪一级、哪年取得的，我再按一般条件算（{'；'.join(routes)}）。"
        if routes
        else None
    )


def top_grade_note(profile: Dict[str, Any], decision: Dict[str, Any], text: str = "") -> Optional[str]:
    """“高级技师、副高，还能考啥”, “高级技师…还能考什么技能等级”: the title answer says what is
    left on that side; the skill side has nothing above the grade they hold, which is said too."""
    grade = profile.get("skill_grade")
    asked_skill = bool(re.search(r"技能等级|技能证|考什么证|考啥证|技能这边", text))
    if grade != vocabulary.skill_grades()[-1] or not (profile.get("title_level") or asked_skill):
        return None
    if not decision["options"]:
        return None
    if any(o["kind"] == "skill" for o in decision["options"]):
        return None
    return f"技能等级最高就是{grade_words(grade)}，您已经取得。"


@lru_cache(maxsize=None)
def grade_that_opens(title_level: str, region: str) -> Optional[str]:
    """“副高级职称要取得高级技师后满4年（《实施意见》二（二）1）”: the lowest grade whose
    ordinary route leads to the title level, and the years it takes."""
    for grade in vocabulary.skill_grades():
        for years in range(0, 11):
            decision = evaluate({"region": region, "skill_grade": grade, "skill_years": years})
            opened = [
                o
                for o in decision["options"]
                if o["kind"] == "title"
                and o["level"] == title_level
                and o["status"] == "eligible"
                and o["path"] == "regular"
            ]
            if opened:
                return f"{title_level}职称要取得{grade}后从事技术技能工作满{years}年（{sources(opened[0]['citations'][:1])}）"
    return None


@lru_cache(maxsize=None)
def awards_that_open(title_level: str, region: str) -> Optional[str]:
    """“正高级职称在本地区只能凭…直接申报（《百色市实施细则》第十条）”: where no grade opens
    the level, the awards of the region's green channel that do, with their article."""
    base = {"region": region, "skill_grade": vocabulary.skill_grades()[-1], "skill_years": 30}
    opened = [
        (award, option)
        for award in vocabulary.awards()
        for option in evaluate({**base, "awards": [award]})["options"]
        if option["kind"] == "title" and option["level"] == title_level and option["status"] == "eligible"
    ]
    if not opened:
        return None
    names = list(dict.fromkeys(award for award, _ in opened))
    listed = "、".join(names[:4]) + ("等" if len(names) > 4 else "")
    # (each article that opens it: 百色 第十条 and, since #28, 《实施意见》二（二）3 — review 10 K7)
    cited = sources(list({str(o["citations"][0]): o["citations"][0] for _, o in opened}.values()))
    return f"{title_level}职称在本地区只能凭{listed}奖项直接申报（{cited}）"


def awards_that_change_nothing(profile: Dict[str, Any], decision: Dict[str, Any]) -> List[str]:
    """Awards told whose absence would leave every option as it is (“广西技术能手” in 柳州,
    where the national text does not list it): the user expects to hear about them."""

    def outcome(d: Dict[str, Any]) -> set:
        return {(o["kind"], o["level"], o["status"], o["path"]) for o in d["options"]}

    awards = profile.get("awards") or []
    return [
        award
        for award in awards
        if outcome(evaluate({**profile, "awards": [a for a in awards if a != award]})) == outcome(decision)
    ]


def idle_awards_note(awards: List[str], region: str) -> str:
    """Why an award told changes nothing: the region's documents do not list it, or they do
    and the level it leads to is no higher than theirs (held, or open by the ordinary route)."""
    docs = "和".join(short_name(doc) for doc in dict.fromkeys([region, "national"]))
    listed = [a for a in awards if award_listed(a, region)]
    unlisted = [a for a in awards if a not in listed]
    parts = []
    if unlisted:
        parts.append(f"您说的{'、'.join(unlisted)}，不在{docs}列出的可直接申报或破格申报的奖项中")
    if listed:
        parts.append(
            f"{'您说的' if not unlisted else ''}{'、'.join(listed)}是文件列出的奖项，但按您的情况不改变可申报的级别"
            "（它通往的级别您已经取得或已可按一般条件申报，或其条件不满足）"
        )
    return "；".join(parts) + "。以下按一般条件答复。"


@lru_cache(maxsize=None)
def award_listed(award: str, region: str) -> bool:
    """Whether any route of the region (or the national text it follows) opens something
    to someone with this award that it would not open without: a level, or a sooner year."""
    school = {"skill_school_class": "预备技师班", "graduation_year": clock.current_year(), "stayed_in_region": True}
    probes = [
        {"skill_grade": g, "skill_years": 0, **extra} for g in vocabulary.skill_grades() for extra in ({}, school)
    ]
    probes += [{"title_level": level} for level in vocabulary.title_levels()]
    for probe in probes:
        profile = {"region": region, **probe}
        with_award = {(o["kind"], o["level"], o["status"]) for o in evaluate({**profile, "awards": [award]})["options"]}
        if with_award != {(o["kind"], o["level"], o["status"]) for o in evaluate(profile)["options"]}:
            return True
    return False
