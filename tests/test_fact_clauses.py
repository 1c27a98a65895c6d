"""The per-clause decision of the normaliser as a table: sentence → the facts it states.

A fact the applicant states about themself is a fact whatever the sentence asks; a level
named inside a question is not; a condition is marked ``hypothetical``; a negation covers
its own clause only; a year belongs to the fact of its own clause. Keys are
``entity`` or ``entity/hypothetical``.
"""

import datetime as dt

import pytest

from bot.nlu.normalise import extract_facts

TODAY = dt.date(2026, 11, 21)


def facts(text):
    out = {}
    for f in extract_facts(text, today=TODAY):
        key = f["entity"] + ("/" + f["role"] if f.get("role") else "")
        if f["entity"] == "awards":
            out.setdefault(key, []).append(f["value"])
        else:
            out[key] = f["value"]
    return out


STATED = [
    ("我是技师", {"skill_grade": "技师"}),
    ("本人技师", {"skill_grade": "技师"}),
    ("我是技师，评副高要几年", {"skill_grade": "技师"}),
    ("我拿过全国技术能手", {"awards": ["全国技术能手"]}),
    ("还在全国职业技能大赛上拿过铜牌", {"awards": ["全国职业技能大赛铜牌"]}),
    ("我是2015年大专毕业的", {"degree": "大专", "graduation_year": 2015}),
    ("干了七年多", {"skill_years": 7}),
    ("已经退休了", {"retired": True}),
    ("我想走农业系列", {"series": "农业"}),
    ("我是技校预备技师班出来的", {"skill_school_class": "预备技师班"}),
    ("我是技校毕业的", {"degree": "中专"}),
    ("我有中级职称能考技师吗", {"title_level": "中级"}),
    ("我打算明年申报", {"application_year": 2027}),
    ("我2019年和2023年各被查出过一次申报材料造假", {"fraud_count": 2, "fraud_year": 2023}),
    # the award's year and the time since it are not the grade's
    ("全区技术能手是2015年评的 都过了十年了还算吗", {"awards": ["全区技术能手"]}),
    ("我是技师，已经过了三年了", {"skill_grade": "技师", "skill_years": 3}),
    # a level asked about is not held
    ("那正高要准备啥", {}),
    ("护师不行吗", {"series": "卫生"}),  # the series wanted, as “想评护师”
    ("能评工艺美术的副高吗", {"series": "工艺美术"}),
    # a relative's case, told by the speaker
    ("我表哥在阿拉善盟 是高级工 拿证一年半", {"region": "nei_mongol", "skill_grade": "高级工", "skill_years": 1.5}),
    ("他考核一直合格", {"assessment_ok": True}),
    # an investigation closed, or supposed closed
    ("以前被立案调查过，现在已经结案没事了", {"under_investigation": False}),
    ("被立案调查过，还没结案", {"under_investigation": True}),
]

ASKED_ABOUT = [  # a level named inside a question about it is not held
    ("中级职称评审费多少？", {}),
    ("评副高要几年？", {}),
    ("能考技师吗", {}),
    ("高级技师的条件是什么", {}),
    ("助理工程师算哪一级？", {}),
    ("副高需要几年", {}),
    ("技师和工程师待遇一样吗", {}),
    ("技师是不是等于工程师", {}),
    ("从技师到工程师要多少年", {}),
    ("正高级工程师是不是最高一级", {}),
    ("高级技师相当于副高职称吗", {}),
    ("我想从技师转到工程师，可以吗", {"skill_grade": "技师", "series": "工程"}),
    ("中级职称能直接评吗", {}),
    ("请问高级技师和工程师哪个高", {}),
    ("高工证属于几级", {}),
    ("二级是不是就是技师", {}),
    ("职称从低到高：助理级、中级、副高级、正高级", {}),
    ("农艺师是中级还是副高", {}),
    # nobody in it and a question about the rules: about the rule, not a case
    ("技师满几年可以评中级", {}),
    ("高级工考技师需要什么条件", {}),
    ("江西有没有自己的贯通细则", {"region": "national"}),  # a place asked about is answered by its rules
    ("受过记过处分还能评吗", {}),
    ("高级技师能评什么", {"skill_grade": "高级技师"}),  # how people ask about their own case
    ("技师证年限够了", {"skill_grade": "技师"}),  # no question: a statement
    (
        "技师拿证四年了在乌海考核合格没处分能评副高吗",
        {
            "skill_grade": "技师",
            "skill_years": 4,
            "region": "nei_mongol",
            "assessment_ok": True,
            "demerit_punishment": False,
        },
    ),
    ("高级工想评助理工程师", {"skill_grade": "高级工", "series": "工程"}),  # a target still names the series
    # a level aimed at, asked about or paid by is not held (高级技师 + 副高 would leave nothing to offer)
    ("高级技师，想冲一下副高", {"skill_grade": "高级技师"}),
    ("想问问副高什么时候能报", {}),
    ("高级工程师 高级技师 能考吗", {"title_level": "副高级", "series": "工程"}),  # asked after a space
    ("他还能评个高级职称吗？副高也行", {}),
    ("没进诚信档案库，那我能去考个农艺工高级技师吗", {"integrity_record": False}),  # 个: one to get
    ("高级技师，离副高还差一年吗", {"skill_grade": "高级技师"}),
    ("高级技师，目标是副高", {"skill_grade": "高级技师"}),
    ("我高级技师，副高今年能报不", {"skill_grade": "高级技师"}),
    ("高级技师，准备副高答辩", {"skill_grade": "高级技师"}),
    ("我高级技师，单位按副高给我发工资", {"skill_grade": "高级技师"}),
    ("我离退休还有两年，技师", {"skill_grade": "技师", "retired": False}),
    # compared with another level, or what it counts as
    ("中级工跟助理工程师差不多吧", {}),
    ("副高和正高差在哪", {}),
    ("技师属于高技能人才吗", {}),
    ("我是技师，跟工程师比哪个高", {"skill_grade": "技师"}),
    # "those who …": people in general, unless the asker says it of themself
    ("持有高级工证书的人能评什么职称", {}),
    ("拿了国赛金牌的人可以直接评副高吗", {}),
    ("我是拿了国赛金牌的人", {"awards": ["全国职业技能大赛金牌"]}),
]

