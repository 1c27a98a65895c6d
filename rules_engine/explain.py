"""Plain-Chinese explanations: the conclusion, the article quoted, the applicant's facts
that decide it ("because" / "why not / what is missing"), and any reading we chose.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Sequence

from . import clock, vocabulary
from .drafts import ActiveBar, Draft
from .loader import short_name
from .model import Citation, Condition, Knowledge
from .profile import label, schema

KIND_WORDS = {"title": "职称评审", "skill": "职业技能评价"}
PATH_WORDS = {"regular": "", "green_channel": "（绿色通道）", "exception": "（直接或破格参加）"}

# what an explanation says before the conditions not met (the reply's headline quotes them)
UNMET = "不符合："


def cite(c: Citation) -> str:
    """《百色市实施细则》第八条 — the form every conclusion names its source in."""
    return f"{short_name(c.doc)}{c.article}"


def number(v: Any) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def level_words(kind: str, level: str) -> str:
    if kind == "title":
        return f"{level}职称"
    return f"{level}（{vocabulary.grade_number(level)}）职业技能评价"


def _basis(d: Draft) -> str:
    text = f"依据{cite(d.route.citation)}：“{d.route.quote}”。"
    # A route widened to higher grades says its reading concretely (_higher_grade_note).
    if d.route.interpretation and not d.route.base_grade:
        text += f"（本助手的理解：{d.route.interpretation}）"
    return text


def _fact_phrase(cond: Condition, facts: Dict[str, Any]) -> str:
    value = facts.get(cond.fact)
    if cond.op == "at_least":
        later = _later_application(facts)  # (#12: counted at the year applied in)
        return f"{later}{label(cond.fact)}为{number(value)}年（要求满{number(cond.value)}年）"
    if cond.op == "within_years":
        return f"毕业已{facts['application_year'] - value}年（要求毕业{cond.value}年内）"
    if cond.op == "has_any":
        held = [a for a in value if a in cond.value]
        return f"获得{'、'.join(held)}"
    if isinstance(value, bool):
        return f"{label(cond.fact)}：{'是' if value else '否'}"
    return f"{label(cond.fact)}：{value}"


def _later_application(facts: Dict[str, Any]) -> str:
    """“到2027年申报时，” when the application year is a later one, else nothing."""
    year = facts.get("application_year")
    return f"到{year}年申报时，" if year and year > clock.current_year() else ""


def _because(d: Draft, facts: Dict[str, Any]) -> str:
    shown = [c for c in d.route.when if c.fact in ("awards", "skill_grade", "title_level", "degree")]
    shown += [c for c in d.route.requires if c not in d.unknown and c not in d.failing]
    phrases = [_fact_phrase(c, facts) for c in shown]
    return f"您的情况：{'；'.join(phrases)}。" if phrases else ""


def _assumption_clause(d: Draft, facts: Dict[str, Any]) -> str:
    spec = schema()
    presumed = [spec[f].get("presumed_as", label(f)) for f in d.assumptions]
    presumed += [_stated_premise(c, facts) for c in _judged_elsewhere(d, facts)]
    presumed += [f"{p.text}（{cite(p.citation)}）" for p in d.route.presumes_text]
    if not presumed:
        return ""
    return f"前提是：{'；'.join(presumed)}（如有不符，请告诉我）。"


def _judged_elsewhere(d: Draft, facts: Dict[str, Any]) -> list:
    """Presumptions only asking that a fact be known (二（四）'s "累计工作年限达到申报条件"):
    no document gives the number, so a stated number meets them only as far as the
    occupation's own rules say — the premise stays, with the number (rules review 6 G2)."""
    return [c for c in d.route.presumes if c.op == "known" and c.value is not False and facts.get(c.fact) is not None]


def _stated_premise(cond, facts: Dict[str, Any]) -> str:
    years = facts[cond.fact]
    if years == 0:  # “0年达到条件” would contradict itself: the number is said, to be checked
        return "累计工作年限达到所报职业（工种）的申报条件（您说的是0年，请按申报条件核对）"
    return f"您说的累计工作年限（{years:g}年）达到所报职业（工种）的申报条件"


def _higher_grade_note(d: Draft, facts: Dict[str, Any]) -> str:
    if not d.via_higher_grade:
        return ""
    base, held = d.route.base_grade, facts["skill_grade"]
    if d.waiting:  # open when a ban ends (engine._open_when_the_ban_ends): met by then at the latest
        return (
            f"（您持有的{held}高于{base}，取得{base}后的工作年限不会少于取得{held}后的年限，"
            f"所以最晚到{d.earliest_year}年这一条也已满足。）"
        )
    return f"（您持有的{held}高于{base}，取得{base}后的工作年限不会少于取得{held}后的年限，所以这一条已经满足。）"


def _choice_note(d: Draft) -> str:
    if d.below_best:
        return (
            f"这不是您能申报的最高级别：您现在已可申报{level_words(d.kind, d.below_best)}，通常按可申报的最高级别申报。"
        )
    if d.lower_open:
        return "这是您现在可申报的最高级别，通常按这一级申报。"
    return ""


def _lower_hint_clause(d: Draft) -> str:
    parts = []
    for h in d.lower_hints:
        years = next((c.value for c in h.route.requires if c.fact == "skill_years"), None)
        if years is None:
            continue
        parts.append(
            f"如取得{h.route.base_grade}后已从事技术技能工作满{number(years)}年，"
            f"现在就可以先申报{level_words(h.kind, h.level)}（{cite(h.route.citation)}）"
        )
    return "另外，" + "；".join(parts) + "。" if parts else ""


def _blocker_clause(d: Draft) -> str:
    parts = []
    # a ban that ends, beside one that does not (退休, a 系列 outside the scope): its year is
    # no promise (rules review 8 H5)
    lasting = any(a.permanent for a in d.blockers)
    said = set()
    for a in d.blockers:
        if cite(a.bar.citation) in said:
            continue  # two bars of one article (考核 and 退休 under 二（二）1): named once (review 9 J7)
        said.add(cite(a.bar.citation))
        if a.until_year and lasting:
            parts.append(f"受{cite(a.bar.citation)}限制（该限制{a.until_year}年到期）")
        elif a.until_year:
            parts.append(f"受{cite(a.bar.citation)}限制，{a.until_year}年起方可申报")
        elif a.until_unknown:
            parts.append(f"受{cite(a.bar.citation)}限制，需确认{label(a.bar.until_year.fact)}")
        else:
            parts.append(f"受{cite(a.bar.citation)}限制")
    return "；".join(parts) + "。" if parts else ""


def option_text(d: Draft, facts: Dict[str, Any]) -> str:
    what = level_words(d.kind, d.level) + PATH_WORDS[d.route.path]
    if d.status == "eligible":
        head = f"{d.earliest_year}年可以申报{what}。" if _later_application(facts) else f"可以申报{what}。"
    elif d.status == "not_yet":
        head = f"暂不能申报{what}，预计{d.earliest_year}年起可以申报。"
    elif d.status == "undecided":
        facts_needed = [c.fact for c in d.unknown] + [a.bar.until_year.fact for a in d.blockers if a.until_unknown]
        need = "、".join(dict.fromkeys(label(f) for f in facts_needed))
        head = f"能否申报{what}，还需要知道：{need}。"
    else:
        head = f"不能申报{what}。"
    tail = ""
    if d.status == "ineligible" and not d.blockers:
        if d.route.why_not:
            tail = d.route.why_not
        elif d.failing:
            tail = UNMET + "；".join(_fact_phrase(c, facts) for c in d.failing) + "。"
    elif d.waiting and not d.via_higher_grade and d.status != "ineligible":
        # (through a higher grade the shortfall is not known; barred for good, it says nothing)
        # (“1.5年（要求满2年）”: half a year short, not the 1 year to the next application)
        short = max(_years_short(cond, s, facts) for cond, s in d.waiting)
        tail = f"还差{number(short)}年。"
    text = head + _basis(d) + _because(d, facts) + _higher_grade_note(d, facts) + tail + _blocker_clause(d)
    if d.status in ("eligible", "not_yet"):
        text += _assumption_clause(d, facts)
    return text + _choice_note(d) + _lower_hint_clause(d)


def _years_short(cond: Condition, years_to_wait: int, facts: Dict[str, Any]) -> Any:
    """The years still missing as said (1.5 of 2 → 0.5), else the whole years to wait."""
    have, need = facts.get(cond.fact), cond.value
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (have, need))
    return need - have if numbers and 0 < need - have < years_to_wait else years_to_wait


