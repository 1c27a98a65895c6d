"""Decision → short Chinese messages for a phone screen: the conclusion first, then the
article it rests on, then the next steps. No policy logic here: everything said comes
from the rules engine's decision and knowledge base. Answers to general questions, not
to the applicant's case, are :mod:`dialogue.general_replies`."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from bot.nlu.clauses import levels_named
from bot.nlu.lexicon import SKILL_GRADE, TITLE, TITLE_LEVEL
from rules_engine import clock, evaluate
from rules_engine.explain import UNMET, cite, level_words
from rules_engine.model import Citation
from rules_engine.profile import label
from rules_engine import vocabulary

HOTLINE = vocabulary.HOTLINE
# said after the answer when the message also told of another person (“我媳妇是助理工程师…”)
OTHER_PERSON_LEFT_OUT = (
    "您还提到了另一位（{levels}）：以上只按您本人的情况算。想问他/她能申报什么，可以接着问“那他/她呢”。"
)
# said before the answer for someone the user asks about (actions/whose_case.py)
OTHER_PERSON_LEAD = "按您说的这位的情况来看（您自己的情况我记着，说“那我呢”就回到您的情况）："
MAX_OTHER_OPTIONS = 3
MAX_STEPS = 4
ICONS = {"eligible": "✅", "not_yet": "⏳", "undecided": "❓", "ineligible": "❌"}
PATH_WORDS = {"regular": "", "green_channel": "（绿色通道）", "exception": "（直接或破格参加）"}


def sources(citations: List[Dict[str, str]]) -> str:
    return "、".join(dict.fromkeys(cite(Citation(**c)) for c in citations))


def headline(option: Dict[str, Any]) -> str:
    what = level_words(option["kind"], option["level"]) + PATH_WORDS[option["path"]]
    status = option["status"]
    if status == "eligible":
        later = (option.get("earliest_year") or 0) > clock.current_year()  # applying in a later year
        text = f"{option['earliest_year']}年可以申报{what}" if later else f"可以申报{what}"
    elif status == "not_yet":
        text = f"{option['earliest_year']}年起可以申报{what}"
    elif status == "undecided":
        text = f"{what}：还需确认条件"
    else:
        text = f"不能申报{what}"
        unmet = option.get("explanation", "").partition(UNMET)[2].rstrip("。")
        if unmet:  # why not, as the explanation says it (“毕业已7年（要求毕业5年内）”)
            text += f"：{unmet}"
    return f"{ICONS[status]} {text}（{sources(option['citations'])}）"


def _shown_options(decision: Dict[str, Any], asked: Optional[List[Tuple[str, str]]] = None) -> List[Dict[str, Any]]:
    """The routes open (or opening) first; a closed route only when nothing is open — or
    when it is the green channel of an award they told us of (“国赛三等奖，毕业已超5年”):
    they expect to hear about it, so it is said that it does not apply, and why. A level
    they asked about (“能评工程师吗”) leads, open or closed: it is their question."""
    hopeful = [o for o in decision["options"] if o["status"] != "ineligible"]
    if not hopeful:
        shown = decision["options"]
    else:
        closed_awards = [
            o for o in decision["options"] if o["status"] == "ineligible" and o.get("path") == "green_channel"
        ]
        # (the cap counts levels: a second route to a level shown is no reason to hide the next
        # level — rules review 10 K4, 副高级 ⏳ 2027 hidden behind 中级 by 全区技术能手)
        shown, levels = [], set()
        for o in hopeful:
            if (o["kind"], o["level"]) in levels or len(levels) < MAX_OTHER_OPTIONS:
                shown.append(o)
                levels.add((o["kind"], o["level"]))
        # each direction keeps a line: a ✅ 高级技师 must not hide behind three title lines (review 8 H6)
        for kind in ("title", "skill"):
            if not any(o["kind"] == kind for o in shown):
                shown += [o for o in hopeful if o["kind"] == kind][:1]
        shown += closed_awards[:1]
    first = next((o for o in decision["options"] if (o["kind"], o["level"]) in (asked or [])), None)
    if first is None:
        return shown
    return [first] + [o for o in shown if o is not first]


def levels_asked(text: str) -> List[Tuple[str, str]]:
    """The (kind, level) pairs a message names: “能评工程师吗” → (title, 中级)."""
    return [("title", level) for level in levels_named(text, (TITLE, TITLE_LEVEL))] + [
        ("skill", grade) for grade in levels_named(text, (SKILL_GRADE,))
    ]


def skill_grade_asked(grade: str, profile: Dict[str, Any]) -> List[str]:
    """A title holder asking about a skill grade (“那高级技师呢”): the grade their title
    opens, and the title level the asked grade goes with (national 二（四）, 百色 第十五条)."""
    decision = evaluate(profile)
    mine = [o for o in decision["options"] if o["kind"] == "skill"]
    if any(o["level"] == grade for o in mine):
        return [f"{ICONS[o['status']]} {o['explanation']}" for o in mine if o["level"] == grade]
    # (from the title alone: a grade held opens the next one by 二（四）'s 晋级, which says
    # nothing of the title it goes with — rules review 10 K3: “技师…对应的是助理级职称”)
    by_title = {k: v for k, v in profile.items() if k in ("region", "series", "application_year")}
    needed = [
        level
        for level in vocabulary.title_levels()
        if any(
            o["kind"] == "skill" and o["level"] == grade and o["path"] == "regular"
            for o in evaluate({**by_title, "title_level": level})["options"]
        )
    ]
    held = profile["title_level"]
    said = f"{level_words('skill', grade)}对应的是{needed[0]}职称" if needed else f"文件没有写明哪一级职称可申请{grade}"
    # only what is open (✅/⏳) is “可申请”: a ❌ or ❓ under it misleads (rules review 9 J3)
    hopeful = [o for o in mine if o["status"] in ("eligible", "not_yet")]
    if hopeful:
        opened = "可申请的是：" + "、".join(headline(o) for o in hopeful)
    elif any(o["status"] == "undecided" for o in mine):
        opened = "能否申请对应的技能等级还需确认条件，见下"
    else:
        opened = "按您说的情况，暂没有可申请的技能等级，原因见下"
    return [f"按贯通政策，专业技术人才按所持职称申请对应的技能等级：{said}；您现有{held}职称，{opened}"]


def skill_side(profile: Dict[str, Any]) -> str:
    """“那考技能等级呢”: the skill grades their title opens, or why that road is not theirs."""
    if profile.get("title_level"):
        mine = [o for o in evaluate(profile)["options"] if o["kind"] == "skill"]
        if mine:
            return "技能等级这边：" + "；".join(headline(o) for o in mine)
    with_title = evaluate({"region": profile.get("region", "national"), "title_level": "中级"})
    route = next((o for o in with_title["options"] if o["kind"] == "skill"), None)
    where = f"（{sources(route['citations'])}）" if route else ""
    return (
        "技能等级这条路（专业技术人才参加职业技能评价）是给取得职称的专业技术人才的：助理级、中级、副高级职称"
        f"分别可申请高级工、技师、高级技师{where}。您说的情况里没有职称，这条路对您不适用；技能等级本身的晋级条件"
        f"不在这些文件里，请咨询当地人社部门或拨打{HOTLINE}。"
    )


def steps_on_the_level_asked(text: str, decision: Dict[str, Any]) -> None:
    """The next steps that name a grade asked about (“能不能直接考技师” → 第十七条（三）) come
    first: the reply shows only the first few."""
    asked = [grade_words(g) for g in levels_named(text, (SKILL_GRADE,))]
    if asked:
        decision["next_steps"].sort(key=lambda step: not any(words in step["text"] for words in asked))


def _top_title_by_grade(region: str) -> Optional[Dict[str, Any]]:
    """The highest title the top grade opens by years in `region`, with its article."""
    decision = evaluate({"region": region, "skill_grade": vocabulary.skill_grades()[-1], "skill_years": 30})
    titles = [o for o in decision["options"] if o["kind"] == "title" and o["path"] == "regular"]
    return max(titles, key=lambda o: vocabulary.title_levels().index(o["level"]), default=None)


def nothing_further(profile: Dict[str, Any]) -> Optional[str]:
    """A grade or title told, and no route of the policy leads higher (“高工，已经是高级技师了，
    还能考啥”): said so, instead of asking again for what they told."""
    grade, title = profile.get("skill_grade"), profile.get("title_level")
    if not grade and not title:
        return None
    parts = []
    region = profile.get("region", "national")
    if grade == vocabulary.skill_grades()[-1]:
        parts.append(f"技能等级最高就是{grade_words(grade)}，您已经取得")
    if title:
        top = _top_title_by_grade(region)
        top_grade = grade_words(vocabulary.skill_grades()[-1])
        where = f"（{sources(top['citations'][:1])}：{top_grade}对应{top['level']}）" if top else ""
        parts.append(
            f"您已有{title}职称，贯通政策按技能等级对应的职称级别您已经达到或超过{where}；职称再往上晋升，"
            "按所在系列职称评审的一般条件申报（不属于贯通政策）"
        )
    held = "、".join(filter(None, [grade, f"{title}职称" if title else None]))
    why = "；".join(parts) or "文件里没有对应的贯通申报途径"
    return f"按您说的情况（{held}），贯通政策里没有更高一级可以申报的：{why}。具体请咨询当地人社部门或拨打{HOTLINE}。"


def neither_grade_nor_title(profile: Dict[str, Any], decision: Dict[str, Any]) -> List[str]:
    """No skill grade and no title: the 贯通 road starts at 高级工 (national 二（二）1, 百色
    第八条); a 技工院校 class still counts as a 学历 for a first title application."""
    first = next(
        (
            o
            for o in evaluate({**profile, "skill_grade": "高级工", "skill_years": 2})["options"]
            if o["kind"] == "title"
        ),
        None,
    )
    where = f"（{sources(first['citations'])}）" if first else ""
    messages = [
        "贯通申报职称要从技能等级起步：取得高级工职业资格或职业技能等级后从事技术技能工作满2年，可申报助理级职称"
        f"{where}。您现在还没有技能等级证书，也没有职称，暂时走不了这条路；取得高级工后再来算。"
    ]
    eq = decision.get("education_equivalent")
    if eq:
        messages.append(
            f"🎓 您的技工院校学历可按{eq['level']}对待，可按所在系列职称评审的一般条件首次申报职称（{sources(eq['citations'])}）。"
        )
    if profile.get("overseas_talent") and profile.get("region") != "baise":
        messages.append(overseas_outside_baise())
    return messages


def overseas_outside_baise() -> str:
    """“海外引进的博士，在苏州”: the direct route to 高级技师 for 海外高层次紧缺人才 is 百色's own
    (第十七条（二）); the national text opens skill evaluation to title holders only (二（四）)."""
    local = evaluate({"region": "baise", "overseas_talent": True, "degree": "博士", "professional_years": 30})
    route = next((o for o in local["options"] if o["kind"] == "skill"), None)
    where = sources(route["citations"][:1]) if route else "《百色市实施细则》"
    return (
        f"引进的海外高层次紧缺人才按学历和工作年限直接参加高级技师评价，是{where}的规定，只适用于百色市；"
        "《实施意见》里专业技术人才参加职业技能评价要凭职称（二（四））。您所在地区是否有类似政策，"
        f"请咨询当地人社部门或拨打{HOTLINE}。"
    )


def their_year(decision: Dict[str, Any]) -> str:
    """“哪年能报？” asked after their answer: the year their own answer gives."""
    shown = _shown_options(decision)
    if decision["blockers"] and not any(o["status"] != "ineligible" for o in shown):
        return "按您的情况：" + "；".join(b["explanation"] for b in decision["blockers"][:1])
    if not shown:
        return "按您目前说的情况，还定不下申报年份。"
    return "按您的情况：" + "；".join(headline(o) for o in shown[:2])


def _lower_hints(top: Dict[str, Any], others: List[Dict[str, Any]], shown: List[Dict[str, Any]]) -> List[str]:
    """“如取得技师后已满3年，现在就可以先申报中级职称”: said in an option's explanation; an
    option shown by its headline only would lose it (a 高级技师 of 2024 never hears of 中级)."""
    said = {level_words(o["kind"], o["level"]) for o in shown}
    hints: List[str] = []
    for option in others:
        match = re.search(r"另外，(如取得.*?)。", option.get("explanation", ""))
        for hint in match.group(1).split("；") if match else ():
            if hint not in top["explanation"] and not any(words in hint for words in said) and hint not in hints:
                hints.append(hint)
    return hints


def _headline_among(option: Dict[str, Any], shown: List[Dict[str, Any]]) -> str:
    """A level already shown by another route is said as a second ground for it (“中级职称也
    可凭奖项走绿色通道申报”), not as a second level to choose."""
    first = next(o for o in shown if (o["kind"], o["level"]) == (option["kind"], option["level"]))
    if first is option or option["status"] != first["status"]:
        return headline(option)
    way = {"green_channel": "凭奖项走绿色通道", "exception": "直接（破格）"}.get(option["path"], "按一般条件")
    return f"{ICONS[option['status']]} {level_words(option['kind'], option['level'])}也可{way}申报（{sources(option['citations'])}）"


def eligibility_messages(
    decision: Dict[str, Any],
    region_note: Optional[str] = None,
    intro: Optional[str] = None,
    with_steps: bool = True,
    asked: Optional[List[Tuple[str, str]]] = None,
) -> List[str]:
    """The answer as a few messages (no blank lines inside: channels split on them);
    ``asked``: the levels the message asked about, whose option leads."""
    messages: List[str] = []
    if intro:
        messages.append(intro)
    if region_note:
        messages.append(region_note)
    shown = _shown_options(decision, asked)
    if shown:
        top, others = shown[0], shown[1:]
        messages.append(f"{ICONS[top['status']]} {top['explanation']}")
        lines = [_headline_among(o, shown) for o in others] + [
            f"❓ {hint}" for hint in _lower_hints(top, others, shown)
        ]
        if lines:
            messages.append("另外：\n" + "\n".join(lines))
    elif decision["missing"] and not decision["blockers"]:  # a bar that closes everything is the answer
        messages.append(still_needed(decision["missing"]))
    else:
        messages.append("按您说的情况，文件里没有对应的贯通申报途径。")
    for blocker in decision["blockers"]:
        messages.append(f"⚠️ {blocker['explanation']}")
    if "education_equivalent" in decision:
        eq = decision["education_equivalent"]
        messages.append(f"🎓 您的技工院校学历可按{eq['level']}对待（{sources(eq['citations'])}）。")
    steps = steps_message(decision) if with_steps else None
    if steps:
        messages.append(steps)
    return messages


def steps_message(decision: Dict[str, Any]) -> Optional[str]:
    """“下一步：1. … 2. …”: the first next steps with their articles (and the answer's end)."""
    steps = decision["next_steps"][:MAX_STEPS]
    if not steps:
        return None
    lines = [f"{i}. {s['text']}（{sources(s['citations'])}）" for i, s in enumerate(steps, 1)]
    more = "\n还可以问我：需要什么材料、继续教育、岗位待遇等。" if len(decision["next_steps"]) > MAX_STEPS else ""
    return "下一步：\n" + "\n".join(lines) + more


def value_words(key: str, value: Any) -> str:
    """A fact's value as the applicant reads it (是/否, region names, lists joined)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "region":
        return vocabulary.REGION_LABELS["profile"].get(value, str(value))
    return str(value)


# what a what-if assumes, said as a person would (“如果2027年申报：”, “如果已经退休：”)
_SUPPOSED: Dict[str, Any] = {
    "application_year": lambda v: f"{v}年申报",
    "region": lambda v: "在其他地区（按国家规定）" if v == "national" else f"在{value_words('region', v)}",
    "skill_years": lambda v: f"取得技能等级后已工作{years_words(v)}",
    "skill_grade_year": lambda v: f"{v}年取得技能等级",
    "title_years": lambda v: f"取得职称已{years_words(v)}",
    "professional_years": lambda v: f"累计从事专业技术工作{years_words(v)}",
    "assessment_ok": lambda v: "近3年年度考核都合格" if v else "近3年有年度考核不合格",
    "retired": lambda v: "已经退休" if v else "还没退休",
    "demerit_punishment": lambda v: "受过记过以上处分、还在期内" if v else "没有在期内的记过以上处分",
    "under_investigation": lambda v: "正被立案审查调查或在处分影响期内" if v else "不在调查或处分影响期内",
}


def hypothesis_words(key: str, value: Any) -> str:
    """What a what-if assumes: a grade, title or award reads as itself (“高级技师”), the
    common facts as a person says them, anything else as its label and value."""
    if (isinstance(value, str) and key != "region") or isinstance(value, list):
        return value_words(key, value)
    if key in _SUPPOSED and (isinstance(value, bool) or key == "region" or isinstance(value, (int, float))):
        return _SUPPOSED[key](value)
    return f"{label(key)}为“{value_words(key, value)}”"


AWARD_WORDS = re.compile(r"奖|大赛|竞赛|能手|津贴|工作室|带头人")


# “那她呢” with no one else told before: whose facts to use
ASK_THEIR_CASE = "请把他/她的情况告诉我：技能等级（或职称）、哪一年取得、在哪个地区工作，我按他/她的情况算。"


def unrecognised_hypothesis(text: str) -> str:
    """A what-if whose condition was not recognised: say so rather than answer another
    question. An award is only counted under a name the documents list, so they are named."""
    if AWARD_WORDS.search(text):
        return (
            "您说的这个奖项我没能对应到文件列出的奖项，所以没法替您算。文件里算数的奖项有："
            + "、".join(vocabulary.awards())
            + "。如果是其中之一，请说出它的名称，我再帮您看。"
        )
    return (
        "这个假设我没能对应到评审条件，所以没法替您算。可以这样问：“再干两年呢？”"
        "“要是拿到技师呢？”“要是考核都合格呢？”“要是获得全国技术能手呢？”"
    )


def profile_summary(profile: Dict[str, Any]) -> str:
    """One line per known fact, for the hotline agent taking over."""
    if not profile:
        return "（尚未收集到信息）"
    return "\n".join(f"{label(key)}：{value_words(key, value)}" for key, value in profile.items())


# “考核基本合格/基本称职”: read as not 合格 (优秀、合格、基本合格、不合格 are four grades); the
# reading decides the answer, so it is said, with what to do if the unit counts it as passed
_BASIC_PASS = re.compile(r"基本合格|基本称职")
BASIC_PASS_READING = (
    "说明：您说的“基本合格/基本称职”，我按低于“合格（称职）”理解，不满足“年度考核合格”的条件；"
    "如果单位或当地人社部门认定为合格，请告诉我“考核都合格”，我再帮您算。"
)


def basic_pass_reading(texts: List[str], profile: Dict[str, Any]) -> Optional[str]:
    """The reading of 基本合格 said beside an answer that rests on it."""
    if profile.get("assessment_ok") is False and any(_BASIC_PASS.search(t or "") for t in texts):
        return BASIC_PASS_READING
    return None


def noted(facts: Dict[str, Any]) -> str:
    """Facts a reply gave that were not what was asked: said back, so the same question
    asked again does not read as if the answer was not heard."""
    return (
        "好的，记下了：" + "；".join(f"{label(key)}：{value_words(key, value)}" for key, value in facts.items()) + "。"
    )


def grade_words(grade: str) -> str:
    return f"{grade}（{vocabulary.grade_number(grade)}）"


def still_needed(missing: List[str]) -> str:
    """An undecided answer is a question, never a refusal: what is missing, asked for."""
    facts = "、".join(label(k) for k in missing[:3])
    return f"还不能下结论：还需要知道您的{facts}。请告诉我，我再按文件帮您算。"


def years_words(years: float) -> str:
    """0.5 → 半年, 2.5 → 2年半, 3 → 3年."""
    whole, half = int(years), years - int(years) >= 0.5
    if not whole:
        return "半年"
    return f"{whole}年半" if half else f"{whole}年"


def region_city_needed(place: str) -> str:
    """ "我在广西": the city decides which rules hold, so the question comes again."""
    return (
        f"“{place}”还不能确定适用哪份文件：百色市有自己的实施细则，{place}其他地市按国家《实施意见》答复，"
        "两者不一样。请告诉我具体是哪个市（县）。"
    )
