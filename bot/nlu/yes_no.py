"""Yes/no facts (考核, 退休, 处分, 诚信, 造假, 留在本地, 海外人才, 相关专业) and their polarity.

Each fact spans its cue word ("合格", "退休", "记过" …) and carries its polarity as value.
A negation counts only inside the cue's own clause (bot.nlu.clauses), and words that
contain 不/没 without negating (不过, 不少, 是不是 …) are no negation: "不过我已经退休" is retired.
"""

from __future__ import annotations

import re
from typing import List

from bot.nlu.clauses import Fact
from bot.nlu.questions import asked_whether, word_asked_about
from bot.nlu.spans import clause_bounds, ends_negated, mask_non_negating, negated_before
from bot.nlu.dates import parse_number
from bot.nlu.time_anchors import OVERSEAS
from rules_engine import clock

# the yes/no facts that bar an application (考核, 退休, 处分, 立案, 诚信档案, 造假)
BAR_FACTS = ("assessment_ok", "demerit_punishment", "under_investigation", "fraud_count", "integrity_record", "retired")


_SUBJECT_ONLY = re.compile(r"\s*(我|俺|本人)(的)?(是|也是|就是|都是|得了个?|拿了个?|评了个?)?\s*")


def _assessment(text: str) -> List[Fact]:
    """近3年年度考核 – 合格 / 不合格 / 称职 …"""
    facts: List[Fact] = []
    # (Cantonese: 唔合格 = 不合格, 冇合格 = 没合格)
    for m in re.finditer(
        r"基本称职|基本合格|不称职|不合格|没合格|没及格|不及格|唔合格|冇合格|唔及格|合格|称职|优秀|良好", text
    ):
        s, e = m.span()
        cs, ce = clause_bounds(text, s)
        clause = text[cs:ce]
        before = text[cs:s]
        word = m.group(0)
        # “年度考核俺是不合格”: the clause was cut before 俺是 — the assessment is the one before
        told_of_previous = (
            cs > 0 and _SUBJECT_ONLY.fullmatch(before) and "考核" in text[clause_bounds(text, cs - 1)[0] : cs]
        )
        if not re.search(r"考核|年|都|每年|年年|连续|一直", clause) and cs != 0 and not told_of_previous:
            continue
        if word in ("良好",) and "考核" not in clause:
            continue
        if word in (
            "不称职",
            "不合格",
            "没合格",
            "基本称职",
            "基本合格",
            "没及格",
            "不及格",
            "唔合格",
            "冇合格",
            "唔及格",
        ):
            value = ends_negated(before, 3)  # "没有不合格" → ok
        else:
            # “没合格”, “没都合格”, “没给合格”, “没评上合格”: negated a word or two before
            value = not re.search(r"(没有|没|未|不|还没)(都)?$", mask_non_negating(before)) and not ends_negated(
                before, 2
            )
        facts.append(Fact("assessment_ok", value, s, e))
    for m in re.finditer(
        r"考核(?:有一年|有一次|有年|那年|去年|前年)?(没过|没通过|都过了|都通过|通过了|都过|过了)", text
    ):
        s = m.end() - len(m.group(1))
        facts.append(Fact("assessment_ok", "没" not in m.group(1), s, m.end()))
    for m in re.finditer(r"考核(?:都|一直|向来|从来)?(没问题|没毛病|没出过问题|没啥问题|没什么问题)", text):
        facts.append(Fact("assessment_ok", True, m.start(1), m.end()))  # “考核没问题”: passed
    return facts


