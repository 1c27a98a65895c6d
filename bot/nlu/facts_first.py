"""Facts outrank small talk: "你好，我是技师" is a statement of facts, not a greeting.

The intent classifier reads a greeting plus facts as mostly greeting (or, torn between the
two, falls back). The facts were extracted all the same, but the dialogue then answered
"您好" or "没太明白" and did not go on with the question. This component runs after the
FallbackClassifier: when the intent is small talk (``greet``, ``goodbye``, ``thank``) or
``nlu_fallback`` and the normaliser found profile facts in the message, the intent becomes
the classifier's best-ranked intent among those that carry facts (inform, correct,
ask_eligibility, what_if). A ``what_if`` that supposes nothing (no condition word, no fact
marked supposed) but states facts is read as those facts.

The same holds for a short question about one's own case with no fact in it (“能报不”,
“够格不”, “那我咋办”, “我可以吗”): the classifier reads 不 as a refusal, 有戏 as chit-chat,
or is unsure; the question is ``ask_eligibility`` (the form then answers with what it knows
or asks what it lacks). Only small talk, refusals and the fallback are re-read this way;
a side question (“还能报名吗” — when?) keeps its intent. Everything else is left as the
classifier said.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.clauses import CORRECTION, levels_named
from bot.nlu.questions import LEVEL_CONDITIONS, ONE_PER_YEAR, WHY_NOT
from bot.nlu.lexicon import CONTEST_RESULT, SKILL_GRADE, TITLE, TITLE_LEVEL
from bot.nlu.subjects import BACK_TO_SELF
from bot.nlu.yes_no import BAR_FACTS

# “调查已经结束了 没事了” read as goodbye, “好的谢谢，我没退休” as thanks: the facts count
SMALL_TALK = ("greet", "nlu_fallback", "goodbye", "thank")
# a message that asks or wants something (an out-of-scope question with a fact in it stays one)
QUESTION = re.compile(
    r"[?？吗么呢]|什么|啥|怎么|怎样|咋|如何|哪|几|多少|能不能|可不可以|是不是|有没有|行不行|可以|能否|是否"
    r"|想|要|希望|打算|准备|转|换|帮我"  # a wish: “我是技师，想从工勤岗转到管理岗” stays out of scope
)
# a what-if supposes something: a condition word, or a fact the normaliser marked supposed
WHAT_IF_CUE = re.compile(r"如果|要是|假如|假设|万一|的话|再干|再过|再等|呢[？?。！!]*$")
FACT_INTENTS = ("inform", "correct", "ask_eligibility", "what_if")
FACT_EXTRACTOR = "ProfileFactExtractor"
# intents a short own-case question is mistaken for
NOT_A_TOPIC = ("greet", "nlu_fallback", "deny", "affirm", "goodbye", "help", "human_handoff", "restart", "thank")
OWN_CASE_QUESTION = re.compile(
    r"(能|可以|可不可以|能不能|还能)(直接)?(评|报|申报|申请|参评)(个|上)?(啥|什么|哪级|哪一级|哪个|吗|么|不|没|呢|$)"
    r"|(能|可以|还能)(直接)?(评|报|申报)[^，。,.？?]{1,5}(吗|么|不|没)$"  # "能评副高吗"
    r"|够格|够条件|够不够|(?<!没)(有戏|有机会|有希望)|有没有戏|符合条件|来得及"
    r"|中不中|得不得行"  # “中不中啊到底” (河南话), “得不得行” (西南): can I
    r"|(我|这情况|这种情况|这样)(该)?(咋办|怎么办|咋整)"
    r"|^(那|那么)?(我|俺|咱)(这样)?(可以|能行|行)(吗|么|不|没)"
    r"|^(就这些|就这样|大概就这些|情况就这些)?[，,]?(你|麻烦)?(帮我|给我)(看看|看下|看一下|算算|算一下|查查|查一下)$"
)
# “还能考什么”, “那我能考哪个等级”, “能参加什么职业技能评价”, “还能往上评吗”: what they may
# take — their own case, whatever topic the classifier heard (not “评审要考什么”)
WHAT_ELSE_TO_TAKE = re.compile(
    r"^(那|那么)?(我|俺|他|她)?(现在)?(还能|还可以|能|可以)(考|报|评|参加)(个|点)?(什么|啥|哪个|哪级|哪一级)"
    r"|^(那|那么)?(我|俺|他|她)?(还)?(能|可以)(再)?往上(评|考|走|升|报)"  # (他/她: the one asked for)
)
SHORT = 14  # characters: a longer message says more than this question
# “能评工程师吗”, “那我能报技师不”: whether they may apply for a level they name — asked in a
# chat, about themself, whatever topic the classifier heard in it (the scope of series, …)
LEVEL_ASKED = re.compile(
    # (“问能否直接评正高级”: a hotline note of the question)
    r"^(那|那么)?(想问|请问|问问?|咨询)?(我|俺|他|她)?(现在|还|今年|明年)?(能|可以|能不能|可不可以|能否|可否)(直接)?"
    r"(评|报|申报|考|申请)(个|上)?"
    r"(?P<level>[^，。,.？?]{1,7}?)(吗|么|不|没|嘛)?$"
    # “评副高可以吗”, “那我报技师行不行”, “中级职称可以不”: the level first, whether they may after it
    r"|^(那|那么)?(我|俺)?(现在|还|今年|明年)?(直接)?(评|报|申报|考|申请)?(个|上)?"
    r"(?P<level_first>[^，。,.？?]{1,7}?)(可以|行|能行)(吗|么|不|没|嘛|不行)$"
    r"|^(那|那么)?(我|俺)?(现在|还|今年|明年)?(直接)?(评|报|申报|考|申请)(个|上)?"
    r"(?P<level_verb>[^，。,.？?]{1,7}?)(可以|行|能行)$"
)
LEVEL_LABELS = (SKILL_GRADE, TITLE, TITLE_LEVEL)
# “嗯 帮我算算”, “好的 算一下”, “行 你帮我看看”: taking up the offer to check their case (or
# asking for it) — whatever the classifier made of the bare verbs
CHECK_REQUESTED = re.compile(
    r"^(嗯+|好的?|行|可以|对|是的?|要的?|那)?[，,\s]*(你|麻烦你?)?(帮我|给我|帮忙)?"
    r"(看看|看下|看一下|算算|算一下|算下|查查|查一下|查下)$"
)


def own_case_question(message: Message) -> bool:
    """A short question about one's own case that the classifier took for something else."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    text = re.sub(r"[\s，。,.!！?？~～…啊呀呢哈嘛吧]+$", "", message.get("text") or "")
    if not text or len(text) > SHORT:
        return False
    if not (
        intent in NOT_A_TOPIC
        and OWN_CASE_QUESTION.search(text)
        or WHAT_ELSE_TO_TAKE.search(text)
        or _level_asked(text)
        # “乌兰察布的，能评正高吗”: a fact of theirs, then the level asked
        or (_extracted_facts(message) and _level_asked(_last_clause(text)))
        or CHECK_REQUESTED.match(text)
        or WHY_NOT.match(text)
        or BACK_TO_SELF.search(text)  # “那我呢” after asking about someone else
    ):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "ask_eligibility", "confidence": 1.0}, add_to_output=True)
    return True


