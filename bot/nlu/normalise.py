"""Chinese text → the canonical profile facts it states (CONTRACT.md §2-§3).

Pure Python: no Rasa, no spaCy.  The Rasa component (``bot.nlu.components``), the
agent-assist API (through the parse) and the tests all call :func:`extract_facts`.
The text is expected in simplified characters (the pipeline's first component,
``bot.nlu.simplified``, converts traditional ones).

How a fact is made, one module per concern:

* :mod:`bot.nlu.lexicon` – vocabulary words (grades, 一级…五级, title names, level words,
  awards, series, places, degrees, 技工院校 classes), generated from
  :mod:`rules_engine.vocabulary`, found by longest match on the raw text, merged with the
  spaCy ruler's spans.
* :mod:`bot.nlu.clauses` – per clause: stated, hypothetical (``role: hypothetical``), a
  target/topic of a question, negated, or about someone else.
* :mod:`bot.nlu.dates` – numbers, durations, calendar years, each attached to its clause's fact.
* :mod:`bot.nlu.time_anchors` – which fact of its clause a duration or a year is said with.
* :mod:`bot.nlu.yes_no` – yes/no facts with their polarity.
* here – which key each word feeds, one fact per key, and the assembly.

**Series** is emitted when the user names a series ("工程系列", "工美") *or* any title name
(held or wanted): a title name fixes its series unambiguously (工程师→工程, 会计师→会计).
Series outside the bridging scope (会计, 卫生 …) are emitted as said so the rules engine can
answer "outside the scope" instead of presuming.

**Spans** (the convention the annotated training/test data follows): a vocabulary fact
spans the word as said ("高工证", "呼伦贝尔"); a duration spans number+unit incl. 多/半
("3年多", "两年半"); a calendar year spans the year expression ("2019年", "去年",
"五年前"); a yes/no fact spans its cue word ("合格", "不合格", "退休", "处分", "记过",
"诚信档案", "造假", "留在", "海外", "相关专业" …), the value carries the polarity.

One fact per key and role (except ``awards``): the highest grade/title/degree said wins;
with a correction marker ("不对", "说错了", "应该是") the last one said wins; otherwise the
first.  Never raises: an unexpected error is logged and yields ``[]`` for that text.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

from rules_engine import clock
from rules_engine import vocabulary as vocab

from bot.nlu.clauses import CORRECTION, HYPOTHETICAL, Fact, classify_mentions, tells_own_case
from bot.nlu.questions import is_hypothetical, is_question, said_of_those_who
from bot.nlu.spans import clause_bounds, fold, negated_before
from bot.nlu.subjects import about_someone_else, the_askers_own, whose
from bot.nlu.dates import (
    calendar_years,
    durations,
    failure_year,
    failures_outside_every_window,
    grade_year_at_graduation,
    just_obtained,
    years_after_a_break,
    parse_number,
)
from bot.nlu.lexicon import (
    AWARD,
    DEGREE,
    LABELS,
    PLACE,
    SCHOOL_CLASS,
    SERIES,
    SKILL_GRADE,
    TITLE,
    TITLE_LEVEL,
    Mention,
    Term,
    lexicon,
    lexicon_matches,
    medal_combos,
)
from bot.nlu.yes_no import BAR_FACTS, yes_no_facts

logger = logging.getLogger(__name__)

__all__ = [
    "extract_facts",
    "lexicon",
    "parse_number",
    "Term",
    "LABELS",
    "AWARD",
    "DEGREE",
    "PLACE",
    "SCHOOL_CLASS",
    "SERIES",
    "SKILL_GRADE",
    "TITLE",
    "TITLE_LEVEL",
    "HYPOTHETICAL",
]

_RANKED = {
    "skill_grade": vocab.skill_grades,
    "title_level": vocab.title_levels,
    "degree": vocab.degrees,
}
# which profile key a held word feeds
_KEY_OF_LABEL = {
    PLACE: "region",
    AWARD: "awards",
    SERIES: "series",
    SKILL_GRADE: "skill_grade",
    TITLE_LEVEL: "title_level",
    DEGREE: "degree",
    SCHOOL_CLASS: "skill_school_class",
}


def _mention_facts(mentions: List[Mention]) -> List[Fact]:
    facts: List[Fact] = []
    for m in mentions:
        if m.negated or m.someone_else or m.topic:
            continue
        t = m.term
        if t.only_beside and not any(n.term.series == t.only_beside for n in _implied_series_mentions(mentions)):
            continue  # “在图书馆当电工”: a workplace tells a series only beside its titles
        if t.label == TITLE:
            # a held title is a level; a wanted one still tells the series (想评工程师 → 工程)
            facts.append(
                Fact("title_level", t.value, m.start, m.end) if m.held else Fact("series", t.series, m.start, m.end)
            )
        elif t.label == PLACE and not vocab.settles_region(t.surface):
            continue  # "我在广西": 百色 or another city, which the dialogue asks
        elif m.held or t.label in (PLACE, AWARD, SERIES):
            facts.append(Fact(_KEY_OF_LABEL[t.label], t.value, m.start, m.end))
    return facts


def _implied_series_mentions(mentions: List[Mention]) -> List[Mention]:
    return [m for m in mentions if m.term.label == TITLE and m.held and not m.negated and not m.someone_else]


def _implied_series(mentions: List[Mention]) -> List[Fact]:
    """工程师 → series 工程, on the title's span (returned apart: it would overlap)."""
    return [Fact("series", m.term.series, m.start, m.end) for m in _implied_series_mentions(mentions)]