def _retired(text: str) -> List[Fact]:
    facts: List[Fact] = []
    # “今年六月已经退了”, “退下来了”, “去年退的休”: retired, said short
    for m in re.finditer(
        r"退休|退了休|退的休|内退|离休|在职(?!称)|还在(?:上班|岗|工作|干)|(?<=已经|早就|去年|今年|前年|都已)退了(?![学钱款费货])|退下来了?"
        r"|(?<=还没)退(?![休学钱款费货出])",  # “还没退”: not yet
        text,
    ):
        s, e = m.span()
        if re.match(
            r"(金|工资|费|待遇|手续|后|以后|之后|人员的|证|年龄(限制|的|是|多|怎么|规定)|政策|规定)", text[e : e + 4]
        ) and not re.search(r"(办了|办完|办好|已经办|已办|办理了?|办过)$", text[max(0, s - 4) : s]):
            continue  # 退休金, "退休后还能评吗", "退休年龄限制": not the caller's status
        cs, ce = clause_bounds(text, s)
        before, after = text[cs:s], text[e:ce]
        if m.group(0).startswith("还在"):
            facts.append(Fact("retired", False, s, e))  # “我还在上班”: not retired
            continue
        if m.group(0) == "在职":
            if re.search(r"在职(研究生|硕士|博士|学历|本科|读)", text[s : s + 6]):
                continue
            facts.append(Fact("retired", bool(re.search(r"不$|不是$", before)), s, e))
            continue
        if re.search(r"(没|没有|未|还没)(办|办理)(过|好|完)?$", before) or (
            after.startswith("手续") and re.search(r"(没|没有|未)", after[:6])
        ):
            continue  # “还没办退休(手续)”: the papers, which say nothing of the statutory age
        # (“还有两年退休”: not yet; “还有我已经退休了”: 还有 = “also” — explore14)
        if re.search(
            r"(快|快要|马上|将要|离|距离|明年|后年|再过|几年后|年后)|还有(?![我俺他她]|[^，。,]{0,6}(已经|早就|去年|前年))",
            before,
        ) or re.search(r"^(还有|还差)", after):
            value = False  # not yet
        elif ends_negated(before, 4) or re.search(r"(没到|不到|未到)", before + after[:4]):
            value = False
        else:
            value = True  # "已经退休", "退休了", "退休人员", a bare "退休"
        facts.append(Fact("retired", value, s, e))
    return facts


# "已经过了影响期", "影响期满了", "处分早就解除了": the period is over, so no bar any more
# (CONTRACT §3: inside the period only). "影响期还没过" stays inside it.
_OVER_BEFORE = re.compile(r"(?<![没未不])(过了|已过|出了|超过了?|过完了?|满了|(?:早就|已经|早|都|已)过)(处分的?)?$")
# in the clause after ("…记过处分，不过处分期已经结束了"): the period said over, not "还没过"
_OVER_LATER = re.compile(r"(?<![没未不])(过了|满了|刚满|已满|期满|结束|过去了|到期|解除|撤销|结案|撤案|查清|没事了)")
_OVER_AFTER = re.compile(
    r"^(那个|这个|那次|的那个)?(处分)?(的)?(事情?|期|影响期)?(已经|已|早就|早|都|也)?(过了|满了|期满|结束了?|过去了|到期了?|解除了?|撤销了?|已过|已满|过完了?|结案了?)"
)


def _period_over(text: str, s: int, e: int) -> bool:
    cs, ce = clause_bounds(text, s)
    after = text[e:ce]
    if re.fullmatch(r"\s*(处分)?(了|过)?\s*", after) and ce < len(text):  # "记过了，早就过了影响期" → the next clause
        ns, ne = clause_bounds(text, ce + 1)
        later = text[ns:ne]
        if re.match(r"^(不过|但是|但|可是)?(已经|早就|早|都)?过了", later) or (
            re.search(r"期|处分|结案|撤案|查清|没事了", later) and _OVER_LATER.search(later)
        ):
            return True
    return bool(_OVER_BEFORE.search(text[cs:s]) or _OVER_AFTER.match(after))


_INVESTIGATION = re.compile(
    r"立案(?:调查|审查)?|审查调查|(?:被|接受|正在)[^，。,;；?？]{0,5}?(?:调查|审查)|(?:纪委|监委|纪检)[^，。,;；?？]{0,4}?(?:调查|审查|查)"
    r"|调查期|纪律审查|影响期|处罚期|违法违纪|违纪"
    r"|调查(?=[^，。,;；?？]{0,3}(结束|结案|完了|查完|清楚了))"  # "调查结束以后呢": the investigation itself
)


# “结案了”, “早就撤案了”: said alone, the investigation asked about is over
_CLOSED_ALONE = re.compile(r"\s*(?:已经|早就|早|都|也)?((?:结案|撤案|查清楚?)了?)[。！!啊]*\s*")
# “已经结案了 没事 没处分”: the end said first, then what is left of it
_CLOSED_FIRST = re.compile(
    r"\s*(?:不对|说错了)?[，,\s]*(?:已经|早就|早|都|也)?((?:结案|撤案|查清楚?)了?)(?=[，,。\s]+(没事|没有?处分|没受处分|啥事没有|没问题))"
)
# “没被查过”: said among the bars, no investigation (not “没被查出造假”: a finding)
_NEVER_INVESTIGATED = re.compile(r"(没|没有|从没|从来没有?|未)被查(过|到)?(?!出)")


