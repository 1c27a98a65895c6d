"""Vocabulary words found in a text: the lexicon and its longest-match scan.

Every surface form comes from :mod:`rules_engine.vocabulary` (the single source the spaCy
``entity_ruler`` and the jieba dictionary are also generated from, ``bot.nlu.build_spacy``);
the forms built here are regular variations of those words (numbered grades, a level word
glued to a title name, "高级职业资格", "在技校教书"), never a second list of names.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Tuple

import cn2an

from rules_engine import vocabulary as vocab

logger = logging.getLogger(__name__)

# Labels of the spaCy ruler / lexicon; bot.nlu.normalise says which profile key each feeds.
SKILL_GRADE = "SKILL_GRADE"
TITLE = "TITLE"
TITLE_LEVEL = "TITLE_LEVEL"
AWARD = "AWARD"
SERIES = "SERIES"
PLACE = "PLACE"
DEGREE = "DEGREE"
SCHOOL_CLASS = "SCHOOL_CLASS"
LABELS = (SKILL_GRADE, TITLE, TITLE_LEVEL, AWARD, SERIES, PLACE, DEGREE, SCHOOL_CLASS)
LEVEL_LABELS = (SKILL_GRADE, TITLE, TITLE_LEVEL)


@dataclass(frozen=True)
class Term:
    surface: str
    label: str
    value: str  # canonical value (region for PLACE, title level for TITLE)
    series: Optional[str] = None  # TITLE only
    note: Optional[str] = None  # PLACE only
    # SERIES said as a workplace (图书馆): counts only beside a held title of this series
    only_beside: Optional[str] = None


@dataclass
class Mention:
    """A lexicon word found at [start, end) and what its clause makes of it."""

    term: Term
    start: int
    end: int
    held: bool = True  # False: a target or a topic ("想评工程师", "工程师怎么评") – no level fact
    topic: bool = False  # a question about the level itself ("工程师算哪一级"): not even a series
    negated: bool = False
    someone_else: bool = False  # "我爸是技师": not the applicant's


# Ways of saying a numbered grade besides the vocabulary's own aliases ("三级证书").
_LEVEL_SUFFIXES = ("", "技能", "证书", "证", "技能证书", "技能等级", "等级证书")
_LEVEL_PREFIXES = ("", "国家职业资格", "职业资格", "国家")
# "高级职业资格", "中级职业资格证": the pre-2019 name of a skill grade (never a title).
_QUALIFICATION_SUFFIXES = ("职业资格", "职业资格证", "职业资格证书")
# "在技校教书", "技工学校的老师": teaching at a kind of school names the teachers' series.
_TEACHING_WORDS = ("教书", "任教", "当老师", "当教师", "做老师", "老师", "教课")


# Characters typed by their sound (pinyin input): 理→里, 级→极; or by their shape: 师→帅.
_TYPOS = (("理", "里"), ("级", "极"), ("师", "帅"))


def _numbered_grade_forms() -> List[Tuple[str, str]]:
    out = []
    for grade in vocab.skill_grades():
        number = vocab.grade_number(grade)  # 三级
        digit = str(cn2an.cn2an(number[0], "smart")) + "级"  # 3级
        for base in (number, digit):
            for pre in _LEVEL_PREFIXES:
                for suf in _LEVEL_SUFFIXES:
                    out.append((pre + base + suf, grade))
    return out


def _qualification_forms() -> List[Tuple[str, str]]:
    """高级职业资格 → 高级工: the level word of every "…技能" alias (高级技能) + 职业资格."""
    out = []
    for grade, forms in vocab.aliases("skill_grades").items():
        for f in forms:
            if f.endswith("技能") and len(f) > 2:
                out.extend((f[:-2] + suffix, grade) for suffix in _QUALIFICATION_SUFFIXES)
    return out


def _teaching_forms() -> List[Tuple[str, str]]:
    """技校教师 (a series alias ending in 教师) → 技校 + 教书/任教/老师 …"""
    out = []
    for canon, forms in vocab.aliases("series").items():
        for f in forms:
            if f.endswith("教师") and len(f) > 2:
                out.extend((f[:-2] + word, canon) for word in _TEACHING_WORDS)
                out.append((f[:-2] + "的老师", canon))
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
    for surface, grade in _qualification_forms():
        add(surface, Term(surface, SKILL_GRADE, grade))
    for surface, series in _teaching_forms():
        add(surface, Term(surface, SERIES, series))
    for surface, series, titles_of in vocab.series_workplaces():
        add(surface, Term(surface, SERIES, series, only_beside=titles_of))
    for section, label in (
        ("skill_school_classes", SCHOOL_CLASS),
        ("awards", AWARD),
        ("skill_grades", SKILL_GRADE),
        ("title_levels", TITLE_LEVEL),
        ("series", SERIES),
        ("degrees", DEGREE),
    ):
        for canon, forms in vocab.aliases(section).items():
            for f in forms:
                add(f, Term(f, label, canon))
        if section == "skill_grades":
            for surface, grade in _numbered_grade_forms():
                add(surface, Term(surface, SKILL_GRADE, grade))
    # Common one-character typos of the level words ("助里工程师", "高极技师"), each a
    # variant of a surface above; a typo never replaces a word that exists.
    base = {t.name for t in vocab.title_names()} | {
        f for section in ("skill_grades", "title_levels") for forms in vocab.aliases(section).values() for f in forms
    }
    for surface, term in list(lex.items()):
        if surface in base:
            for right, typo in _TYPOS:
                if right in surface:
                    add(
                        surface.replace(right, typo),
                        Term(surface.replace(right, typo), term.label, term.value, series=term.series),
                    )
    # Every place of the vocabulary (its 盟市/旗县, 百色's counties, other provinces and
    # cities, full and unambiguous short forms) → its region.
    for name, place in vocab.places().items():
        add(name, Term(name, PLACE, place.region, note=place.note))
    return lex


@lru_cache(maxsize=None)
def _max_len() -> int:
    return max(len(s) for s in lexicon())


MEDALS = ("金牌", "银牌", "铜牌", "优胜奖", "冠军")
# a result in a contest, which alone names no award (“拿的铜牌”: which contest?)
CONTEST_RESULT = re.compile("|".join(MEDALS) + r"|金奖|银奖|铜奖|[一二三]等奖|第[一二三]名")


@lru_cache(maxsize=None)
def medal_combos() -> List[Tuple["re.Pattern[str]", str]]:
    """'世赛…拿了金牌' → 世界技能大赛金牌: competition + medal said apart (from vocabulary)."""
    combos: Dict[str, Dict[str, str]] = {}
    for canon, forms in vocab.aliases("awards").items():
        for f in forms:
            for m in MEDALS:
                if f.endswith(m) and len(f) > len(m):
                    combos.setdefault(f[: -len(m)], {})[m] = canon
    out = []
    for comp, by_medal in combos.items():
        for medal, canon in by_medal.items():
            # “参加过世界技能大赛，拿了银牌”: a comma may come between, not another contest
            # (赛) nor a negation (“没拿到银牌”)
            # (“全国大赛拿了个铜”: a metal said alone, closing its clause, is its medal)
            said = (
                medal
                if medal not in ("金牌", "银牌", "铜牌")
                else rf"(?:{medal}|{medal[0]}奖|{medal[0]}(?=[，。,;；!！?？\s]|$))"
            )
            out.append((re.compile(re.escape(comp) + r"[^。;；!！?？赛没未不]{1,10}?" + said), canon))
            # “拿了个金牌 世界技能大赛的”: the contest named after the medal
            out.append(
                (
                    re.compile(
                        r"(?<![没未不])(?:拿了?个?|获得?了?|得了?个?)" + said + r"[，,\s]{0,2}" + re.escape(comp)
                    ),
                    canon,
                )
            )
    # “自治区级一类职业技能大赛第二名”: contest and result apart, as the vocabulary writes them
    out += [(re.compile(pattern), canon) for pattern, canon in vocab.said_apart("awards")]
    return out


# "高级电工", "中级焊工证": a level word with a trade is that skill grade, not a title
# level (a title is 中级职称 / 工程师 …); not 工程, 工作, 工资 …
_TRADE_GRADE = re.compile(r"(初级|中级|高级)([\u4e00-\u9fff]{1,4}?工)(证书|证)?(?![程作资龄厂会地具业艺商])")
_TRADE_GRADE_VALUE = {"初级": "初级工", "中级": "中级工", "高级": "高级工"}
# "电工 高级", "农机修理工高级": the trade said first
_TRADE_THEN_GRADE = re.compile(r"[\u4e00-\u9fff]{1,4}?工[ \t]?(初级|中级|高级)(?![工技职师])")


# “技能证是中级的”, “技能等级是高级的”: 初级/中级/高级 said of a skill certificate is its grade
_CERT_GRADE = re.compile(
    r"(?:技能(?:等级)?证?书?|等级证书?|职业资格证?书?|工种等级)(?:是|为|属于|:|：)\s?(初级|中级|高级)(?:工)?(?!职称|工程|技师|会计|经济|讲师|农艺)"
)


def _certificate_grades(text: str, found: List[Mention]) -> List[Mention]:
    for m in _CERT_GRADE.finditer(text):
        s, e = m.span(1)
        grade = Term(m.group(1), SKILL_GRADE, _TRADE_GRADE_VALUE[m.group(1)])
        found = [n for n in found if not (n.start < e and s < n.end)] + [Mention(grade, s, e)]
    return found


def _trade_grades(text: str, found: List[Mention]) -> List[Mention]:
    spans = [(m.span(), m.group(0), m.group(1)) for m in _TRADE_GRADE.finditer(text)]
    spans += [((m.start(1), m.end(1)), m.group(1), m.group(1)) for m in _TRADE_THEN_GRADE.finditer(text)]
    for (s, e), surface, level in spans:
        if any(n.start < e and s < n.end and n.term.label in (TITLE, SKILL_GRADE) for n in found):
            continue  # a title name or a grade word already covers it ("高级技工")
        grade = Term(surface, SKILL_GRADE, _TRADE_GRADE_VALUE[level])
        found = [n for n in found if not (n.start < e and s < n.end)] + [Mention(grade, s, e)]
    return found


# Words that hold a short term but mean something else: 高工资 is no 高工 (高级工程师).
FALSE_FRIENDS = re.compile(r"高工[资龄时作种段]|提高工|助工[资作]|正高工[资龄]")


def lexicon_matches(text: str, ruler_entities: Optional[Iterable[Dict[str, Any]]]) -> List[Mention]:
    """Longest match, left to right, merged with the spans the spaCy ruler found (but
    not inside a false friend)."""
    found = _lexicon_matches(text, ruler_entities)
    false = [m.span() for m in FALSE_FRIENDS.finditer(text)]
    return [m for m in found if not any(s < m.end and m.start < e for s, e in false)] if false else found


def _place_before_award(text: str, place: Mention, lex: Dict[str, Any], maxlen: int) -> Optional[Mention]:
    """“福建省政府特殊津贴”, “内蒙古自治区政府特殊津贴”: the end of the place begins the
    award (省政府特殊津贴, 自治区政府特殊津贴); the place keeps what is left of it when that is
    still a place, else gives way."""
    for j in range(place.start + 1, place.end):
        for length in range(min(maxlen, len(text) - j), place.end - j, -1):
            term = lex.get(text[j : j + length])
            if term is not None and term.label == AWARD:
                rest = lex.get(text[place.start : j])
                return Mention(rest, place.start, j) if rest is not None and rest.label == PLACE else None
    return place


def _lexicon_matches(text: str, ruler_entities: Optional[Iterable[Dict[str, Any]]]) -> List[Mention]:
    lex = lexicon()
    maxlen = _max_len()
    found: List[Mention] = []
    i, n = 0, len(text)
    while i < n:
        hit = None
        for length in range(min(maxlen, n - i), 0, -1):
            term = lex.get(text[i : i + length])
            if term is not None:
                hit = Mention(term, i, i + length)
                break
        if hit and hit.term.label == PLACE:
            hit = _place_before_award(text, hit, lex, maxlen)
        if hit:
            found.append(hit)
            i = hit.end
        else:
            i += 1
    # spans the spaCy ruler found that the scan did not (token-based extras)
    for ent in ruler_entities or ():
        try:
            s, e = int(ent["start"]), int(ent["end"])
        except (KeyError, TypeError, ValueError) as err:
            logger.warning("ignored a malformed ruler span %r: %s", ent, err)
            continue
        term = lex.get(text[s:e]) if 0 <= s < e <= n else None
        if term is None or any(m.start < e and s < m.end for m in found):
            continue
        found.append(Mention(term, s, e))
    found = _certificate_grades(text, _trade_grades(text, found))
    found.sort(key=lambda m: m.start)
    # "中级工程师", "副高级工程师": a level word glued to a title name is one title
    merged: List[Mention] = []
    for m in found:
        prev = merged[-1] if merged else None
        if prev is not None and prev.end == m.start and prev.term.label == TITLE_LEVEL and m.term.label == TITLE:
            t = Term(text[prev.start : m.end], TITLE, prev.term.value, series=m.term.series)
            merged[-1] = Mention(t, prev.start, m.end)
            continue
        merged.append(m)
    return merged
