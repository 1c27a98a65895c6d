"""Chinese text → canonical profile facts (CONTRACT.md §2-§3).

Pure Python: no Rasa, no spaCy.  The Rasa component (``bot.nlu.components``), the
agent-assist API and the tests all call :func:`extract_facts`.

Design
======
* **Vocabulary words** (grades, 一级…五级, title names, title-level words, awards,
  series, places, degrees, 技工院校 classes) come from :mod:`rules_engine.vocabulary`
  through :func:`lexicon` – the same table the spaCy ``entity_ruler`` and the jieba user
  dictionary are generated from (``bot.nlu.build_spacy``).  Matching is longest-match,
  left to right, on the raw text (no token boundaries needed), optionally merged with
  spans found by the spaCy ruler (``ruler_entities``).
* **Held vs. wanted.**  "我是技师" / "有中级职称" are facts; "能考技师吗" / "想评工程师" /
  "工程师怎么评" name a *target* and give no ``skill_grade`` / ``title_level``.
  Hypotheticals ("要是拿到技师呢", "如果评上中级呢") are kept – the dialogue's
  ``what_if`` needs them.  "不是技师" / "没拿到技师" are dropped.
* **Series** is emitted when the user names a series ("工程系列", "工美") *or* any title
  name (held or wanted): a title name fixes its series unambiguously (工程师→工程,
  会计师→会计).  Series outside the bridging scope (会计, 卫生 …) are emitted as said so
  the rules engine can answer "outside the scope" instead of presuming.
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
  "五年前") are resolved against :func:`rules_engine.clock.today` (or ``today=``) and
  become ``skill_grade_year`` – or ``graduation_year`` (毕业), ``fraud_year`` (造假),
  ``title_years`` (= this year − year, when the clause is about a title) and
  ``application_year`` for future years ("明年", "如果后年呢").
* **Spans** (the convention the annotated training/test data follows): a vocabulary fact
  spans the word as said ("高工证", "呼伦贝尔"); a duration spans number+unit incl. 多/半
  ("3年多", "两年半"); a calendar year spans the year expression ("2019年", "去年",
  "五年前"); a yes/no fact spans its cue word ("合格", "不合格", "退休", "处分", "记过",
  "诚信档案", "造假", "留在", "海外", "相关专业" …), the value carries the polarity.
* One fact per key (except ``awards``): the highest grade/title/degree said wins; with a
  correction marker ("不对", "说错了", "应该是") the last one said wins; otherwise the first.
* Never raises: any unexpected error yields ``[]`` for that text.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Tuple

import cn2an

from rules_engine import clock
from rules_engine import vocabulary as vocab

# ---------------------------------------------------------------------------------------
# Labels of the spaCy ruler / lexicon and what profile key they feed.
SKILL_GRADE = "SKILL_GRADE"
TITLE = "TITLE"
TITLE_LEVEL = "TITLE_LEVEL"
AWARD = "AWARD"
SERIES = "SERIES"
PLACE = "PLACE"
DEGREE = "DEGREE"
SCHOOL_CLASS = "SCHOOL_CLASS"
LABELS = (SKILL_GRADE, TITLE, TITLE_LEVEL, AWARD, SERIES, PLACE, DEGREE, SCHOOL_CLASS)

PROFILE_KEYS = (
    "region", "skill_grade", "skill_years", "skill_grade_year", "title_level", "title_years",
    "professional_years", "series", "awards", "assessment_ok", "retired",
    "under_investigation", "demerit_punishment", "integrity_record", "fraud_count",
    "fraud_year", "skill_school_class", "graduation_year", "stayed_in_region", "degree",
    "overseas_talent", "related_diploma", "application_year",
)


@dataclass(frozen=True)
class Term:
    surface: str
    label: str
    value: str            # canonical value (region for PLACE, title level for TITLE)
    series: Optional[str] = None   # TITLE only
    note: Optional[str] = None     # PLACE only


# Ways of saying a numbered grade besides the vocabulary's own aliases ("三级证书").
_LEVEL_SUFFIXES = ("", "技能", "证书", "证", "技能证书", "技能等级", "等级证书")
_LEVEL_PREFIXES = ("", "国家职业资格", "职业资格", "国家")
# Provinces other than the two in the vocabulary: anywhere else is region `national`.
def _numbered_grade_forms() -> List[Tuple[str, str]]:
    out = []
    for grade in vocab.skill_grades():
        number = vocab.grade_number(grade)          # 三级
        digit = str(cn2an.cn2an(number[0], "smart")) + "级"   # 3级
        for base in (number, digit):
            for pre in _LEVEL_PREFIXES:
                for suf in _LEVEL_SUFFIXES:
                    out.append((pre + base + suf, grade))
    return out


@lru_cache(maxsize=None)
def lexicon() -> Dict[str, Term]:
    """surface form → Term, generated from rules_engine.vocabulary (never retyped)."""
    lex: Dict[str, Term] = {}

    def add(surface: str, term: Term) -> None:
        if surface and surface not in lex:
            lex[surface] = term

    for t in vocab.title_names():
        add(t.name, Term(t.name, TITLE, t.level, series=t.series))
    # "中级工程师", "副高级农艺师", "初级会计师": a level word glued to a title name; the
    # level word decides the level (longest match must beat 中级工 / 初级工 …)
    for level, forms in vocab.aliases("title_levels").items():
        for f in forms:
            if f.endswith("职称"):
                continue
            for t in vocab.title_names():
                if not t.name.startswith(("助理", "副", "正高级", "高级", "一级", "二级", "三级", "四级")):
                    add(f + t.name, Term(f + t.name, TITLE, level, series=t.series))
    for section, label in (("skill_school_classes", SCHOOL_CLASS), ("awards", AWARD), ("skill_grades", SKILL_GRADE),
                           ("title_levels", TITLE_LEVEL), ("series", SERIES), ("degrees", DEGREE)):
        for canon, forms in vocab.aliases(section).items():
            for f in forms:
                add(f, Term(f, label, canon))
        if section == "skill_grades":
            for surface, grade in _numbered_grade_forms():
                add(surface, Term(surface, SKILL_GRADE, grade))
    # Every place of the vocabulary (its 盟市/旗县, 百色's counties, other provinces and
    # cities, full and unambiguous short forms) → its region.
    for name, place in vocab.places().items():
        add(name, Term(name, PLACE, place.region, note=place.note))
    return lex


@lru_cache(maxsize=None)
def _max_len() -> int:
    return max(len(s) for s in lexicon())


@lru_cache(maxsize=None)
def _medal_combos() -> List[Tuple["re.Pattern[str]", str]]:
    """'世赛…拿了金牌' → 世界技能大赛金牌: competition + medal said apart (from vocabulary)."""
    medals = ("金牌", "银牌", "铜牌", "优胜奖", "冠军")
    combos: Dict[str, Dict[str, str]] = {}
    for canon, forms in vocab.aliases("awards").items():
        for f in forms:
            for m in medals:
                if f.endswith(m) and len(f) > len(m):
                    combos.setdefault(f[: -len(m)], {})[m] = canon
    out = []
    for comp, by_medal in combos.items():
        for medal, canon in by_medal.items():
            out.append((re.compile(re.escape(comp) + r"[^，。,;；!！?？]{1,8}?" + medal), canon))
    return out


# ---------------------------------------------------------------------------------------
# Text helpers

_CLAUSE_SPLIT = re.compile(r"[，。,;；!！?？\n\r…~～]")
_CORRECTION = re.compile(r"不对|说错|错了|搞错|更正|纠正|应该是|改成|改一下|不是.{0,8}?是")
_NEG_BEFORE = re.compile(r"(没有|没|未|不是|不在|并非|并不是|无|从没|从来没)[^，。,;；]{0,4}$")
_HYPOTHETICAL = re.compile(r"如果|要是|假如|假设|万一|等我|等到|要能|若")
_MODAL = re.compile(r"想|要|能|可以|可不可以|怎么|如何|才能|准备|打算|希望|需要|咋")
_TARGET_VERB = re.compile(r"(评|申报|报考|报|考|参评|晋升|申请|评审|转评|冲|升|直接评|去评|评个|考个|申报个)(个|一个)?$")
_TARGET_VERB_RESULT = re.compile(r"(评上|考上|升到|评到|考到|拿到|升为|晋升为|晋升到|转到|转为|转成)(个|一个)?$")
_TARGET_AFTER = re.compile(r"^(职称)?(怎么|如何|咋)(评|考|申报|报|拿|弄|办)|^(职称)?(的|需要的|要的)?(条件|要求)|^(后|以后|之后)")
# "技师待遇", "技师考试考什么": the grade/title as a topic, not the caller's own
_GENERIC_AFTER = re.compile(r"^(职称)?(的)?(待遇|津贴|补贴|工资|评价|考试|考评|鉴定|报名|标准|评审费|评审|材料|学时)")
_DEGREE_COMPARE_BEFORE = re.compile(r"(相当于|算|算不算|算是|等于|等同于?|视同|和|跟|与|按|同|享受|当)$")
_DEGREE_COMPARE_AFTER = re.compile(r"^(学历)?(一样|待遇|同等|文凭吗|吗)")
_GRADE_GUARD_AFTER = re.compile(r"^(学院|学校|院校|班|工作室)")
_SERIES_GUARD_AFTER = re.compile(r"^(员|工|专业|学院|大学|学校|公司|局|厅|队|处|部|施工|项目|建设|管理|行业|单位)")
_LEVEL_GUARD_AFTER = re.compile(r"^(建造师|注册|消防|造价|心理|人力资源|健康管理|律师|医院|甲等|资质|企业|公路|运动员)")


def _fold(text: str) -> str:
    """Same-length normalisation: full-width ASCII → ASCII, control chars → space."""
    out = []
    for ch in text:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            out.append(chr(o - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\n\r\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _clause_bounds(text: str, pos: int) -> Tuple[int, int]:
    start = pos
    while start > 0 and not _CLAUSE_SPLIT.match(text[start - 1]):
        start -= 1
    end = pos
    while end < len(text) and not _CLAUSE_SPLIT.match(text[end]):
        end += 1
    return start, end


_RANGE_DIGITS = "一二三四五六七八九"


def parse_number(s: str) -> Optional[float]:
    """Chinese or Arabic numeral → number (cn2an), with colloquial ranges: 七八→7, 十几→10."""
    if not s:
        return None
    s = s.strip()
    try:
        if re.fullmatch(r"\d+(\.\d+)?", s):
            return float(s)
        if len(s) == 2 and s[0] in _RANGE_DIGITS and s[1] in _RANGE_DIGITS \
                and _RANGE_DIGITS.index(s[1]) == _RANGE_DIGITS.index(s[0]) + 1:
            return float(_RANGE_DIGITS.index(s[0]) + 1)          # 七八 → 7
        s = re.sub(r"[几来]$", "", s)                             # 十几 → 十, 十来 → 十
        if not s or "几" in s or "来" in s:
            return None
        value = cn2an.cn2an(s, "smart")
        return float(value)
    except Exception:
        return None


def _num_out(x: float) -> Any:
    x = round(float(x), 2)
    return int(x) if x == int(x) else x


# ---------------------------------------------------------------------------------------
# Candidate facts

@dataclass
class _Fact:
    entity: str
    value: Any
    start: int
    end: int
    rank: Optional[int] = None     # for highest-wins keys

    def as_dict(self) -> Dict[str, Any]:
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}


@dataclass
class _Mention:
    term: Term
    start: int
    end: int
    held: bool = True      # False: a target ("想评工程师") – no level fact
    negated: bool = False


def _lexicon_matches(text: str, ruler_entities: Optional[Iterable[Dict[str, Any]]]) -> List[_Mention]:
    lex = lexicon()
    maxlen = _max_len()
    found: List[_Mention] = []
    i, n = 0, len(text)
    while i < n:
        hit = None
        for length in range(min(maxlen, n - i), 0, -1):
            term = lex.get(text[i:i + length])
            if term is not None:
                hit = _Mention(term, i, i + length)
                break
        if hit:
            found.append(hit)
            i = hit.end
        else:
            i += 1
    # spans the spaCy ruler found that the scan did not (token-based extras)
    for ent in ruler_entities or ():
        try:
            s, e = int(ent["start"]), int(ent["end"])
            term = lex.get(text[s:e])
            if term is None or s < 0 or e > n:
                continue
            if any(m.start < e and s < m.end for m in found):
                continue
            found.append(_Mention(term, s, e))
        except Exception:
            continue
    found.sort(key=lambda m: m.start)
    # "中级工程师", "副高级工程师": a level word glued to a title name is one title
    merged: List[_Mention] = []
    for m in found:
        prev = merged[-1] if merged else None
        if prev is not None and prev.end == m.start and prev.term.label == TITLE_LEVEL \
                and m.term.label == TITLE:
            t = Term(text[prev.start:m.end], TITLE, prev.term.value, series=m.term.series)
            merged[-1] = _Mention(t, prev.start, m.end)
            continue
        merged.append(m)
    return merged


def _classify_mentions(text: str, mentions: List[_Mention]) -> List[_Mention]:
    out = []
    for m in mentions:
        after = text[m.end:m.end + 8]
        cs, ce = _clause_bounds(text, m.start)
        before = text[cs:m.start]
        label = m.term.label
        if label == SKILL_GRADE and _GRADE_GUARD_AFTER.match(after):
            continue
        if label == SKILL_GRADE and re.fullmatch(r"(\d|[一二三四五])级", m.term.surface) and _LEVEL_GUARD_AFTER.match(after):
            continue
        if label == SERIES and _SERIES_GUARD_AFTER.match(after):
            continue
        if label == SKILL_GRADE and re.fullmatch(r"(\d|[一二三四五])级", m.term.surface) and re.search(r"[哪那这几第每]$", before):
            continue   # "能报哪一级"
        if label == DEGREE and (_DEGREE_COMPARE_BEFORE.search(before) or _DEGREE_COMPARE_AFTER.match(after)):
            continue   # "相当于本科吗", "和大专一样吗": an equivalence question, not the caller's degree
        if label == PLACE and after[:1] in ("人",) and m.term.surface in ("内蒙", "内蒙古", "广西"):
            pass  # "内蒙人" still tells where they are
        if _NEG_BEFORE.search(before) and not re.search(r"(但|不过|而是|只有|就是)", before[-4:]):
            m.negated = True
        hypothetical = bool(_HYPOTHETICAL.search(before))
        if label in (SKILL_GRADE, TITLE, TITLE_LEVEL) and _GENERIC_AFTER.match(after):
            m.held = False
        elif label in (SKILL_GRADE, TITLE, TITLE_LEVEL, DEGREE, SCHOOL_CLASS):
            if not hypothetical:
                if _TARGET_VERB.search(before):
                    m.held = False
                elif _TARGET_VERB_RESULT.search(before) and _MODAL.search(before):
                    m.held = False
                elif _TARGET_AFTER.match(after):
                    m.held = False
        out.append(m)
    return out


_DURATION = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百几来]+)"
    r"(?P<more1>多)?(?P<unit>个多月|个半月|个月|年)(?P<half>半)?(?P<more2>多)?"
    r"|(?P<halfyear>半年)"
)
_DUR_SKIP_BEFORE = re.compile(
    r"(近|最近|再|又|还要|还差|还得|还需|还需要|需要|要求|需|要|差|满足|每|第|离|距|距离|头|过去|这|那|隔|不到|不满|够|够了)"
    r"(满|干|工作|做|有|了|等|过|待)?$")
_DUR_SKIP_AFTER = re.compile(r"^(内|以内|之内|以上|以后|后|之后|期间|考核|的考核|时间|才能|就能|才可以|才行)")
_DUR_SKIP_CLAUSE = re.compile(r"退休|毕业|处分|造假|作假|弄虚|诚信|考核|合格|称职|岁|年龄|以后|之后|再过|还有")
_PROFESSIONAL = re.compile(r"专业技术|专技|专业工作|技术岗位工作|专业岗位")
_TITLE_CUE = re.compile(r"职称|评上|评的|聘上|聘任|聘的|评了|取得.{0,6}?资格")
_SKILL_CUE = re.compile(r"证|技能|等级|技工|工种|技师|高级工|中级工|初级工")

_REL_YEAR = {"大前年": -3, "前年": -2, "去年": -1, "上一年": -1, "上年": -1, "今年": 0, "明年": 1, "后年": 2, "大后年": 3}
_CAL_YEAR = re.compile(
    r"(?P<y4>(?:19|20)\d{2})(?:\s*年)?"
    r"|(?P<cn4>[零〇一二三四五六七八九]{4})年"
    r"|(?P<y2>(?<![\d.])\d{2})年(?=(拿|考|取|评|获|毕业|底|初|中|上半年|下半年|\d{1,2}月|[一二三四五六七八九十]{1,2}月|的时候|那年|被|的证|的))"
    r"|(?P<rel>大前年|前年|去年|上一年|今年|明年|大后年|后年)"
)
_PAST_EVENT = re.compile(r"拿|考的|考了|考过|考上|考到|考下|取得|获得|获|评上|评的|评了|下证|发证|发的|刚考|刚拿|毕业|造假|作假|弄虚|的证|通过|到手|聘")
_FUTURE_EVENT = re.compile(r"明年|后年|如果|要是|假如|能不能|能评|可以评|申报|报名|想")


def _previous_level_mention(mentions: List[_Mention], pos: int) -> Optional[str]:
    best = None
    for m in mentions:
        if m.end <= pos and not m.negated and m.held and m.term.label in (SKILL_GRADE, TITLE, TITLE_LEVEL):
            best = m.term.label
    return best


def _clause_has_held(mentions: List[_Mention], cs: int, ce: int, labels: Tuple[str, ...]) -> bool:
    return any(cs <= m.start < ce and m.term.label in labels and m.held and not m.negated for m in mentions)


def _years_kind(text: str, mentions: List[_Mention], start: int, end: int) -> Optional[str]:
    """For a duration/year at [start,end): 'professional' | 'title' | 'skill' | None (skip)."""
    cs, ce = _clause_bounds(text, start)
    clause = text[cs:ce]
    if _PROFESSIONAL.search(clause):
        return "professional"
    title_here = _clause_has_held(mentions, cs, ce, (TITLE, TITLE_LEVEL)) or bool(_TITLE_CUE.search(clause))
    skill_here = _clause_has_held(mentions, cs, ce, (SKILL_GRADE,)) or bool(
        _SKILL_CUE.search(re.sub(r"职称证|资格证|证书.{0,2}职称", "", clause)))
    if title_here and not skill_here:
        return "title"
    if skill_here and not title_here:
        return "skill"
    prev = _previous_level_mention(mentions, start if (title_here and skill_here) else end)
    if prev in (TITLE, TITLE_LEVEL):
        return "title"
    if prev == SKILL_GRADE:
        return "skill"
    if title_here:
        return "title"
    return "skill"


def _durations(text: str, mentions: List[_Mention], taken: List[Tuple[int, int]], today: _dt.date) -> List[_Fact]:
    facts: List[_Fact] = []
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
        before = text[max(0, s - 6):s]
        after = text[e:e + 6]
        cs, ce = _clause_bounds(text, s)
        clause = text[cs:ce]
        if after.startswith("前") and not m.group("halfyear") and m.group("unit") == "年":
            # "五年前拿的证": a calendar year
            year = today.year - int(value)
            facts.extend(_calendar_fact(text, mentions, s, e + 1, year, today))
            continue
        if _DUR_SKIP_BEFORE.search(before) or _DUR_SKIP_AFTER.match(after):
            continue
        if re.search(r"(不是|并非|而不是)$", before):
            continue   # "是六年不是五年"
        if _DUR_SKIP_CLAUSE.search(clause) or value > 60:
            continue
        kind = _years_kind(text, mentions, s, e)
        key = {"professional": "professional_years", "title": "title_years", "skill": "skill_years"}[kind]
        facts.append(_Fact(key, _num_out(value), s, e))
    return facts


def _calendar_fact(text: str, mentions: List[_Mention], s: int, e: int, year: int,
                   today: _dt.date, relative: Optional[str] = None) -> List[_Fact]:
    cs, ce = _clause_bounds(text, s)
    clause = text[cs:ce]
    if len(clause) - (e - s) <= 2 and cs > 1:
        # "…造假过一次，2021年": a bare year continues the previous clause
        ps, _ = _clause_bounds(text, cs - 2)
        clause = text[ps:ce]
    if re.search(r"毕业", clause):
        return [_Fact("graduation_year", year, s, e)]
    if re.search(r"造假|作假|弄虚|虚假", clause):
        return [_Fact("fraud_year", year, s, e)]
    if re.search(r"退休|考核|处分|岁|出生|生的", clause):
        return []
    if year > today.year:
        return [_Fact("application_year", year, s, e)]
    if relative == "今年" and not _PAST_EVENT.search(clause):
        return []   # "今年能评吗": the application year, which defaults to this year anyway
    if year == today.year and _FUTURE_EVENT.search(clause) and not _PAST_EVENT.search(clause):
        return []
    if year < 1950:
        return []
    kind = _years_kind(text, mentions, s, e)
    if kind == "title":
        return [_Fact("title_years", today.year - year, s, e)]
    if kind == "professional":
        return []
    return [_Fact("skill_grade_year", year, s, e)]


def _calendar_years(text: str, mentions: List[_Mention], today: _dt.date) -> Tuple[List[_Fact], List[Tuple[int, int]]]:
    facts: List[_Fact] = []
    spans: List[Tuple[int, int]] = []
    for m in _CAL_YEAR.finditer(text):
        s, e = m.span()
        year: Optional[int] = None
        rel = None
        if m.group("y4"):
            if e < len(text) and text[e - 1] != "年" and not re.match(r"\s*(拿|考|取|评|获|毕业|年)", text[e:e + 3]):
                # a bare 4-digit number without 年 or an event verb: not a year
                continue
            if s > 0 and re.match(r"[\d.]", text[s - 1]):
                continue
            if text[e - 1] != "年" and e < len(text) and re.match(r"[\d.]", text[e]):
                continue
            year = int(m.group("y4"))
        elif m.group("cn4"):
            v = parse_number(m.group("cn4"))
            if v is None:
                continue
            year = int(v)
        elif m.group("y2"):
            yy = int(m.group("y2"))
            before = text[max(0, s - 3):s]
            if re.search(r"(了|干|做|工作|满|近)$", before):
                continue
            year = 2000 + yy if yy <= today.year % 100 else 1900 + yy
        elif m.group("rel"):
            rel = m.group("rel")
            year = today.year + _REL_YEAR[rel]
        if year is None:
            continue
        spans.append((s, e))
        facts.extend(_calendar_fact(text, mentions, s, e, year, today, relative=rel))
    return facts, spans


# --- yes/no facts ------------------------------------------------------------------------

_NEG = r"(没有|没|未|无|不|从没|从来没|从未|并未|并没有|还没|还没有|尚未|不是|不曾|非)"


def _negated_before(text: str, s: int, window: int = 6) -> bool:
    cs, _ = _clause_bounds(text, s)
    before = text[max(cs, s - window):s]
    return bool(re.search(_NEG + r"[^，。,;；]{0,5}$", before))


def _bool_facts(text: str) -> List[_Fact]:
    facts: List[_Fact] = []

    # 近3年年度考核
    for m in re.finditer(r"基本称职|不称职|不合格|没合格|没及格|不及格|合格|称职|优秀|良好", text):
        s, e = m.span()
        cs, ce = _clause_bounds(text, s)
        clause = text[cs:ce]
        before = text[cs:s]
        word = m.group(0)
        if not re.search(r"考核|年|都|每年|年年|连续|一直", clause) and cs != 0:
            continue
        if word in ("良好",) and "考核" not in clause:
            continue
        if word in ("不称职", "不合格", "没合格", "基本称职", "没及格", "不及格"):
            value = bool(re.search(_NEG + r"[^，。,;；]{0,3}$", before))   # "没有不合格" → ok
        else:
            value = not re.search(r"(没有|没|未|不|还没)(都)?$", before)
        facts.append(_Fact("assessment_ok", value, s, e))
    for m in re.finditer(r"考核(没过|没通过|都过了|都通过|通过了|都过|过了)", text):
        s = m.start() + 2
        facts.append(_Fact("assessment_ok", "没" not in m.group(1), s, m.end()))

    # 退休
    for m in re.finditer(r"退休|退了休|内退|离休|在职", text):
        s, e = m.span()
        if re.match(r"(金|工资|费|待遇|手续|后|以后|之后|人员的|证)", text[e:e + 3]):
            continue   # 退休金, "退休后还能评吗": not the caller's status
        cs, ce = _clause_bounds(text, s)
        before, after = text[cs:s], text[e:ce]
        if m.group(0) == "在职":
            if re.search(r"在职(研究生|硕士|博士|学历|本科|读)", text[s:s + 6]):
                continue
            facts.append(_Fact("retired", bool(re.search(r"不$|不是$", before)), s, e))
            continue
        if re.search(r"(快|快要|马上|将要|还有|离|距离|明年|后年|再过|几年后|年后)", before) or re.search(r"^(还有|还差)", after):
            value = False
        elif re.search(_NEG + r"[^，。,;；]{0,4}$", before) or re.search(r"(没到|不到|未到)", before + after[:4]):
            value = False
        elif re.search(r"到了|已经到|到$|达到|满了|过了", before[-4:] + after[:4]) or re.search(r"了|已", before + after[:3]) \
                or re.search(r"^(人员|职工|老|返聘|年龄了|的)", after) or cs == s:
            value = True
        else:
            value = True
        facts.append(_Fact("retired", value, s, e))

    # 立案审查调查 / 处分影响期
    for m in re.finditer(r"立案|审查调查|被调查|接受调查|调查期|纪律审查|处分期|影响期|处罚期|违法违纪|违纪", text):
        s, e = m.span()
        facts.append(_Fact("under_investigation", not _negated_before(text, s), s, e))

    # 记过以上处分
    for m in re.finditer(r"记大过|记过|降级处分|撤职|开除|留用察看|处分", text):
        s, e = m.span()
        if any(f.start <= s < f.end for f in facts):
            continue
        cs, _ = _clause_bounds(text, s)
        if m.group(0) == "处分" and re.search(r"(记大过|记过|降级|撤职|警告)$", text[cs:s]):
            continue
        if m.group(0) == "处分" and re.search(r"期|影响期", text[e:e + 3]):
            continue   # 处分期内 → under_investigation
        value = not _negated_before(text, s, 8)
        if m.group(0) == "处分" and re.search(r"警告", text[max(cs, s - 4):s]):
            value = False
        facts.append(_Fact("demerit_punishment", value, s, e))

    # 诚信档案
    for m in re.finditer(r"诚信档案库|诚信档案|失信|黑名单|诚信记录", text):
        s, e = m.span()
        value = not _negated_before(text, s, 8)
        if re.match(r"(良好|没问题|正常|干净|清白|无不良|没有不良)", text[e:e + 5]):
            value = False
        facts.append(_Fact("integrity_record", value, s, e))

    # 弄虚作假
    for m in re.finditer(r"弄虚作假|造假|作假|假材料|虚假材料|假证", text):
        s, e = m.span()
        cs, ce = _clause_bounds(text, s)
        if _negated_before(text, s, 8):
            facts.append(_Fact("fraud_count", 0, s, e))
            continue
        count = 1
        cm = re.search(r"([\d一二两三四五六七八九十]+)次", text[cs:ce])
        if cm:
            v = parse_number(cm.group(1))
            if v is not None:
                count = int(v)
        facts.append(_Fact("fraud_count", count, s, e))

    # 毕业后留在本地
    for m in re.finditer(r"留在|留本地|留当地|留区内|留了下来|留下来|一直在本地|在本地工作|在当地工作|去了外地|去外地|去了外省|离开了", text):
        s, e = m.span()
        word = m.group(0)
        value = not word.startswith(("去", "离开")) and not _negated_before(text, s, 4)
        facts.append(_Fact("stayed_in_region", value, s, e))

    # 海外高层次人才
    for m in re.finditer(r"海外|海归|留学回国|国外引进|境外引进", text):
        s, e = m.span()
        cs, ce = _clause_bounds(text, s)
        if not re.search(r"引进|人才|回国|海归|高层次", text[cs:ce]):
            continue
        facts.append(_Fact("overseas_talent", not _negated_before(text, s, 6), s, e))

    # 相关专业毕业证
    for m in re.finditer(r"不相关专业|非相关专业|相关专业|专业不对口|专业对口|对口专业|不对口|本专业", text):
        s, e = m.span()
        word = m.group(0)
        if word == "本专业" and not re.search(r"毕业|文凭|学历|证", text[e:e + 6]):
            continue
        if word in ("不对口",) and any(f.start <= s < f.end for f in facts):
            continue
        value = not (word.startswith(("不", "非")) or "不对口" in word or _negated_before(text, s, 4))
        facts.append(_Fact("related_diploma", value, s, e))
    return facts


# ---------------------------------------------------------------------------------------

_RANKED = {
    "skill_grade": vocab.skill_grades,
    "title_level": vocab.title_levels,
    "degree": vocab.degrees,
}


def _mention_facts(text: str, mentions: List[_Mention]) -> List[_Fact]:
    facts: List[_Fact] = []
    for m in mentions:
        if m.negated:
            continue
        t = m.term
        if t.label == PLACE:
            facts.append(_Fact("region", t.value, m.start, m.end))
        elif t.label == AWARD:
            facts.append(_Fact("awards", t.value, m.start, m.end))
        elif t.label == SERIES:
            facts.append(_Fact("series", t.value, m.start, m.end))
        elif t.label == TITLE:
            if m.held:
                facts.append(_Fact("title_level", t.value, m.start, m.end))
            else:
                facts.append(_Fact("series", t.series, m.start, m.end))
        elif not m.held:
            continue
        elif t.label == SKILL_GRADE:
            facts.append(_Fact("skill_grade", t.value, m.start, m.end))
        elif t.label == TITLE_LEVEL:
            facts.append(_Fact("title_level", t.value, m.start, m.end))
        elif t.label == DEGREE:
            facts.append(_Fact("degree", t.value, m.start, m.end))
        elif t.label == SCHOOL_CLASS:
            facts.append(_Fact("skill_school_class", t.value, m.start, m.end))
    # series implied by a held title name: a second fact on the same span would overlap,
    # so it is returned separately by extract_facts (see `implied`).
    return facts


def _implied_series(mentions: List[_Mention]) -> List[_Fact]:
    return [_Fact("series", m.term.series, m.start, m.end)
            for m in mentions if m.term.label == TITLE and m.held and not m.negated]


def _combo_awards(text: str, taken: List[Tuple[int, int]]) -> List[_Fact]:
    out = []
    for pattern, canon in _medal_combos():
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(a <= s < b for a, b in taken):
                continue
            if _negated_before(text, s, 4):
                continue
            out.append(_Fact("awards", canon, s, e))
    return out


def _choose(facts: List[_Fact], corrected: bool) -> List[_Fact]:
    chosen: Dict[str, _Fact] = {}
    awards: Dict[str, _Fact] = {}
    for f in sorted(facts, key=lambda f: f.start):
        if f.entity == "awards":
            awards.setdefault(f.value, f)
            continue
        old = chosen.get(f.entity)
        if old is None:
            chosen[f.entity] = f
        elif corrected:
            chosen[f.entity] = f
        elif f.entity in _RANKED:
            order = _RANKED[f.entity]()
            if order.index(f.value) > order.index(old.value):
                chosen[f.entity] = f
    return sorted([*chosen.values(), *awards.values()], key=lambda f: (f.start, f.entity))


def extract_facts(text: Any, ruler_entities: Optional[Iterable[Dict[str, Any]]] = None,
                  today: Optional[_dt.date] = None, with_implied: bool = True) -> List[Dict[str, Any]]:
    """Facts stated in ``text`` as ``[{"entity", "value", "start", "end"}]`` (see module doc).

    ``with_implied``: add the ``series`` a held title name implies (工程师 → 工程) as a fact
    sharing the title's span.  Never raises.
    """
    try:
        return _extract(text, ruler_entities, today, with_implied)
    except Exception:   # pragma: no cover - defensive: the NLU must never crash a turn
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
    text = _fold(text)
    mentions = _classify_mentions(text, _lexicon_matches(text, ruler_entities))
    facts = _mention_facts(text, mentions)
    taken = [(f.start, f.end) for f in facts]
    facts += _combo_awards(text, taken)
    taken = [(m.start, m.end) for m in mentions]
    cal, cal_spans = _calendar_years(text, mentions, today)
    facts += cal
    facts += _durations(text, mentions, taken + cal_spans, today)
    facts += _bool_facts(text)
    corrected = bool(_CORRECTION.search(text))
    chosen = _choose(facts, corrected)
    if with_implied and not any(f.entity == "series" for f in chosen):
        implied = _implied_series(mentions)
        if implied:
            pick = implied[-1] if corrected else implied[0]
            # after the title_level fact on the same span, so span-based scorers see that first
            chosen = sorted([*chosen, pick], key=lambda f: (f.start, f is pick))
    return [f.as_dict() for f in chosen]


def region_note(text: str) -> Optional[str]:
    """The note attached to a place said in ``text`` (e.g. Guangxi outside 百色), if any."""
    try:
        for m in _lexicon_matches(_fold(str(text)), None):
            if m.term.label == PLACE and m.term.note:
                return m.term.note
    except Exception:
        pass
    return None
