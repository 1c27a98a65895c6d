"""Who a clause is about: the applicant, someone they ask for, or someone else.

“我同事是技师”, “我们主任是高级技师，还是全国技术能手”: facts of another person are not the
applicant's — unless the message asks for that person (“帮我爸问下，他是技师”), who is then
the applicant. A hotline note's “他老婆…”, “来电人同事…” are the caller's relatives.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from bot.nlu.lexicon import SKILL_GRADE, TITLE, TITLE_LEVEL, lexicon_matches
from bot.nlu.spans import PUNCT, clause_before, clause_bounds

# who a clause is about: the last subject said before the fact wins. Not 他/她: a hotline
# agent typing into the assist console says "来电人说他是技师" of the applicant.
_SURNAME = "[王李张刘陈杨赵黄周吴徐孙胡朱林何郭罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪任姜范姚谭廖邹熊陆郝孔崔康毛邱秦史顾侯邵孟龙段汤尹黎常乔贺赖龚]"
_PERSONS = (
    r"爸爸?|妈妈?|父亲|母亲|老爸|老妈|爱人|老婆|老公|丈夫|妻子|媳妇|儿子|女儿|孩子|同事|朋友|师傅|师父|徒弟|领导|"
    r"同学|亲戚|(?:表|堂)(?:哥|姐|弟|妹)|舅舅|叔叔|姑姑|阿姨|侄子|外甥|女婿|姐夫|妹夫|岳父|公公|邻居|老乡|"
    r"哥哥?|姐姐?|弟弟?|妹妹?|家里人|家人|"
    # people at work; not the titles 主任医师, 主管护师 that begin with the same words
    r"主任(?![医护药技师])|主管(?![医护药技师])|班长|组长|队长|厂长|车间长|老板|经理|工友|师兄|师姐|老师傅|"
    r"科长|处长|局长|站长|所长|院长|股长|"
    # called by the surname (“我们单位王工”, “李总”, “张师傅”, “老刘”, “小王”; not 高工, a title)
    # (not “在隆林工作”, “桂林工厂”: a place's last character before 工作 / 工厂)
    r"" + _SURNAME + r"(?:工(?![作程人厂资龄具种艺地期会商业学科序位装])|总|师傅)|[老小]" + _SURNAME
)
_SUBJECTS = re.compile(
    # the caller's relative or colleague, in a hotline note (“他老婆是高级技师”, “来电人同事…”)
    r"(?P<theirs>(?:他|她|来电人|来电者|对方)的?(?:" + _PERSONS + r"))|"
    # “我师傅”, “我们班长”, “我们车间主任”: whose they are is part of who they are (also after
    # 是: “就是我师傅啊，他是高级技师”) …
    r"(?P<person>(?:(?:我们?|俺们?)的?(?:车间|班组|单位|厂里|公司|队里|科室|部门|学校|医院)?的?(?:" + _PERSONS + r"))"
    # … but a bare one is not what someone is (“我是车间主任”, “我是班组长”): 是 one or two characters before
    r"|(?<![是当做])(?<![是当做][^我俺，。])(?<![是当做][^我俺，。][^我俺，。])(?:" + _PERSONS + r"))"
    # “单位有个同事…”, “我们车间有个…”: one particular other person, told of (not asked for)
    r"|(?P<someone>(?:单位|厂里|公司|车间|厂子|队里|局里|站里|院里|学校|那边|这边|我们那|我们这)(?:里)?有(?:个|一个|位|一位)(?:"
    + _PERSONS
    + r")?)"
    r"|(?P<people>别人|人家|有人|有的人|(?<![当做是为])(?:一线|技术|普通)?工人|(?<![是当做级高中初])技工们?(?!院校|学校)|大学生|技能人才|专技人才)"
    r"|(?P<self>我|本人|俺|自己)"
)
# "帮我爸问下，他是高级技师…", "替徒弟咨询": asking for someone, who is the applicant
# (“帮我们单位一个同事问问”: who they are may come between)
# (“…让我帮他问”: 他 right after 帮 is the person the message is about)
_ASKING_FOR = re.compile(
    r"(?:帮|替|给|代)[^，。,;；?？]{0,8}?(?P<who>" + _PERSONS + r"|(?<=[帮替给代])[他她])[^，。,;；?？]{0,2}?"
    r"(?:问|咨询|查|打听|了解)"
)
# “我老婆是高级工程师她不用问”: the person named is said not to be the one asked about
_NOT_ASKED_FOR = re.compile(
    r"[他她](就|也)?(不用|不需要|不必|用不着)(问|管|算|考虑)|不是(帮|替|给|问)[他她]|(不问|不管)[他她]"
)
# “工程师是我老婆”, “被立案的是我同事，我自己没事”: the fact said first, then whose it is
_OF_PERSON_AFTER = re.compile(
    r"[^，。,;；?？\s]{0,8}?(?:是|就是|都是|说的是)(?:我|俺)们?的?(?:" + _PERSONS + r")(?!一手|手把手|带|教|培养)"
)
# “我爸让我帮他问的，其实是我自己的事”: the asking was a pretext
_OWN_AFTER_ALL = re.compile(r"(其实|实际上|其实就)是(我|俺)自己的事|(其实|实际上)是(问|替|帮)(我|俺)自己")
# whose someone is, said before them (“我们车间的”), is not who they are
_WHOSE = re.compile(r"^(?:我们?|俺们?)的?(?:车间|班组|单位|厂里|公司|队里|科室|部门|学校|医院)?的?")
# "我想问一下", "我咨询个事": the speaker asking, telling nothing of themself
_SPEAKER_ASKS = re.compile(r"^(就|也|还)?(想|要|来|再)?(问|咨询|了解|打听|请教|想知道|请问)")


# “跟着老师傅干的”, “问了同事”: a person after these is what the clause does something with
_OBJECT_BEFORE = re.compile(r"(跟着|跟|和|给|向|找|问了?|让|叫|被|听|替|帮)(我的?|老|小)?$")


# “我是我师傅带出来的”, “师傅教的”: the person is who taught the subject
_TEACHER_AFTER = re.compile(r"^(一手|手把手)?(带出来|带出|带的|带过|教出来|教的|教过|培养)")
# “我帮我老公问一下…”, “我这是替我爸咨询”: the 我 who asks for someone
_ASKER_AFTER = re.compile(r"^[^，。,;；?？他她工师级]{0,4}?(?=帮|替|给|代)")


def _last_subject(span: str) -> Optional["re.Match[str]"]:
    last = None
    for m in _SUBJECTS.finditer(span):
        if m.lastgroup in ("person", "theirs", "someone") and _OBJECT_BEFORE.search(span[: m.start()]):
            continue  # (“帮我爸问下” is read by _ASKING_FOR)
        if m.lastgroup == "person" and _TEACHER_AFTER.match(span[m.end() :]):
            continue
        asker = _ASKER_AFTER.match(span[m.end() :]) if m.lastgroup == "self" else None
        if asker and _ASKING_FOR.match(span[m.end() + asker.end() :]):
            continue  # “我帮我老公问一下他是高级工…”: the asker, not the subject of what follows
        last = m
    return last


# “我和我哥都在百色 我是技师2022 他是高级技师2019”: 他 is the brother named before
_PRONOUN_SUBJECT = re.compile(r"[他她](也|就|还|都|现在|目前)?(是|在|有|拿|考|干|评|当|做)")


def _person_a_pronoun_stands_for(
    text: str, pos: int, span: str, here: Optional["re.Match[str]"]
) -> Optional["re.Match[str]"]:
    """The relative or colleague a 他/她 after the last subject stands for, when the message
    has named one before it (not in a hotline note's “来电人说他是技师”: no one is named)."""
    pronoun = next(reversed(list(_PRONOUN_SUBJECT.finditer(span))), None)
    if pronoun is None or (here is not None and pronoun.start() < here.end()):
        return None
    before = text[: pos - len(span) + pronoun.start()]
    people = [m for m in _SUBJECTS.finditer(before) if m.lastgroup in ("person", "theirs")]
    return people[-1] if people else None


def _subject(text: str, pos: int) -> Optional["re.Match[str]"]:
    """'self', 'person' (我爸, 同事), 'people' (工人, 别人) or None: who the clause is about.
    A clause without a subject goes on about the person of the clauses before it in the same
    sentence ("我们主任是高级技师，还是全国技术能手"); 'people' and 'self' are not carried
    ("听说工人也能评，技师三年能评啥" is the speaker's own case)."""
    span = clause_before(text, pos)
    here = _last_subject(span)
    named = _person_a_pronoun_stands_for(text, pos, span, here)
    if named is not None:
        return named
    if here is not None:
        return here
    cs, _ = clause_bounds(text, pos)
    sentence_start = max(text.rfind(stop, 0, cs) for stop in "。？！?!\n") + 1
    before = _last_subject(text[sentence_start:cs])
    return before if before is not None and before.lastgroup in ("person", "theirs", "someone") else None


def _who(word: str) -> str:
    return _WHOSE.sub("", word)


@lru_cache(maxsize=128)
def _speaker_tells_own_facts(text: str) -> bool:
    """我/本人 said as the subject of something other than asking ("我是技师", "我在包头")."""
    for m in _SUBJECTS.finditer(text):
        if m.lastgroup == "self" and not text.startswith(("们", "俩"), m.end()):  # (“我们在百色”: both of them)
            # to the next punctuation: “我只是个中级工” is cut at 只是, not told apart from it
            stop = PUNCT.search(text, m.end())
            rest = text[m.end() : stop.start() if stop else len(text)]
            if rest.strip() and not _SPEAKER_ASKS.match(rest) and not rest.startswith(("自己", "我")):
                return True
    return False


def about_someone_else(text: str, pos: int) -> bool:
    """Not the applicant's fact. Someone the message asks for is the applicant ("帮我爸问下，
    他是技师"; "我老公是技师，在包头，能评什么" where the speaker tells nothing of themself);
    then the speaker's own words are not ("我自己是工程师，想帮徒弟问问，他高级工三年")."""
    asking = None if _OWN_AFTER_ALL.search(text) else _ASKING_FOR.search(text)
    if _OF_PERSON_AFTER.match(text, pos) and not asking:
        return True
    found = _subject(text, pos)
    subject = found.lastgroup if found is not None else None
    if asking:
        asked_for = asking.group("who")
        if subject == "person" and asked_for not in ("他", "她") and _who(found.group(0)) != _who(asked_for):
            return True  # “我爸退休了我哥没退休 帮我哥问…”: the father's facts are not the brother's
        return subject == "self" and not _pronoun_after_self(clause_before(text, pos))
    if subject in ("people", "theirs", "someone"):
        return True
    if subject == "person" and _NOT_ASKED_FOR.search(text):
        return True
    return subject == "person" and (_speaker_tells_own_facts(text) or _own_level_before_anyone(text))


def the_askers_own(text: str, pos: int) -> bool:
    """Said of the speaker in a message asking for someone else (“我是田阳一家农机厂的老板，
    帮我手下一个老师傅问问”): a place of theirs is most likely the other person's too."""
    asking = None if _OWN_AFTER_ALL.search(text) else _ASKING_FOR.search(text)
    found = _subject(text, pos)
    return bool(asking) and found is not None and found.lastgroup == "self"


def _pronoun_after_self(span: str) -> bool:
    """“我是高级工给我爸问问他是技师”: in a message asking for someone, 他/她 said after the
    speaker's 我 is the one asked for."""
    selves = [m.start() for m in _SUBJECTS.finditer(span) if m.lastgroup == "self"]
    pronoun = max(span.rfind("他"), span.rfind("她"))
    return bool(selves) and pronoun > selves[-1]


@lru_cache(maxsize=128)
def _own_level_before_anyone(text: str) -> bool:
    """“技师 通辽 五年 我师傅是全国技术能手”: a grade or title said before anybody else is
    named is the speaker's (said without 我), so what follows of the other person is theirs."""
    first = next((m for m in _SUBJECTS.finditer(text) if m.lastgroup == "person"), None)
    if first is None:
        return False
    return any(
        m.term.label in (SKILL_GRADE, TITLE, TITLE_LEVEL) and m.end <= first.start()
        for m in lexicon_matches(text[: first.start()], None)
    )


def whose(text: str, pos: int) -> Optional[str]:
    """Whose fact the word at ``pos`` is, for the dialogue's bookkeeping of whose case it is
    on: 'other' (a relative, colleague … the message is about or asks for), 'self' (said
    with 我/本人), or None (nobody named: the conversation's current person)."""
    if _OWN_AFTER_ALL.search(text):
        return "self"
    found = _subject(text, pos)
    subject = found.lastgroup if found is not None else None
    if _ASKING_FOR.search(text):
        return "self" if subject == "self" and not _pronoun_after_self(clause_before(text, pos)) else "other"
    if subject in ("person", "theirs", "someone"):
        return "other"
    if subject == "self" and _NOT_OF_SELF_AFTER.match(text, found.end()):
        return None  # “我们在百色”, “我记得是2015年拿的”: nothing told of the speaker alone
    return "self" if subject == "self" else None


# after 我: both of them, or what the speaker remembers, thinks or heard of someone
_NOT_OF_SELF_AFTER = re.compile(
    r"们|俩|(也|就|都)?(记得|觉得|听说|听他说|想|估计|猜|不清楚|不知道|知道|印象|问|帮|替|给)"
)


# “那我自己能评什么”, “那我呢”, “说回我自己”: back to the speaker's own case
BACK_TO_SELF = re.compile(
    r"^(?:(?:那|那么|好的?|行|嗯|哦)[，, ]?)*(我|俺)(自己|本人)?([？?]?$|呢|的呢|的情况呢?|咋样|怎么样"
    r"|(能|可以|还能)(评|报|申报|考)(什么|啥|哪个|哪级))"
    r"|说回(我|俺)|回到(我|俺)|(我|俺)自己的(情况|事)|那(我|俺)本人"
)