def _last_clause(text: str) -> str:
    return re.split(r"[，,。；;\s]+", text)[-1]


def _level_asked(text: str) -> bool:
    m = LEVEL_ASKED.match(text)
    level = m and (m.group("level") or m.group("level_first") or m.group("level_verb"))
    return bool(level and levels_named(level, LEVEL_LABELS))


# two general questions the classifier cannot tell apart (“贯通是不是只有工程系列”: 贯通 or
# the series?) with this much confidence each: either answer helps more than “没太明白”
TOPIC_TIE_CONFIDENCE = 0.3


def _a_topic(intent: str) -> bool:
    """A general question's intent — out of scope too: its honest answer (what the documents
    cover) is no less useful than a general one (“两类人才贯通的文件是哪个”)."""
    return intent.startswith("faq_") or intent == "out_of_scope"


def topics_tied(message: Message) -> bool:
    """The fallback came from a tie between two general-question intents, each confident."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != "nlu_fallback":
        return False
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != "nlu_fallback"]
    if len(ranking) < 2 or not all(_a_topic(r.get(INTENT_NAME_KEY, "")) for r in ranking[:2]):
        return False
    if ranking[1].get("confidence", 0) < TOPIC_TIE_CONFIDENCE:
        return False
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    return True


# what the classifier makes of “副高要什么条件”: ordinary 职称评审 (out of scope), materials
CONDITIONS_MISREAD = ("out_of_scope", "faq_materials", "faq_evaluation", "nlu_fallback")


def conditions_of_a_title(message: Message) -> bool:
    """“副高要什么条件”, “评工程师需要满足哪些条件”: what opens a title level is what the
    documents are about (a grade and its years, or an award) — asked as “评副高要几年” is.
    A skill grade alone (“考技师要什么条件”) is the skill ladder itself, not in them."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    text = message.get("text") or ""
    if intent not in CONDITIONS_MISREAD or not LEVEL_CONDITIONS.search(text):
        return False
    if not levels_named(text, (TITLE, TITLE_LEVEL)):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "faq_years", "confidence": 1.0}, add_to_output=True)
    return True


