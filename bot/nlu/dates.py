"""Numbers, durations and calendar years, each attached to the fact of its own clause.

* **Numbers** are read with ``cn2an`` ("十二"→12, "两"→2); the domain's colloquial forms
  are handled around it: "3年多"→3, "两年半"→2.5, "七八年"→7 (lower bound, the
  conservative reading), "十几年"→10, "半年"→0.5, "18个月"→1.5.
* **Which years?**  A duration becomes ``professional_years`` when its clause talks about
  专业技术工作; ``title_years`` when its clause talks about a held title (职称, 评上, a title
  name) or the nearest earlier fact is a title; otherwise ``skill_years`` (拿证/干了/
  技师两年 …).  Durations that are not the applicant's record are ignored: "近三年考核",
  "再干一年", "还差一年", "三年内", "需要几年", and clauses about 退休/毕业/处分/造假.
  "X年前" is a calendar year.
* **Calendar years** ("2019年拿的", "19年考的", "二〇一九年", "去年", "前年", "今年刚考",
  "五年前") are resolved against today's date and become ``skill_grade_year`` – or
  ``graduation_year`` (毕业), ``fraud_year`` (造假), ``title_years`` (= this year − year,
  when the clause is about a title) and ``application_year`` for future years.  A year said
  in a clause about another fact ("去年被记过", "前年考核没合格") belongs to that fact and
  sets no grade year.

Which fact a time is said with (and so which of these keys it feeds) is asked of
:mod:`bot.nlu.time_anchors`; this module reads the times and makes the facts.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, List, Optional, Sequence, Tuple

import cn2an

from bot.nlu.clauses import Fact
from bot.nlu.spans import clause_before, clause_bounds, ends_negated
from bot.nlu.lexicon import LEVEL_LABELS, SKILL_GRADE, Mention
from bot.nlu.time_anchors import OVERSEAS, PROFESSIONAL, clause_has_held, said_with, years_kind

_RANGE_DIGITS = "一二三四五六七八九"


def parse_number(s: str) -> Optional[float]:
    """Chinese or Arabic numeral → number (cn2an), with colloquial ranges: 七八→7, 十几→10."""
    if not s:
        return None
    s = s.strip()
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return float(s)
    if (
        len(s) == 2
        and s[0] in _RANGE_DIGITS
        and s[1] in _RANGE_DIGITS
        and _RANGE_DIGITS.index(s[1]) == _RANGE_DIGITS.index(s[0]) + 1
    ):
        return float(_RANGE_DIGITS.index(s[0]) + 1)  # 七八 → 7
    s = re.sub(r"[几来]$", "", s)  # 十几 → 十, 十来 → 十
    if not s or "几" in s or "来" in s:
        return None
    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):  # cn2an refuses odd digit mixes ("二二十")
        return None


def num_out(x: float) -> Any:
    x = round(float(x), 2)
    return int(x) if x == int(x) else x


_DURATION = re.compile(
    # (a count begins with a digit: “考下来五年了” is not “来五”)
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百几][零〇一二两三四五六七八九十百几来]*)"
    r"(?P<more1>多)?[ \t\u3000]?(?P<unit>个多月|个半月|个月|年)(?P<half>半)?(?P<more2>多)?"
    r"|(?P<halfyear>半年)"
)
_DUR_SKIP_BEFORE = re.compile(
    r"(近|最近|再|又|还要|还差|还得|还需|还需要|需要|要求|需|要|差|满足|每|第|离|距|距离|头|过去|这|那|隔|不到|不满|够|够了"
    # (not “工程师当了两年半”: 当 of a post held; “这个5年”: the one asked about)
    r"|同|(?<!师)当|交了?|缴了?|缴费|交费|上了|这个|那个)"
    r"(满|干|工作|做|有|了|等|过|待)?$"
)
_DUR_SKIP_AFTER = re.compile(r"^(内|以内|之内|以上|以后|后|之后|期间|时间|才能|就能|才可以|才行)")
# "干了六年", "从事技术工作八年": years of work, whatever fact is said next
_WORKED = re.compile(r"(干|做|工作|从事[^，。,;；]{0,6}|当|拿证|拿了证)(了|满|足)?$")
# time to come, not the record (the facts a duration may be said with: bot.nlu.time_anchors)
# (not "毕业以后", nor "考了以后又干了六年": those are the past)
# (“拿到博士以后做专业技术工作三年了”: the years since, told — 年了 says they are past)
_DUR_SKIP_CLAUSE = re.compile(
    r"年龄|(?<!毕业)(?:以后|之后)(?!(?:又|一直|就|还|也)?(?:干|做|工作|从事)了|(?!再)[^，。,;；]{0,12}?年了)|再过|还有"
)

_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_REL_YEAR = {
    "大前年": -3,
    "前年": -2,
    "去年": -1,
    "上一年": -1,
    "上年": -1,
    "今年": 0,
    "明年": 1,
    "后年": 2,
    "大后年": 3,
}
_CAL_YEAR = re.compile(
    r"(?P<y4>(?:19|20)\d{2})(?:\s*年)?"
    r"|(?P<cn4>[零〇一二三四五六七八九]{4})年"
    r"|(?P<cnk>[两二]千零?[一二三四五六七八九十]{0,3})年"  # “两千零二十三年”
    r"|(?P<y2>(?<![\d.])\d{2}|(?<![零〇一二三四五六七八九十两])[零〇一二三四五六七八九]{2})年"
    r"(?=(拿|考|取|评|获|毕业|底|初|中|上半年|下半年|\d{1,2}月|[一二三四五六七八九十]{1,2}月|的时候|那年|被|的证|的"
    # "09年大专毕业", "05年技校毕业的": the school said between the year and 毕业
    r"|(中专|大专|本科|技校|职高|中技|高职|大学|研究生|硕士|博士)毕业|那次|那回|那会|申报|也被|又被))"
    r"|(?P<rel>大前年|前年|去年|(?<![评考拿升当干])上一年|今年|明年|大后年|后年)"  # not “评上一年半”
    # “是一八年在通辽”, “零五年”: two digits said one by one are a year whatever follows —
    # except neighbours (“五六年”, “二三年”), which may be a count of years
    r"|(?P<y2h>(?<![零〇一二三四五六七八九十两])(?!一二|二三|三四|四五|五六|六七|七八|八九)[零〇一二三四五六七八九]{2})年"
    r"(?![级代多半])"
)
_PAST_EVENT = re.compile(
    r"拿|考的|考了|考过|考上|考到|考下|取得|取证|获得|获|评上|评的|评了|下证|发证|发的|刚考|刚拿|毕业|造假|作假|弄虚|的证|通过|到手|聘"
)
_FUTURE_EVENT = re.compile(r"明年|后年|如果|要是|假如|能不能|能评|可以评|能报|可以报|能考|申报|报名|想")
# facts whose clause a year may be said in without being the grade's year
_YEARLESS_FACTS = (
    "awards",
    "assessment_ok",
    "retired",
    "under_investigation",
    "demerit_punishment",
    "integrity_record",
    "stayed_in_region",
    "overseas_talent",
    "related_diploma",
)


def durations(
    text: str, mentions: Sequence[Mention], taken: List[Tuple[int, int]], today: _dt.date, others: Sequence[Fact] = ()
) -> List[Fact]:
    facts: List[Fact] = []
    for m in _DURATION.finditer(text):
        s, e = m.span()
        if any(a < e and s < b for a, b in taken):
            continue
        if m.group("halfyear"):
            value = 0.5
            if s > 0 and re.match(r"[\d零〇一二两三四五六七八九十]", text[s - 1]):
                continue
        else:
            num = m.group("num")
            if re.fullmatch(r"\d{3,}", num) or re.fullmatch(r"[零〇一二三四五六七八九]{4}", num):
                continue  # calendar year, handled elsewhere
            if s > 0 and re.match(r"[\d.]", text[s - 1]):
                continue
            value = parse_number(num)
            if value is None:
                continue
            unit = m.group("unit")
            if m.group("half"):
                value += 0.5
            if unit != "年":
                if unit == "个半月":
                    value += 0.5
                value = value / 12.0
        before = text[max(0, s - 6) : s]
        after = text[e : e + 6]
        cs, ce = clause_bounds(text, s)
        clause = text[cs:ce]
        if after.startswith("前") and not m.group("halfyear") and m.group("unit") == "年":
            # "五年前拿的证": a calendar year
            year = today.year - int(value)
            facts.extend(_calendar_fact(text, mentions, s, e + 1, year, today, others))
            continue
        if _DUR_SKIP_BEFORE.search(before) or _DUR_SKIP_AFTER.match(after):
            continue
        if re.search(r"(不是|并非|而不是)$", before) or ends_negated(clause_before(text, s), 2):
            continue  # "是六年不是五年", "没干满三年"
        if _DUR_SKIP_CLAUSE.search(clause) or value > 60:
            continue
        anchor = None if _WORKED.search(before) else said_with(text, s, e, mentions, others, prefer_after=False)
        if (
            anchor is None
            and re.search(r"过(了|去了?)$", before)
            and any(f.entity == "awards" for f in others)
            and not clause_has_held(mentions, clause_bounds(text, cs - 2)[0] if cs > 1 else cs, ce, LEVEL_LABELS)
        ):
            continue  # "全区技术能手是2015年评的，都过了十年了": time since the award, not years of work
        # "毕业后一直做专业技术工作，七八年了": a bare duration continues the clause before it
        said_before = text[clause_bounds(text, cs - 2)[0] : cs] if cs > 1 and len(clause.strip()) - (e - s) <= 3 else ""
        if anchor == "graduation" and (OVERSEAS.search(text) or PROFESSIONAL.search(said_before + clause)):
            facts.append(Fact("professional_years", num_out(value), s, e))
            continue
        if anchor == "graduation" and _SINCE_GRADUATION.search(text[max(0, s - 5) : s]) and m.group("unit") == "年":
            # “中级工班毕业五年了”: the year of graduation (内蒙古 二（四）: 毕业5年内)
            facts.append(Fact("graduation_year", today.year - int(value), s, e))
            continue
        if anchor not in (None, "level"):
            continue  # "退休三年了", "三年考核都合格": not years of the grade or title
        short = _MONTHS_SHORT.match(text, e)
        if short and m.group("unit") == "年":  # “快三年了，差两个月”: not yet 满3年
            months = parse_number(short.group("n")) if short.group("n") != "几" else 3
            value = max(0.0, value - (months or 0) / 12.0)
        at = _year_of_the_count(clause_before(text, s), today)
        if at is not None and at != today.year:
            value = max(0.0, value - (at - today.year))  # “到明年就满三年了”: two years now
        facts.append(Fact(years_kind(text, mentions, s, e) + "_years", num_out(value), s, e))
    return facts


# “到明年就满三年了”, “2028年才满四年”, “去年就满两年了”: a count reached in another year.
# Slots hold years as of today (dialogue.profile_slots adds the distance to a later
# application year), so the count is taken back to this year.
_COUNT_IN_A_YEAR = re.compile(
    r"(?:(?P<rel>大前年|前年|去年|明年|大后年|后年)|(?P<y4>(?:19|20)\d{2})年)(底|初|年底|年初|上半年|下半年|的时候|那时候?|时)?(就|才|都|正好|刚好|也)?(能)?(干|做)?(满|够|有)?$"
)


_COUNT_AFTER = re.compile(
    r"(底|初|年底|年初|的时候|时)?(就|才|都|正好|刚好|也)?(干|做)?(满|够)[零〇一二两三四五六七八九十\d]+(个月|年)"
)


def _year_of_the_count(before: str, today: _dt.date) -> Optional[int]:
    m = _COUNT_IN_A_YEAR.search(before)
    if not m:
        return None
    return today.year + _REL_YEAR[m.group("rel")] if m.group("rel") else int(m.group("y4"))


_SINCE_GRADUATION = re.compile(r"毕业(了|已经|都|有)?(快|已经|都)?$")
_MONTHS_SHORT = re.compile(r"[^。？！?!]{0,8}?(还)?差(?P<n>[一二两三四五六七八九十\d]{1,2}|几)个多?月")


# “去年评副高没评上”: what was applied for and not got
_NOT_GOT = re.compile(r"没评上|没通过|没考过|没考上|没过|没成|落选|还没出|没出结果|没下来|被刷")
_LATEST = re.compile(r"最近一次|最后一次|上一次|上次|后一次|第二次")


def _calendar_fact(
    text: str,
    mentions: Sequence[Mention],
    s: int,
    e: int,
    year: int,
    today: _dt.date,
    others: Sequence[Fact],
    relative: Optional[str] = None,
    after_level: bool = False,
) -> List[Fact]:
    cs, ce = clause_bounds(text, s)
    clause = text[cs:ce]
    kind = "level" if after_level else said_with(text, s, e, mentions, others, prefer_after=True)
    if kind in (None, "level") and _ONE_FINDING.match(text, e) and any(f.entity == "fraud_count" for f in others):
        kind = "fraud"  # “2019年一次，2023年一次，都是材料作假被查出来”
    if kind in (None, "level") and _LATEST.search(clause) and any(f.entity == "fraud_count" for f in others):
        kind = "fraud"  # “被查出过两次申报造假，最近一次是2024年”
    if (
        kind in (None, "level", "other")
        and _EACH_YEAR.match(text, e)
        and any(f.entity == "fraud_count" for f in others)
    ):
        kind = "fraud"  # “2019年和2023年各被查出过一次”
    if kind is None and year == today.year and _FUTURE_EVENT.search(clause) and not _PAST_EVENT.search(clause):
        return []  # “…2025年被查出造假，今年能报中级吗”: the year applied in, not the finding's
    # (“去年评副高没评上”: 评上 is a word of getting, but what was not got is a level wanted)
    if (
        year <= today.year
        and (kind is None or kind == "level" and _levels_only_wanted(mentions, cs, ce) and _NOT_GOT.search(clause))
        and _wanted_or_applied(text, mentions, cs, ce)
    ):
        # “去年报助理工程师的时候…”: the year of an application, not of the grade — the year
        # of the finding when the message tells of fraud found in it (“…被查出材料有假”)
        found = any(f.entity == "fraud_count" and f.value for f in others)
        return [Fact("fraud_year", year, s, e)] if found else []
    if kind == "graduation":
        return [Fact("graduation_year", year, s, e)]
    if kind == "fraud" and year <= today.year:
        return [Fact("fraud_year", year, s, e)]
    if kind in ("other", "award") and year <= today.year:
        return []  # "去年被记过", "前年考核没合格": that fact's year, not the grade's
    if kind in ("other", "award"):
        kind = None  # “…带头人明年想报副高”: no award is had in a year to come — the year applied in
    if _NOT_PASSED_IN_YEAR.match(text, e):
        return []  # “是2022年没过”: the year something was failed (the 考核 asked of), not the grade's
    if _PERIOD_ENDED_IN_YEAR.match(text, e):
        return []  # “记录期去年就到期了”, “处分前年就解除了”: the year a bar ended
    if kind is None and _MOVED_IN_YEAR.match(text, e):
        return []  # “我去年调到百色工作了 高级技师2020年拿的证”: the year of a move (explore16 W-4)
    if (
        year > today.year
        and kind in (None, "level")
        and _PAST_EVENT.search(clause)
        and not _FUTURE_EVENT.search(clause)
    ):
        return []  # “2030年取证”: a grade got in a year to come is a slip, not the year applied in
    if year > today.year:
        return [Fact("application_year", year, s, e)]
    if relative == "今年" and not _PAST_EVENT.search(clause):
        return []  # "今年能评吗": the application year, which defaults to this year anyway
    if year == today.year and _FUTURE_EVENT.search(clause) and not _PAST_EVENT.search(clause):
        return []
    if year < 1950:
        return []
    kind = years_kind(text, mentions, s, e)
    if kind == "title":
        return [Fact("title_years", today.year - year, s, e)]
    if kind == "professional":
        return []
    return [Fact("skill_grade_year", year, s, e)]


def _two_thousand_and(words: Optional[str]) -> Optional[int]:
    """“两千二十四年” (said without 零, which cn2an refuses): 2000 + the rest."""
    rest = re.fullmatch(r"[两二]千零?([一二三四五六七八九十]{1,3})", words or "")
    n = parse_number(rest.group(1)) if rest else None
    return 2000 + int(n) if n is not None and 0 < n < 100 else None


_NOT_PASSED_IN_YEAR = re.compile(r"(那次|那年|的时候|的)?(没过|没通过|不合格|没合格|没及格|不及格)")
_PERIOD_ENDED_IN_YEAR = re.compile(r"(底|初|年底|年初)?(就|已经|早就|都)?(到期|期满|满了|解除|撤销|结案|撤案|结束)")
_MOVED_IN_YEAR = re.compile(
    r"(底|初|年底|年初|的时候|那会儿?)?(就|才|刚|又)?(调到|调来|调去|调回|调动|来到|来了|搬到|搬来|换到|转到|回到|去了|入职|进厂|进了|到[^，。,;；]{1,8}(工作|上班|打工))"
)
_ONE_FINDING = re.compile(r"(也|又)?(有过?|出过|被查)?一[次回]")
_EACH_YEAR = re.compile(r"([和、跟与及]|以及)(\d{2,4}|[去前今])年各|各")
_APPLIED = re.compile(r"申报|报职称|报名|参评|报评")


def _levels_of_clause(mentions: Sequence[Mention], cs: int, ce: int) -> List[Mention]:
    return [m for m in mentions if cs <= m.start < ce and m.term.label in LEVEL_LABELS]


def _levels_only_wanted(mentions: Sequence[Mention], cs: int, ce: int) -> bool:
    """The clause names levels, none of them held (“去年评副高没评上”, “报助理工程师的时候”)."""
    levels = _levels_of_clause(mentions, cs, ce)
    return bool(levels) and not any(m.held and not m.negated for m in levels)


def _wanted_or_applied(text: str, mentions: Sequence[Mention], cs: int, ce: int) -> bool:
    """The clause names a level only as wanted (“报助理工程师的时候”) or tells an application."""
    levels = _levels_of_clause(mentions, cs, ce)
    if levels:
        return not any(m.held and not m.negated for m in levels)
    return bool(_APPLIED.search(text[cs:ce]))


def calendar_years(
    text: str, mentions: Sequence[Mention], today: _dt.date, others: Sequence[Fact] = ()
) -> Tuple[List[Fact], List[Tuple[int, int]]]:
    """Calendar-year facts, and the spans of every year said (durations must not reuse them)."""
    facts: List[Fact] = []
    spans: List[Tuple[int, int]] = []
    for m in _CAL_YEAR.finditer(text):
        s, e = m.span()
        year: Optional[int] = None
        rel = None
        said_after_level = False
        if m.group("y4"):
            said_after_level = any(
                m.end <= s and m.term.label in LEVEL_LABELS and re.fullmatch(r"[\s，,、]{0,2}", text[m.end : s])
                for m in mentions
            )
            at_end = not re.search(r"[^\W_]", text[e:])  # (“技师 百色 2021 🙏🙏”: only signs after it)
            if (
                not at_end
                and text[e - 1] != "年"
                and not re.match(r"\s*(拿|考|取|评|获|毕业|年)", text[e : e + 3])
                and not (said_after_level and 1970 <= int(m.group("y4")) <= today.year)
            ):
                # a bare 4-digit number without 年 or an event verb: not a year — unless it
                # follows the grade (“高级工 2021 百色”)
                continue
            if s > 0 and re.match(r"[\d.]", text[s - 1]):
                continue
            if text[e - 1] != "年" and e < len(text) and re.match(r"[\d.]", text[e]):
                continue
            year = int(m.group("y4"))
        elif m.group("cn4") or m.group("cnk"):
            v = parse_number(m.group("cn4") or m.group("cnk")) or _two_thousand_and(m.group("cnk"))
            if v is None:
                continue
            year = int(v)
        elif m.group("y2") or m.group("y2h"):
            two = m.group("y2") or m.group("y2h")  # "19年拿的", "一九年考的", "是一八年"
            yy = int(two) if two.isdigit() else int("".join(str(_CHINESE_DIGITS[c]) for c in two))
            before = text[max(0, s - 3) : s]
            if re.search(r"(了|干|做|工作|满|近)$", before):
                continue
            year = _two_digit_year(yy, today)
            if year < 2000 and 2000 + yy <= today.year + 5 and _TO_APPLY_AFTER.match(text, e):
                year = 2000 + yy  # “想二七年报”: a year to come, not 1927
        elif m.group("rel"):
            rel = m.group("rel")
            year = today.year + _REL_YEAR[rel]
        if year is None:
            continue
        spans.append((s, e))
        if re.search(r"(不是|并非|而不是)$", text[max(0, s - 3) : s]):
            continue  # "是2018年，不是2019": the year said wrong
        if year <= today.year and _COUNT_AFTER.match(text, e):
            continue  # “去年就满两年了”: the year a count was reached (durations reads it), not the grade's
        # “技师 2020 考核均合格”: a bare year right after the level is the level's, whatever follows
        bare_after_level = bool(m.group("y4")) and text[e - 1] != "年" and said_after_level
        facts.extend(_calendar_fact(text, mentions, s, e, year, today, others, rel, bare_after_level))
    for m in _CLASS_OF.finditer(text):  # “预备技师班2024届”, “21届”: the year of graduation
        yy = int(m.group(1))
        year = yy if yy > 100 else _two_digit_year(yy, today)
        if 1970 <= year <= today.year:
            spans.append(m.span())
            facts.append(Fact("graduation_year", year, m.start(), m.end()))
    return facts, spans


_CLASS_OF = re.compile(r"(?<!\d)((?:19|20)\d{2}|\d{2})届")


# “去年毕业，毕业时考到了高级工”: the grade's year is the graduation year said with it
_AT_GRADUATION = re.compile(
    r"毕业(的)?(时|时候|那年|那一年|当年|同年)|一毕业就?|毕业就|毕业的?[，,]\s*(当年|同年|那年|那一年)"
)


def grade_year_at_graduation(text: str, mentions: Sequence[Mention], facts: Sequence[Fact]) -> List[Fact]:
    """The grade's year when the grade was had “at graduation” and the graduation year is
    said in the same message (a later message is read by the form, which knows the year)."""
    graduated = next((f.value for f in facts if f.entity == "graduation_year"), None)
    if graduated is None or any(f.entity in ("skill_grade_year", "skill_years") for f in facts):
        return []
    for cue in _AT_GRADUATION.finditer(text):
        cs, ce = clause_bounds(text, cue.end() - 1)  # “…毕业的，当年就考了技师证”: the clause of 当年
        if clause_has_held(mentions, cs, ce, (SKILL_GRADE,)):
            return [Fact("skill_grade_year", graduated, cue.start(), cue.end())]
    return []


def failures_outside_every_window(text: str, facts: List[Fact], today: _dt.date) -> List[Fact]:
    """The facts without a failed 年度考核 whose year is too old to bar any application from
    now on (“2022年考核不合格” in 2026): 百色 第七条（一） and national 二（二）1 count the
    3 years before the application year, so a failure in Y bars up to Y+3 only."""
    kept = []
    for f in facts:
        year = failure_year(text, f, today)
        if year is not None and year + 3 < today.year:
            continue
        kept.append(f)
    return kept


def failure_year(text: str, fact: Fact, today: _dt.date) -> Optional[int]:
    """The year a failed 年度考核 is said with (“去年考核不合格” → last year), if any."""
    if fact.entity != "assessment_ok" or fact.value is not False:
        return None
    cs, ce = clause_bounds(text, fact.start)
    clause = text[cs:ce]
    years = [
        y
        for y, m in ((_year_of(m, today), m) for m in _CAL_YEAR.finditer(clause))
        # (not the grade's: “百色 高级技师 2020 考核有一年没过” — explore16 W-7; not one to come,
        # the year applied in: “2024年考核不合格 2029年报中级” — explore18 W-1)
        if y is not None
        and y <= today.year
        and not _GRADE_BEFORE_YEAR.search(clause[: m.start()])
        and not _GOT_AFTER.match(clause, m.end())
    ]
    return max(years) if years else None


_GRADE_BEFORE_YEAR = re.compile(r"(级工|技师|工程师|职称|证书?)(是|在)?\s*$")
_GOT_AFTER = re.compile(r"年?(的)?(拿|考(?!核)|取得|取证|获得|评上|评的|的证|发证|下证)")


def _year_of(m: "re.Match[str]", today: _dt.date) -> Optional[int]:
    if m.group("y4"):
        return int(m.group("y4"))
    if m.group("rel"):
        return today.year + _REL_YEAR[m.group("rel")]
    if m.group("y2") and m.group("y2").isdigit():
        return _two_digit_year(int(m.group("y2")), today)
    return None


_TO_APPLY_AFTER = re.compile(r"(再|才|就|去|的时候)?(报|申报|评|参评|考)")


def _two_digit_year(yy: int, today: _dt.date) -> int:
    """“19年” → 2019, “98年” → 1998: the latest such year not after today."""
    return 2000 + yy if yy <= today.year % 100 else 1900 + yy


# “拿证后一直没干这行，今年才回厂里干”: years away from the trade do not count
# (第八条 / 二（二）1: years of 从事技术技能工作 after the grade)
_BREAK = re.compile(
    r"(一直|后来|中间|这些年|这几年)?(没|没有|没再)(干|做|从事|搞)(这行|本行|这个工种|本工种|技术|技术工作|这个)|转行了|改行了"
)
_BACK = re.compile(
    r"(?P<when>今年|去年|前年|(?:19|20)\d{2}年)(?:才|又|重新|再)?(?:回|开始|重新)(?:到|来)?(?:厂里|单位|这行|本行|干|做|上班)"
)


def years_after_a_break(text: str, facts: List[Fact], today: _dt.date) -> List[Fact]:
    """When the message says the trade was left after the grade, the grade's year (or the
    years since it) is not the years worked: those count from the return, when said — else
    they are not known (the form asks)."""
    if not _BREAK.search(text):
        return facts
    kept = [f for f in facts if f.entity not in ("skill_years", "skill_grade_year")]
    back = _BACK.search(text)
    if back is not None:
        when = back.group("when")
        year = today.year + _REL_YEAR[when] if when in _REL_YEAR else int(when[:4])
        kept.append(Fact("skill_years", max(0, today.year - year), back.start(), back.end()))
    return kept


# “我弟弟是高级工刚拿证”: a grade just obtained has no years yet (第八条: 满2年 from it)
JUST_GOT = re.compile(r"刚(刚|才)?(拿|考|取得|考下|拿到|下)(了|的|来|到)?(证|下来|证书)?")


def just_obtained(text: str, mentions: Sequence[Mention], facts: List[Fact]) -> List[Fact]:
    """0 years for a grade said to be just obtained, when no other time of it is said."""
    m = JUST_GOT.search(text)
    if m is None or any(f.entity in ("skill_years", "skill_grade_year") for f in facts):
        return []
    if not any(x.term.label == SKILL_GRADE and x.held and not x.negated for x in mentions):
        return []
    return [Fact("skill_years", 0, m.start(), m.end())]