def _combo_awards(text: str, taken: List[Tuple[int, int]]) -> List[Fact]:
    out = []
    for pattern, canon in medal_combos():
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(a <= s < b for a, b in taken):
                continue
            if negated_before(text, s, 4) or about_someone_else(text, s) or said_of_those_who(text, s, e):
                continue
            out.append(Fact("awards", canon, s, e))
    return out


# “不是全国技术能手，是全区的”, “津贴是自治区的，不是国务院的”: an award's kind named, its
# level said apart — the award of that kind at that level
_AWARD_KINDS = {
    "技术能手": (("全国|国家", "全国技术能手"), ("全区|自治区|内蒙古", "全区技术能手"), ("广西", "广西技术能手")),
    "津贴": (("国务院|国家", "国务院政府特殊津贴"), ("自治区|省", "省级政府特殊津贴")),
    "工作室": (("国家", "国家级技能大师工作室带头人"), ("自治区|省", "省级技能大师工作室带头人")),
}
_LEVEL_OF_KIND = re.compile(
    r"(?P<kind>技术能手|能手|津贴|工作室)[^，。,;；?？]{0,8}?[，,\s]*(?:不是[^，。,;；?？]{0,6}?[，,\s]*)?"
    r"(?:是|算|其实是|应该是)(?P<level>全国|国家|全区|自治区|内蒙古|广西|国务院|省)(?:里|级)?的"
)


_NOT_THE_LEADER = re.compile(r"带头人是(?!我(?:自己|本人)?$)|只是(个)?成员|是成员|不是带头人")


def _award_level_said_apart(text: str, facts: List[Fact]) -> List[Fact]:
    m = _LEVEL_OF_KIND.search(text)
    if m is None or negated_before(text, m.start("level"), 2):
        return facts
    kind = "技术能手" if m.group("kind") == "能手" else m.group("kind")
    if kind == "工作室" and (not re.search(r"带头人|领衔|负责人|牵头", text) or _NOT_THE_LEADER.search(text)):
        return facts  # a studio of that level, not theirs to lead
    award = next((a for levels, a in _AWARD_KINDS[kind] if re.fullmatch(levels, m.group("level"))), None)
    if award is None:
        return facts
    kept = [f for f in facts if not (f.entity == "awards" and kind[:2] in text[f.start : f.end])]
    return kept + [Fact("awards", award, m.start("level"), m.end())]