HYPOTHETICAL = [  # conditions are marked, never stated
    ("要是我考上技师呢", {"skill_grade/hypothetical": "技师"}),
    ("我是高级工，要是拿到技师呢", {"skill_grade": "高级工", "skill_grade/hypothetical": "技师"}),
    ("那在百色呢", {"region/hypothetical": "baise"}),
    ("调查结束以后呢", {"under_investigation/hypothetical": False}),  # what holds once it is over
    ("如果考核都合格呢", {"assessment_ok/hypothetical": True}),
    ("换成内蒙古呢", {"region/hypothetical": "nei_mongol"}),
    ("假如我拿了中华技能大奖", {"awards/hypothetical": ["中华技能大奖"]}),
    ("明年能评吗", {"application_year/hypothetical": 2027}),
    ("我主要是技师", {"skill_grade": "技师"}),  # 主要是 is no condition
    ("若干年前考的高级工", {"skill_grade": "高级工"}),  # nor 若干
    ("我需要是高级技师吗", {}),
    ("我在包头，如果我没退休呢", {"region": "nei_mongol", "retired/hypothetical": False}),
]

NEGATION = [  # a negation covers its own clause; 不过/不少/可不可以 … negate nothing
    ("技师干了五年，不过退休了", {"skill_grade": "技师", "skill_years": 5, "retired": True}),
    ("技师干了五年不过退休了", {"skill_grade": "技师", "skill_years": 5, "retired": True}),
    ("不过我已经退休", {"retired": True}),
    ("可不可以评工程师，我没退休", {"series": "工程", "retired": False}),
    ("我没有受过处分，但是已经退休了", {"demerit_punishment": False, "retired": True}),
    ("不是技师，是高级工", {"skill_grade": "高级工"}),
    ("我不是很清楚，应该是高级工", {"skill_grade": "高级工"}),
    ("考核不少年份都合格", {"assessment_ok": True}),
    ("要不然我说我是技师", {"skill_grade": "技师"}),
    ("没拿到技师证", {}),
    ("我还没退休", {"retired": False}),
    ("我弟弟是高级工刚拿证他能评啥", {"skill_grade": "高级工", "skill_years": 0}),  # just obtained: 0 years
    ("今年刚拿的技师", {"skill_grade": "技师", "skill_grade_year": 2026}),
    ("技师证我是有的，只是没干满三年", {"skill_grade": "技师"}),
    ("说错了，不是三年是四年", {"skill_years": 4}),
    ("有没有处分影响？我没受过处分", {"demerit_punishment": False}),
    ("我不清楚有没有退休年龄限制，我五十八了还没退休", {"retired": False}),
    ("如果我不在百色在内蒙古呢", {"region/hypothetical": "nei_mongol"}),
]

