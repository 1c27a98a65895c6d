"""Replies that are not about the user's own case: the documents' words on a general
question (with a lead that fits it: a belief corrected, a word explained, what a level is),
questions outside the documents, and messages not understood.

Apart from :mod:`dialogue.replies` (a decision about the applicant → messages) because these
answer the question, not the person; they reuse its citation and grade wording.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from bot.nlu.lexicon import CONTEST_RESULT, PLACE, lexicon_matches
from dialogue.replies import grade_words, sources
from rules_engine import clock, evaluate
from rules_engine.loader import short_name
from rules_engine import vocabulary
from rules_engine.vocabulary import HOTLINE


def faq_messages(answers: List[Dict[str, Any]], region_label: Optional[str] = None) -> List[str]:
    if not answers:
        return [f"这个问题文件里没有具体规定，建议咨询当地人社部门或拨打{HOTLINE}。"]
    prefix = f"（{region_label}）" if region_label else ""
    return [f"{prefix}{a['text']}（{a['source']}）" for a in answers]


def region_label(region: str) -> str:
    return vocabulary.region_label(region, "rules")


# “工人评不了工程师吧？”: an old belief stated as a question; the answer corrects it first.
# “工人评不了职称吧”: a belief to correct; not the neutral “能不能评”, “可不可以评”
MISBELIEF = re.compile(
    r"评不了|评不上|(?<!能)不能评|(?<!可)不可以评|没法评|不让评|没资格|(?<!能)不能参加职称|只有.{0,8}才能评"
)


def _first_named(text: str, names: Dict[str, str]) -> Optional[Tuple[str, str]]:
    """The longest of `names` (said → canonical) that occurs in `text`."""
    for said in sorted(names, key=len, reverse=True):
        if said in text:
            return said, names[said]
    return None


def level_lead(text: str) -> Optional[str]:
    """“助理工程师算哪一级？” / “技师证跟中级职称是一个档次吗？”: what the named title and
    grade are, from the vocabulary (the correspondence itself comes with its article)."""
    grades = {
        a: grade
        for grade, said in vocabulary.aliases("skill_grades").items()
        for a in said
        if not a.endswith("级") or a.startswith(("初", "中", "高"))
    }
    titles = {t.name: t.level for t in vocabulary.title_names()}
    titles.update(
        {
            a: level
            for level, said in vocabulary.aliases("title_levels").items()
            for a in said
            if not any(g.startswith(a) for g in grades)
        }
    )  # “中级” is also 中级工
    levels = vocabulary.title_levels()
    parts = []
    title = _first_named(text, titles)
    if title:
        said, level = title
        rank = f"第{levels.index(level) + 1}级（共{len(levels)}级）"
        parts.append(f"{said}是{level}职称，职称的{rank}" if level not in said else f"{said}是职称的{rank}")
    grade = _first_named(text.replace(title[0], "") if title else text, grades)
    if grade:
        parts.append(f"{grade[1]}是技能等级的{vocabulary.grade_number(grade[1])}")
    if not parts:
        return None
    ladders = []
    if title:
        ladders.append(f"职称从低到高：{'、'.join(vocabulary.title_levels())}")
    if grade:
        ladders.append(f"技能等级从低到高：{'、'.join(grade_words(g) for g in vocabulary.skill_grades())}")
    opens = _title_it_opens(grade[1]) if grade else _grade_it_opens(title[1]) if title else ""
    level_said = title and title[0] not in {t.name for t in vocabulary.title_names()}  # “中级职称”, not “工程师”
    names = _names_of(title[1]) if level_said and NAME_ASKED.search(text) else ""
    return f"{'；'.join(parts)}（{'；'.join(ladders)}）{opens}。{names}"


# “中级职称叫什么”: the names the level has in each series (explore13 M5)
NAME_ASKED = re.compile(r"叫什么|叫啥|名称|名字|怎么称呼|怎么叫")


def _names_of(level: str) -> str:
    """The title names of a level, one per series (the vocabulary's first name for it)."""
    first: Dict[str, str] = {}
    for t in vocabulary.title_names():
        if t.level == level:
            first.setdefault(t.series, t.name)
    listed = "、".join(f"{series}系列叫{name}" for series, name in list(first.items())[:6])
    return f"{level}职称在各系列的名称不同，如{listed}等。" if first else ""


def _title_it_opens(grade: str) -> str:
    """“高级技师对应啥职称”: the highest title the grade opens by years under the national
    text (the local texts give the same years), with how many."""
    decision = evaluate({"region": "national", "skill_grade": grade, "skill_years": 0})
    waiting = [o for o in decision["options"] if o["kind"] == "title" and o["status"] == "not_yet"]
    if not waiting:
        return ""
    top = max(waiting, key=lambda o: vocabulary.title_levels().index(o["level"]))
    years = top["earliest_year"] - clock.today().year
    return f"；按贯通政策，取得{grade}后满{years}年可申报{top['level']}职称（{sources(top['citations'])}）"


def _grade_it_opens(level: str) -> str:
    """“中级职称对应什么技能等级”: the skill grade the title lets one apply for (national 二（四）)."""
    decision = evaluate({"region": "national", "title_level": level, "professional_years": 30})
    skills = [o for o in decision["options"] if o["kind"] == "skill" and o["path"] == "regular"]
    if not skills:
        return ""
    top = max(skills, key=lambda o: vocabulary.skill_grades().index(o["level"]))
    return f"；按贯通政策，取得{level}职称可申请参加{grade_words(top['level'])}职业技能评价（{sources(top['citations'][:1])}）"


# “贯通是什么意思？”: the word explained before the articles that give its content.
MEANING = re.compile(r"意思|是什么|是啥|指的|指什么|啥叫|什么叫|何谓|怎么理解")


def general_messages(intent: str, text: str, answers: List[Dict[str, Any]], label_local: bool = False) -> List[str]:
    """The general answer: a lead that fits the question, then the documents' words (a
    local document's rule labelled with its region when the user's region is unknown)."""
    messages: List[str] = []
    if intent == "faq_guantong" and MISBELIEF.search(text):
        messages.append("不是这样的：2020年起，技能人才（工人）也可以评职称。")
    elif intent == "faq_guantong" and MEANING.search(text):
        messages.append(
            "“贯通”就是打通技能人才（走技能等级）和专业技术人才（走职称）两条职业发展通道，" "让两类人才可以互评互通："
        )
    if intent == "faq_levels":
        lead = level_lead(text)
        if lead:
            messages.append(lead)
    for a in answers:
        doc = a["topic_entry"].split(":")[0]
        prefix = f"（{region_label(doc)}）" if label_local and doc != "national" else ""
        messages.append(f"{prefix}{a['text']}（{a['source']}）")
    return messages or faq_messages([])


def ordinary_conditions_note(skill_direction: bool) -> str:
    """After the 贯通 routes to a level asked as “…要什么条件”: the rest of what an ordinary
    application asks is set elsewhere, and said so."""
    ladder = "技能等级晋级（不走贯通）" if skill_direction else "不走贯通的一般职称评审（学历、资历、业绩等）"
    return f"以上是贯通政策下的条件；{ladder}的条件由各系列、各职业的标准规定，不在这些文件里，请咨询当地人社部门或拨打{HOTLINE}。"


def definition_source_note(doc: str) -> str:
    """After a definition quoted from a local document that is not the user's own."""
    return f"职称和技能等级的层级各地相同；以上引用的是把层级写得最明白的{short_name(doc)}，其中的地方规定只适用于{region_label(doc)}。"


def offer_own_case(profile: Dict[str, Any]) -> str:
    """After a general answer: the user's own case is one message away."""
    held = profile.get("skill_grade") or profile.get("title_level")
    if held:
        return f"要我按您的情况（{held}）算一下能申报什么吗？"
    return "想知道您本人能申报什么？告诉我您的技能等级（或职称）、取得几年了、在哪个地区，我按文件帮您算。"


def documents() -> str:
    return "、".join(short_name(doc) for doc in vocabulary.REGIONS)


# “I am a senior technician in Baise…”: letters of another script, hardly any Chinese
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def not_in_chinese(text: str) -> bool:
    return len(_LATIN.findall(text)) >= 8 and len(_HAN.findall(text)) < 2


NOT_UNDERSTOOD_GOING_ON = "这句话我没太明白；先按您已经告诉我的情况来看。"


# “评职称”, “怎么评职称”, “想考技能等级”: too short for the classifier, but a request to
# apply — the form's first question helps more than “没太明白”
_ASKS_TO_APPLY = re.compile(
    r"^[我俺]?(想|要|想要|打算|准备)?(问问|问下|问一下|咨询)?(怎么|咋|如何)?(去)?"
    r"(评|申报|报|考|申请|办|弄)(个|一个|一下)?(职称|技能等级|技能证|等级证|贯通)(的事|这块)?(啊|呀|吧|呢)?[?？。!！]?$"
)


def asks_to_apply(text: str) -> bool:
    return bool(_ASKS_TO_APPLY.match(text.strip()))


# “还参加过全国职业技能大赛”: a contest without its result — taking part opens nothing
_CONTEST = re.compile(r"世界技能大赛|世赛|职业技能大赛|国赛|技能大赛|技能竞赛|大赛|竞赛")


def contest_without_result(text: str) -> Optional[str]:
    """The question to ask when a contest is told without a result (the texts name medals and
    places), instead of “没太明白”; the result said next is read with it (said_in_two)."""
    m = _CONTEST.search(text)
    if not m or CONTEST_RESULT.search(text):
        return None
    return f"您参加的{m.group(0)}拿到名次或奖牌了吗？文件只对获奖的有规定（比如金、银、铜牌或规定的名次），告诉我结果，我再帮您算。"


# “我想问下一步”, “接下来该怎么办”: after their answer, its next steps again
NEXT_STEPS_ASKED = re.compile(r"下一步|接下来(该|要)?(怎么|咋|干啥|做什么|怎么办)|然后(该|要)?(怎么|咋)(办|弄|做)")
# “没拿过啥奖”: answering “如获得了文件列出的奖项，可告诉我” — nothing to add
NO_AWARD = re.compile(r"(没|没有|未)(拿|获|得|评)?(过|到)?(啥|什么|任何)?(奖|奖项|荣誉)|没获奖|无奖")
NO_AWARD_NOTED = "好的，没有获奖，就按上面说的一般条件（技能等级和年限）答复。"


def write_in_chinese() -> str:
    return "目前我只能读懂中文。请用中文说说您的情况，例如：“我在百色，是技师，拿证三年了，能评什么职称？”"


def place_note(text: str, entities: List[Dict[str, Any]]) -> Optional[str]:
    """The note a place named in the text carries (南宁, 河池: Guangxi's own rules are not in the
    knowledge base) — the chat's and the console's (explore12 M2)."""
    for e in entities:
        if e.get("entity") == "region" and "start" in e and "end" in e:
            place = vocabulary.resolve_place(text[e["start"] : e["end"]])
            if place and place.note:
                return place.note
    return None


def other_place_note(text: str) -> Optional[str]:
    """“河北省有自己的贯通细则吗”: a place outside the local documents — its own rules are
    not in the base, but the national text applies there, which the assistant can answer by."""
    places = [
        m.term.surface
        for m in lexicon_matches(text, None)
        if m.term.label == PLACE and m.term.value == "national" and vocabulary.settles_region(m.term.surface)
    ]
    if not places:
        return None
    place = places[0]
    return (
        f"{place}：本助手没有收录{place}本地的细则，但国家{short_name('national')}在全国适用，"
        f"我可以按它帮您算能申报什么；{place}是否另有细则、具体怎么执行，请咨询当地人社部门或拨打{HOTLINE}。"
    )


def out_of_scope_messages() -> List[str]:
    """What the documents cover and what they do not, and where to ask instead."""
    return [
        f"这个问题超出了我收录的文件范围，我不能给您准确答复。我收录的是{documents()}，"
        "讲的是高技能人才与专业技术人才的职业发展贯通：技能人才凭技能等级申报职称、专业技术人才参加职业技能评价，"
        "以及相关的申报时间、地点、材料、费用。",
        "工勤岗与管理岗之间的转岗、技能等级本身的晋级条件、不走贯通的普通职称评审条件、其他省份的本地细则、"
        f"社保养老等，这些文件没有规定，请咨询当地人社局或拨打{HOTLINE}人社服务热线。",
    ]
