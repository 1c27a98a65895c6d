"""bot.nlu.normalise.extract_facts: table of cases, pinned clock, never raises."""

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from bot.nlu.normalise import extract_facts, lexicon, parse_number
from rules_engine import clock
from rules_engine import vocabulary as vocab

TODAY = dt.date(2025, 6, 1)


def facts(text, **kw):
    return {f["entity"]: f["value"] for f in extract_facts(text, today=TODAY, **kw) if f["entity"] != "awards"}


def awards(text):
    return [f["value"] for f in extract_facts(text, today=TODAY) if f["entity"] == "awards"]


CASES = [
    # grades, level words, places
    ("高级工", {"skill_grade": "高级工"}),
    ("我是二级技师", {"skill_grade": "技师"}),
    ("三级证书", {"skill_grade": "高级工"}),
    ("我是一级", {"skill_grade": "高级技师"}),
    ("高工证拿了五年", {"skill_grade": "高级工", "skill_years": 5}),
    ("在呼伦贝尔", {"region": "nei_mongol"}),
    ("我在凌云", {"region": "baise"}),
    ("广西柳州的", {"region": "national"}),
    ("我在山东", {"region": "national"}),
    # years
    ("我是技师，两年", {"skill_grade": "技师", "skill_years": 2}),
    # dev20: years since a degree, told — 以后 is not time to come here
    ("拿到博士以后做专业技术工作三年了", {"professional_years": 3}),
    # a space after “四年了” before a calendar year cuts the clause (the year is the next fact's)
    ("技师 四年了 2025年考核不合格", {"skill_grade": "技师", "skill_years": 4, "assessment_ok": False}),
    ("技师 以后再干三年能评啥", {"skill_grade": "技师"}),
    ("干了两年半", {"skill_years": 2.5}),
    ("一年半", {"skill_years": 1.5}),
    ("3年多了", {"skill_years": 3}),
    ("七八年了", {"skill_years": 7}),
    ("干了十几年", {"skill_years": 10}),
    ("拿证十二年", {"skill_years": 12}),
    ("刚拿证半年", {"skill_years": 0.5}),
    ("近三年考核都合格", {"assessment_ok": True}),
    ("再干一年呢", {}),
    ("从事专业技术工作12年", {"professional_years": 12}),
    ("评上工程师三年了", {"title_level": "中级", "series": "工程", "title_years": 3}),
    # a title wished for is no title held: the years beside it are not the title's
    ("我是车工十多年了想弄个职称", {"skill_years": 10}),
    ("职称拿了五年 想评高级", {"title_years": 5}),
    # two levels, two times: the highest level keeps its own time, not the first said
    ("我2019年拿的技师 2023年又考了高级技师", {"skill_grade": "高级技师", "skill_grade_year": 2023}),
    ("技师干了三年，高级技师两年", {"skill_grade": "高级技师", "skill_years": 2}),
    ("我是高级技师，技师是2015年拿的", {"skill_grade": "高级技师"}),
    ("2015年评的助理工程师，2021年评的工程师", {"title_level": "中级", "series": "工程", "title_years": 4}),
    # 平 typed for 评 after a wish: the title asked for, not held
    ("能平助理工程师吗", {"series": "工程"}),
    ("能烤高级工吗", {}),
    ("我在平果 高级工", {"region": "baise", "skill_grade": "高级工"}),
    # a failed assessment too old for any window from now on bars nothing (test today: 2025)
    ("2020年考核不合格过一次", {}),
    ("2022年考核不合格 其他年份都合格", {"assessment_ok": False}),
    # “取得技师资格” is a grade's qualification, not a title's
    ("2021年取得技师资格", {"skill_grade": "技师", "skill_grade_year": 2021}),
    # a clause opening with applying for a grade names the grade wanted, not held
    (
        "我是工程师，有电气专业的毕业证，报电工技师还用考理论吗",
        {"title_level": "中级", "series": "工程", "related_diploma": True},
    ),
    # a grade one must get first is wished for, not held
    ("高工能报高级技师不 还是得先拿技师", {"title_level": "副高级", "series": "工程"}),
    # “今年能报…吗” is the year applied in, not the year of a finding told before it
    (
        "技师 5年 2024年申报时被查出材料造假 今年能报中级吗",
        {"skill_grade": "技师", "skill_years": 5, "fraud_count": 1, "fraud_year": 2024},
    ),
    # a year followed by getting a level is that level's, whatever was said before it
    (
        "工程师 2020年就拿了技师证",
        {"title_level": "中级", "series": "工程", "skill_grade": "技师", "skill_grade_year": 2020},
    ),
    ("我是技师 2019年评上的工程师", {"skill_grade": "技师", "title_level": "中级", "series": "工程", "title_years": 6}),
    # a place said to be home is not where they work
    ("说错了，我是在百色凌云县上班，南宁是老家", {"region": "baise"}),
    ("南宁是我家 在百色上班", {"region": "baise"}),
    ("南宁家具厂上班", {"region": "national"}),
    # a title revoked is not held; its year is the finding's (百色 第七条（二）)
    (
        "高级工 百色 3年 2023年我的助理工程师被撤销了 因为材料造假",
        {"skill_grade": "高级工", "region": "baise", "skill_years": 3, "fraud_year": 2023, "fraud_count": 1},
    ),
    # a recent 警告 is a 处分 still in its 影响期 (第七条（三）); an old one says nothing
    ("今年受了个警告处分", {"under_investigation": True}),
    ("2019年受过警告处分", {}),
    # 评上 is said of grades too: the level said before it decides
    ("高级技师，评上五年了", {"skill_grade": "高级技师", "skill_years": 5}),
    ("我是工程师，评上五年了", {"title_level": "中级", "series": "工程", "title_years": 5}),
    # a grade had “at graduation”, the graduation year said with it
    ("2020年毕业的 毕业那年拿了中级工", {"graduation_year": 2020, "skill_grade_year": 2020, "skill_grade": "中级工"}),
    (
        "2019年技校毕业，2021年考的高级工",
        {"graduation_year": 2019, "skill_grade_year": 2021, "skill_grade": "高级工", "degree": "中专"},
    ),
    # a level wished for “或者” another: both wished for
    ("能不能直接评中级或者副高", {}),
    ("我是高级工，想评助理或者中级", {"skill_grade": "高级工"}),
    # calendar years relative to the pinned clock
    ("2022年拿的证", {"skill_grade_year": 2022}),
    ("去年考的高级工", {"skill_grade_year": 2024, "skill_grade": "高级工"}),
    ("前年", {"skill_grade_year": 2023}),
    ("今年刚考的技师", {"skill_grade_year": 2025, "skill_grade": "技师"}),
    ("19年拿的证", {"skill_grade_year": 2019}),
    ("二〇一九年考的", {"skill_grade_year": 2019}),
    ("五年前考的技师", {"skill_grade_year": 2020, "skill_grade": "技师"}),
    ("如果明年呢", {"application_year": 2026}),
    ("2020年毕业的", {"graduation_year": 2020}),
    # titles, held vs wanted
    ("我是高级工程师", {"title_level": "副高级", "series": "工程"}),
    ("有高级职称", {"title_level": "副高级"}),
    ("我有中级职称能考技师吗", {"title_level": "中级"}),
    ("高级工想评助理工程师", {"skill_grade": "高级工", "series": "工程"}),
    ("能评中级工程师不", {"series": "工程"}),
    ("会计师能考技能等级吗", {"title_level": "中级", "series": "会计"}),
    ("要是拿到技师呢", {"skill_grade": "技师"}),
    ("不是技师，是高级工", {"skill_grade": "高级工"}),
    ("我在技师学院上学", {}),
    # yes/no facts and negation
    ("有一年考核不合格", {"assessment_ok": False}),
    ("考核没有不合格的", {"assessment_ok": True}),
    ("没有退休", {"retired": False}),
    ("已经退休了", {"retired": True}),
    ("有了职称退休金高吗", {}),
    ("没受过处分", {"demerit_punishment": False}),
    ("受过记过处分", {"demerit_punishment": True}),
    ("被立案调查了", {"under_investigation": True}),
    ("没有弄虚作假", {"fraud_count": 0}),
    ("被查出材料造假过两次，2021年", {"fraud_count": 2, "fraud_year": 2021}),
    ("诚信记录良好", {"integrity_record": False}),
    ("海外引进的高层次人才", {"overseas_talent": True}),
    ("本科学历，相关专业毕业", {"degree": "本科", "related_diploma": True}),
    (
        "预备技师班毕业，毕业后留在包头工作",
        {"skill_school_class": "预备技师班", "stayed_in_region": True, "region": "nei_mongol"},
    ),
    # correction: the last one said wins
    ("技师，不对，说错了，是高级技师", {"skill_grade": "高级技师"}),
    ("我说错了，我在百色不在南宁", {"region": "baise"}),
    # a count reached in another year is taken back to this year (slots hold years as of today)
    ("技师，到明年就满三年了", {"skill_grade": "技师", "skill_years": 2, "application_year": 2026}),
    ("去年就满两年了 高级工", {"skill_grade": "高级工", "skill_years": 3}),
    ("高级工干了一年，明年报", {"skill_grade": "高级工", "skill_years": 1, "application_year": 2026}),
    # dev25: a “not yet” closed by 呢 is a statement; a period said over after 那个; ages in words
    ("我还没退呢", {"retired": False}),
    ("记大过那个处分期早就过了", {"demerit_punishment": False}),
    ("五十三了，女的，在流水线上当工人", {"retired": True}),
    ("男的，今年四十五，高级工", {"retired": False, "skill_grade": "高级工"}),
    ("技师四年了，考核一直没问题", {"skill_grade": "技师", "skill_years": 4, "assessment_ok": True}),
    ("被查出过两次假学历", {"fraud_count": 2}),
    # a place's last character before 工作 is no “王工”
    ("我在桂林工作，硕士毕业后做专业技术五年了", {"region": "national", "degree": "硕士", "professional_years": 5}),
    ("想报个职业技能等级 高级工那种", {}),
    # explore16: ranks below the prize, the year of a move, 两千X年, a failure beside the grade's year,
    # a bar lifted or denied
    ("在校拿过国家级二类竞赛第九名", {}),
    ("前年调到田阳上班 高级工2019年考的", {"region": "baise", "skill_grade": "高级工", "skill_grade_year": 2019}),
    ("技师 两千二十二年拿的证", {"skill_grade": "技师", "skill_grade_year": 2022}),
    ("高级工 2019 考核有一年没过", {"skill_grade": "高级工", "skill_grade_year": 2019, "assessment_ok": False}),
    ("早就撤案了 啥事没有", {"under_investigation": False}),
    ("记录期限前年就满了", {"integrity_record": False}),
    ("搞错了 被立案的是我们科长 我没有", {"under_investigation": False}),
    # 他/她 after the speaker's own facts stands for the person named before (explore16 W-2)
    (
        "我和我姐都在靖西 我是高级工2021 她是技师2016",
        {"region": "baise", "skill_grade": "高级工", "skill_grade_year": 2021},
    ),
    ("来电人说他是技师 2020年取证", {"skill_grade": "技师", "skill_grade_year": 2020}),
    # a hotline note's next question (explore16 W-3) and the place that gave an award (W-5)
    ("来电 技师2021 改问副高", {"skill_grade": "技师", "skill_grade_year": 2021}),
    ("另问高级技师", {}),
    ("内蒙古评的全区技术能手 现在在田东上班", {"region": "baise"}),
    # a bare title level beside the grade one holds is the title asked, unless said as had;
    # a post, a comparison or “没有职称” is no title held
    ("技师干了两年 副高呢", {"skill_grade": "技师", "skill_years": 2}),
    ("高级技师 正高 2019", {"skill_grade": "高级技师", "skill_grade_year": 2019}),
    ("高级工三年 助理级差几年", {"skill_grade": "高级工", "skill_years": 3}),
    ("我是技师，也有中级职称", {"skill_grade": "技师", "title_level": "中级"}),
    ("中级职称，高级工证也有", {"title_level": "中级", "skill_grade": "高级工"}),
    ("那副高呢", {"title_level": "副高级"}),  # the what-if's condition stays
    ("单位聘我当工程师，我是技师", {"skill_grade": "技师"}),
    ("高级工，跟助理工程师一个待遇", {"skill_grade": "高级工"}),
    ("我是技师，属于中级", {"skill_grade": "技师"}),
    ("大家叫我工程师 其实没有职称 是高级工", {"skill_grade": "高级工"}),
    ("技师2018年考的 2024年那次没过", {"skill_grade": "技师", "skill_grade_year": 2018}),  # explore16 W-4
    # dev26: a grade said of the certificate, a space ends a negation, a worker's past grade
    ("技能证书是高级的", {"skill_grade": "高级工"}),
    ("职称还没有 技能是三级", {"skill_grade": "高级工"}),
    ("我是高级工程师，年轻时当工人考过高级工", {"title_level": "副高级", "series": "工程", "skill_grade": "高级工"}),
    # explore17 W-1/W-2: the same pay as a title is no title; a bar given to someone else in a correction
    ("厂里说我跟工程师一个待遇", {}),
    ("不是我 是我们科长被记过", {"demerit_punishment": False}),
    ("说错了 是我师傅考核不合格", {"assessment_ok": True}),
    ("我还在上班 高级工", {"retired": False, "skill_grade": "高级工"}),
    ("不对 我还没退休 是我妈退了", {"retired": False}),  # a space ends “…是我妈” (whose it is)
    ("技师 在车间当工程师", {"skill_grade": "技师"}),  # a job on the shop floor, not a title
    # explore18 W-1: the year applied in, asked with the case, is neither a failure's nor a finding's
    (
        "百色 技师2019 2024年考核不合格 2029年报中级行吗",
        {
            "region": "baise",
            "skill_grade": "技师",
            "skill_grade_year": 2019,
            "assessment_ok": False,
            "application_year": 2029,
        },
    ),
    (
        "高级工2021 2024年申报时材料造假被查 2029年报助理",
        {
            "skill_grade": "高级工",
            "skill_grade_year": 2021,
            "fraud_year": 2024,
            "fraud_count": 1,
            "application_year": 2029,
        },
    ),
    ("厂里都叫我工程师 其实是高级工", {"skill_grade": "高级工"}),  # a nickname
]


