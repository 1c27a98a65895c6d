"""Which fact a time said in a clause belongs to.

A duration or a calendar year is only a number until it is tied to what it is said with:
“技师两年” counts the grade's years, “工程师当了两年半” the title's, “从事专业技术工作八年”
the profession's (:func:`years_kind`); “去年被记过”, “2019年毕业”, “前年拿的证” are the year
of a 处分, of graduation, of the grade (:func:`said_with`).  These questions are asked of the
clause around a time, whatever the time's form, so they live apart from reading the times
themselves (:mod:`bot.nlu.dates`).
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from bot.nlu.clauses import Fact
from bot.nlu.spans import clause_bounds
from bot.nlu.lexicon import LEVEL_LABELS, SERIES, SKILL_GRADE, TITLE, TITLE_LEVEL, Mention

PROFESSIONAL = re.compile(r"专业技术|专技|专业工作|技术岗位工作|专业岗位")
_CUMULATIVE = re.compile(r"累计|累积|技术工作|技术这行|搞技术|搞研发|做研发")
# "海外引进的博士，毕业三年了": for 海外引进人才 the years since the degree (CONTRACT §3)
# “海归”, “从德国回来的博士”: abroad, said by the country (bot.nlu.yes_no reads overseas_talent with it)
_ABROAD = r"(?:国外|海外|境外|[\u4e00-\u9fff]{1,3}国|日本|加拿大|澳大利亚|澳洲|新加坡|俄罗斯|新西兰|欧洲)"
OVERSEAS = re.compile(
    r"海外|海归|留学回国|留学回来|国外引进|境外引进|从" + _ABROAD + r"回来"
    r"|在" + _ABROAD + r"(?:读|留学|念|上学|拿)"  # “在英国读完硕士回来”
)
# 取得…资格 is a title's qualification; …职业资格 is a skill grade's old name
# (“取得技师资格” is a grade's: a grade named before 资格 makes it no title cue)
_TITLE_CUE = re.compile(
    r"职称|评上|评的|聘上|聘任|聘的|评了|取得(?:(?!技师|高级工|中级工|初级工|技工).){0,6}?(?<!职业)资格"
)
# “高级技师，评上五年了”: 评上 is said of grades too — with no level in its clause, the level
# said before it decides
_TITLE_CUE_WEAK = re.compile(r"^[^职聘资]*(评上|评的|评了)[^职聘资]*$")
_SKILL_CUE = re.compile(r"证|技能|等级|技工|工种|技师|高级工|中级工|初级工|职业资格")
# “想弄个职称”, “能不能评职称”: a title wished for, not held — no cue for the years beside it
_TITLE_WISHED = re.compile(
    r"(想|能|可以|可不可以|能不能|怎么|咋|如何|打算|准备)[^，。,？?]{0,3}?(评|弄|报|申报|申请|拿)[^，。,？?]{0,4}?职称"
)


def _previous_level_mention(mentions: Sequence[Mention], pos: int) -> Optional[str]:
    best = None
    for m in mentions:
        if m.end <= pos and not m.negated and m.held and m.term.label in LEVEL_LABELS:
            best = m.term.label
    return best


def clause_has_held(mentions: Sequence[Mention], cs: int, ce: int, labels: Tuple[str, ...]) -> bool:
    """A level of one of `labels` is said as held (and not negated) in text[cs:ce]."""
    return any(cs <= m.start < ce and m.term.label in labels and m.held and not m.negated for m in mentions)


# “2020年就拿了技师证”: a time followed by getting a level is that level's
_GOT_BEFORE_LEVEL = re.compile(r"^[^，。,；;]{0,4}?(拿|考|取得|获得|评上|评)(了|的|到|过)?[^，。,；;]{0,2}$")


def _level_got_after(text: str, mentions: Sequence[Mention], end: int, ce: int) -> Optional[str]:
    nxt = next((m for m in mentions if end <= m.start < ce and m.held and not m.negated), None)
    if nxt is None or not _GOT_BEFORE_LEVEL.match(text[end : nxt.start]):
        return None
    if nxt.term.label == SKILL_GRADE:
        return "skill"
    return "title" if nxt.term.label in (TITLE, TITLE_LEVEL) else None


def years_kind(text: str, mentions: Sequence[Mention], start: int, end: int) -> str:
    """For a duration/year at [start,end): 'professional' | 'title' | 'skill'."""
    cs, ce = clause_bounds(text, start)
    clause = text[cs:ce]
    if PROFESSIONAL.search(clause):
        return "professional"
    if _CUMULATIVE.search(clause) and not clause_has_held(mentions, 0, len(text), (SKILL_GRADE,)):
        return "professional"  # "累计干了八年技术工作" of a title holder: the profession's years
    series_here = any(cs <= m.start < ce and m.term.label == SERIES for m in mentions)
    title_here = clause_has_held(mentions, cs, ce, (TITLE, TITLE_LEVEL)) or bool(
        _TITLE_CUE.search(_TITLE_WISHED.sub("", clause))
    )
    skill_here = clause_has_held(mentions, cs, ce, (SKILL_GRADE,)) or bool(
        _SKILL_CUE.search(re.sub(r"职称证|资格证|证书.{0,2}职称|(技师|技工)(学院|学校|院校)", "", clause))
    )
    if series_here and not title_here and not skill_here:
        return "professional"  # "在技校任教十年": years of the profession the series names
    weak_cue_only = not clause_has_held(mentions, cs, ce, (TITLE, TITLE_LEVEL)) and _TITLE_CUE_WEAK.match(clause)
    if (
        title_here
        and not skill_here
        and not (weak_cue_only and _previous_level_mention(mentions, start) == SKILL_GRADE)
    ):
        return "title"
    if skill_here and not title_here:
        return "skill"
    got = _level_got_after(text, mentions, end, ce)
    if got is not None:
        return got  # “工程师 2020年就拿了技师证”: the year goes with the level it was got
    prev = _previous_level_mention(mentions, start if (title_here and skill_here) else end)
    if prev in (TITLE, TITLE_LEVEL):
        return "title"
    if prev == SKILL_GRADE:
        return "skill"
    if title_here:
        return "title"
    if prev is None and OVERSEAS.search(text) and re.search(r"博士|硕士|研究生|本科", text):
        return "professional"  # “海归博士，干了五年”: years since the degree (百色 第十七条（二）)
    return "skill"


# What a year or a duration can be said with, and what it then means.
_ANCHOR_CUES = (
    ("graduation", re.compile(r"毕业")),
    # a title revoked (撤销) is one revoked for 弄虚作假 (百色 第七条（二）): its year is the finding's
    (
        "fraud",
        re.compile(r"造假|作假|弄虚|虚假|伪造|剽窃|骗取|编造|虚报|被查出|查实|撤销|吊销|造(?:了|过)[^，。]{0,4}?假"),
    ),
    ("other", re.compile(r"退休|考核|处分|记过|诚信|合格|称职|岁|出生|生的|政策|规定|文件|通知|变化")),
    ("level", re.compile(r"拿|考(?!核)|取得|获得|评上|评的|聘|证")),
)
_GETTING = re.compile(r"拿|考|取得|获得|评上|评的")
_KIND_OF_FACT = {"fraud_count": "fraud", "fraud_year": "fraud", "graduation_year": "graduation", "awards": "award"}


def _anchors(
    text: str, cs: int, ce: int, mentions: Sequence[Mention], others: Sequence[Fact]
) -> List[Tuple[int, int, str]]:
    """(start, end, kind) of every fact or fact word in text[cs:ce]: a level held, a yes/no
    fact, an award, 毕业, 造假, or a word of getting a grade (拿证, 考的, 评上 …)."""
    out = [
        (m.start, m.end, "level")
        for m in mentions
        if cs <= m.start < ce and m.term.label in LEVEL_LABELS and m.held and not m.negated
    ]
    out += [(f.start, f.end, _KIND_OF_FACT.get(f.entity, "other")) for f in others if cs <= f.start < ce]
    clause = text[cs:ce]
    for kind, cue in _ANCHOR_CUES:
        out += [(cs + m.start(), cs + m.end(), kind) for m in cue.finditer(clause)]
    out.sort()
    # a verb of getting (拿, 考, 获得 …) goes with its object when one follows closely:
    # "去年拿了全国技术能手" is the award's year, "前年拿的证" the grade's
    for i in range(len(out) - 2, -1, -1):
        start, end, kind = out[i]
        if kind == "level" and _GETTING.fullmatch(text[start:end]) and out[i + 1][0] - end <= 4:
            out[i] = (start, end, out[i + 1][2])
        elif kind == "level" and _GETTING.fullmatch(text[start:end]) and _REVOKED_LATER.match(text, end, ce):
            # “去年评的工程师因为材料造假被撤销了”: the title got that year was revoked — the
            # year of the finding (百色 第七条（二）), not of a grade (explore11 P02)
            out[i] = (start, end, "fraud")
    return out


# a title got, then revoked in the same clause (the revoked title itself is no mention)
_REVOKED_LATER = re.compile(r"[^，。？！,.?!\s]{0,14}?被?撤销")


# a clause of years and counts only: “2019年和2024年”, “一次2019年一次2024年”
_YEARS_ONLY = re.compile(r"(?:(?:\d{2,4}|[去前今])年|[和、跟与及各也又还有一次回分别]|\s)+")
# “…造假过一次 是前年的事”, “那是2021年的事了”: a clause saying when the previous one happened
_WHEN_IT_WAS = re.compile(
    r"(?:那|这)?(?:是|都是|就是|还是)?(?:\d{2,4}|[去前今]|[一二三四五六七八九零〇两]{2,4})年(?:的事(?:情|儿)?|那会儿?|那时候?)[了啦吧啊呀]?"
)


def said_with(
    text: str, s: int, e: int, mentions: Sequence[Mention], others: Sequence[Fact], prefer_after: bool
) -> Optional[str]:
    """The kind of fact [s, e) is said with: the nearest fact of its clause ("去年被记过" →
    'other', "2020年取得高级职业资格" → 'level'); a time said first goes with what follows
    ("前年考核没合格"), so with ``prefer_after`` the next fact wins whatever the distance."""
    cs, ce = clause_bounds(text, s)
    clause = text[cs:ce].strip()
    if (len(clause) - (e - s) <= 2 or _YEARS_ONLY.fullmatch(clause) or _WHEN_IT_WAS.fullmatch(clause)) and cs > 1:
        # "…造假过一次，2021年", "…被查出两次，2019年和2024年": bare years continue the previous clause
        cs, _ = clause_bounds(text, cs - 2)
    anchors = [a for a in _anchors(text, cs, ce, mentions, others) if a[1] <= s or a[0] >= e]
    after = [a for a in anchors if a[0] >= e]
    before = [a for a in anchors if a[1] <= s]
    if prefer_after and after:
        if before and before[-1][2] == "award" and _GETTING.fullmatch(text[after[0][0] : after[0][1]]):
            return "award"  # "全区技术能手是2015年评的": the award's year, its verb after the year
        return after[0][2]
    if after and before:
        return after[0][2] if after[0][0] - e < s - before[-1][1] else before[-1][2]
    if after or before:
        return (after[0] if after else before[-1])[2]
    return None