def _extracted_facts(message: Message) -> List[Dict[str, Any]]:
    """The profile facts the normaliser read in the message (not other extractors' entities)."""
    return [e for e in message.get(ENTITIES) or [] if e.get("extractor") == FACT_EXTRACTOR]


def _supposes_nothing(message: Message) -> bool:
    """“我拿到技师证有几年了不记得了 在百色平果” taken for a what-if: no condition in it,
    and facts stated (none marked supposed) — a statement of their case."""
    entities = _extracted_facts(message)
    return (
        bool(entities)
        and not any(e.get("role") for e in entities)
        and not WHAT_IF_CUE.search(message.get("text") or "")
    )


def supposed_own_case(message: Message) -> bool:
    """“那我明年能报吗”: their own case asked under a condition the normaliser marked
    supposed (the year applied in, another region …) — the what-if answers it; as a plain
    eligibility question the condition was dropped and the same answer came again."""
    name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    entities = _extracted_facts(message)
    supposed = [e for e in entities if e.get("role") == "hypothetical"]
    if name in ("faq_where", "faq_window", "faq_years", "faq_levels", "nlu_fallback") and _may_apply_in_a_year(
        message, supposed, entities
    ):
        name = "ask_eligibility"  # “明年可以报吗” after ⏳ 2027: whether they may, not where or when
    if name != "ask_eligibility":
        return False
    # “如果我拿了高级技师，在百色能评什么”: a level supposed, the place told
    level_supposed = any(e.get("entity") in SUPPOSED_LEVELS for e in supposed)
    if not supposed or not (level_supposed or len(supposed) == len(entities)):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "what_if", "confidence": 1.0}, add_to_output=True)
    return True