@pytest.mark.parametrize("text,expected", CASES)
def test_cases(text, expected):
    assert facts(text) == expected


def test_many_facts_in_one_sentence():
    text = "我是百色凌云县的高级技师，拿证五年了，近三年考核都合格，能评什么？"
    assert facts(text) == {"region": "baise", "skill_grade": "高级技师", "skill_years": 5, "assessment_ok": True}


def test_spans_point_at_the_words():
    text = "在鄂尔多斯，高级工，干了8年"
    for f in extract_facts(text, today=TODAY):
        said = text[f["start"] : f["end"]]
        assert said in {"鄂尔多斯", "高级工", "8年"}


def test_awards_one_fact_each():
    assert awards("国赛金牌和全国技术能手") == ["全国职业技能大赛金牌", "全国技术能手"]
    assert awards("参加世赛拿了银牌") == ["世界技能大赛银牌"]
    assert awards("有国务院津贴") == ["国务院政府特殊津贴"]
    assert awards("没拿过全国技术能手") == []
    assert awards("在学校时拿过全国职业技能大赛二类竞赛第四名") == ["国家级二类竞赛前六名"]
    # the end of a place begins the award: the place and the award are both read
    assert awards("享受福建省政府特殊津贴") == ["省级政府特殊津贴"]
    assert facts("享受福建省政府特殊津贴") == {"region": "national"}
    assert awards("内蒙古自治区政府特殊津贴") == ["省级政府特殊津贴"]
    assert facts("内蒙古自治区政府特殊津贴") == {"region": "nei_mongol"}


