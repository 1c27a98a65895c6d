"""Is a word asked about, said under a condition, or said of people in general?

The position-level tests the clause reader (bot/nlu/clauses.py) and the yes/no reader
(bot/nlu/yes_no.py) share — "能考技师吗" asks, "要是我考上技师呢" supposes, "持有高级工证书
的人" speaks of others — and the message-level patterns of a few kinds of question (why
not, the conditions of a level, two titles in one year) that the actions and facts_first read.
"""

from __future__ import annotations

import re

from bot.nlu.spans import PUNCTUATION, clause_before, clause_bounds

_CONDITION = re.compile(
    r"如果|如若|(?<![主需重还想])要是|假如|假设|假使|倘若|万一|一旦|等我|等到|(?<![主需重还想])要能|换成|换作|若是|若(?!干)"
)
_RESULT_VERB = re.compile(r"拿到|考上|评上|考到|升到|评到|拿了|考了|评了|有了|达到|干满|满了")
_WHAT_IF_OPENER = re.compile(r"^(那|那么|那要|那我|那如果|那要是)")
_QUESTION_END = re.compile(r"(吗|呢|么|嘛|没)\s*$")
_QUESTION_WORDS = re.compile(r"(.)[不没]\1|能否|可否|多少|多久|几|什么|啥|怎么|怎样|如何|哪")
_ASKED_WHETHER = re.compile(r"(.)[不没]\1[^" + re.escape(PUNCTUATION) + r"]{0,2}$")


def asked_whether(text: str, pos: int) -> bool:
    """ "有没有处分影响", "是不是退休了就不能评": the word at ``pos`` is asked about, not stated."""
    return _ASKED_WHETHER.search(clause_before(text, pos)) is not None


# "影响期是多久", "诚信档案是什么", "处分期满多久能评": the word is what the question is about
_ASKED_ABOUT_WORD = re.compile(
    r"^(处分)?(的)?(影响期|期)?(满)?(是什么|是啥|什么意思|啥意思|是多久|多久|多长|多少年|几年|有多长|怎么算|怎么认定|"
    r"会怎样|会怎么样|怎么办|有什么影响|有啥影响|影响多久|算不算)"
)
# "被立案调查的能申报吗", "退休的还能评吗": those who …, not the applicant
_THOSE_WHO = re.compile(
    r"^[^的，。,;；?？]{0,4}?(的|了的)(人|人员|同志)?(能|可以|还能|怎么|要|会|也|就|不能|是否|几年)"
    # "立案调查期间能参加技能评价不": what holds during it
    r"|^(期间|期内|的时候|时|阶段)(能|可以|还能|能不能|可不可以|可否|是否|不能)"
)
SELF = re.compile(r"我|本人|俺|咱")  # not 自己: "江苏有没有自己的细则"
_GENERAL_QUESTION = re.compile(r"多久|多长|几年|会怎样|会怎么样|有什么影响|有啥影响|怎么办|怎么算|处理规定|怎么规定")


def word_asked_about(text: str, start: int, end: int, own_case: bool = True) -> bool:
    """A yes/no word named in a question about it, or about people in general; when the
    message does not tell the asker's own case (``own_case``), any question about it."""
    cs, ce = clause_bounds(text, start)
    after = text[end:ce]
    if _ASKED_ABOUT_WORD.match(after) or _THOSE_WHO.match(after):
        return True
    # a question with nobody in it ("受了处分多久能评？", "被立案调查了能评吗") asks about the rule
    # … nor a message asking in its last clause ("材料造假被查出来，几年不能报？")
    return (
        not own_case
        and not is_hypothetical(text, start)
        and (
            is_question(text, start)
            or _GENERAL_QUESTION.search(text[cs:ce]) is not None
            or is_question(text, len(text.rstrip()) - 1)
        )
    )


# "持有高级工证书的人…", "拿了国赛金牌的选手…": a word describing people in general
_THOSE_WHO_AFTER = re.compile(
    r"^(职业资格)?(证书|证|资格|职称|称号|奖牌|奖)?(的)(人|人员|同志|职工|员工|工人|师傅|选手|获得者|技术工人)"
)


def said_of_those_who(text: str, start: int, end: int) -> bool:
    """The word at [start, end) describes "those who …", not the asker (no 我 before it)."""
    return bool(_THOSE_WHO_AFTER.match(text[end : end + 10])) and not SELF.search(clause_before(text, start))