def _read_awards_where_said(mentions: List[Mention], facts: List[Fact], text: str) -> List[Fact]:
    """ "我在百色，拿过自治区技术能手": in Guangxi the words name Guangxi's award
    (the place's ``award_readings`` in the vocabulary), elsewhere 内蒙古's. A place said
    before the award in its clause is where it was given (“以前在包头评过全区技术能手 现在调到
    平果了”, “内蒙古的全区技术能手”, “在田阳评的自治区技术能手”) and reads it instead."""
    readings: Dict[str, str] = {}
    for m in mentions:
        if m.term.label == PLACE and not (m.negated or m.someone_else):
            place = vocab.resolve_place(m.term.surface)
            readings.update(place.award_readings if place else ())
    places = [m for m in lexicon_matches(text, None) if m.term.label == PLACE]
    for f in facts:
        if f.entity != "awards":
            continue
        cs, _ = clause_bounds(text, f.start)
        givers = [m for m in places if cs <= m.start and m.end <= f.start]
        said = text[f.start : f.end]
        if givers:
            given = vocab.resolve_place(givers[-1].term.surface)
            f.value = dict(given.award_readings if given else ()).get(said, f.value)
            if f.value == "全区技术能手" and given is not None and given.region == "national" and not readings:
                # “广东省技术能手”: another province's, not 内蒙古's (which 二（四） ranks); in 百色
                # the words read as Guangxi's (第十条: 区外同类省级成就) — explore16/17 W-4
                f.value = None
        elif said in readings:
            f.value = readings[said]
    return [f for f in facts if not (f.entity == "awards" and f.value is None)]


def _askers_place(text: str, fact: Fact) -> bool:
    return fact.entity == "region" and the_askers_own(text, fact.start)


def _mark_hypotheticals(text: str, facts: List[Fact]) -> None:
    """Conditions, and a future year asked about ("明年能评吗"), are not the applicant's facts."""
    # (“百色 技师2019 2024年考核不合格 2029年报中级行吗”: the whole case told, the year asked is
    # the one they will apply in — explore18 W-1; “明年能评吗” alone stays a supposition)
    case_told = any(f.entity in ("skill_grade", "title_level", "awards") for f in facts)
    for f in facts:
        asked_year = f.entity == "application_year" and is_question(text, f.start)
        if is_hypothetical(text, f.start) or (asked_year and not case_told):
            f.role = HYPOTHETICAL


_TIMES_OF_LEVEL = {"skill_grade": ("skill_grade_year", "skill_years"), "title_level": ("title_years",)}
# “2023年又考了高级技师”: a year said before getting a level is that level's
_GOT_AFTER = re.compile(r"^[^，。,；;]{0,6}?(拿|考|取得|获得|评|升)")


def _level_of_time(text: str, time: Fact, levels: List[Fact]) -> Fact:
    """The level a year or a duration is said of, among several named: the one in its
    clause; else the first level after it when it leads to getting one (“2023年又考了高级
    技师”); else the last one before it (“技师干了三年”)."""
    cs, ce = clause_bounds(text, time.start)
    inside = [lv for lv in levels if cs <= lv.start < ce]
    if len(inside) == 1:
        return inside[0]
    pool = inside or levels
    after = [lv for lv in pool if lv.start >= time.end]
    if after and _GOT_AFTER.match(text[time.end : after[0].start]):
        return after[0]
    before = [lv for lv in pool if lv.end <= time.start]
    return before[-1] if before else min(pool, key=lambda lv: abs(lv.start - time.start))


def _time_of_the_chosen_level(text, facts, chosen, role, level_key, time_keys) -> None:
    """“我2019年拿的技师 2023年又考了高级技师”: the highest level is kept, and with it its
    own year — not the first year said. A time said only of a lower level is dropped
    (the dialogue asks for the kept level's)."""
    levels = [f for f in facts if f.entity == level_key and f.role == role]
    top = chosen.get((level_key, role))
    if top is None or len({f.value for f in levels}) < 2:
        return
    for key in time_keys:
        times = [f for f in facts if f.entity == key and f.role == role]
        own = [t for t in times if _level_of_time(text, t, levels).value == top.value]
        if own:
            chosen[(key, role)] = own[-1]
        elif times:
            chosen.pop((key, role), None)