def option_json(d: Draft, facts: Dict[str, Any]) -> Dict[str, Any]:
    # A barred option also cites what bars it: that article decides its status.
    citations = list(
        dict.fromkeys(
            [
                *d.route.citations,
                *(c.citation for c in d.route.requires),
                *(p.citation for p in d.route.presumes_text),
                *(c for a in d.blockers for c in a.bar.citations),
            ]
        )
    )
    return {
        "kind": d.kind,
        "level": d.level,
        "status": d.status,
        "path": d.route.path,
        "earliest_year": d.earliest_year,
        "citations": [c.to_json() for c in citations],
        "explanation": option_text(d, facts),
        "assumptions": [
            {"fact": f, "citations": [c.to_json() for c in dict.fromkeys(cs)]} for f, cs in d.assumptions.items()
        ]
        if d.status != "ineligible"
        else [],
    }


def blocker_text(a: ActiveBar, facts: Dict[str, Any], lasting: Sequence[ActiveBar] = ()) -> str:
    """``lasting``: the bars without an end active beside it — a ban's end year is then said
    with the bar that outlasts it, never as “…年起可再申报” (rules review 8 H5)."""
    bar = a.bar
    kinds = "、".join(KIND_WORDS[k] for k in bar.applies_to)
    text = f"{cite(bar.citation)}规定：“{bar.quote}”。"
    if bar.interpretation:
        text += f"（本助手的理解：{bar.interpretation}）"
    outlasting = [b for b in lasting if b is not a and set(b.bar.applies_to) & set(bar.applies_to)]
    if a.until_year and outlasting:
        text += (
            f"因此{a.until_year - 1}年及以前不能申报{kinds}；该限制{a.until_year}年到期，"
            f"但受{cite(outlasting[0].bar.citation)}限制，到期后仍不能申报。"
        )
    elif a.until_year:
        text += f"因此{a.until_year - 1}年及以前不能申报{kinds}，{a.until_year}年起可再申报。"
    elif a.until_unknown:
        text += f"需要知道{label(bar.until_year.fact)}，才能判断何时可再申报{kinds}。"
    elif "终身" in bar.quote:  # “累计两次的，终身不得申报”: not a matter of waiting
        text += f"因此终身不能再申报{kinds}。"
    else:
        text += f"因此目前不能申报{kinds}。"
    if bar.why_not:
        text += bar.why_not
    return text