def _discipline(text: str) -> List[Fact]:
    """立案审查调查 / 处分影响期 (under_investigation) and 记过以上处分 (demerit_punishment)."""
    facts: List[Fact] = [Fact("under_investigation", False, *m.span()) for m in _NEVER_INVESTIGATED.finditer(text)]
    closed = _CLOSED_ALONE.fullmatch(text) or _CLOSED_FIRST.match(text)
    if closed:  # “结案了”, “已经结案了 没事 没处分”: the investigation asked about is over
        facts = [Fact("under_investigation", False, *closed.span(1))]
        rest = text[closed.end() :]
        return facts + [
            Fact(f.entity, f.value, f.start + closed.end(), f.end + closed.end())
            for f in _discipline(rest)
            if f.entity != "under_investigation"
        ]
    for m in _INVESTIGATION.finditer(text):
        s, e = m.span()
        facts.append(Fact("under_investigation", not negated_before(text, s) and not _period_over(text, s, e), s, e))
    for m in re.finditer(r"记大过|记过|记了(?:一|个|一个)?(?:次)?过|降级处分|撤职|开除|留用察看|处分", text):
        s, e = m.span()
        if any(f.start <= s < f.end for f in facts):
            continue
        cs, _ = clause_bounds(text, s)
        if m.group(0) == "处分" and re.search(r"(记大过|记过|降级|撤职|警告)$", text[cs:s]):
            continue
        if m.group(0) == "处分" and re.match(r"影响期", text[e : e + 3]):
            continue  # 处分影响期 → under_investigation (处分期 is the 处分's own period)
        if m.group(0) == "处分" and text[e : e + 1] == "期" and any(f.entity == "demerit_punishment" for f in facts):
            continue  # "记大过，还在处分期": the same 处分
        value = not negated_before(text, s, 8) and not _period_over(text, s, e)
        if m.group(0) == "处分" and re.search(r"警告", text[max(cs, s - 4) : s]):
            value = False
        facts.append(Fact("demerit_punishment", value, s, e))
    facts += _recent_warning(text, facts)
    return facts


# “今年受了个警告处分”: below 记过, but a 处分 still in its 影响期 bars (百色 第七条（三）,
# 第十四条（二）); the documents give no length, so one said to be recent is read as inside it
_WARNING = re.compile(r"警告(处分)?")
_RECENT = re.compile(r"今年|刚|最近|这个月|上个月|前几个月|几个月前|半年内|这半年")


def _recent_warning(text: str, facts: List[Fact]) -> List[Fact]:
    if any(f.entity == "under_investigation" for f in facts):
        return []
    for m in _WARNING.finditer(text):
        s, e = m.span()
        cs, ce = clause_bounds(text, s)
        if _RECENT.search(text[cs:ce]) and not negated_before(text, s, 8) and not _period_over(text, s, e):
            return [Fact("under_investigation", True, s, e)]
    return []


def _integrity_and_fraud(text: str) -> List[Fact]:
    facts: List[Fact] = []
    for m in re.finditer(r"记录期(?:限)?(?=[^，。,;；?？]{0,6}(?:到期|期满|满了|过了|结束|解除))", text):
        facts.append(Fact("integrity_record", False, *m.span()))  # “记录期去年就到期了” (explore16 W-1)
    for m in re.finditer(r"诚信档案库|诚信档案|失信|黑名单|诚信记录", text):
        s, e = m.span()
        value = not negated_before(text, s, 8)
        if re.match(r"(良好|没问题|正常|干净|清白|无不良|没有不良)", text[e : e + 5]):
            value = False
        if re.match(r"[^，。,;；?？]{0,3}(没有|没|无)[^，。,;；?？]{0,4}(记录|名字|我)", text[e : e + 10]):
            value = False  # “诚信档案库里没有我的记录”
        if _INTEGRITY_OVER.search(text[e : e + 16]):
            value = False  # “以前进过诚信档案库，不过记录期限已经过了”
        facts.append(Fact("integrity_record", value, s, e))
    for m in _FRAUD.finditer(text):
        s, e = m.span()
        cs, ce = clause_bounds(text, s)
        if negated_before(text, s, 8):
            facts.append(Fact("fraud_count", 0, s, e))
            continue
        counts = [1, _findings_listed(text), _years_of_findings(text)]
        said_before = clause_bounds(text, cs - 2)[0] if cs > 1 else cs  # “出过两回事，都是材料造假”
        if not re.search(r"事|查|出过|有过", text[said_before:cs]):
            said_before = cs  # “考了两次没考上”: not findings
        said_after = ce
        if ce < len(text) - 1:  # “做了假材料，被查到过两回”: the count in the clause after
            ns, ne = clause_bounds(text, ce + 1)
            if re.search(r"查|发现|抓", text[ns:ne]):
                said_after = ne
        for cm in _TIMES.finditer(text[said_before:said_after]):
            counts.append(int(parse_number(cm.group(1)) or 1))
        facts.append(Fact("fraud_count", max(counts), s, e))
        break  # one message, one count of findings
    return facts