def test_every_award_alias_resolves():
    for canon, forms in vocab.aliases("awards").items():
        for form in forms:
            assert awards(f"我拿过{form}") == [canon], form


def test_every_place_resolves():
    for name, place in vocab.places().items():
        expected = place.region if place.settled else None  # "广西" alone: 百色 or elsewhere
        assert facts(f"我在{name}工作").get("region") == expected, name


def test_every_title_name_resolves():
    for t in vocab.title_names():
        got = facts(f"我是{t.name}")
        assert got["title_level"] == t.level and got["series"] == t.series, t


def test_relative_dates_follow_the_clock():
    # tests/conftest.py pins the clock; an inner pin overrides it, like JINENG_TODAY does
    with clock.pinned(dt.date(2030, 3, 1)):
        got = {f["entity"]: f["value"] for f in extract_facts("去年考的技师")}
    assert got["skill_grade_year"] == 2029
    with clock.pinned(dt.date(2024, 1, 1)):
        got = {f["entity"]: f["value"] for f in extract_facts("前年拿的证，如果明年呢")}
    assert got["skill_grade_year"] == 2022 and got["application_year"] == 2025


def test_parse_number():
    assert parse_number("十二") == 12
    assert parse_number("两") == 2
    assert parse_number("七八") == 7
    assert parse_number("十几") == 10
    assert parse_number("几") is None
    assert parse_number("3.5") == 3.5