SOMEONE_ELSE = [  # facts about another person are not the applicant's
    ("我同事是技师", {"skill_grade": "技师"}),  # a message only about one person: the one asked for
    ("我爸在百色，我在包头", {"region": "nei_mongol"}),
    ("我师傅拿过全国技术能手，我是高级工", {"skill_grade": "高级工"}),
    # people at work, and a clause without a subject going on about them
    ("我是技师，我们班长是高级技师，还是全国技术能手", {"skill_grade": "技师"}),
    ("我们厂长是高工，我是技师三年", {"skill_grade": "技师", "skill_years": 3}),
    ("我是主管护师", {"title_level": "中级", "series": "卫生"}),  # a title, not a boss
    ("我是车间主任，技师五年", {"skill_grade": "技师", "skill_years": 5}),
    ("我是班组长，高级工三年", {"skill_grade": "高级工", "skill_years": 3}),  # what they are
    # a message only about a colleague: theirs are the applicant's facts (blind README: `relative`)
    ("我们班长高级技师干了六年能评正高不", {"skill_grade": "高级技师", "skill_years": 6}),
    ("但是我师傅拿过全国技术能手，我是高级工", {"skill_grade": "高级工"}),
    ("我爸是技师，干了五年，在包头", {"skill_grade": "技师", "skill_years": 5, "region": "nei_mongol"}),
    ("听说工人也能评职称，技师干了三年能评啥", {"skill_grade": "技师", "skill_years": 3}),
    ("其他地方我不清楚，我是技师", {"skill_grade": "技师"}),
    ("老家是百色的，现在在包头上班", {"region": "nei_mongol"}),  # where they were is not where they work
    ("我是广东人在百色打工", {"region": "baise"}),  # where they come from, then where they work
    ("我是河南人", {"region": "national"}),
    ("来电人说他是百色的技师", {"region": "baise", "skill_grade": "技师"}),  # an agent's words (assist)
    # asking for someone: the one asked for is the applicant
    (
        "帮我爸问下 他是高级技师 在赤峰 干了二十年",
        {"skill_grade": "高级技师", "region": "nei_mongol", "skill_years": 20},
    ),
    ("替我老公咨询一下，他技师五年了在百色", {"skill_grade": "技师", "skill_years": 5, "region": "baise"}),
    # … also said in one breath, the asker's 我 first (voice input has no commas)
    (
        "我帮我老公问一下他是高级工拿证三年了在百色田阳上班能评什么职称",
        {"skill_grade": "高级工", "skill_years": 3, "region": "baise"},
    ),
    ("我想帮我爸咨询一下他是技师干了五年", {"skill_grade": "技师", "skill_years": 5}),
    ("嗯就是我师傅啊他是高级技师评上有七八年了", {"skill_grade": "高级技师", "skill_years": 7}),
    ("我是我师傅带出来的 高级工 三年", {"skill_grade": "高级工", "skill_years": 3}),  # who taught them
    (
        "我这是帮我弟弟问他是高级工前年考的在南宁",
        {"skill_grade": "高级工", "skill_grade_year": 2024, "region": "national"},
    ),
    ("我是高级工给我爸问问他是技师", {"skill_grade": "技师"}),  # 他 after the asker's 我: the one asked for
    # “帮他问”: 他 is the person the message is about; another relative's facts are not theirs
    (
        "我师傅在隆林，当技师当了十来年了，他自己不会打字，让我帮他问。",
        {"region": "baise", "skill_grade": "技师", "skill_years": 10},
    ),
    (
        "我在南宁上班我爸在凌云县茶厂他是技师二零一六年考的帮他问问",
        {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2016},
    ),
    (
        "我爸退休了我哥没退休帮我哥问他在平果技师一七年考的",
        {"retired": False, "region": "baise", "skill_grade": "技师", "skill_grade_year": 2017},
    ),
    ("我们车间的老刘在准格尔旗 他是高级技师 帮他问问能评啥", {"region": "nei_mongol", "skill_grade": "高级技师"}),
    ("我老婆是高级工程师她不用问", {}),  # said not to be the one asked about
    # “我们” is both of them, not the speaker alone; “有个同事” is someone told of
    (
        "我们班长是高级技师干了六年，他能评副高不？我们在百色",
        {"skill_grade": "高级技师", "skill_years": 6, "region": "baise"},
    ),
    ("我们车间有个同事是高级技师，还是全国技术能手，他说他能直接评正高", {}),
    ("我们厂有个师傅叫老王，他高级技师干了六年，帮他问问", {"skill_grade": "高级技师", "skill_years": 6}),
    (
        "我爸让我帮他问的其实是我自己的事我是高级工二零二一年考的在靖西",
        {"skill_grade": "高级工", "skill_grade_year": 2021, "region": "baise"},
    ),
    # the fact first, then whose it is
    ("工程师是我老婆，我是技师", {"skill_grade": "技师"}),
    ("被立案的是我同事，我自己没事", {}),
    ("高级工是我师傅带出来的", {"skill_grade": "高级工"}),
    # voice input: a new “我是…” starts a clause, so a negation before it is not about it
    (
        "我妈退休了我还没有我是高级工大前年考的在赤峰宁城县",
        {"skill_grade": "高级工", "skill_grade_year": 2023, "region": "nei_mongol"},
    ),
    ("我同学拿了大赛三等奖我没拿我是高级工班毕业的", {"skill_school_class": "高级工班"}),
    ("来电人反映其父已办理退休手续，原为高级技师", {"retired": True, "skill_grade": "高级技师"}),
    # a self-correction in one breath: what is said after it is meant
    (
        "我技师啊不是是高级技师一六年考的在鄂尔多斯",
        {"skill_grade": "高级技师", "skill_grade_year": 2016, "region": "nei_mongol"},
    ),
    ("我拿证三年哦不对四年了是技师在乌海", {"skill_years": 4, "skill_grade": "技师", "region": "nei_mongol"}),
    (
        "我是一七年的高级技师不对是一八年在通辽",
        {"skill_grade": "高级技师", "skill_grade_year": 2018, "region": "nei_mongol"},
    ),
    ("技师三年对不对", {"skill_grade": "技师", "skill_years": 3}),  # 对不对 asks, corrects nothing
    # a correction said first corrects an earlier message: both grades are weighed as always
    ("说错了，技师是前年考的，2021年考的是高级工", {"skill_grade": "技师", "skill_grade_year": 2024}),
    ("我是技师，说错了，是高级工", {"skill_grade": "高级工"}),
    # durations as people say them after the grade
    ("我高级工考下来五年了", {"skill_grade": "高级工", "skill_years": 5}),
    ("我是技师考了以后又干了六年", {"skill_grade": "技师", "skill_years": 6}),
    ("我是电焊工拿了三级证以后又干了三年多在赤峰", {"skill_grade": "高级工", "skill_years": 3, "region": "nei_mongol"}),
    ("拿证以后再干三年能评吗", {}),
    ("我考核没给合格", {"assessment_ok": False}),  # 没 a word before 合格
    # an age past the statutory retirement age is `retired` (CONTRACT §3), papers or not
    (
        "我是男的，今年62岁，还在厂里上班没办退休，百色的技师",
        {"retired": True, "region": "baise", "skill_grade": "技师"},
    ),
    ("我是女的，今年57岁了，还没办退休手续，高级技师", {"retired": True, "skill_grade": "高级技师"}),
    ("我今年45岁，技师", {"skill_grade": "技师", "retired": False}),  # under 50: at no statutory age (#57)
    ("我老婆今年52岁，技师三年", {"skill_grade": "技师", "skill_years": 3}),
    ("年满60岁的还能评吗", {}),
    (
        "右江区的高级技师2018年拿的，同时还是工程师",
        {
            "region": "baise",
            "skill_grade": "高级技师",
            "skill_grade_year": 2018,
            "title_level": "中级",
            "series": "工程",
        },
    ),
    ("包钢的，高级技师", {"region": "nei_mongol", "skill_grade": "高级技师"}),  # 包头钢铁
    ("土右旗", {"region": "nei_mongol"}),
    ("我在百色旁边的河池，技师三年", {"region": "national", "skill_grade": "技师", "skill_years": 3}),
    # the papers say nothing of the statutory age (an age told before stays)
    ("我还没办退休", {}),
    ("退休手续还没办", {}),
    ("我还没退休", {"retired": False}),
    # years away from the trade after the grade do not count
    (
        "我是百色的高级工，2024年拿的证，但拿证后一直没干这行，今年才回厂里干",
        {"region": "baise", "skill_grade": "高级工", "skill_years": 0},
    ),
    ("技师2018年拿的，中间转行了，前年才回来干", {"skill_grade": "技师", "skill_years": 2}),
    ("高级工三年，一直没干这行", {"skill_grade": "高级工"}),  # how long since the return: asked
    # two digits said one by one are a year; neighbours may be a count
    ("是一八年", {"skill_grade_year": 2018}),
    ("技师干了七八年", {"skill_grade": "技师", "skill_years": 7}),
    (
        "中级工班毕业的 毕业以后回了老家山东",
        {"skill_school_class": "中级工班", "region": "national", "stayed_in_region": False},
    ),
    (
        "帮我们单位一个同事问问，她是助理工程师，在重庆",
        {"title_level": "助理级", "series": "工程", "region": "national"},
    ),
]

