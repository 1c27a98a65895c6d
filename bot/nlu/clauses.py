"""Clause by clause: is a mention a fact the applicant states about themself?

A message is cut into clauses at punctuation and at contrast words (不过, 但是, 可是, 而是 …;
bot/nlu/spans.py), so that a negation, a condition ("如果", "要是") or a subject ("我爸";
bot/nlu/subjects.py) covers its own clause only: "技师干了五年，不过退休了" states both
facts; "不是技师，是高级工" negates only 技师.

For every fact the clause decides one of:

* **stated** – the applicant says it about themself (我是…, 我拿过…, …毕业的, 干了…年);
* **hypothetical** – said under a condition ("要是我考上技师呢", "那在百色呢"): emitted with
  ``role: hypothetical`` for the what-if dialogue; slot mappings ignore that role;
* **a target or topic** – a level named inside a question about it ("能考技师吗",
  "中级职称评审费多少", "评副高要几年", "助理工程师算哪一级"): no level fact;
* **negated** or **about someone else** ("我同事是技师"): no fact.

Words that contain 不/没 without negating anything (不过, 不然, 不是很, 不少, 可不可以 and
every A-not-A question such as 是不是, 有没有) are masked before negation is looked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from bot.nlu.lexicon import AWARD, DEGREE, PLACE, SCHOOL_CLASS, SERIES, SKILL_GRADE, TITLE, TITLE_LEVEL, Mention
from bot.nlu.lexicon import lexicon_matches  # levels_named reads a message on its own
from bot.nlu.award_words import not_the_award
from bot.nlu.questions import SELF, is_hypothetical, is_question, said_of_those_who
from bot.nlu.spans import clause_before, clause_bounds, mask_non_negating
from bot.nlu.subjects import about_someone_else, the_askers_own

HYPOTHETICAL = "hypothetical"


@dataclass
class Fact:
    entity: str
    value: Any
    start: int
    end: int
    role: Optional[str] = None

    def as_dict(self) -> Dict[str, Any]:
        out = {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}
        if self.role:
            out["role"] = self.role
        return out


CORRECTION = re.compile(
    r"不对|说错|错了|搞错|更正|纠正|应该是|改成|改一下|不是.{0,8}?是"
    # said in one breath: “二零二零年 哦不 二零一九年”, “快两年了 其实是一年半”,
    # “是去年 嗯 还是前年来着 前年”, “准确地说”, “口误”
    r"|(?:哦|噢|啊|呃|额)[，,\s]?不(?![过了行能会要用少多])|其实是|实际上是|还是[^，。,]{0,6}?来着|准确(?:地)?说|确切(?:地)?说|口误"
)

# ---------------------------------------------------------------------------------------
# Levels: held, or a target / topic of a question

# (a space ends what a negation covers: “职称没有 技能是二级”)
_MENTION_NEG_BEFORE = re.compile(r"(没有|没|未|不是|不在|并非|并不是|无|从没|从来没)(\s?|[^，。,;；\s]{0,4})$")
_MODAL = re.compile(r"想|要|能|可以|可不可以|怎么|如何|才能|准备|打算|希望|需要|咋")
_TARGET_VERB = re.compile(
    # “能平助理工程师吗”: 平 typed for 评 after a wish
    r"(评|申报|报考|报|考|参评|晋升|申请|评审|转评|冲|升|直接评|去评|评个|考个|申报个|整|弄|搞|走|先拿|得拿|要拿|需要拿|先取得|(?:(?<=能)|(?<=以)|(?<=想)|(?<=要))[平烤])"
    r"(得了|不了|得上|不上|得到|不到)?(一下|一把)?(个|一个)?$"
    # “目标是副高”, “离副高还差一年”, “奔着正高去”: the level aimed at
    r"|(目标是?|目标就是|奔着|冲着|(?<![退])离|距离)$"
    # a hotline note: “高级技师 2020年取证 问副高”, “咨询能否评中级”: the level asked about
    # (“改问副高”, “另问中级”, “又问高级技师”: the note's next question)
    r"|(?:^|[\s，,。；;]|[他她]|来电人|对方)(改|另|又|再|还|也)?(问|咨询|询问|想问|问问)(能否|能不能|可否|可不可以)?(评|申报|报)?$"
)
# “今年报了中级 还没出结果”, “去年报过一次副高”, “同时报了工程和农业两个中级”: applied for,
# not held (“评了”, “考了” are left alone: people say them of what they got)
_APPLIED_FOR = re.compile(r"(申报|报|报考|参评|申请)(了|过)[^，。,;；?？]{0,10}$")
_TARGET_VERB_RESULT = re.compile(r"(评上|考上|升到|评到|考到|拿到|升为|晋升为|晋升到|转到|转为|转成)(个|一个)?$")
_TARGET_AFTER = re.compile(
    r"^(职称)?(要|该|应该|需要|得)?(怎么|如何|咋)(才能)?(评|考|申报|报|拿|弄|办|升)|^(职称)?(的|需要的|要的)?(条件|要求)"
    # not “拿了三级证以后又干了三年”, “评上助工以后又考了技师”
    r"|^(后|以后|之后)(?!(?:又|一直|就|还|也)?(?:干|做|工作|从事)了|又(?:考|拿|评|取得|获得)了)"
    # "中级职称能直接评吗": the level is the object said first
    r"|^(职称|证)?(今年|明年|现在|目前|这次|马上)?(能|可以|能不能|可不可以|好|怎样)?(直接)?(评|申报|报|考|申请|拿)(吗|不|么|嘛|呢|吧)?(?=[?？,，。]|$)"
    # "护师不行吗", "高工行不行": the level asked for
    r"|^(职称)?(也|就|都)?(不行|行不行|行吗|可以吗|可不可以|不可以)"
    r"|^(职称)?(也|就|都)?(能不能|能不|能吗|中不中|得不得行)(评|报|考|申报)?[吗呢啊呀]?[?？]?$"  # “正高能不能”
    # “副高也行”, “副高什么时候能报”: the level wished for, or asked when
    r"|^(职称)?(也行|也可以|就行|都行|也成)|^(职称)?(什么时候|啥时候|几时|哪年|多久)(才)?(能|可以)?(评|报|申报|考|申请)"
)
# "技师待遇", "技师考试考什么": the grade/title as a topic, not the caller's own
_GENERIC_AFTER = re.compile(
    r"^(职称)?(的)?(待遇|津贴|补贴|工资|评价|考试|考评|鉴定|报名|标准|评审费|评审|申报|评定|认定|材料|学时|答辩|面试"
    r"|区别|差别|不同|差异|含义|意思)|^(职称)?(有)?(啥|什么)(区别|差别|不同|不一样)"
)
# "助理工程师算哪一级", "副高要几年", "中级职称是什么级别": a question about the level itself
_ASKED_ABOUT_AFTER = re.compile(
    r"^(职称|证书|证)?(到底|究竟|具体|一般)?(算|属于|相当于|对应|等于|等同于?|是|指的是|叫)[^，。,;；?？]{0,8}?(哪|什么|啥|几|多少)"
    r"|^(职称)?(的)?(要|需要|得|需)(准备|交|提供|考|满|干|等)?(几|多|什么|啥|哪)"
    r"|^(职称)?(到底|究竟)?(是什么|是啥|什么意思|啥意思|多少钱|收费)|^(职称)?(是不是|算不算|属不属于|等不等于|对不对应)"
    r"|^(职称)?(是|算)?(最高|最低|第几|哪个|哪一个|谁)|^(职称)?(往上|上面|下面|以上|以下)"
    r"|^(职称)?(是|就是)?(一回事|两码事|一个级别|同一级|一样)|^(职称)?(差|比)(几|多少)|^(分别)(叫|是)"
    r"|^(和|跟|与|同|比)[^，。,;；?？]{1,6}?(哪个|谁|有什么区别|有啥区别|区别|一样|不同|差不|差在|差多少|差距|差别|相比|比较|比起来|高|低)"
    # "技师属于高技能人才吗", "高级工算技能人才吗": what the level counts as
    r"|^(职称|证书|证)?(属于|算是|算)[^，。,;；?？]{1,8}?(吗|么|嘛|不|没)$"
    # (not “技师证是去年还是前年”: which year it was got — the level is theirs)
    r"|^(职称|证书|证)?(到底)?(是|算|属于)(?!\s*(?:去|前|今|大前|\d{2,4}|[一二三四五六七八九零〇两]{2,4})年)[^，。,;；?？]{0,8}?还是"
)
# "…相当于工程师", "从技师到工程师": the other side of a comparison or a path
_COMPARED_BEFORE = re.compile(
    r"(相当于|等于|等同于?|对应|视同|比照|参照|(?<![我俺])按|(?<![我俺是])属于|比|是不是|算不算|需要是|要求是|必须是|得是|什么是|什么叫|(?<=.)(?<!现在)(?<!目前)(?<!同时)(?<![也都我仍])还是)$"
    r"|^[^我俺]*从$"
)
# “技师两年，跟工程师一个待遇”: a level compared with, not held
_ALONGSIDE_BEFORE = re.compile(r"(跟|和|与|同)$")  # (“单位说我跟工程师一个待遇”: the same as)
_SAME_AS_AFTER = re.compile(r"^(职称)?(是)?(一个|一样|同等|差不多|平级|相同|同级|一级|待遇)")
_CALLED_BEFORE = re.compile(r"(叫|喊|称呼?)(我|俺)(做|为)?$")
_POST_AFTER = re.compile(r"^(的)?(专业技术)?(岗位|岗)")
_APPOINTED_BEFORE = re.compile(
    r"聘(了|的是|我|为|任|到)?(我)?(当|为|做|成)?(个|了)?$"
    # “在车间当工程师”, “厂里车间的工程师”: a job on the shop floor, not a title (explore17 W-1)
    r"|(车间|班组|工地|生产线|厂里)(里|上)?(当|做|干|的)(个|了)?$"
)
# "工程师是中级职称吗", "高级工是三级还是二级": a level said as what another one is, in a question
_IS_WHAT_BEFORE = re.compile(r"(是|算|属于|就是|指的是)$")
_IS_WHAT_AFTER = re.compile(r"^(职称)?(吗|么|嘛|呢|还是|对吗|对不对|没错吧|吧)")
# "我是…", "本人技师", "我已经有…": the applicant's own, whatever follows
_OWN_BEFORE = re.compile(
    r"(我|本人|俺)(现在|目前|已经|已|早就|就|也)?(是|有|拿了|拿过|考了|考过|评了|评上了|取得了?|获得了?)?$"
)
_DEGREE_COMPARE_BEFORE = re.compile(r"(相当于|算|算不算|算是|等于|等同于?|视同|和|跟|与|按|同|享受|当)$")
_DEGREE_COMPARE_AFTER = re.compile(r"^(学历)?(一样|待遇|同等|文凭吗|吗)")
_GRADE_GUARD_AFTER = re.compile(r"^(学院|学校|院校|班|工作室)")
_SERIES_GUARD_AFTER = re.compile(r"^(员|工|专业|学院|大学|学校|公司|局|厅|队|处|部|施工|项目|建设|管理|行业|单位)")
_AWARD_ASKED_AFTER = re.compile(
    r"^(称号|奖)?(到底|究竟)?(是啥|是什么|什么意思|啥意思|怎么认定|怎么评|怎么算|指的是|包括|指什么|怎么申请"
    r"|是谁认定|由谁认定|谁认定|谁来认定|哪里认定|哪个部门)"
)
_FORMER_LEVEL_AFTER = re.compile(r"^(证)?(是|那是)?(更早|以前|之前|早些年|早年|早先|原来)+(的|拿的|考的|评的)")
_FAILED_AFTER = re.compile(
    r"^(证|职称)?(考了[^，。,;；]{0,4}?|也|还|都)?(没考过|没考上|没通过|没拿到|没评上|没评下来|考不上|评不上|没过(?![多几一两三]))"
    # “是高级工 技师还没考下来”, “技师还在考”: not got yet (explore14)
    r"|^(证)?(还没考|还没拿|还没下来|还在考|正在考|准备考)"
)
_REVOKED_AFTER = re.compile(
    r"^(职称|证书|证|资格)?(也|都)?(因为[^，。,;；?？]{1,10}?)?(被|已被|已经被|给)?(撤销|撤了|取消|收回|吊销|作废|注销)"
)  # “去年评的工程师因为材料造假被撤销了”
_STUDIED_BEFORE = re.compile(r"(学的是?|学|读的是?|读|念的是?|专业是)$")
_LEVEL_GUARD_AFTER = re.compile(
    r"^(建造师|注册|消防|造价|心理|人力资源|健康管理|律师|医院|甲等|资质|企业|公路|运动员|教练|裁判|社会体育指导员)"
)
_BARE_NUMBER_GRADE = re.compile(r"(\d|[一二三四五])级")
_FACT_WORD = re.compile(r"处分|考核|合格|退休|造假|记过|调查|档案|离开|出去")
# "广东人在百色打工", "在赤峰上的中职…去北京打工": where they come from or studied, when
# the place they work is said after it
_RULES_OF_PLACE_AFTER = re.compile(r"^(那边|这边|那里|这里|那个|这个|市|的)*(政策|细则|规定|文件|办法|实施细则)")
_NEAR_AFTER = re.compile(r"^(市|县|区)?(旁边|附近|隔壁|边上|周边|挨着|紧挨着|那边的|邻近)")
_MAY_USE = re.compile(r"能用|能不能用|可以用|参照|适用|管用|套用|按.{0,4}(吗|不)")
_ORIGIN_AFTER = re.compile(
    r"^(省|市|县)?(人(?!社|力|才|民|大|事)|上的|读的|上学|读书|念的|读过|上过)"
    # “在呼市技师学院预备技师班读的…现在在石家庄上班”: where they studied
    r"|^(市|县|区)?[^，。,;；?？]{0,8}?(学院|学校|技校|大学|职校|院校)"
)
_FORMER_PLACE_AFTER = re.compile(
    r"^(市|县|区)?(那边|这边)?(是|算)?(我们|我|俺|咱们?)?的?(老家|户口|户籍|籍贯|出生地|以前待的|原来待的|家(?![具电政属]))"
)
_GOT_BEFORE = re.compile(r"(评上|考上|拿到|评到|考到|升到|升为|晋升为|晋升到)(了)?$")
_SINCE_AFTER = re.compile(r"^(职称)?(以后|之后|后)(?![再才还])")
_AWARD_GIVER_AFTER = re.compile(r"^(省|自治区|区|市)?(那边|里)?(评的|发的|颁发的|授予的|给的|评选的)")
_HOME_BEFORE = re.compile(r"(家在|家住|家是|住在|家里在|毕业于|就读于|毕业自)$")
# (“回了老家山东”: they went back and are there now)
_FORMER_PLACE = re.compile(
    r"(?<!回)(?<!回了)(?<!回到)老家|户口|户籍|籍贯|出生在|出生于|以前在|原来在|之前在|从前在|曾经在|祖籍"
)


def _applied_for(before: str, later: str, label: str) -> bool:
    """“今年报了中级”: a title applied for. A grade “报了” is its exam, held once they say
    they passed (“前年申报了高级技师 去年拿到证了”)."""
    if not _APPLIED_FOR.search(before):
        return False
    return label != SKILL_GRADE or not _PASSED_LATER.search(later)


# “…去年拿到证了”, “考过了”: the exam applied for was passed
_PASSED_LATER = re.compile(r"(?<![没未])(拿到|拿了|考过|考上|通过|下证|发证|取得|到手)")


# "评了助工以后…", "，拿了高级工之后…": a level already got, at the start of its clause
_PAST_RESULT_BEFORE = re.compile(
    r"(?:^|[，,。；;\s])(?:已经|早就|早)?(?:拿了|考了|评了|评上了|取得了|获得了|拿到了|考上了|考到了|评到了)(?:个|一个)?$"
)
_MAY_I_AFTER = re.compile(
    r"^(职称)?[，,\s]*(我|俺)?(够格|够条件|够不够|够资格|有戏|行不行|可以不|可不可以|行不|能行吗|行吗|可以吗)"
)
_ASKED_BARE = re.compile(r"^\s*(职称|的)?\s*(吗|呢|行吗|行不|可以吗)?\s*[?？]")
_ENGLISH_WISH = re.compile(r"(apply|want|get|can i)[^\u4e00-\u9fff]{0,12}$", re.IGNORECASE)
_SPACED_QUESTION_AFTER = re.compile(
    r"[ \t\u3000]+(现在|今年)?(能|可以|能不能|可不可以)(直接)?(评|申报|报|考|申请)(吗|不|么|嘛|呢)?[?？]?$"
)


def _reading(before: str, after: str, label: str, hypothetical: bool, later: str = "") -> str:
    """'held'; 'topic' (a question about the level itself: "技师待遇", "副高要几年");
    'target' (what the applicant wants: "想评工程师", "工程师怎么评")."""
    if label in (TITLE, TITLE_LEVEL) and _CALLED_BEFORE.search(before):
        return "topic"  # “厂里都叫我工程师”: what people call them, not a title (explore18 W-4)
    if _OWN_BEFORE.search(before):
        return "held"
    if label in (SKILL_GRADE, TITLE, TITLE_LEVEL) and (
        _GENERIC_AFTER.match(after)
        or _ASKED_ABOUT_AFTER.match(after)
        or _COMPARED_BEFORE.search(before)
        or (_IS_WHAT_BEFORE.search(before) and _IS_WHAT_AFTER.match(after))
        or (_ALONGSIDE_BEFORE.search(before) and _SAME_AS_AFTER.match(after))
    ):
        return "topic"
    if label in (TITLE, TITLE_LEVEL) and (_POST_AFTER.match(after) or _APPOINTED_BEFORE.search(before)):
        return "topic"  # “聘的是中级岗位”, “单位聘我当工程师”: a post, not a title
    if hypothetical:  # "要是评上中级呢": the condition, not a target
        return "held"
    if _PAST_RESULT_BEFORE.search(before):
        return "held"  # “评了助工以后又考了个技师证”: got, then something else
    if _SPACED_QUESTION_AFTER.match(after) or _ENGLISH_WISH.search(before):
        # “高级工程师 高级技师 能考吗”: a level and then, after a space, whether it may be taken;
        # “can I apply 中级?” (explore13 W2)
        return "target"
    if (
        _TARGET_VERB.search(before)
        or _applied_for(before, later, label)
        or (_TARGET_VERB_RESULT.search(before) and _MODAL.search(before))
        or _TARGET_AFTER.match(after)
        or (label in (TITLE, TITLE_LEVEL, SKILL_GRADE) and _TARGET_WITH_SPECIALTY.search(before))
    ):
        return "target"
    return "held"


# "想评电子工程师", "想评卫生系列的中级职称", "想去考个电工技师", "想当工程师": the level
# wanted (“在技师学院当讲师” without a wish is the post held)
_TARGET_WITH_SPECIALTY = re.compile(
    r"(想|要|打算|准备|(?<![我俺])能|可以|能不能|可不可以)(去)?(评|考|申报|报|申请|当)(个|一个)?[\u4e00-\u9fff]{0,8}$"
    # “想同一年报工程系列和农业系列的中级”: a wish, a time, then what is applied for
    r"|(想|打算|准备)(同一年|同年|今年|明年|同时|一起)(评|考|申报|报|申请)[\u4e00-\u9fff]{0,14}$"
    # “有电气专业的毕业证，报电工技师还用考理论吗”: the clause opens with applying for it
    r"|^(我|俺)?(现在|今年)?(报|考|申报|报考)(?![过了到上的完])(个|一个)?[\u4e00-\u9fff]{0,4}$"
    # “那我能去考个农艺工高级技师吗”: 个 makes it one to get
    r"|(我|俺)(能|可以|能不能)(去)?(评|考|申报|报|申请)(个|一个)[\u4e00-\u9fff]{0,8}$"
)


_KIND_OF_AFTER = re.compile(r"^(的)?(那种|那样的?|这种|之类的?|那一级|这一级|那个级别)")
_WISH_BEFORE = re.compile(r"(想|要|打算|准备|希望)(考|评|报|申报|拿|弄)")


def classify_mentions(text: str, mentions: List[Mention]) -> List[Mention]:
    """Drops words that are no fact at all (技师学院, 哪一级 …) and marks the rest."""
    out = []
    for m in mentions:
        after = text[m.end : m.end + 8]
        before = clause_before(text, m.start)
        label = m.term.label
        bare_number = label == SKILL_GRADE and _BARE_NUMBER_GRADE.fullmatch(m.term.surface)
        if label == SKILL_GRADE and (
            _GRADE_GUARD_AFTER.match(after)
            or (m.term.surface.endswith("工") and re.match(r"[程作资龄]", after))
            or (m.term.surface == "高技" and re.match(r"[能术工校巧师]", after))
        ):
            continue  # "技师学院", "高级工程技术人员", "高技能人才"
        if bare_number and (_LEVEL_GUARD_AFTER.match(after) or re.search(r"[哪那这几第每高低上下十\d]$", before)):
            continue  # "三级建造师", "能报哪一级", "最高一级", "十一级"
        if label == TITLE and "注册" in before[-6:]:
            continue  # "注册电气工程师": a licence, not a title
        if label == SERIES and (_SERIES_GUARD_AFTER.match(after) or _STUDIED_BEFORE.search(before)):
            continue  # "建设局", "学的会计": not a title series
        if label == DEGREE and (_DEGREE_COMPARE_BEFORE.search(before) or _DEGREE_COMPARE_AFTER.match(after)):
            continue  # "相当于本科吗", "和大专一样吗": an equivalence question, not the caller's degree
        if label == PLACE and (_FORMER_PLACE.search(before) or _FORMER_PLACE_AFTER.match(after)):
            continue  # "老家百色的，现在在包头", "南宁是老家": where they work now decides
        if (
            label == PLACE
            and _AWARD_GIVER_AFTER.match(after)
            and any(n.term.label == PLACE and n is not m for n in mentions)
        ):
            continue  # “我是内蒙古评的全区技术能手 现在在百色平果上班”: who gave the award (explore16 W-5)
        if (
            label == PLACE
            and _NEAR_AFTER.match(after)
            and any(n.term.label == PLACE and n.start > m.end for n in mentions)
        ):
            continue  # “百色旁边的河池”: the place named after it is where they are
        if label == PLACE and _RULES_OF_PLACE_AFTER.match(after) and _MAY_USE.search(text):
            continue  # "百色那个细则南宁能不能参照": that place's rules asked about, not where they work
        # (“百色靖西人”: the places said in a row, then 人 — the last one's word is theirs)
        chained = next((n for n in mentions if n.term.label == PLACE and n.start == m.end), None)
        origin_after = text[chained.end : chained.end + 8] if chained else after
        if (
            label == PLACE
            and (_ORIGIN_AFTER.match(origin_after) or _HOME_BEFORE.search(before))
            and any(n.term.label == PLACE and n.start > m.end for n in mentions)
        ):
            continue  # "我是广东人在百色打工", "家在田阳，在南宁上班": the place of work, said after, decides
        if label == SKILL_GRADE and _FAILED_AFTER.match(after):
            continue  # "技师考了三次没考过": not held
        failed_title = label in (TITLE, TITLE_LEVEL) and bool(_FAILED_AFTER.match(after))
        if label in (SKILL_GRADE, TITLE, TITLE_LEVEL) and _REVOKED_AFTER.match(text[m.end : m.end + 16]):
            continue  # "我的助理工程师被撤销了": no longer held
        if label in (SKILL_GRADE, TITLE, TITLE_LEVEL) and _FORMER_LEVEL_AFTER.match(after):
            continue  # "2020年考的是技师，高级工是更早以前的": a level held before, not now
        neg = _MENTION_NEG_BEFORE.search(mask_non_negating(before))
        if neg and not re.search(r"(只有|就是)", before[-4:]):
            # "不在百色在内蒙古", "没处分在百色": a negation belongs to the first word after it
            neg_at = m.start - len(before) + neg.start()
            m.negated = not any(neg_at < n.start < m.start for n in mentions) and not _FACT_WORD.search(
                before[neg.end(1) :]
            )
        # (the asker's own place stays: people ask for those where they work)
        m.someone_else = about_someone_else(text, m.start) and not (label == PLACE and the_askers_own(text, m.start))
        if label in (SKILL_GRADE, TITLE, TITLE_LEVEL, DEGREE, SCHOOL_CLASS):
            reading = _reading(before, after, label, is_hypothetical(text, m.start), text[m.end :])
            if m.start > 0 and _ASKED_BARE.match(after) and not _OWN_BEFORE.search(before):
                reading = "target"  # “百色 技师 2021年 中级？”: the level asked after the case (explore13 W2)
            if label != SKILL_GRADE and _MAY_I_AFTER.match(text[m.end : m.end + 12]) and not _OWN_BEFORE.search(before):
                reading = "target"  # “副高级职称我够格不”, “中级职称可以不” (explore15 W-1, W-2)
            if _KIND_OF_AFTER.match(after) and _WISH_BEFORE.search(text[: m.start]):
                reading = "target"  # “想考个技能证 技师那种”: the kind wished for (dev25)
            if (
                reading == "held"
                and label == TITLE_LEVEL
                and not is_hypothetical(text, m.start)  # (“那副高呢”: the what-if's condition)
                and _bare_level_beside_a_grade(text, m, mentions, before, after)
            ):
                reading = "target"  # “技师拿了两年 中级职称呢”, “技师 2024年的 中级”: the title asked
            if (
                reading == "target"
                and label != SKILL_GRADE
                and _GOT_BEFORE.search(before)
                and _SINCE_AFTER.match(after)
            ):
                continue  # “评上助工后拿了个市科技进步奖”: a past milestone, not a level asked (dev24)
            m.held, m.topic = reading == "held", reading == "topic"
        if failed_title:
            m.held = False  # "副高还没评上": tried for, not held (its series still told)
        if label == AWARD and not_the_award(m.term.value, text, m.end, before):
            continue  # (bot/nlu/award_words.py: a village's, a studio someone else leads, a rank below …)
        if label == AWARD and _AWARD_ASKED_AFTER.match(after):
            m.held, m.topic = False, True  # "高精尖缺高技能人才是啥意思"
        if said_of_those_who(text, m.start, m.end):
            m.held, m.topic = False, True  # "持有高级工证书的人能评什么": people in general
        out.append(m)
    if _NO_TITLE_SAID.search(text):  # “我是车间的工程师 其实没有职称 是技师”: a job name, no title
        out = [m for m in out if m.term.label not in (TITLE, TITLE_LEVEL) or not m.held]
    _compared_topics(text, out)
    _general_question(text, out)
    return _school_of_a_class(text, out)


# A bare title level (中级, 副高) said beside a skill grade the speaker holds is what they ask
# for — unless said as had (“还有中级职称”, “中级职称2019年评的”) or asked about after it
_LEVEL_HAD_BEFORE = re.compile(
    r"(我是|本人是|我有|俺有|拿了|拿到了?|评了|评上了|取得了?|已经是|现在是|职称是|还有|也有|都有|兼)(个|一个)?$"
)
_LEVEL_HAD_AFTER = re.compile(
    r"^(职称)?(证|证书)?\s*(也|都|已经)?(有|有了)|^(职称)?(证|证书)?(是|在)?\s*(\d{2,4}年|[去前今]年|\d{2,4})?\s*(评|拿|取得|考|获得)(的|了|上)"
)
_LEVEL_ASKED_AFTER = re.compile(
    r"^(职称)?\s*(呢|吗|么|嘛|行不|行吗|可以不|可以吗|够不够|够不|差几年|还差|不够|能不能|能不|可不可以|怎么样|咋样|有戏|有没有戏|有希望"
    r"|(还|得|要|需要)?(等到|等)(哪年|哪一年|什么时候|几年)|(哪年|什么时候|何时)(?!(评|拿|考|取得|获得)(的|上的|到的))"
    r"|还要几年|要几年|得等几年)"
)


def _bare_level_beside_a_grade(text: str, m: Mention, mentions: List[Mention], before: str, after: str) -> bool:
    if _LEVEL_ASKED_AFTER.match(after):
        return True
    if _OWN_BEFORE.search(before) or _LEVEL_HAD_BEFORE.search(before) or _LEVEL_HAD_AFTER.match(after):
        return False
    # (after the grade: “中级职称，技师证也有” names the title first, as had)
    return any(n.term.label == SKILL_GRADE and n.held and not n.negated and n.end <= m.start for n in mentions)


_NO_TITLE_SAID = re.compile(r"(其实|并|还|都|也)?(没有|没|无)(评过?|评上|拿过?|取得过?)?(过)?(任何)?职称")


_RULE_WORDS = re.compile(
    r"几年|多少年|多久|多长时间|满几|年限|条件|要求|规定|政策|细则|文件|办法|流程|标准|有没有|怎么|如何"
    r"|满[一二两三四五六七八九十\d]{1,2}年(?!了)"
)
# words of someone telling their own case: "技师拿证3年了在乌海…能评中级吗"
_CASE_WORDS = re.compile(
    r"拿证[了已]|取证[了已]|干了|做了|工作了|年了|考的|拿的|评的|评上了|取得了|毕业的|毕业后"
    # "高级工 两年 有没有机会评助理": a grade with its years is somebody's record
    r"|(工|师|证)\s*(已经|都|快|刚满?)?[一二两三四五六七八九十\d]+年(?![前后内以])"
    # "…考核给了个不合格…这样还能报吗": what happened to them, and "this" situation of theirs
    r"|给了个|这样还?能|这样的话|这种情况|这情况"
    # "他考核一直合格": a relative's record, told
    r"|[他她](?:的)?(?:考核|一直|已经|现在|是|拿|考|干)"
)


# “去年…材料被查出来是假的，今年还能报不？”: whether they still may, after something that
# happened at a time or was found — their own story (“受过记过处分还能评吗” asks the rule)
_STILL_MAY = re.compile(
    r"(还能|能|可以)(直接)?(报|评|申报|参评|考)[^，。？?]{0,4}(不|吗|么|没|嘛)"
    r"|(会不会|有没有|有啥|有什么|有)(影响|关系)"  # “今年年度考核没合格 会不会有影响” (dev22 d22c07)
)
_HAPPENED = re.compile(r"被查|查出来|被发现|被抓|去年|前年|今年|那年|那次|上次|\d{2,4}年|[一二〇零九八七六五四三]{2}年")


def tells_own_case(text: str, mentions: List[Mention]) -> bool:
    """The message speaks of the asker: 我/本人 …, a place they are in, or their record."""
    if _STILL_MAY.search(text) and _HAPPENED.search(text):
        return True
    return bool(SELF.search(text) or _CASE_WORDS.search(text)) or any(
        m.term.label == PLACE and m.held and not m.topic and not m.someone_else for m in mentions
    )


def _general_question(text: str, mentions: List[Mention]) -> None:
    """Nobody in the message (no 我/本人, no record, no place of their own) and a question about
    the rules: "技师几年能评中级", "中级工考高级工需要什么条件". Its levels and degrees are what is
    asked about, not the asker's facts. ("高级技师能评什么" keeps its level:
    one level and no word of the rules is how people ask about their own case.)"""
    # A place stays a fact even then: "北京职称评审流程？" is best answered by the rules
    # that hold in 北京, and "百色的政策" by 百色's.
    if tells_own_case(text, mentions):
        return
    for m in mentions:
        if (
            m.term.label not in (SKILL_GRADE, TITLE, TITLE_LEVEL, DEGREE)
            or m.topic
            or not m.held
            and m.term.label != TITLE
            or is_hypothetical(text, m.start)
        ):
            continue
        cs, ce = clause_bounds(text, m.start)
        if is_question(text, m.start) and _RULE_WORDS.search(text[cs:ce]):
            m.held, m.topic = False, True


def _school_of_a_class(text: str, mentions: List[Mention]) -> List[Mention]:
    """ "技校预备技师班出来的": 技校 is where the class was, not a degree of its own."""
    keep = []
    for m in mentions:
        if m.term.label == DEGREE and any(
            n.term.label == SCHOOL_CLASS
            and n.start >= m.end
            and clause_bounds(text, n.start) == clause_bounds(text, m.start)
            for n in mentions
        ):
            continue
        keep.append(m)
    return keep


_EITHER = re.compile(r"(或者?|或是|还是|、|/|和|及|或者是)")
_COMPARED_WITH = re.compile(
    r"^(和|跟|与|同|及|、|还是|或者?|或是|比|到|对应|相当于|等于|等同于?|是不是|是不是就是|"
    r"算不算|算是|算|就是|是|指的是)?$"
)


def _compared_topics(text: str, mentions: List[Mention]) -> None:
    """ "技师和工程师待遇一样吗", "是副高还是正高": both sides of a compared topic are topics;
    so is every level of a list of three or more ("助理级中级副高级正高级")."""
    levels = [m for m in mentions if m.term.label in (SKILL_GRADE, TITLE, TITLE_LEVEL)]
    pairs = [(a, b) for a, b in zip(levels, levels[1:]) if _COMPARED_WITH.match(text[a.end : b.start])]
    for _ in range(2):  # right to left, then left to right
        for a, b in reversed(pairs):
            if b.topic and not a.topic and not _OWN_BEFORE.search(clause_before(text, a.start)):
                a.held, a.topic = False, True
        for a, b in pairs:
            if a.topic and not b.topic and not _OWN_BEFORE.search(clause_before(text, b.start)):
                b.held, b.topic = False, True
    for a, b in pairs:  # "能不能直接评中级或者副高": the second level is wished for too
        wished = not a.held and not a.topic
        if (
            wished
            and b.held
            and _EITHER.fullmatch(text[a.end : b.start])
            and not _OWN_BEFORE.search(text[a.end : b.start])
        ):
            b.held = False
    run: List[Mention] = []
    for m in levels + [None]:
        if m is not None and run and re.fullmatch(r"[、，,和与及]?", text[run[-1].end : m.start]):
            run.append(m)
            continue
        if len(run) >= 3:
            for n in run:
                n.held, n.topic = False, True
        run = [m] if m is not None else []


def levels_named(text: str, labels: Tuple[str, ...], wanted_only: bool = False) -> List[str]:
    """The levels of these labels a message names, held or asked about (“能评正高吗” → 正高级;
    not the 技师 of 技师学院): the canonical values, each once, in the order said; with
    ``wanted_only`` only those not told as held (“我是高级工…能评高级工吗” → the second)."""
    mentions = classify_mentions(text, lexicon_matches(text, None))
    # (not another person's: “我是技师…我媳妇是助理工程师” asks nothing about 助理级 for the speaker)
    named = [m for m in mentions if m.term.label in labels and not m.someone_else]
    return list(dict.fromkeys(m.term.value for m in named if not (wanted_only and m.held)))


def levels_of_someone_else(text: str) -> List[str]:
    """Levels the message gives to someone other than the applicant (“…我媳妇是助理工程师”):
    left out of the facts, and worth a word in the answer."""
    mentions = classify_mentions(text, lexicon_matches(text, None))
    levels = (SKILL_GRADE, TITLE, TITLE_LEVEL)
    return list(dict.fromkeys(m.term.surface for m in mentions if m.term.label in levels and m.someone_else))