def test_lexicon_is_generated_from_vocabulary():
    lex = lexicon()
    for grade in vocab.skill_grades():
        assert lex[grade].value == grade
        assert lex[vocab.grade_number(grade)].value == grade


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        12345,
        "😀" * 50,
        "\x00\x01\x02技师\x7f",
        "技" * 10000,
        "2019" * 2000,
        "年" * 3000,
        "不" * 500 + "技师",
    ],
)
def test_never_raises_on_odd_input(text):
    assert isinstance(extract_facts(text, today=TODAY), list)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_fuzz(text):
    out = extract_facts(text, today=TODAY)
    for f in out:
        assert 0 <= f["start"] <= f["end"] <= len(text)
        assert {"entity", "value", "start", "end"} <= set(f) <= {"entity", "value", "start", "end", "role"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(sorted(lexicon())[:400] + ["年", "三", "两年半", "没有", "，", "去年", "考核", "合格", "退休"]),
        max_size=12,
    )
)
def test_never_raises_domain_fuzz(parts):
    text = "".join(parts)
    for f in extract_facts(text, today=TODAY):
        assert 0 <= f["start"] < f["end"] <= len(text)


def test_a_rank_within_the_prize_is_the_prize_and_one_below_is_not():
    """内蒙古 二（四）: 二类竞赛前六名, 自治区级一类大赛前三名 (explore16 W-6, dev24)."""
    assert awards("读书时拿了二类竞赛第四名") == ["国家级二类竞赛前六名"]
    assert awards("国家级二类竞赛第八名") == []
    assert awards("自治区级一类大赛第五名") == []
    assert awards("自治区级一类大赛第二名") == ["自治区级一类大赛前三名"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("全国大赛拿了个铜，高级工", ["全国职业技能大赛铜牌"]),  # a metal said alone closes its clause
        ("不是全国技术能手，是全区的", ["全区技术能手"]),  # the kind named, its level said apart
        ("津贴是自治区的，不是国务院的", ["省级政府特殊津贴"]),
        ("厂里有国家级大师工作室 不过带头人是我们厂长 我只是成员", []),
        ("拿过县级科技进步奖", []),
        ("拿过省科技进步奖", ["省部级以上科技进步奖"]),
        ("拿了个银牌 世界技能大赛的", ["世界技能大赛银牌"]),  # the contest named after the medal
        ("在包头上班 我是河北省技术能手", []),  # another province's, not 内蒙古's 全区技术能手
    ],
)
def test_awards_said_in_pieces(text, expected):
    """dev24: an award's parts said apart, or below the award the texts name."""
    assert awards(text) == expected