def denial_correcting_a_fact(message: Message) -> bool:
    """“不对 我没有造假”: a “no” that corrects a fact told before is the correction (it had
    been read as a plain no after the answer, which closed the topic and kept the bar)."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != "deny" or not CORRECTION.search(message.get("text") or ""):
        return False
    if not any(not e.get("role") for e in _extracted_facts(message)):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "correct", "confidence": 1.0}, add_to_output=True)
    return True


SUPPOSED_LEVELS = ("skill_grade", "title_level", "awards")

# “明年可以报吗”, “2028年能评中级不”: whether they may apply that year (“明年几月报” asks when)
_MAY_APPLY_THEN = re.compile(
    r"^(那|那我|我)?(明年|后年|大后年|\d{4}年)[^，。？?]{0,3}(能|可以|能不能|可不可以)(申报|报|评|参评)[^，。？?]{0,6}(吗|么|不|没)?[？?。]*$"
    # “后年报中级可以吗”, “明年报副高行不行”
    r"|^(那|那我|我)?(明年|后年|大后年|\d{4}年)(再)?(申报|报|评|参评)[^，。？?]{0,6}(行不行|可以吗|可不可以|行吗|可以不|能行吗|能不能|行不)[？?。]*$"
)


def _may_apply_in_a_year(message: Message, supposed: List[Dict[str, Any]], entities: List[Dict[str, Any]]) -> bool:
    text = (message.get("text") or "").strip()
    years = [e for e in supposed if e.get("entity") == "application_year"]
    return (
        bool(years)
        and len(entities) == len(years) + sum(e.get("entity") == "title_level" for e in entities)
        and bool(_MAY_APPLY_THEN.match(text))
    )


# A restart wipes the conversation: only when the message says so. “之前还有一次” (a second
# finding) was read as “再来一次” and everything the user had told was lost.
RESTART_SAID = re.compile(
    r"重新|重来|从头|清空|清除|清一下|重置|重开|不算|作废|忘掉|新的|从零|另外一个人|别人|同事|换个|再来一[次遍]|reset|restart",
    re.IGNORECASE,
)


def restart_not_said(message: Message) -> bool:
    """A restart the message does not ask for becomes the classifier's next intent."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != "restart" or RESTART_SAID.search(message.get("text") or ""):
        return False
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in ("restart",)]
    message.set(
        INTENT,
        dict(ranking[0]) if ranking else {INTENT_NAME_KEY: "nlu_fallback", "confidence": 1.0},
        add_to_output=True,
    )
    return True


# “世界技能大赛拿了牌的在百色可以评什么职称”, “获得全国技术能手的人能评什么”: award holders
# in general — the green channel answers it (the normaliser took no award as the user's)
_AWARD_WORD = r"(?:技术能手|技能大奖|大师工作室|特殊津贴|特贴|世界技能大赛|世赛|技能大赛|大赛|竞赛)"
AWARD_HOLDERS = re.compile(
    r"(?:获得|拿了|拿过|得了|得过|获过|享受)[^，。,？?]{0,12}?"
    + _AWARD_WORD
    + r"[^，。,？?]{0,4}?的(?:人|选手|人员)?(?!证)"
    r"|" + _AWARD_WORD + r"[^，。,？?]{0,6}?(?:拿了|拿过|获得|得了|得过)[^，。,？?]{0,3}?的(?:人|选手|人员)?(?!证)"
)


