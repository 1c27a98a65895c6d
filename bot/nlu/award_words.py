"""Is an award word the award the texts name? Said with words that say otherwise, it is not.

“全国技术能手 不过是我们村评的” (a village's), “带头人是我师傅 我只是成员” (a studio someone
else leads), “市级科技进步奖” (below 省部级, 百色 第十七条（一）), “国家级二类竞赛第八名” (below the
rank 内蒙古 二（四） names) — each dropped by the clause reader (bot/nlu/clauses.py).
"""

from __future__ import annotations

import re

_NOT_THE_AWARD_AFTER = re.compile(
    r"^[^。？?]{0,3}?(不过|但是|但|其实)?[，,\s]*(是|就是)?(我们|俺们)?(村|乡|镇|县|区里|厂|公司|单位|车间)(里|上|级)?(评|发|给)的"
    r"|^[^。？?]{0,3}?(不过|但是|但)?[，,\s]*不是(国家|全国|省里|自治区)(评|发|给)的"
)
_LOCAL_PRIZE_BEFORE = re.compile(r"(市|县|区|厂|公司|企业|单位|集团|行业)(级|里|内)?(的)?$")
_SOMEONE_ELSE_LEADS = re.compile(
    r"带头人是(我|俺)?(们)?(师傅|师父|领导|主任|厂长|同事|老板|别人|[他她])|只是(个)?成员|我是成员|不是带头人"
)
# the in-school prizes of 内蒙古 二（四） hold from a rank: a result said below it is not the prize
_RANK_LIMIT = {"国家级二类竞赛前六名": 6, "自治区级一类大赛前三名": 3}
_RANK_SAID = re.compile(r"^[^，。,;；？?]{0,6}?第([一二三四五六七八九十\d]{1,3})名")
_NO_PRIZE_SAID = re.compile(r"^[^，。,;；？?]{0,6}?(优秀奖|鼓励奖|参与奖|纪念奖|入围奖|没拿奖|没获奖|没得奖)")


def _below_the_rank(award: str, after: str) -> bool:
    if award == "国家级一类大赛三等奖以上":
        return bool(_NO_PRIZE_SAID.match(after))
    rank = _RANK_SAID.match(after)
    if award not in _RANK_LIMIT or rank is None:
        return False
    words = rank.group(1)
    n = int(words) if words.isdigit() else "一二三四五六七八九十".find(words) + 1 if len(words) == 1 else 11
    return n > _RANK_LIMIT[award]


def not_the_award(award: str, text: str, end: int, before: str) -> bool:
    """``award`` said at ``text[…:end]``, ``before`` the clause's text before it."""
    if _NOT_THE_AWARD_AFTER.match(text[end : end + 16]):
        return True  # explore15 W-3
    if award.endswith("工作室带头人") and _SOMEONE_ELSE_LEADS.search(text):
        return True  # dev24
    if award == "省部级以上科技进步奖" and _LOCAL_PRIZE_BEFORE.search(before):
        return True
    return _below_the_rank(award, text[end : end + 12])  # explore16 W-6