def _choose(facts: List[Fact], corrected: bool, text: str = "") -> List[Fact]:
    """One fact per key. A correction word between two facts of a key keeps the later
    (“技师，不对，高级工”); one said before both (“说错了，技师是前年考的，2021年考的是高级工”)
    corrects an earlier message, and the two are weighed as in any message."""
    chosen: Dict[Tuple[str, Optional[str]], Fact] = {}
    awards: Dict[Tuple[Any, Optional[str]], Fact] = {}
    marks = [m.start() for m in CORRECTION.finditer(text)] if corrected else []
    first = min((f.start for f in facts), default=0)
    corrects_within = any(at > first for at in marks)  # else only an earlier message is corrected

    def correction_between(old: Fact, new: Fact) -> bool:
        return any(old.start < at <= new.start for at in marks)

    for f in sorted(facts, key=lambda f: f.start):
        if f.entity == "awards":
            awards.setdefault((f.value, f.role), f)
            continue
        key = (f.entity, f.role)
        old = chosen.get(key)
        if old is None or correction_between(old, f):
            chosen[key] = f
        elif f.entity == "fraud_year":  # findings listed with their years: the bar runs from the latest
            if f.value > old.value:
                chosen[key] = f
        elif f.entity in _RANKED:
            order = _RANKED[f.entity]()
            told_new, told_old = not is_question(text, f.start), not is_question(text, old.start)
            if told_new != told_old:  # “高级技师能直接评副高吗？我是技师”: the one told, not asked
                if told_new:
                    chosen[key] = f
            elif order.index(f.value) > order.index(old.value):
                chosen[key] = f
    for role in {r for _, r in chosen}:
        for level_key, time_keys in _TIMES_OF_LEVEL.items():
            if not corrects_within:  # a correction keeps what was said last
                _time_of_the_chosen_level(text, facts, chosen, role, level_key, time_keys)
        if ("skill_grade_year", role) in chosen and ("skill_years", role) in chosen:
            # "干了二十多年电焊，高级工证是2010年考的": the grade's own year, not the years of work
            del chosen[("skill_years", role)]
    return sorted([*chosen.values(), *awards.values()], key=lambda f: (f.start, f.entity))


def extract_facts(
    text: Any,
    ruler_entities: Optional[Iterable[Dict[str, Any]]] = None,
    today: Optional[_dt.date] = None,
    with_implied: bool = True,
) -> List[Dict[str, Any]]:
    """Facts stated in ``text`` as ``[{"entity", "value", "start", "end"[, "role"]}]``.

    ``role: "hypothetical"`` marks a condition ("要是拿到技师呢"), never a stated fact.
    ``with_implied``: add the ``series`` a held title name implies (工程师 → 工程) as a fact
    sharing the title's span.  Never raises: the NLU must never crash a turn.
    """
    try:
        return _extract(text, ruler_entities, today, with_implied)
    except Exception:  # noqa: BLE001 - logged with its traceback, the turn goes on without facts
        logger.exception(
            "extract_facts failed on a text of %d characters; no facts taken from it",
            len(text) if isinstance(text, str) else -1,
        )
        return []