def award_holders_in_general(message: Message) -> bool:
    """An own-case question about award holders in general, with no level or award of the
    user's in it: the green channel is the answer (not the form's grade question)."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != "ask_eligibility":
        return False
    entities = _extracted_facts(message)
    if any(e.get("entity") in SUPPOSED_LEVELS for e in entities):
        return False
    if not AWARD_HOLDERS.search(message.get("text") or ""):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "faq_green_channel", "confidence": 1.0}, add_to_output=True)
    return True


# “能不能弄个助理工程师”: whether they may get a level they name
ASKS_FOR_A_LEVEL = re.compile(r"(能不能|可不可以|能否|能|可以)(直接)?(评|报|申报|申请|弄|办|搞|拿|考)(个|上|一个)?")
# a side question the classifier is this unsure of, in a message that tells a case and asks
# about it, is the case's question (“…一六年考的 单位让俺问问能不能弄个助理工程师” → faq_discipline 0.31)
UNSURE_TOPIC = 0.5
OWN_LEVEL_FACTS = ("skill_grade", "title_level", "skill_years", "skill_grade_year", "title_years")
FIRST_PERSON = re.compile(r"[我俺咱]|本人")


def _own_level_told(message: Message) -> bool:
    """A grade or title of the speaker's own (the normaliser's facts are theirs), with its time
    or a bar of theirs (“百色 技师 去年申报时被查出造假”: explore13 M9)."""
    said = {e.get("entity") for e in _extracted_facts(message) if not e.get("role")}
    return bool(said & {"skill_grade", "title_level"}) and bool(
        said & {"skill_years", "skill_grade_year", "title_years", *BAR_FACTS}
    )


def _bar_told(message: Message) -> bool:
    """“记录期去年就到期了”, “处分期已经满了”: a bar of theirs told, nothing asked — their
    facts, not the discipline topic (explore16: the general text came before their answer)."""
    return any(e.get("entity") in BAR_FACTS and not e.get("role") for e in _extracted_facts(message))


# “这个有没有影响”, “会不会有影响”: whether their bar changes their answer
AFFECTS_ME = re.compile(r"(会不会|有没有|有啥|有什么|有)(影响|关系)")


def _case_told_and_asked(message: Message, intent: str) -> bool:
    """“我老婆是会计师 她能考什么” read as out of scope (会计 is no bridging series), or a
    facts-heavy message read, unsure, as a side question: a case told and what may be taken
    asked, in the last clause — an eligibility question."""
    confidence = (message.get(INTENT) or {}).get("confidence") or 0
    entities = _extracted_facts(message)
    first_person = bool(FIRST_PERSON.search(message.get("text") or ""))
    # “去年单位年度考核俺是不合格 那还能评正高吗”: a bar of their own, and their case asked —
    # the answer with the bar, not the topic's general text (however sure the classifier is)
    # (or with its time: “今年年度考核没合格 会不会有影响”, dev22 d22c07)
    dated = bool(re.search(r"今年|去年|前年|\d{2,4}年|上半年|下半年", message.get("text") or ""))
    own_bar = (first_person or dated) and any(e.get("entity") in BAR_FACTS and not e.get("role") for e in entities)
    text = re.sub(r"[\s，。,.!！?？~～…啊呀呢哈嘛吧]+$", "", message.get("text") or "")
    last = _last_clause(text)
    # “包头 中级工 两年 还有中级职称 能考高级技师吗” read, sure, as what the levels are: their
    # own level told, and a level of theirs asked in the last clause — however sure the topic
    # (so too “…一五年的高级技师 想评个副高 中不中”: their case asked in the last clause)
    if (
        intent.startswith("faq_")
        and (_level_asked(last) or OWN_CASE_QUESTION.search(last) or WHAT_ELSE_TO_TAKE.search(last))
        and any(e.get("entity") in OWN_LEVEL_FACTS and not e.get("role") for e in entities)
        # someone's: in the first person or with their place (not “拿了奖的工程师能…吗”)
        and (first_person or any(e.get("entity") == "region" and not e.get("role") for e in entities))
    ):
        return True
    if intent != "out_of_scope" and not (intent.startswith("faq_") and (confidence < UNSURE_TOPIC or own_bar)):
        return False
    # their own level told (not “海外引进的人才…能直接考高级技师吗”, “拿了省级科技进步奖的工程师
    # 能直接考高级技师吗”: people in general)
    own_level = first_person and any(e.get("entity") in OWN_LEVEL_FACTS and not e.get("role") for e in entities)
    if not (own_bar or own_level):
        return False
    if WHAT_ELSE_TO_TAKE.search(last) or OWN_CASE_QUESTION.search(last) or (own_bar and AFFECTS_ME.search(last)):
        return True
    m = ASKS_FOR_A_LEVEL.search(last)
    return bool(m and levels_named(last[m.end() :], LEVEL_LABELS))


# a message without a word (“3”, “12345”, “。。。”): the classifier has no feature to go on and
# says goodbye — “3” answering “取得多少年了” ended the chat (explore11 D02)
NO_WORD = re.compile(r"[^\u4e00-\u9fffA-Za-z]*")


# “88”, “886”: goodbye in numbers
FAREWELL_NUMBERS = ("88", "886", "8888", "88886")
# a goodbye says one (“问下”, “挺久了” had been read as goodbye and ended the chat)
FAREWELL = re.compile(
    r"再见|拜|bye|再聊|回聊|下次|下回|改天|回头|再问|走了|走啦|撤了|溜了|去忙|先忙|忙去了|挂了|这样吧|就这样|到这|先这样"
    r"|不问了|不聊了|再来|下了|再会|打扰|结束|这么多|下线|回见|晚安|告辞|再说|没别的|没事了|没问题了|知道了|明白"
    r"|好的|好嘞|行了|谢|88",
    re.IGNORECASE,
)


def goodbye_unsaid(message: Message) -> bool:
    """A goodbye the message does not say is not understood (the fallback: inside the form
    the form reads it as the answer to its question)."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != "goodbye":
        return False
    if FAREWELL.search(message.get("text") or "") or _extracted_facts(message):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "nlu_fallback", "confidence": 1.0}, add_to_output=True)
    return True