ASKED_ABOUT_BARS = [  # a bar named in a question about it, or about people in general
    ("处分期满多久能评", {}),
    ("记过处分影响期是多久", {}),
    ("诚信档案是什么", {}),
    ("被立案调查的能申报吗", {}),
    ("弄虚作假的几年内不能评", {}),
    ("我被记过了，影响期多长", {"demerit_punishment": True}),
    ("我受过记过处分，多久能评", {"demerit_punishment": True}),
    ("工人评不了工程师吧", {}),  # about workers in general
    ("受过记过处分还能评吗", {}),  # nobody's story: the rule
    # what happened at a time, or was found, then whether they still may: their own story
    ("业绩材料被查出来是假的，还能报不？", {"fraud_count": 1}),
    ("去年被记过了，还能评吗", {"demerit_punishment": True}),
]

YEARS = [  # a year belongs to the fact of its own clause
    ("去年被记过了", {"demerit_punishment": True}),
    ("就前年没合格", {"assessment_ok": False}),
    ("2019年拿的技师，去年被记过", {"skill_grade_year": 2019, "skill_grade": "技师", "demerit_punishment": True}),
    ("前年拿的证", {"skill_grade_year": 2024}),
    ("一九年拿的技师", {"skill_grade_year": 2019, "skill_grade": "技师"}),
    ("〇八年考的高级工", {"skill_grade_year": 2008, "skill_grade": "高级工"}),
    ("2020年取得高级职业资格", {"skill_grade_year": 2020, "skill_grade": "高级工"}),
    ("取得技师职业资格三年了", {"skill_grade": "技师", "skill_years": 3}),
    ("中级职业资格", {"skill_grade": "中级工"}),
    # without punctuation (voice input), each time goes with the fact said next to it
    (
        "我在通辽高级工2020年取得高级职业资格就前年考核没合格",
        {"region": "nei_mongol", "skill_grade": "高级工", "skill_grade_year": 2020, "assessment_ok": False},
    ),
    (
        "技师干了六年考核都合格没退休",
        {"skill_grade": "技师", "skill_years": 6, "assessment_ok": True, "retired": False},
    ),
    ("退休三年了", {"retired": True}),
    ("大专毕业五年了", {"degree": "大专", "graduation_year": 2021}),  # not years of a grade
    ("去年拿了全国技术能手", {"awards": ["全国技术能手"]}),
    ("前年拿的证考核都合格", {"skill_grade_year": 2024, "assessment_ok": True}),
    ("09年大专毕业", {"graduation_year": 2009, "degree": "大专"}),  # the school between year and 毕业
    ("我05年技校毕业", {"graduation_year": 2005, "degree": "中专"}),
]

PERIODS = [  # a bar counts inside its period only (CONTRACT §3)
    ("我之前受过警告处分，已经过了影响期", {"under_investigation": False}),
    ("影响期还没过", {"under_investigation": True}),
    ("记过处分已经解除了", {"demerit_punishment": False}),
    ("前年记过，早就过了影响期", {"demerit_punishment": False, "under_investigation": False}),
    ("我受过记过处分还没满", {"demerit_punishment": True}),
    ("处分期满了", {"demerit_punishment": False}),  # 处分期 is the 处分's own period; 影响期 the investigation's
    ("包头 记大过 还在处分期 技师", {"region": "nei_mongol", "demerit_punishment": True, "skill_grade": "技师"}),
    (
        "我是助理工程师，以前受过记过处分，不过处分期已经结束了",
        {"title_level": "助理级", "series": "工程", "demerit_punishment": False},
    ),
    ("几年前被警告过一次，早就过影响期了", {"under_investigation": False}),
    ("处分影响期内", {"under_investigation": True}),
    ("我正在被纪委调查", {"under_investigation": True}),
    ("没被调查过", {"under_investigation": False}),
]

BACKGROUND = [  # how people say they stayed, and that their diploma fits
    ("毕业以后一直在鄂尔多斯上班", {"stayed_in_region": True, "region": "nei_mongol"}),
    ("技校毕业后没离开过通辽", {"degree": "中专", "stayed_in_region": True, "region": "nei_mongol"}),
    ("我学的专业和现在干的工种一致", {"related_diploma": True}),
    ("毕业证的专业跟现在的工作不一样", {"related_diploma": False}),
    ("我学的机电一体化，跟现在的电工对得上", {"related_diploma": True}),
    ("学的会计 跟现在干的对不上", {"related_diploma": False}),  # a major studied is no title series
    ("毕业证跟现在干的工种对口", {"related_diploma": True}),
    # the major and the occupation applied for, both named, sharing their first word (dev20 u114)
    ("我是学电气的 报电工技师", {"related_diploma": True}),
    ("电气自动化专业毕业的 想考电工高级工", {"related_diploma": True}),
    ("学的会计 想考电工", {}),  # nothing shared: not said either way
    ("我们单位对口支援百色", {"region": "baise"}),
]