# “还没退呢”, “还早着呢”: 呢 closing a statement of “not yet”, not a question
_NOT_YET_STATED = re.compile(r"(还没|还未|还不到|还早|着)[^，。,;；?？]{0,6}呢\s*$")


# “啥事没有”, “没什么问题”: a question word inside a statement that nothing is wrong
_NOTHING_WRONG = re.compile(r"(啥|什么)事?(都|也)?没有|没(啥|什么)(事|问题|影响)?")


def is_question(text: str, pos: int) -> bool:
    cs, ce = clause_bounds(text, pos)
    clause = _NOTHING_WRONG.sub("", text[cs:ce])
    follows = text[ce : ce + 1]
    if follows not in ("?", "？") and _NOT_YET_STATED.search(clause) and not _QUESTION_WORDS.search(clause):
        return False
    return bool(_QUESTION_END.search(clause) or follows in ("?", "？") or _QUESTION_WORDS.search(clause))


def is_hypothetical(text: str, pos: int) -> bool:
    """ "要是我考上技师", "那在百色呢", "拿到技师呢": the fact at ``pos`` is a condition."""
    cs, ce = clause_bounds(text, pos)
    before = text[cs:pos]
    if _CONDITION.search(before):
        return True
    clause = text[cs:ce].strip()
    if clause.endswith("呢") and (_WHAT_IF_OPENER.search(clause) or _RESULT_VERB.search(before)):
        return True
    if _MOVED_THERE.search(before) and _ASKED_ABOUT_IT.search(clause):
        return True  # “那我回百色去报是不是不一样”: a place moved to, asked about
    # "调查结束以后呢", "处分期满了之后呢": what holds once it has happened
    return bool(re.search(r"(以后|之后|后)(呢|会怎样|怎么样|能[^，。]{0,4}吗)$", clause))


_MOVED_THERE = re.compile(r"(回|调到|调去|换到|搬到|转到|跑到|去到)$")
_ASKED_ABOUT_IT = re.compile(r"(吗|呢|么|嘛)\s*$|是不是|会不会|不一样|一样吗|有没有区别|有区别吗|行不行|能不能")


# “同一年可以报两个中级职称吗”: the one-title-a-year bar (百色 第七条（五）) — a bar, so asked
# as the discipline-and-bars question (bot/nlu/facts_first.py) and answered with that topic
ONE_PER_YEAR = re.compile(
    r"(同一年|一年|同年|同时|一起)[^，。？?]{0,6}(报|申报|评|参评)[^，。？?]{0,8}(两个|2个|多个|几个|两种)"
    # “想同一年报工程系列和农业系列的中级”, “同时报工程师和农艺师”: two named
    r"|(同一年|同年|同时|一起)[^，。？?]{0,6}(报|申报|评|参评)[^，。？?]{1,10}?(和|跟|与|及|还有)[^，。？?]{1,10}?(师|中级|副高|正高|助理|职称|系列)"
    # “今年已经报了中级工程师，还能同时申报中级农艺师吗” (not an earlier year's: “去年报过，今年再报”)
    r"|^(?!.*(去年|前年|以前|之前|上次|往年)).*?(已经|已)(申报|报)了?[^。？?]{0,14}?(同时|再|另外|又)(申报|报|评)"
    r"(个|一个)?[^。？?]{0,4}?(师|中级|副高|正高|助理|职称)"
)

# “为什么不行”, “为啥不是正高”, “凭什么不能考高级技师”: why their answer is what it is — the
# answer again, with the level asked leading and its reasons (not a refusal or a goodbye)
WHY_NOT = re.compile(
    r"^(那|可是|但是|但)?(为什么|为啥|凭什么|咋就|怎么就|为何)(不行|不能|不可以|不是|没有|只能|就不|就|呀|啊|呢|$)"
)

# “副高要什么条件”, “评工程师需要满足哪些条件”: the conditions of a level — answered with the
# 贯通 routes to it (grade and years, the green channel), as “评副高要几年” is
LEVEL_CONDITIONS = re.compile(
    r"(什么|啥|哪些|那些|哪几个|几个|哪几项)(样的)?(条件|要求|门槛|资格|标准)"
    r"|(条件|要求|门槛|标准)(是|有)?(什么|啥|哪些|多少)"
    r"|(要|需要|得|须|必须)(满足|具备|达到|符合)(什么|啥|哪些)"
)
