"""“初级职称”, “员级”, “技术员”: a junior title the rules engine has no level for.

“初级职称” covers 员级 (技术员 …) and 助理级 (助理工程师 …), and only 助理级 and above have a
贯通 route to the skill ladder (national 二（四）, 百色 第十五条; docs/interpretations.md #29).
So “初级职称” is asked about, “助理” in answer is 助理级, and 员级 is told plainly that the
documents give it no route — instead of “没太明白” or the skill-grade question again.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rules_engine import evaluate
from rules_engine.explain import level_words

from dialogue.replies import HOTLINE, sources

# said anywhere: a title below 助理级
# (“我是技术员，能考什么”; 卫生's 士级 — 护士, 药士, 技士, 检验士 — is 员级 too)
LOW = re.compile(
    r"员级|技术员(级|职称|的职称)|初级(职称)?[^，。？?]{0,3}技术员"
    r"|^(我|俺|本人)(就)?是(个|一个|一名)?技术员(?![岗工])|(?<![助理主管])(药士|技士|检验士|护士)(?!长|资格)"
)
# said anywhere, no level given: 员级 or 助理级
UNCLEAR = re.compile(r"初级职称|初级的职称|初级专业技术职称|初级资格")
# in answer to “您的职称是什么级别？”
# “是个助理”, “就是技术员吧”, “初级的那种”: a short answer — who they are, the level, an ending
_WHO = r"(?:我|俺)?(?:就|只)?(?:是|算|应该是|大概是)?(?:个|一个)?"
_END = r"(?:的|吧|啊|呀|那种|那个|而已|罢了)*(?:职称)?(?:的|吧|啊|呀|那种|而已)*[。！!]?"
ANSWER_ASSISTANT = re.compile(_WHO + r"助理(?:级)?" + _END)
ANSWER_LOW = re.compile(_WHO + r"(?:员级|技术员)" + _END)
ANSWER_EITHER = re.compile(_WHO + r"初级" + _END)

ASSISTANT = "助理级"
STAFF = "员级"  # slot value: the user holds a 员级 title
EITHER = "初级"  # slot value: a junior title, not yet said which

# what a 助理级 holder may apply for with no grade, to name it when the level is unclear
_HELD_ASSISTANT = {"title_level": ASSISTANT}


def junior_title_said(text: str, answering_title: bool) -> Optional[str]:
    """助理级, 员级 or 初级 (either) when the message names a junior title without a level
    the NLU could read; ``answering_title``: the message answers the title question, or is
    nothing but a short answer (a bare “助理的” is read as the level it names)."""
    text = text.strip()
    if answering_title and ANSWER_ASSISTANT.fullmatch(text):
        return ASSISTANT
    if LOW.search(text) or (answering_title and ANSWER_LOW.fullmatch(text)):
        return STAFF
    if UNCLEAR.search(text) or (answering_title and ANSWER_EITHER.fullmatch(text)):
        return EITHER
    return None


def heard_staff_title() -> str:
    """Said when 员级 is named, before the skill-grade question."""
    return (
        "好的，员级职称（如技术员）。贯通政策只为助理级及以上职称规定了参加职业技能评价的通道；"
        "如果您还有技能等级证书，职称这条路可以从技能等级走。"
    )


def junior_title_answer(kind: str, profile: Dict[str, Any]) -> List[str]:
    """The answer for a junior title holder with no skill grade: what 助理级 opens (with the
    article of their region), and that 员级 has no 贯通 route."""
    region = profile.get("region") or "national"
    opened = [
        o
        for o in evaluate({**profile, **_HELD_ASSISTANT, "region": region})["options"]
        if o["kind"] == "skill" and o["status"] != "ineligible"
    ]
    staff = (
        "员级职称（如技术员）在贯通政策里没有对应的申报通道：文件只为助理级及以上职称规定了参加职业技能评价的通道"
        f"{'（' + sources(opened[0]['citations']) + '）' if opened else ''}。可以按职业技能等级认定的一般条件申报"
        f"技能等级（不属于贯通政策，本助手未收录），或者取得助理级职称后再来算。具体请咨询当地人社部门或拨打{HOTLINE}。"
    )
    if kind == STAFF or not opened:
        return [staff]
    levels = "、".join(dict.fromkeys(level_words("skill", o["level"]) for o in opened))
    assistant = (
        f"如果您的初级职称是助理级（如助理工程师、助理农艺师）：可以申报{levels}（{sources(opened[0]['citations'])}）。"
    )
    return [assistant, "如果是" + staff]
