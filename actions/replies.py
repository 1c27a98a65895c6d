"""Decision → short Chinese messages for a phone screen: the conclusion first, then the
article it rests on, then the next steps. No policy logic here: everything said comes
from the rules engine's decision and knowledge base."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rules_engine.explain import cite, level_words
from rules_engine.model import Citation
from rules_engine.profile import label
from rules_engine import vocabulary

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
        text = f"可以申报{what}"
    elif status == "not_yet":
        text = f"{option['earliest_year']}年起可以申报{what}"
    elif status == "undecided":
        text = f"{what}：还需确认条件"
    else:
        text = f"不能申报{what}"
    return f"{ICONS[status]} {text}（{sources(option['citations'])}）"


def _shown_options(decision: Dict[str, Any]) -> List[Dict[str, Any]]:
    hopeful = [o for o in decision["options"] if o["status"] != "ineligible"]
    return hopeful or decision["options"]


def eligibility_messages(decision: Dict[str, Any], region_note: Optional[str] = None,
                         intro: Optional[str] = None, with_steps: bool = True) -> List[str]:
    """The answer as a few messages (no blank lines inside: channels split on them)."""
    messages: List[str] = []
    if intro:
        messages.append(intro)
    if region_note:
        messages.append(region_note)
    shown = _shown_options(decision)
    if shown:
        top, others = shown[0], shown[1:1 + MAX_OTHER_OPTIONS]
        messages.append(f"{ICONS[top['status']]} {top['explanation']}")
        if others:
            messages.append("另外：\n" + "\n".join(headline(o) for o in others))
    else:
        messages.append("根据目前的信息，还没有找到适用的贯通申报途径。")
    for blocker in decision["blockers"]:
        messages.append(f"⚠️ {blocker['explanation']}")
    if "education_equivalent" in decision:
        eq = decision["education_equivalent"]
        messages.append(f"🎓 您的技工院校学历可按{eq['level']}对待（{sources(eq['citations'])}）。")
    steps = decision["next_steps"][:MAX_STEPS] if with_steps else []
    if steps:
        lines = [f"{i}. {s['text']}（{sources(s['citations'])}）" for i, s in enumerate(steps, 1)]
        more = "\n还可以问我：需要什么材料、继续教育、岗位待遇等。" if len(decision["next_steps"]) > MAX_STEPS else ""
        messages.append("下一步：\n" + "\n".join(lines) + more)
    return messages


def value_words(key: str, value: Any) -> str:
    """A fact's value as the applicant reads it (是/否, region names, lists joined)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "region":
        return {"national": "其他地区（按国家规定）", "nei_mongol": "内蒙古", "baise": "百色"}.get(value, str(value))
    return str(value)


def hypothesis_words(key: str, value: Any) -> str:
    """What a what-if assumes: a grade, title or award reads as itself (“高级技师”),
    anything else as its label and value (“近3年年度考核是否均合格为“是””)."""
    if (isinstance(value, str) and key != "region") or isinstance(value, list):
        return value_words(key, value)
    return f"{label(key)}为“{value_words(key, value)}”"


AWARD_WORDS = re.compile(r"奖|大赛|竞赛|能手|津贴|工作室|带头人")


def unrecognised_hypothesis(text: str) -> str:
    """A what-if whose condition was not recognised: say so rather than answer another
    question. An award is only counted under a name the documents list, so they are named."""
    if AWARD_WORDS.search(text):
        return ("您说的这个奖项我没能对应到文件列出的奖项，所以没法替您算。文件里算数的奖项有："
                + "、".join(vocabulary.awards()) + "。如果是其中之一，请说出它的名称，我再帮您看。")
    return ("这个假设我没能对应到评审条件，所以没法替您算。可以这样问：“再干两年呢？”"
            "“要是拿到技师呢？”“要是考核都合格呢？”“要是获得全国技术能手呢？”")


def profile_summary(profile: Dict[str, Any]) -> str:
    """One line per known fact, for the hotline agent taking over."""
    if not profile:
        return "（尚未收集到信息）"
    return "\n".join(f"{label(key)}：{value_words(key, value)}" for key, value in profile.items())


def faq_messages(answers: List[Dict[str, Any]], region_label: Optional[str] = None) -> List[str]:
    if not answers:
        return ["这个问题文件里没有具体规定，建议咨询当地人社部门或拨打12333。"]
    prefix = f"（{region_label}）" if region_label else ""
    return [f"{prefix}{a['text']}（{a['source']}）" for a in answers]


def region_label(region: str) -> str:
    return {"national": "全国通用规定", "nei_mongol": "内蒙古", "baise": "百色市"}[region]


def grade_words(grade: str) -> str:
    return f"{grade}（{vocabulary.grade_number(grade)}）"