SPOKEN = [  # how people type and speak: spaces between phrases, records told in passing
    (
        "乌海 二级证 二零二一年取得 考核都合格",
        {"region": "nei_mongol", "skill_grade": "技师", "skill_grade_year": 2021, "assessment_ok": True},
    ),
    ("技师干了 4 年", {"skill_grade": "技师", "skill_years": 4}),
    ("不是 技师", {}),
    ("高级工 三年 能不能评助理", {"skill_grade": "高级工", "skill_years": 3}),
    (
        "在包头干了十几年钳工，技师证是2016年拿的",
        {"region": "nei_mongol", "skill_grade": "技师", "skill_grade_year": 2016},
    ),
    ("高级技师考了两回没考上，现在是技师", {"skill_grade": "技师"}),
    ("拿过全国技术能手，还是高级技师", {"awards": ["全国技术能手"], "skill_grade": "高级技师"}),
    ("我是高级工，想评个机械工程师", {"skill_grade": "高级工", "series": "工程"}),
    ("想评农业系列的副高级职称", {"series": "农业"}),  # a level wanted, not held
    ("我是工程师，想去考个钳工技师", {"title_level": "中级", "series": "工程"}),
    ("技师是2021年考的，高级工是更早以前的", {"skill_grade": "技师", "skill_grade_year": 2021}),
    ("包头那边的政策我们这能参照吗", {}),  # another place's rules asked about, not where they work
    ("硕士 毕业以后专业技术工作干了两年", {"degree": "硕士", "professional_years": 2}),
    ("硕士，毕业后一直搞专业技术工作，六年了", {"degree": "硕士", "professional_years": 6}),
    ("我是助理工程师，累计干了六年技术工作", {"title_level": "助理级", "series": "工程", "professional_years": 6}),
    ("海外引进的博士，毕业四年了", {"overseas_talent": True, "degree": "博士", "professional_years": 4}),
    (
        "去年评上了全国技术能手，2018年考的技师",
        {"awards": ["全国技术能手"], "skill_grade_year": 2018, "skill_grade": "技师"},
    ),
    ("是2017年考的，不是2016", {"skill_grade_year": 2017}),
    ("去年评职称时伪造了业绩被查出来", {"fraud_count": 1, "fraud_year": 2025}),
    ("已经办了退休手续", {"retired": True}),
    ("我在职称评审诚信档案库里", {"integrity_record": True}),
    ("我是主治医生", {"title_level": "中级", "series": "卫生"}),
    ("我是特级技师，干了三年", {"skill_grade": "高级技师", "skill_years": 3}),  # above 高级技师: not 技师
    # corrections in one breath (voice): the later value
    ("高级技师 二零二零年 哦不 二零一九年 拿的证", {"skill_grade": "高级技师", "skill_grade_year": 2019}),
    ("技师证是去年 嗯 还是前年来着 前年考的", {"skill_grade": "技师", "skill_grade_year": 2024}),
    ("高级工 快两年了 其实是一年半", {"skill_grade": "高级工", "skill_years": 1.5}),
    # a clause saying when the previous one happened
    (
        "被查出材料造假过一次 是前年的事 技师证一九年考的",
        {"fraud_count": 1, "fraud_year": 2024, "skill_grade": "技师", "skill_grade_year": 2019},
    ),
    ("记过处分 处分期今年刚满", {"demerit_punishment": False}),
    ("记过处分，处分期还没满", {"demerit_punishment": True}),
    # 正高 asked about, not held
    ("高级技师 二零二零年拿的 能评个啥职称 正高能不能", {"skill_grade": "高级技师", "skill_grade_year": 2020}),
    ("去年单位年度考核俺是不合格", {"assessment_ok": False}),  # the clause cut before 俺是
    ("高级工 还没退休 没被查过", {"skill_grade": "高级工", "retired": False, "under_investigation": False}),
    ("在学校的时候全国大赛一类赛拿了个三等奖", {"awards": ["国家级一类大赛三等奖以上"]}),
    (
        "预备技师班毕业 毕业后一直在呼市",
        {"skill_school_class": "预备技师班", "stayed_in_region": True, "region": "nei_mongol"},
    ),
    ("毕业后去了北京", {"stayed_in_region": False, "region": "national"}),
    # explore11
    ("高级技师 2020年取证 问副高", {"skill_grade": "高级技师", "skill_grade_year": 2020}),  # a hotline note: asked
    (
        "我是技师 干了5年 想同一年报工程系列和农业系列的中级",
        {"skill_grade": "技师", "skill_years": 5, "series": "工程"},
    ),
    ("去年评的工程师因为材料造假被撤销了", {"fraud_year": 2025, "fraud_count": 1}),
    (  # explore11 P02: the revoked title's year is the finding's, the grade keeps its years
        "我在百色 技师 四年 去年评的工程师因为材料造假被撤销了",
        {"region": "baise", "skill_grade": "技师", "skill_years": 4, "fraud_year": 2025, "fraud_count": 1},
    ),
    ("我问了一下，副高还没评上", {}),
    ("技师 2030年取证", {"skill_grade": "技师"}),  # a grade got in a year to come: a slip
    ("我今年六十一了", {"retired": True}),
    ("我爸以前是技师 六十五了 他还能评职称不", {"skill_grade": "技师", "retired": True}),  # explore11 S05
    ("技师 六十了", {"skill_grade": "技师"}),  # 60: not yet past the age (interpretations #57)
    ("女工 51岁了 平果的 高级工", {"retired": True, "region": "baise", "skill_grade": "高级工"}),  # a woman worker: 50
    ("我是女的 51岁 技师", {"skill_grade": "技师"}),  # a worker or a cadre (55): not told
    ("立案调查的事已经结案了 技师", {"under_investigation": False, "skill_grade": "技师"}),
    ("结案了", {"under_investigation": False}),  # the answer to whether it is still on
    # explore14: 还有 = “also” before a retirement told; a higher grade not yet got
    ("还有我已经退休了", {"retired": True}),
    ("还有两年退休", {"retired": False}),
    ("技师 百色 2021 🙏🙏", {"skill_grade": "技师", "region": "baise", "skill_grade_year": 2021}),  # signs after it
    # explore15: a title asked after it (“我够格不”, “可以不”); an award its giver takes back
    ("副高级职称我够格不", {}),
    ("来电人 百色 高技 6年 问副高", {"region": "baise", "skill_grade": "高级技师", "skill_years": 6}),  # shorthand
    ("高技能人才评职称要啥", {}),  # not the shorthand
    ("我是工人技师 干了五年", {"skill_grade": "技师", "skill_years": 5}),  # the older name
    # dev23 first run: ages, “还没退”, “记了个过”, “考核有一年没过”, a major sharing a word with the trade
    ("男，50岁，高级工2020年的", {"retired": False, "skill_grade": "高级工", "skill_grade_year": 2020}),
    ("我女工，今年52，还在车间干", {"retired": True}),
    ("男的，快七十了，以前是技师", {"retired": True, "skill_grade": "技师"}),
    ("我58岁男职工，还没退", {"retired": False}),
    ("去年被记了个过，在隆林", {"demerit_punishment": True, "region": "baise"}),
    ("考核有一年没过", {"assessment_ok": False}),
    # the asker's own place when asking for someone: theirs too, unless that person's is said
    ("我是田阳一家农机厂的老板，帮我手下一个老师傅问问", {"region": "baise"}),
    ("我在百色 帮我爸问问 他在包头 技师", {"region": "nei_mongol", "skill_grade": "技师"}),
    ("我有机电专业毕业证，考维修电工能免理论考试吗", {"related_diploma": True}),
    ("中级职称可以不", {}),
    ("我是全国技术能手 不过是我们村评的", {}),
    ("我是全国技术能手 不过不是国家评的 是县里评的", {}),
    ("是高级工 技师还没考下来", {"skill_grade": "高级工"}),
    ("说错了说错了，是技师，高级技师还没考", {"skill_grade": "技师"}),
    ("今年年度考核没合格 会不会有影响", {"assessment_ok": False}),  # told, then whether it matters
    ("年度考核不合格会不会有影响", {}),  # the rule asked
    # a bare year right after the grade is the grade's, whatever fact follows
    (
        "梧州 技师 2020 考核均合格",
        {"region": "national", "skill_grade": "技师", "skill_grade_year": 2020, "assessment_ok": True},
    ),
    (
        "乌海 高级技师 2017 未退休",
        {"region": "nei_mongol", "skill_grade": "高级技师", "skill_grade_year": 2017, "retired": False},
    ),
    ("我是百色靖西人 现在在柳州打工", {"region": "national"}),  # places in a row, then 人: the home town
    ("大师工作室带头人 国家级的 在梧州", {"awards": ["国家级技能大师工作室带头人"], "region": "national"}),
    ("集宁 技师", {"region": "nei_mongol", "skill_grade": "技师"}),
    # explore13 W2: a level asked with only a question mark, or in English, is no title held
    ("百色 技师 2021年 中级？", {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2021}),
    ("I am 百色 technician 技师, can I apply 中级?", {"region": "baise", "skill_grade": "技师"}),
    ("我是中级？", {"title_level": "中级"}),  # 我是: said of oneself, however unsure
    (  # explore13 W1: the certificate's year is no second finding (was “终身不得申报”)
        "百色 技师 2019年拿证 2024年申报时被查出材料造假",
        {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2019, "fraud_year": 2024, "fraud_count": 1},
    ),
    ("我六十一了 男的", {"retired": True}),
    ("我今年58了", {}),
    # 基本合格 / 基本称职 are grades below 合格 (优秀、合格、基本合格、不合格)
    ("俺前年考核好像是基本合格", {"assessment_ok": False}),
    ("去年考核基本称职", {"assessment_ok": False}),
    ("我在图书馆，是馆员", {"series": "图书资料", "title_level": "中级"}),  # the workplace tells 馆员's series
    ("文化馆的副研究馆员", {"series": "群众文化", "title_level": "副高级"}),
    ("我是馆员", {"title_level": "中级", "series": "文物博物"}),
    ("我在图书馆当电工，技师", {"skill_grade": "技师"}),  # a workplace alone tells no series
    ("评了助工以后又考了个技师证", {"title_level": "助理级", "series": "工程", "skill_grade": "技师"}),
    ("评上工程师以后又考了高级工", {"title_level": "中级", "series": "工程", "skill_grade": "高级工"}),
    (
        "在通辽读的技校，去年毕业，现在还在通辽上班",
        {"region": "nei_mongol", "degree": "中专", "graduation_year": 2025, "stayed_in_region": True},
    ),
    ("在赤峰上的技校，毕业后去天津打工了", {"degree": "中专", "stayed_in_region": False, "region": "national"}),
    ("一直在本地上班", {}),  # where they work, not that they stayed after school
    ("在校期间拿过自治区级一类大赛第三名", {"awards": ["自治区级一类大赛前三名"]}),
]