def test_a_year_to_come_beside_an_award_is_the_year_applied_in():
    """“…工作室带头人明年想报副高”, “想二七年报” (dev24): no award or grade is had in a year to come."""
    assert facts("我是自治区级技能大师工作室带头人明年想报副高")["application_year"] == TODAY.year + 1
    assert facts("高级技师四年了 想二七年报")["application_year"] == 2027


def test_an_award_given_elsewhere_keeps_its_name_where_one_works():
    """In 百色 “自治区技术能手” is Guangxi's; one said to be 内蒙古's stays 全区技术能手 (explore16 M-1)."""
    assert awards("我在百色，拿过自治区技术能手") == ["广西技术能手"]
    assert awards("在百色上班 拿过内蒙古的全区技术能手") == ["全区技术能手"]


def test_a_title_won_before_something_else_is_no_level_asked():
    """“评上助工后项目拿了个市科技进步奖” (dev24): the answer had begun “您问的助理级职称”."""
    from bot.nlu.clauses import levels_named
    from bot.nlu.lexicon import SKILL_GRADE, TITLE, TITLE_LEVEL

    labels = (SKILL_GRADE, TITLE, TITLE_LEVEL)
    assert levels_named("评上助工后项目拿了个市科技进步奖", labels, wanted_only=True) == []
    assert levels_named("能评中级吗", labels, wanted_only=True) == ["中级"]
    assert awards("以前在包头评过全区技术能手 现在调到平果了") == ["全区技术能手"]
    assert awards("在田阳评的自治区技术能手") == ["广西技术能手"]