def wordless(message: Message) -> bool:
    """Small talk read in a message of numbers and signs only: nothing understood — the form
    reads it as an answer when it asked something, the fallback otherwise."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) not in SMALL_TALK:
        return False
    text = (message.get("text") or "").strip()
    if not NO_WORD.fullmatch(text) or not re.search(r"\d", text) or text in FAREWELL_NUMBERS:
        return False
    if _extracted_facts(message):
        return False  # “2021” answering the year question: the normaliser read a fact
    message.set(INTENT, {INTENT_NAME_KEY: "nlu_fallback", "confidence": 1.0}, add_to_output=True)
    return True


def contest_result_alone(message: Message) -> bool:
    """“拿了个铜牌”, “得了三等奖” after “参加过世界技能大赛”: the award is said over two
    messages (the form reads them together: actions/said_in_two.py) — a fact told, not the
    goodbye or fallback the classifier makes of it."""
    text = message.get("text") or ""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if intent not in SMALL_TALK or len(text) > SHORT or not CONTEST_RESULT.search(text) or QUESTION.search(text):
        return False
    if any(e.get("entity") == "awards" for e in _extracted_facts(message)):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "inform", "confidence": 1.0}, add_to_output=True)
    return True


# “山东评职称有啥特殊要求”, “河北有自己的政策吗”: how a place outside the local documents
# does it — its own rules, which the documents do not hold (out of scope, said with the
# national text that applies there); not “我在山东 技师三年 能评中级吗”
LOCAL_RULES_ASKED = re.compile(
    r"(特殊|特别|不一样|不同|自己的|本地的?|当地的?|地方的?)[^，。,？?]{0,4}(要求|规定|政策|细则|办法|条件|做法)"
    r"|(有|出)(没有)?(自己的|本地的?|地方的?)?(细则|办法|实施办法|文件)"
    # “桂林的贯通实施办法全文发我一下”: a place's own text asked for
    r"|(细则|办法|文件|政策)(的)?(全文|原文)?(发|给)(我|一下)"
)
# a request is a question here too (“…发我一下”)
_REQUEST = re.compile(r"发我|给我|发一下")


# topics the documents do not cover, which people bring to a 人社 assistant: said plainly
# (the out-of-scope answer) rather than “没太明白” when the classifier is unsure
OTHER_TOPICS = re.compile(
    r"劳动合同|劳动仲裁|社保|养老金|养老保险|公积金|医保|工伤|失业金|落户|个税|考公|公务员|事业编|编制考试"
    r"|教师资格|医师资格|护士资格|注册会计师|建造师|天气|下雨"
    # “中级工多久能考高级工”: the skill ladder's own conditions
    r"|(工|技师)[^，。？?]{0,6}(多久|几年|多长时间|条件|要求)[^，。？?]{0,6}(考|升)[^，。？?]{0,2}(中级工|高级工|技师)"
)


def other_topic_unsure(message: Message) -> bool:
    """The fallback on a question about a topic outside the documents: out of scope."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != "nlu_fallback":
        return False
    if _extracted_facts(message) or not OTHER_TOPICS.search(message.get("text") or ""):
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "out_of_scope", "confidence": 1.0}, add_to_output=True)
    return True