ASKED_IN_GENERAL = [  # nobody's case: what holds for people in general
    ("被立案审查期间能申报职称吗", {}),
    ("材料弄虚作假被发现了，几年不能再报？", {}),
    ("国务院政府特殊津贴是啥意思", {}),
    ("同一年能报两个职称吗", {}),
    ("医保交了十年", {}),
]

AWARDS_WHERE_SAID = [  # "自治区技术能手" is Guangxi's award in Guangxi, 内蒙古's elsewhere
    ("获得过自治区技术能手称号 在百色", {"awards": ["广西技术能手"], "region": "baise"}),
    ("我在南宁，拿过全区技术能手", {"region": "national", "awards": ["广西技术能手"]}),
    ("我在包头 自治区技术能手", {"region": "nei_mongol", "awards": ["全区技术能手"]}),
    ("我拿过自治区技术能手", {"awards": ["全区技术能手"]}),
]

SHORTHAND = [  # shorthand generated from the vocabulary
    ("拿过全国大赛银牌", {"awards": ["全国职业技能大赛银牌"]}),
    ("国赛拿了铜牌", {"awards": ["全国职业技能大赛铜牌"]}),
    ("去年世赛拿了金牌", {"awards": ["世界技能大赛金牌"]}),
    ("在技工学校教书", {"series": "技工院校教师"}),
    ("我是高极技师，想评助里工程师", {"skill_grade": "高级技师", "series": "工程"}),  # typed by sound
    ("我在技校当老师", {"series": "技工院校教师"}),
    ("在技师学院任教十年", {"series": "技工院校教师", "professional_years": 10}),
    ("我技帅证拿了三年多", {"skill_grade": "技师", "skill_years": 3}),  # typed by shape
    ("一级证 十来年了 呼市的", {"skill_grade": "高级技师", "skill_years": 10, "region": "nei_mongol"}),
    ("锡盟的高级工", {"region": "nei_mongol", "skill_grade": "高级工"}),
    ("我前年评上高工了", {"title_level": "副高级", "series": "工程", "title_years": 2}),
    ("本人是助工", {"title_level": "助理级", "series": "工程"}),
    ("我是教授级高工", {"title_level": "正高级", "series": "工程"}),  # the name before 正高级工程师
    ("想要高工资", {}),  # a false friend of 高工
    ("希望提高工资待遇，我是高级工", {"skill_grade": "高级工"}),
    # a level word with a trade is that skill grade ("高级电工"), not a title level
    ("我是高级钳工", {"skill_grade": "高级工"}),
    ("考过中级焊工证", {"skill_grade": "中级工"}),
    ("我有中级证", {"skill_grade": "中级工"}),
    ("我是电工 高级", {"skill_grade": "高级工"}),  # the trade said first
    ("我在技师学院当讲师", {"title_level": "中级", "series": "技工院校教师"}),  # the post held
    ("我是高级工，想当技师", {"skill_grade": "高级工"}),  # a wish
    ("23年那次申报被认定材料造假", {"fraud_year": 2023, "fraud_count": 1}),
    ("高级工程技术人员", {}),
    ("我是一级教练", {}),  # a sports coach's rank, not 一级 = 高级技师
    ("我有中级职称证", {"title_level": "中级"}),
]