def _extract(text: Any, ruler_entities, today, with_implied) -> List[Dict[str, Any]]:
    if text is None:
        return []
    if not isinstance(text, str):
        text = str(text)
    if not text.strip():
        return []
    if today is None:
        today = clock.today()
    text = fold(text)
    mentions = classify_mentions(text, lexicon_matches(text, ruler_entities))
    facts = _mention_facts(mentions)
    facts += _combo_awards(text, [(f.start, f.end) for f in facts])
    facts = _award_level_said_apart(text, facts)
    facts = _read_awards_where_said(mentions, facts, text)
    yes_no = failures_outside_every_window(text, yes_no_facts(text, own_case=tells_own_case(text, mentions)), today)
    others = yes_no + [f for f in facts if f.entity == "awards"]
    cal, cal_spans = calendar_years(text, mentions, today, others)
    facts += cal
    facts += durations(text, mentions, [(m.start, m.end) for m in mentions] + cal_spans, today, others)
    facts += yes_no
    facts += grade_year_at_graduation(text, mentions, facts)
    facts = years_after_a_break(text, facts, today)
    facts += just_obtained(text, mentions, facts)
    # (the place the asker tells of themself stays: people ask for those where they work —
    # the dialogue keeps it too, actions/whose_case.SHARED)
    lifted = _denied_of_oneself(text, facts)
    facts = lifted + [
        f
        for f in facts
        if (not about_someone_else(text, f.start) or _askers_place(text, f))
        # (the bar a correction gives to someone else is not the speaker's)
        and not (lifted and f.entity in BAR_FACTS and _someone_elses(text, f.start))
    ]
    if any(f.entity == "region" and not _askers_place(text, f) for f in facts):
        facts = [f for f in facts if not _askers_place(text, f)]  # “…帮我爸问问 他在包头”: his place wins
    _mark_hypotheticals(text, facts)
    corrected = bool(CORRECTION.search(text))
    chosen = _choose(facts, corrected, text)
    if with_implied and not any(f.entity == "series" for f in chosen):
        implied = _implied_series(mentions)
        if implied:
            pick = implied[-1] if corrected else implied[0]
            _mark_hypotheticals(text, [pick])
            # after the title_level fact on the same span, so span-based scorers see that first
            chosen = sorted([*chosen, pick], key=lambda f: (f.start, f is pick))
    return [f.as_dict() for f in chosen]


# “说错了 是我同事造假 我没有”: someone else's bar, then the asker says it is not theirs
_NOT_ME = re.compile(r"[，,。\s]+(我|我自己|本人|俺)(可|倒|是)?(没有|没|不是|没这事|没这回事)[。！!]*\s*$")
# “不是我 是我同事被立案”, “是我同事 不是我”: whose it is, said around it
_NOT_ME_AROUND = re.compile(r"(?:^|[，,。\s])(不是我|不是本人|不是俺)(?:[，,。\s]|$)")


def _denied_of_oneself(text: str, facts: List[Fact]) -> List[Fact]:
    """A bar said of someone else, in a message that says it is not the speaker's (“…我没有”,
    “不是我”) or corrects what was said (“说错了 是我徒弟考核不合格”): the speaker's is lifted."""
    denial = _NOT_ME.search(text) or _NOT_ME_AROUND.search(text)
    corrected = CORRECTION.search(text)
    if denial is None and corrected is None:
        return []
    at = denial.end(1) if denial else corrected.end()
    out = []
    for f in facts:
        barred = f.value is False if f.entity == "assessment_ok" else bool(f.value)
        if f.entity in BAR_FACTS and barred and _someone_elses(text, f.start):
            lifted = {"fraud_count": 0, "assessment_ok": True}.get(f.entity, False)
            if not any(g.entity == f.entity and not _someone_elses(text, g.start) for g in facts):
                out.append(Fact(f.entity, lifted, at, at + 1))
    return out


def _someone_elses(text: str, pos: int) -> bool:
    """Said of another person — also when the whole message is about them (“是我徒弟考核不合格”)."""
    return about_someone_else(text, pos) or whose(text, pos) == "other"


def assessment_failure_year(text: str, today: Optional[_dt.date] = None) -> Optional[int]:
    """The year of a failed 年度考核 the message tells (“去年考核没合格” → last year), if said."""
    today = today or clock.today()
    text = fold(text or "")
    mentions = classify_mentions(text, lexicon_matches(text, None))
    facts = yes_no_facts(text, own_case=tells_own_case(text, mentions))
    years = [y for y in (failure_year(text, f, today) for f in facts) if y is not None]
    return max(years) if years else None
