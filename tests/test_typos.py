"""Common typos of domain words are read as meant; the same characters elsewhere are not."""

import asyncio

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.typos import CommonTypos, corrected


@pytest.mark.parametrize(
    "typed, read",
    [
        ("我是工程狮", "我是工程师"),
        ("高级会计狮五年了", "高级会计师五年了"),
        ("评了付高", "评了副高"),
        ("我是付高级工程师", "我是副高级工程师"),
        ("我是高积工", "我是高级工"),
        ("中及职称", "中级职称"),
        ("我去年退修了", "我去年退休了"),
        ("想平职称", "想评职称"),
        ("平上中级了", "评上中级了"),
        ("职程是中级", "职称是中级"),
        ("能评职成吗", "能评职称吗"),
        ("正书拿了三年", "证书拿了三年"),
        ("考和不合格", "考核不合格"),
        ("我是技市", "我是技师"),
        ("叁年", "三年"),
        ("贰零壹玖年拿的证", "二〇一九年拿的证"),
        ("拾年了", "十年了"),
        ("高级工 俩年半了", "高级工 两年半了"),
        ("干了仨年", "干了三年"),
        ("全国技术能首 能平什么", "全国技术能手 能评什么"),
        ("柳洲 技师", "柳州 技师"),
        ("亚洲", "亚洲"),
        ("满洲里的技师", "满洲里的技师"),
        ("水平什么样", "水平什么样"),
        ("我们俩都是技师", "我们俩都是技师"),
        # the same characters where they mean what they say
        ("评审费要支付高额费用吗", "评审费要支付高额费用吗"),
        ("交付高铁项目", "交付高铁项目"),
        ("集中积累业绩", "集中积累业绩"),
        ("技能水平中级", "技能水平中级"),
        ("职业成长", "职业成长"),
        ("职成教育", "职成教育"),
        ("和平职称", "和平职称"),
        ("陆师傅是技师", "陆师傅是技师"),  # a surname, no count after it
        ("全国技术能守", "全国技术能手"),  # dev24
        ("国赛通牌", "国赛铜牌"),
        ("自制区政府津贴", "自治区政府津贴"),
        ("通牌子", "通牌子"),  # no contest or verb before it
        ("自制家具", "自制家具"),
        ("技术员", "技术员"),
        ("abc", "abc"),
        ("", ""),
    ],
)
def test_corrected(typed, read):
    assert corrected(typed) == read and len(corrected(typed)) == len(typed)


def test_component_rewrites_the_text_later_components_see():
    message = Message({TEXT: "我是工程狮，付高"})
    CommonTypos().process([message])
    assert message.get(TEXT) == "我是工程师，副高"


def test_parse_reads_a_typo_like_the_word_meant(agent):
    typed = asyncio.run(agent.parse_message("我是工程狮，在包头评上五年了"))
    meant = asyncio.run(agent.parse_message("我是工程师，在包头评上五年了"))
    facts = {(e["entity"], e["value"]) for e in typed["entities"]}
    assert facts == {(e["entity"], e["value"]) for e in meant["entities"]}
    assert {("title_level", "中级"), ("series", "工程"), ("region", "nei_mongol")} <= facts