SAID_APART = [  # the contest and the result with words between (vocabulary `said_apart`)
    ("在校时拿过自治区级一类职业技能大赛第二名", {"awards": ["自治区级一类大赛前三名"]}),
    ("拿过国家级一类职业技能竞赛二等奖", {"awards": ["国家级一类大赛三等奖以上"]}),
    ("在校拿过全国一类大赛三等奖", {"awards": ["国家级一类大赛三等奖以上"]}),
    ("我享受国务院特贴", {"awards": ["国务院政府特殊津贴"]}),
    ("包头的，省技术能手", {"region": "nei_mongol", "awards": ["全区技术能手"]}),
    ("我在百色，省技术能手", {"region": "baise", "awards": ["广西技术能手"]}),
    ("国家二类技能竞赛拿了第五名", {"awards": ["国家级二类竞赛前六名"]}),
    # the year of the prize is not the grade's
    ("去年我们的项目拿了自治区科技进步二等奖", {"awards": ["省部级以上科技进步奖"]}),
    ("前年拿了广西科学技术进步奖三等奖", {"awards": ["省部级以上科技进步奖"]}),
]
FINDINGS = [  # 弄虚作假: said plainly or not, listed with years, counted
    ("2019年一次，2023年一次，都是材料作假被查出来", {"fraud_count": 2, "fraud_year": 2023}),
    ("出过两回事，都是材料造假", {"fraud_count": 2}),
    # the year of the application in which it was found, not the grade's
    ("去年报助理工程师的时候业绩材料有假的，被查出来了", {"fraud_count": 1, "fraud_year": 2025, "series": "工程"}),
    ("去年报职称的时候被评委会退回来了", {}),
    ("我打算明年申报", {"application_year": 2027}),
    ("去年年度考核给了个不合格，这样还能报吗", {"assessment_ok": False}),
    ("前些年报职称做了假材料，被查到过两回", {"fraud_count": 2}),  # the count in the clause after
    ("考了两次没考上，材料造假被查过一次", {"fraud_count": 1}),
]

APPLIED_FOR = [  # a title applied for, or not got, is not held; its year is the application's
    ("技师 百色 四年 今年报了中级 还没出结果", {"skill_grade": "技师", "region": "baise", "skill_years": 4}),
    ("我在包头 技师四年 今年申报了副高 能过吗", {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 4}),
    (
        "高级技师五年 鄂尔多斯 去年评副高没评上",
        {"skill_grade": "高级技师", "skill_years": 5, "region": "nei_mongol"},
    ),
    ("前年报助理工程师没评上", {"series": "工程"}),
    ("去年评上了副高", {"title_years": 1, "title_level": "副高级"}),  # got: held, with its year
    ("我报过技师，是高级工", {"skill_grade": "高级工"}),
    # a grade's exam applied for, then passed: held
    ("我前年申报了高级技师 去年拿到证了", {"skill_grade": "高级技师", "skill_grade_year": 2024}),
    ("去年报了高级技师 还没出成绩", {}),
    ("前年参加了技师考试 通过了 在百色", {"region": "baise", "skill_grade_year": 2024}),
    # someone else at work, named after the speaker's own grade said without 我
    ("技师 通辽 五年 我师傅是全国技术能手", {"skill_grade": "技师", "region": "nei_mongol", "skill_years": 5}),
    (
        "百色 高级工 三年 我们单位有个高级工程师说我也能评",
        {"region": "baise", "skill_grade": "高级工", "skill_years": 3},
    ),
    ("我还有个高级工证", {"skill_grade": "高级工"}),
    # an overseas hire said in everyday words, and the years since the degree
    (
        "俺是从德国回来的博士 引进人才 在百色 毕业后干研发三年了",
        {"overseas_talent": True, "degree": "博士", "region": "baise", "professional_years": 3},
    ),
    ("我是海归博士，干了五年", {"overseas_talent": True, "degree": "博士", "professional_years": 5}),
    ("自治区技能大师工作室带头人", {"awards": ["省级技能大师工作室带头人"]}),
    ("我是国家技能大师工作室带头人", {"awards": ["国家级技能大师工作室带头人"]}),
]

HEARD_OUTSIDE = [  # explore6: how callers and hotline notes say them
    (
        "我在百色 技师拿证4年 2023年申报被查出造假 2025年又被查出造假",
        {"region": "baise", "skill_grade": "技师", "skill_years": 4, "fraud_count": 2, "fraud_year": 2025},
    ),
    (
        "技师，拿证五年，被查出过两次申报造假，最近一次是2024年",
        {"skill_grade": "技师", "skill_years": 5, "fraud_count": 2, "fraud_year": 2024},
    ),
    ("去年考核唔合格", {"assessment_ok": False}),  # Cantonese
    ("去年考核冇合格", {"assessment_ok": False}),
    ("我冇退休", {"retired": False}),
    ("毕业的时候拿了全国职业技能大赛三等奖", {"awards": ["国家级一类大赛三等奖以上"]}),
    ("我是赤峰的高级 技师 拿证 五 年", {"region": "nei_mongol", "skill_grade": "高级技师", "skill_years": 5}),
    ("高级 工程师", {"title_level": "副高级", "series": "工程"}),
    ("快三年了，差两个月", {"skill_years": 2.83}),
    ("两千零二十三年拿的证", {"skill_grade_year": 2023}),
    ("他老婆是高级技师", {}),  # a hotline note: the caller's wife
    ("来电人同事是全国技术能手", {}),
    ("来电人说他是百色的技师", {"region": "baise", "skill_grade": "技师"}),
]