_INTEGRITY_OVER = re.compile(
    r"(期限|记录期|期)[^，。,;；?？]{0,4}(已经|早就|早|都)?(过了|满了|结束|到期)|已经?(移出|撤销|删除)"
)
_FRAUD = re.compile(
    r"弄虚作假|造假|作假|假材料|虚假材料|假证|假(?:业绩|学历|资历|成果|论文)|伪造|剽窃|骗取|编造|虚报|造(?:了|过)[^，。,;；?？]{0,4}?假"
    r"|(材料|业绩|资历|学历|证书|论文)[^，。,;；?？]{0,4}?(有假|是假的|掺假|不实)"
)
# “出过两回事”, “被查了两次”: how many findings
_TIMES = re.compile(r"([\d一二两三四五六七八九十]+)[次回](?!数)")
# “2019年一次，2023年一次”: findings listed one by one, each with its year
_LISTED = re.compile(r"(\d{2,4}|[一二〇零九八七六五四三]{2,4}|去|前|今)年(也|又)?(有过?|出过|被查)?一[次回]")


# “2019年和2023年各被查出过一次”: years joined, then 各
_EACH = re.compile(r"((?:\d{2,4}|[去前今])年(?:[和、跟与及]|以及))+(?:\d{2,4}|[去前今])年各")


# “2024年申报的时候被查出业绩造假 2026年又被查出来一次”: each finding told with its year
_FINDING_CLAUSE = re.compile(
    r"造假|作假|弄虚|假材料|伪造|剽窃|被查|查出|查实|查到|造(?:了|过)[^，。,;；?？]{0,4}?假|(也|又)(有过?|出过|被)一[次回]"
)
_YEAR_SAID = re.compile(r"(?<!\d)((?:19|20)\d{2}|\d{2}|[去前今])年")


# a year followed by getting a grade or title, or by graduating: not a finding's
# (“技师 2019年拿证 2024年申报时被查出材料造假” is one finding — explore13 W1)
_YEAR_OF_GETTING = re.compile(r"(的)?(拿|考|取得|取证|获得|评上|评的|毕业|的证|发证|下证)")
_LEVEL_BEFORE_YEAR = re.compile(r"(技师|级工|工程师|职称|证书?)(是)?\s?$")  # “技师证2019年的”


def _years_of_findings(text: str) -> int:
    years = set()
    for m in _YEAR_SAID.finditer(text):
        if _YEAR_OF_GETTING.match(text, m.end()) or _LEVEL_BEFORE_YEAR.search(text[: m.start()]):
            continue
        if m.group(1).isdigit() and len(m.group(1)) == 4 and int(m.group(1)) > clock.current_year():
            continue  # “…造假被查 2029年报助理”: the year applied in, no finding (explore18 W-1)
        cs, ce = clause_bounds(text, m.start())
        if _FINDING_CLAUSE.search(text[cs:ce]):
            years.add(m.group(1)[-2:] if m.group(1)[0].isdigit() else m.group(1))
    return len(years)


def _findings_listed(text: str) -> int:
    each = max((len(re.findall(r"年", m.group(0))) for m in _EACH.finditer(text)), default=0)
    return max(len(_LISTED.findall(text)), each)