def local_rules_asked(message: Message) -> bool:
    """A place's own rules asked about, read by the classifier as anything but out of scope."""
    text = message.get("text") or ""
    if not LOCAL_RULES_ASKED.search(text) or not (QUESTION.search(text) or _REQUEST.search(text)):
        return False
    regions = {e.get("value") for e in _extracted_facts(message) if e.get("entity") == "region"}
    others = {e.get("entity") for e in _extracted_facts(message)} - {"region"}
    if regions != {"national"} or others:
        return False
    message.set(INTENT, {INTENT_NAME_KEY: "out_of_scope", "confidence": 1.0}, add_to_output=True)
    return True


def facts_first(message: Message) -> None:
    intent = message.get(INTENT) or {}
    name = intent.get(INTENT_NAME_KEY)
    if name == "what_if" and _supposes_nothing(message):
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != "what_if"]
        best = next((dict(r) for r in ranking if r.get(INTENT_NAME_KEY) in FACT_INTENTS), None)
        message.set(INTENT, best or {INTENT_NAME_KEY: "inform", "confidence": 1.0}, add_to_output=True)
        return
    # “毕业的时候拿了全国职业技能大赛三等奖” read as out of scope: a fact told, nothing asked;
    # so too “我是百色的技师 四年了 2025年申报的时候被查出材料造假” read as a side question
    # (申报 → faq_window): their own level told with its time, and nothing asked
    told_not_asked = (
        name == "out_of_scope"
        or (name or "").startswith("faq_")
        and (_own_level_told(message) or name == "faq_discipline" and _bar_told(message))
    ) and (not QUESTION.search(message.get("text") or ""))
    case_asked = _case_told_and_asked(message, name)
    if name not in SMALL_TALK and not told_not_asked and not case_asked:
        return
    if not _extracted_facts(message):
        return
    if case_asked:
        message.set(INTENT, {INTENT_NAME_KEY: "ask_eligibility", "confidence": 1.0}, add_to_output=True)
        return
    ranking = message.get(INTENT_RANKING_KEY) or []
    # (“我本人就是高工，在苏州…做设计” out of scope, then what_if: it supposes nothing)
    fact_intents = [i for i in FACT_INTENTS if i != "what_if" or not _supposes_nothing(message)]
    best = next((dict(r) for r in ranking if r.get(INTENT_NAME_KEY) in fact_intents), None)
    if best is not None:
        message.set(INTENT, best, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FactsBeforeSmallTalk(GraphComponent):
    """See the module docstring."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FactsBeforeSmallTalk":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if ONE_PER_YEAR.search(message.get("text") or ""):
                message.set(INTENT, {INTENT_NAME_KEY: "faq_discipline", "confidence": 1.0}, add_to_output=True)
            elif (
                wordless(message)
                or contest_result_alone(message)
                or local_rules_asked(message)
                or restart_not_said(message)
                or supposed_own_case(message)
                or denial_correcting_a_fact(message)
                or award_holders_in_general(message)
            ):
                continue
            elif not own_case_question(message) and not topics_tied(message) and not conditions_of_a_title(message):
                # (a goodbye unsaid and an unsure other topic only once no own-case reading holds)
                if not goodbye_unsaid(message):
                    facts_first(message)
                other_topic_unsure(message)
        return messages