def blocker_json(a: ActiveBar, facts: Dict[str, Any], active: Sequence[ActiveBar] = ()) -> Dict[str, Any]:
    return {
        "code": a.bar.code,
        "applies_to": list(a.bar.applies_to),
        "until_year": a.until_year,
        "citations": [c.to_json() for c in a.bar.citations],
        "explanation": blocker_text(a, facts, [b for b in active if b.permanent]),
    }


def promotion_text(entry: Knowledge, held_level: str) -> str:
    """The held-title note: `{held}` in the entry's answer is the title level held. Of
    the top level (正高级) only its first clause is said: there is no “再往上晋升”."""
    text = entry.answer.replace("{held}", held_level)
    if held_level == vocabulary.title_levels()[-1]:
        return text.split("；")[0] + f"；{held_level}已是职称的最高一级。"
    return text


def step_text(entry: Knowledge, levels: List[str], facts: Dict[str, Any], today: _dt.date) -> str:
    """A next step; fees are given for the levels in question, windows against today's date."""
    if entry.fees:
        ordered = sorted(set(levels) & set(entry.fees), key=vocabulary.title_rank, reverse=True)
        fees = [f"{lv}{entry.fees[lv]}元/人" for lv in ordered]
        if fees:
            return f"职称评审费：{'、'.join(fees)}（审核通过后在线缴纳）。"
    text = entry.answer
    if entry.window_months:
        text += window_note(entry.window_months, facts["application_year"], today)
    return text


def window_note(months, application_year: int, today: _dt.date) -> str:
    first, last = min(months), max(months)
    span = f"{first}—{last}月"
    if application_year > today.year:
        return f"{application_year}年的申报期为{span}。"
    if application_year < today.year or today.month > last:
        return f"今年（{today.year}年）的申报期已过，下一次申报期预计为{today.year + 1}年{span}，可提前准备材料和继续教育。"
    if today.month < first:
        return f"今年的申报期为{span}，距今不远，请提前准备。"
    return f"现在正处于今年的申报期（{span}）内。"


def render(decision: Dict[str, Any]) -> str:
    """The whole decision as readable Chinese, for `python -m rules_engine explain`."""
    from .vocabulary import raw

    region_names = {
        "national": "全国（按国家《实施意见》）",
        "nei_mongol": raw()["regions"]["nei_mongol"]["name"],
        "baise": raw()["regions"]["baise"]["name"],
    }
    lines = [f"适用地区：{region_names[decision['region']]}"]
    status_words = {"eligible": "可以申报", "not_yet": "暂不能", "undecided": "待确认", "ineligible": "不能申报"}
    if decision["options"]:
        lines.append("结论：")
        for o in decision["options"]:
            lines.append(f"  【{status_words[o['status']]}】{o['explanation']}")
    else:
        lines.append("结论：根据目前的信息还无法判断可以申报什么。")
    for b in decision["blockers"]:
        lines.append(f"  【限制】{b['explanation']}")
    if "education_equivalent" in decision:
        eq = decision["education_equivalent"]
        src = "、".join(cite(Citation(**c)) for c in eq["citations"])
        lines.append(f"学历认定：可按{eq['level']}学历对待（{src}）。")
    if decision["missing"]:
        lines.append("还需要了解：" + "、".join(label(f) for f in decision["missing"]))
    if decision["next_steps"]:
        lines.append("下一步：")
        for s in decision["next_steps"]:
            src = "、".join(cite(Citation(**c)) for c in s["citations"])
            lines.append(f"  · {s['text']}（{src}）")
    return "\n".join(lines)