_STUDIED = re.compile(r"专业|毕业证|文凭|学历|学的|读的|毕业")
_WORKED_SINCE = re.compile(
    r"(一直|现在还|现在仍|还|仍然?)在[^，。,;；?？]{1,8}?(工作|上班|干活|就业|干)"
    r"|毕业(以后|之后|后)(就)?一直在[^，。,;；?？\s]{1,6}?(?=$|[，。,;；?？\s])"  # “毕业后一直在呼市”
)
# "毕业后去北京打工了": left the region where they studied
_LEFT_AFTER = re.compile(
    r"毕业(以后|之后|后)?(就)?((去了?|到了?)[^，。,;；?？\s]{1,6}?(打工|工作|上班|发展|(?=$|[，。,;；?？\s]))"
    r"|回了?[^，。,;；?？]{0,6}?(老家|家乡|原籍))"
)
# staying is said of where one studied: only with school words in the message
_SCHOOLING = re.compile(r"毕业|学校|技校|院校|上学|读书|读的|上的|在校")


def _background(text: str) -> List[Fact]:
    """毕业后留在本地, 海外高层次人才, 相关专业毕业证."""
    facts: List[Fact] = []
    for m in re.finditer(
        r"留在|留本地|留当地|留区内|留了下来|留下来|一直在本地|在本地工作|在当地工作|在区内工作|区内就业|"
        r"去了外地|去外地|去了外省|离开了|没离开过|没出去过",
        text,
    ):
        s, e = m.span()
        word = m.group(0)
        if not _SCHOOLING.search(text):
            continue  # "一直在本地上班": where they work, not that they stayed after school
        value = word.startswith("没") or (not word.startswith(("去", "离开")) and not negated_before(text, s, 4))
        facts.append(Fact("stayed_in_region", value, s, e))
    if "毕业" in text and not any(f.entity == "stayed_in_region" for f in facts):
        # "毕业后一直在包头上班": since graduating, working in one place
        m = _LEFT_AFTER.search(text)
        if m:
            facts.append(Fact("stayed_in_region", False, m.start(), m.end()))
        m = None if m else _WORKED_SINCE.search(text, text.index("毕业"))
        if m:
            facts.append(Fact("stayed_in_region", True, m.start(), m.end()))
    # “我不是引进人才，就是普通硕士毕业”: said not to be one
    for m in re.finditer(r"引进(的)?(海外)?(高层次)?(紧缺)?人才", text):
        if negated_before(text, m.start(), 6):
            facts.append(Fact("overseas_talent", False, m.start(), m.end()))
    # “从德国回来的博士 引进人才”: abroad said by the country, and 引进 said of them
    for m in OVERSEAS.finditer(text):
        s, e = m.span()
        cs, ce = clause_bounds(text, s)
        if not re.search(r"引进|人才|回国|海归|高层次|回来", text[cs:ce]) or not re.search(
            r"引进|人才|博士|硕士|研究生|海归", text
        ):
            continue
        facts.append(Fact("overseas_talent", not negated_before(text, s, 6), s, e))
    for m in re.finditer(
        r"不相关专业|非相关专业|相关专业|专业不对口|专业对口|对口专业|不对口|本专业|学的就是这个|"
        r"专业[^，。,;；?？专]{0,10}?(不一样|不一致|不相同|不同|不相关|不符|一样|一致|相同|相近|相关|相符)"
        r"|对口|对得上|对不上",
        text,
    ):
        s, e = m.span()
        word = m.group(0)
        if word == "本专业" and not re.search(r"毕业|文凭|学历|证", text[e : e + 6]):
            continue
        if word in ("对口", "对得上", "对不上") and not _STUDIED.search(text):
            continue  # "对口支援": only a diploma's major can be 对口 here
        if word in ("不对口",) and any(f.start <= s < f.end for f in facts):
            continue
        value = not (
            word.startswith(("不", "非"))
            or word == "对不上"
            or (m.group(1) or "").startswith("不")
            or "不对口" in word
            or negated_before(text, s, 4)
        )
        facts.append(Fact("related_diploma", value, s, e))
    if not any(f.entity == "related_diploma" for f in facts):
        facts.extend(_major_named_in_the_trade(text))
    return facts


# “我是化工专业毕业的…考化工总控工”, “我学的电气 报电工技师”: the major studied and the
# occupation applied for, both named, sharing their first word — related (免考理论: 百色
# 第十九条, 《实施意见》二（四））; unrelated-looking names are left unsaid (机械 → 车工 may be)
_MAJOR = re.compile(
    r"(?:学的?是?|读的?是?|学)(?P<a>[\u4e00-\u9fff]{2,4}?)(?:专业|的|，|,|\s|$)"
    r"|(?P<b>[\u4e00-\u9fff]{2,7}?)专业(?:毕业|出身|的)"
)
_TRADE = re.compile(r"(?:考|报|申报|参加|申请|评)(?:个|一个)?(?P<trade>[\u4e00-\u9fff]{1,6}?工)(?!程|作|资|龄|厂|人)")