RARER_FACTS = [  # school classes, findings, records and people as a development set (dev13) said them
    ("2018年造过一次假被查出来，2021年又被查出来一次", {"fraud_count": 2, "fraud_year": 2021}),
    ("去年被查出业绩作假，之前2020年也有过一次", {"fraud_count": 2, "fraud_year": 2025}),
    ("我哥是技师，我只是个高级工", {"skill_grade": "高级工"}),  # the speaker after a contrast word
    ("工程师评上一年半了", {"title_level": "中级", "series": "工程", "title_years": 1.5}),
    ("助理工程师当了两年", {"title_level": "助理级", "series": "工程", "title_years": 2}),
    ("高级工班毕业四年了", {"skill_school_class": "高级工班", "graduation_year": 2022}),
    ("中级工班2023届", {"skill_school_class": "中级工班", "graduation_year": 2023}),
    (
        "2019年高级工班毕业的，当年就拿了高级工证",
        {"graduation_year": 2019, "skill_school_class": "高级工班", "skill_grade_year": 2019, "skill_grade": "高级工"},
    ),
    ("毕业后回了老家", {"stayed_in_region": False}),
    ("在包头技师学院读的，现在在太原上班", {"region": "national"}),  # where they work decides
    ("诚信档案里没有我的名字", {"integrity_record": False}),
    ("上过诚信档案库，但记录期早就过了", {"integrity_record": False}),
    ("我是自治区政府特贴专家", {"awards": ["省级政府特殊津贴"]}),
    ("高精尖缺人才由谁认定", {}),
    ("厂里李工是高级技师，我是技师", {"skill_grade": "技师"}),
    # a person the speaker did something with is no subject to carry on
    ("我是跟着老师傅干的，高级工 前年拿的证", {"skill_grade": "高级工", "skill_grade_year": 2024}),
    ("跟我师傅学的手艺，技师三年了", {"skill_grade": "技师", "skill_years": 3}),
    ("我不是引进人才", {"overseas_talent": False}),
    ("高级工能直接评中级吗？我是技师", {"skill_grade": "技师"}),  # the grade told beats the one asked about
    ("我是技师，也是高级技师", {"skill_grade": "高级技师"}),
    ("去年考核没合格，能评中级吗", {"assessment_ok": False}),  # their story, then the question
    # bare years after a count of findings are the findings' (not the grade's)
    ("造假被查出过两次，一次2019年一次2024年", {"fraud_count": 2, "fraud_year": 2024}),
    ("弄虚作假被查出两次，2019年和2024年", {"fraud_count": 2, "fraud_year": 2024}),
    ("高及技师，一七年考的", {"skill_grade": "高级技师", "skill_grade_year": 2017}),  # a common typo
    ("前年考下来的技师想评个中级职称", {"skill_grade_year": 2024, "skill_grade": "技师"}),  # not a title's year
    ("在日本读完博士回来，作为紧缺人才引进的", {"overseas_talent": True, "degree": "博士"}),
]

SAID_SHORT = [  # retired, medals and university titles as people say them
    ("我今年六月已经退了，手续都办完了", {"retired": True}),
    ("退下来了", {"retired": True}),
    ("我去年退的休", {"retired": True}),
    ("退了学", {}),
    ("我参加过世界技能大赛，拿了银牌", {"awards": ["世界技能大赛银牌"]}),
    ("参加过世界技能大赛，没拿到银牌", {}),
    ("参加过世界技能大赛，国赛拿过银牌", {"awards": ["全国职业技能大赛银牌"]}),
    ("我在大学当副教授", {"title_level": "副高级", "series": "高等学校教师"}),
    ("我是大学讲师", {"title_level": "中级", "series": "高等学校教师"}),
    ("教授级高工", {"title_level": "正高级", "series": "工程"}),
    ("我是主管药师", {"title_level": "中级", "series": "卫生"}),
    ("我是主管技师，在百色", {"title_level": "中级", "series": "卫生", "region": "baise"}),
    ("我是副编审", {"title_level": "副高级", "series": "出版"}),
    ("我是技师", {"skill_grade": "技师"}),  # the skill grade, not a 卫生 title
    ("高级工 2021 百色", {"skill_grade": "高级工", "skill_grade_year": 2021, "region": "baise"}),  # bare year
    ("技师证编号2021 百色", {"skill_grade": "技师", "region": "baise"}),  # a number, not a year
]


@pytest.mark.parametrize(
    "text,expected",
    SAID_APART
    + FINDINGS
    + SAID_SHORT
    + APPLIED_FOR
    + HEARD_OUTSIDE
    + RARER_FACTS
    + STATED
    + ASKED_ABOUT
    + HYPOTHETICAL
    + NEGATION
    + SOMEONE_ELSE
    + ASKED_ABOUT_BARS
    + YEARS
    + PERIODS
    + SPOKEN
    + ASKED_IN_GENERAL
    + BACKGROUND
    + AWARDS_WHERE_SAID
    + SHORTHAND,
)
def test_facts_per_clause(text, expected):
    assert facts(text) == expected


def test_a_condition_and_a_stated_fact_of_the_same_key_are_both_kept():
    got = extract_facts("我是高级工，要是拿到技师呢", today=TODAY)
    assert [(f["entity"], f["value"], f.get("role")) for f in got] == [
        ("skill_grade", "高级工", None),
        ("skill_grade", "技师", "hypothetical"),
    ]