def _major_named_in_the_trade(text: str) -> List[Fact]:
    major = _MAJOR.search(text)
    trade = _TRADE.search(text, major.end()) if major else None
    if not major or not trade:
        return []
    name = re.sub(r"^(我是|俺是|我|俺|是|读的|学的|读|学)", "", major.group("a") or major.group("b"))
    if not set(name) - set("专业学工员师") & set(trade.group("trade")):  # “机电专业…维修电工”: 电
        return []
    return [Fact("related_diploma", True, major.start(), major.end())]


# “今年62岁”, “我是女的，今年57了”: an age past the statutory retirement age is `retired`
# (CONTRACT §3: retired or at statutory age) — docs/interpretations.md #57
_AGE = re.compile(
    r"(?<![\d.])(\d{2})\s*(?:岁|周岁)|今年(?:刚|才)?(\d{2}|[二三四五六七八]十[一二三四五六七八九]?)(?:了|岁|(?=[，,。；;\s]|$))"
    r"|([二三四五六七八]十[一二三四五六七八九]?)岁"
    # “我今年六十一了”, “我爸六十五了”: a person, then an age and 了
    r"|(?:[我俺她他]|本人|我爸|我妈|老爸|老妈|父亲|母亲|老婆|媳妇)(?:今年|已经|都|也)*([五六七八]十[一二三四五六七八九]?|\d{2})了"
    # “我爸以前是技师 六十五了”: an age and 了 opening a clause of its own (a duration says 年)
    r"|(?:^|(?<=[，,。；;\s]))(?:今年|已经|都|也|人|快|都快)*([五六七八]十[一二三四五六七八九]?)了"
)
_FEMALE = re.compile(r"女|她|我妈|老婆|媳妇|妻子|爱人|阿姨|大姐|母亲")
AGE_AT_RETIREMENT = 61  # men: 60 (+ months from 2025); anyone this old has reached it
AGE_AT_RETIREMENT_WOMEN = 56  # women: 50 or 55 (+ months or years from 2025)
# a woman said to be a worker (not a cadre): her age is 50 (+ months from 2025)
_WOMAN_WORKER = re.compile(r"女工|女职工|女工人|女技工")
# “女的…在车间当工人”: a woman who says she works as a worker
_WORKS_AS_WORKER = re.compile(r"当工人|是工人|做工人|车间|一线工人|生产线|流水线")


def _retired_by_age(text: str) -> List[Fact]:
    for m in _AGE.finditer(text):
        age = parse_number(next(g for g in m.groups() if g))
        if age is None:
            continue
        cs, ce = clause_bounds(text, m.start())
        near = text[max(0, cs - 12) : ce + 8]  # (“我今年五十五，女的”: the sex said just after)
        female = bool(_FEMALE.search(near))
        # “女工 51岁”, “女的…在车间当工人”: women workers retire at 50 (#57)
        worker = bool(_WOMAN_WORKER.search(text)) or female and bool(_WORKS_AS_WORKER.search(text))
        if age >= AGE_AT_RETIREMENT or (female and age >= AGE_AT_RETIREMENT_WOMEN) or (worker and age > 50):
            return [Fact("retired", True, m.start(), m.end())]
        male = bool(re.search(r"男", near))
        if 16 <= age < 50 or (male and age < 60):  # “男，50岁”, “今年刚40”: not at any statutory age
            return [Fact("retired", False, m.start(), m.end())]
    return []


def yes_no_facts(text: str, own_case: bool = True) -> List[Fact]:
    """``own_case``: the message tells the asker's own case (bot.nlu.clauses.tells_own_case);
    otherwise a yes/no word in a question is what the question is about."""
    by_age = _retired_by_age(text)
    facts = _assessment(text) + (by_age or _retired(text))  # (“62岁，还没办退休”: at the age all the same)
    facts += _discipline(text)
    facts += _integrity_and_fraud(text)
    facts += _background(text)
    return [
        f for f in facts if not asked_whether(text, f.start) and not word_asked_about(text, f.start, f.end, own_case)
    ]
