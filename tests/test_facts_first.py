"""A greeting or a fallback that carries profile facts is read as the facts (bot/nlu/facts_first.py)."""

from rasa.shared.nlu.training_data.message import Message

import pytest

from bot.nlu.facts_first import (
    award_holders_in_general,
    FactsBeforeSmallTalk,
    contest_result_alone,
    local_rules_asked,
    other_topic_unsure,
    conditions_of_a_title,
    facts_first,
    own_case_question,
    supposed_own_case,
    topics_tied,
    wordless,
)

FACT = {"entity": "skill_grade", "value": "技师", "start": 3, "end": 5, "extractor": "ProfileFactExtractor"}


def message(intent, ranking, entities):
    m = Message(data={"text": "你好，我是技师"})
    m.set("intent", {"name": intent, "confidence": ranking[0][1]})
    m.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    m.set("entities", entities)
    return m


def test_greeting_with_facts_becomes_the_best_fact_intent():
    m = message("greet", [("greet", 0.59), ("inform", 0.2), ("ask_eligibility", 0.12)], [FACT])
    facts_first(m)
    assert m.get("intent") == {"name": "inform", "confidence": 0.2}


def test_fallback_with_facts_becomes_the_best_fact_intent():
    m = message("nlu_fallback", [("nlu_fallback", 0.3), ("greet", 0.28), ("what_if", 0.27), ("inform", 0.2)], [FACT])
    facts_first(m)
    assert m.get("intent")["name"] == "inform"  # “你好，我是技师” supposes nothing: no what-if
    m = message("nlu_fallback", [("nlu_fallback", 0.3), ("what_if", 0.27), ("inform", 0.2)], [FACT])
    m.set("text", "要是我是技师呢")
    facts_first(m)
    assert m.get("intent")["name"] == "what_if"


@pytest.mark.parametrize(
    "ranking,after",
    [
        # two general questions tied, each confident: the first is answered, facts or not
        ([("nlu_fallback", 0.3), ("faq_guantong", 0.49), ("faq_scope", 0.48), ("inform", 0.01)], "faq_guantong"),
        # a weak tie stays the fallback (then facts_first may read the facts)
        ([("nlu_fallback", 0.3), ("faq_scope", 0.28), ("faq_guantong", 0.27)], "nlu_fallback"),
        # a general question and out of scope: either answer beats “没太明白”
        ([("nlu_fallback", 0.3), ("faq_guantong", 0.38), ("out_of_scope", 0.37)], "faq_guantong"),
        # a tie with a non-topic intent is no tie of topics
        ([("nlu_fallback", 0.3), ("faq_fee", 0.45), ("ask_eligibility", 0.44)], "nlu_fallback"),
    ],
)
def test_a_tie_between_two_general_questions_answers_the_first(ranking, after):
    m = message("nlu_fallback", ranking, [FACT])
    topics_tied(m)
    assert m.get("intent")["name"] == after


def test_without_facts_or_other_intents_nothing_changes():
    for intent, entities in [
        ("greet", []),
        ("nlu_fallback", [{**FACT, "extractor": "RegexEntityExtractor"}]),
        ("faq_fee", [FACT]),
        ("inform", [FACT]),
    ]:
        m = message(intent, [(intent, 0.6), ("inform", 0.3)], entities)
        facts_first(m)
        assert m.get("intent")["name"] == intent


def test_no_fact_intent_in_the_ranking_keeps_the_greeting():
    m = message("greet", [("greet", 0.9), ("thank", 0.1)], [FACT])
    facts_first(m)
    assert m.get("intent")["name"] == "greet"


def said(text, intent, confidence=0.88):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": confidence})
    m.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    m.set("entities", [])
    return m


@pytest.mark.parametrize(
    "text,intent",
    [
        ("能报不", "deny"),
        ("够格不？", "deny"),
        ("有戏吗", "greet"),
        ("那我咋办", "nlu_fallback"),
        ("我可以吗", "nlu_fallback"),
        ("还能评吗", "nlu_fallback"),
        ("我这种还有机会吗", "nlu_fallback"),
        ("就这些，帮我看看吧", "goodbye"),
        ("那还能考什么", "faq_evaluation"),  # what else they may take
        ("能考什么技能等级", "faq_guantong"),  # after their answer: which grade they may take
        ("能参加什么职业技能评价", "nlu_fallback"),
        ("还能往上评吗", "nlu_fallback"),
        ("她能考什么技能等级", "faq_guantong"),  # the colleague asked for
        ("能评工程师吗", "faq_scope"),  # a level they name: their own case, whatever the topic heard
        ("那我能报技师不", "faq_levels"),
        ("嗯 帮我算算", "out_of_scope"),  # taking up the offer to check their case
        ("好的 算一下", "greet"),
        ("行 你帮我看看", "help"),
        ("为什么不行", "deny"),  # why their answer is what it is: the answer again
        ("为啥不是正高", "deny"),
        ("咋就不行了", "goodbye"),
        ("评副高可以吗", "faq_degree"),  # dev20: the level first, whether they may after it
        ("问能否直接评正高级", "faq_green_channel"),  # a hotline note of the question
        ("她能评中级吗", "faq_scope"),  # the person asked about (explore14 B46)
        ("中级职称可以不", "affirm"),  # explore15 W-2: had closed the topic
        ("那我报技师行不行", "faq_evaluation"),
    ],
)
def test_short_own_case_question_is_the_eligibility_question(text, intent):
    m = said(text, intent)
    own_case_question(m)
    assert m.get("intent")["name"] == "ask_eligibility"


@pytest.mark.parametrize(
    "text,intent",
    [
        ("还能报名吗", "faq_window"),  # when: a side question keeps its intent
        ("能报不", "faq_fee"),  # only small talk, refusals and the fallback are re-read
        ("没有机会了", "deny"),
        ("不用了", "deny"),
        ("你好", "greet"),
        ("帮我写个年终总结", "nlu_fallback"),
        ("评审要考什么", "faq_evaluation"),
        ("能评哪些系列", "faq_scope"),  # no level named: the scope question it is
        ("能考理论吗", "faq_evaluation"),
        ("我是包头的技师干了三年了想问问能评什么职称", "nlu_fallback"),  # long: said more than that
    ],
)
def test_other_messages_keep_their_intent(text, intent):
    m = said(text, intent)
    own_case_question(m)
    assert m.get("intent")["name"] == intent


def test_a_short_question_about_a_level_for_oneself_is_the_eligibility_question():
    m = said("能评副高吗", "nlu_fallback", 0.3)
    own_case_question(m)
    assert m.get("intent")["name"] == "ask_eligibility"


@pytest.mark.parametrize(
    "text,asked",
    [
        ("同一年可以报两个中级职称吗", True),
        ("能同时报工程和农业两个系列的助理吗", True),
        ("一年能评两个职称不", True),
        ("两年能评中级吗", False),
        ("我同时有两个证", False),
        ("今年已经申报了中级工程师，还能同时申报中级农艺师吗", True),  # explore6 A4
        ("我今年已经报了中级工程师，能不能再报个中级农艺师", True),
        ("我已经报了名，再报一次行吗", False),
        ("去年已经报过，今年再报中级行吗", False),  # another year's application
        ("我是技师 干了5年 想同一年报工程系列和农业系列的中级", True),  # explore11 B41: two named
        ("同时报工程师和农艺师可以吗", True),
        ("我同时是技师和工程师", False),
    ],
)
def test_the_one_title_a_year_question_is_recognised(text, asked):
    from bot.nlu.questions import ONE_PER_YEAR

    assert bool(ONE_PER_YEAR.search(text)) == asked


@pytest.mark.parametrize(
    "text,intent,after",
    [
        # the conditions of a title level: the 贯通 routes to it, as “评副高要几年”
        ("副高要什么条件", "out_of_scope", "faq_years"),
        ("那评工程师需要满足哪些条件？", "faq_materials", "faq_years"),
        ("中级职称的条件是什么", "out_of_scope", "faq_years"),
        ("评正高有啥要求", "nlu_fallback", "faq_years"),
        # a skill grade alone is the skill ladder itself: outside the documents
        ("考技师要什么条件", "out_of_scope", "out_of_scope"),
        # materials stay materials; a level without a question of conditions stays as heard
        ("申报副高需要什么材料", "faq_materials", "faq_materials"),
        ("副高工资多少", "out_of_scope", "out_of_scope"),
    ],
)
def test_the_conditions_of_a_title_level_are_the_years_question(text, intent, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": 0.6})
    conditions_of_a_title(m)
    assert m.get("intent")["name"] == after


def test_a_goodbye_that_tells_a_fact_is_the_fact():
    """“调查已经结束了 没事了” after a refusal: the answer must be given again."""
    fact = {"entity": "under_investigation", "value": False, "extractor": "ProfileFactExtractor"}
    m = message("goodbye", [("goodbye", 0.6), ("inform", 0.2)], [fact])
    facts_first(m)
    assert m.get("intent")["name"] == "inform"


@pytest.mark.parametrize(
    "text,entities,after",
    [
        # a statement taken for a what-if: no condition in it
        ("我拿到技师证有几年了不记得了 在百色平果", [FACT], "inform"),
        # a what-if with a condition word, or a fact marked supposed, stays one
        ("要是在百色呢", [FACT], "what_if"),
        ("那明年能报吗", [dict(FACT, entity="application_year", value=2027, role="hypothetical")], "what_if"),
        ("再干两年呢", [], "what_if"),
    ],
)
def test_a_what_if_that_supposes_nothing_is_the_facts_it_states(text, entities, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": "what_if", "confidence": 0.4})
    m.set("intent_ranking", [{"name": "what_if", "confidence": 0.4}, {"name": "inform", "confidence": 0.3}])
    m.set("entities", entities)
    facts_first(m)
    assert m.get("intent")["name"] == after


def test_an_own_case_question_under_a_supposed_fact_is_the_what_if():
    supposed = dict(FACT, entity="application_year", value=2027, role="hypothetical")
    m = Message(data={"text": "那我明年能报吗"})
    m.set("intent", {"name": "ask_eligibility", "confidence": 0.76})
    m.set("entities", [supposed])
    assert supposed_own_case(m) and m.get("intent")["name"] == "what_if"
    m = Message(data={"text": "我是技师，明年能报吗"})  # a fact stated beside it: their case
    m.set("intent", {"name": "ask_eligibility", "confidence": 0.76})
    m.set("entities", [supposed, FACT])
    assert not supposed_own_case(m) and m.get("intent")["name"] == "ask_eligibility"


@pytest.mark.parametrize(
    "text,intent,after",
    [
        ("明年可以报吗", "faq_where", "what_if"),  # after ⏳ 2027: whether they may, that year
        ("2028年能评吗？", "faq_window", "what_if"),
        ("明年几月报名", "faq_window", "faq_window"),  # when, not whether
        ("后年报中级可以吗", "nlu_fallback", "what_if"),  # explore17 M-1
        ("明年报副高行不行", "faq_years", "what_if"),
        ("明年在哪里报", "faq_where", "faq_where"),
    ],
)
def test_whether_one_may_apply_in_a_year_is_the_what_if_of_that_year(text, intent, after):
    supposed = dict(FACT, entity="application_year", value=2027, role="hypothetical")
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": 0.47})
    m.set("entities", [supposed])
    supposed_own_case(m)
    assert m.get("intent")["name"] == after


def test_an_out_of_scope_reading_of_a_statement_with_facts_is_the_facts():
    award = dict(FACT, entity="awards", value=["国家级一类大赛三等奖以上"])
    m = message("out_of_scope", [("out_of_scope", 0.3), ("faq_window", 0.22), ("inform", 0.15)], [award])
    m.set("text", "毕业的时候拿了全国职业技能大赛三等奖")
    facts_first(m)
    assert m.get("intent")["name"] == "inform"
    m = message("out_of_scope", [("out_of_scope", 0.6), ("inform", 0.2)], [FACT])
    m.set("text", "我是技师，工勤岗能转管理岗吗")  # a question outside the documents stays one
    facts_first(m)
    assert m.get("intent")["name"] == "out_of_scope"
    m = message("out_of_scope", [("out_of_scope", 0.6), ("inform", 0.2)], [FACT])
    m.set("text", "我是技师，想从工勤岗转到管理岗")  # a wish outside them too
    facts_first(m)
    assert m.get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text,entities,after",
    [
        ("就是那个世界技能大赛拿了牌的在百色可以评什么职称", [], "faq_green_channel"),
        ("获得全国技术能手的人能评什么职称", [], "faq_green_channel"),
        ("享受国务院特殊津贴的能评正高不", [], "faq_green_channel"),
        # the user's own award, or a level of theirs: their case
        ("我拿了全国技术能手能评什么", [dict(FACT, entity="awards", value=["全国技术能手"])], "ask_eligibility"),
        ("我是技师，拿过大赛奖的能评啥", [FACT], "ask_eligibility"),
        ("我在百色能评什么", [], "ask_eligibility"),
    ],
)
def test_a_question_about_award_holders_in_general_is_the_green_channel(text, entities, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": "ask_eligibility", "confidence": 0.7})
    m.set("entities", entities)
    award_holders_in_general(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize("text", ["那我呢？", "那我自己能评什么", "好的，那我呢", "我自己呢"])
def test_back_to_ones_own_case_is_the_eligibility_question(text):
    """“那我呢” after asking about someone else (actions/whose_case.py brings back their facts)."""
    m = Message(data={"text": text})
    m.set("intent", {"name": "what_if", "confidence": 0.6})
    assert own_case_question(m) and m.get("intent")["name"] == "ask_eligibility"


def test_a_restart_the_message_does_not_ask_for_is_the_next_intent():
    """“之前还有一次” (a second finding) read as “再来一次” wiped the conversation."""
    from bot.nlu.facts_first import restart_not_said

    m = Message(data={"text": "之前还有一次"})
    m.set("intent", {"name": "restart", "confidence": 0.5})
    m.set("intent_ranking", [{"name": "restart", "confidence": 0.5}, {"name": "inform", "confidence": 0.2}])
    assert restart_not_said(m) and m.get("intent")["name"] == "inform"
    for said in ("重新开始", "再来一次", "我再帮同事问问", "刚才的不算"):
        m = Message(data={"text": said})
        m.set("intent", {"name": "restart", "confidence": 0.9})
        assert not restart_not_said(m) and m.get("intent")["name"] == "restart"


@pytest.mark.parametrize(
    "text, after",
    [
        ("我老婆是会计师 她能考什么", "ask_eligibility"),  # a case told, what may be taken asked
        ("我是会计师，能评什么", "ask_eligibility"),
        ("我是技师，事业单位工勤岗能转管理岗吗", "out_of_scope"),  # the question is not about their case
    ],
)
def test_an_out_of_scope_reading_of_a_case_told_and_asked_becomes_an_eligibility_question(text, after):
    """explore10 E13: the answer had opened “这个问题超出了我收录的文件范围” and then answered."""
    m = Message(data={"text": text})
    m.set("intent", {"name": "out_of_scope", "confidence": 0.5})
    m.set("intent_ranking", [{"name": "out_of_scope", "confidence": 0.5}, {"name": "inform", "confidence": 0.2}])
    m.set("entities", [FACT])
    facts_first(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, intent, confidence, after",
    [
        # unsure side-question reading of a case told and a level asked for (tried on WeChat)
        ("有个高级工证 一六年考的 单位让俺问问能不能弄个助理工程师", "faq_discipline", 0.31, "ask_eligibility"),
        # a sure one stays: the question is theirs
        ("高级工证 一六年考的 评助理工程师要交多少钱", "faq_fee", 0.9, "faq_fee"),
        ("我是技师 评职称要什么材料", "faq_materials", 0.4, "faq_materials"),  # no level asked for
    ],
)
def test_an_unsure_side_question_reading_of_a_case_asked_about_is_the_case(text, intent, confidence, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": confidence})
    m.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    m.set("entities", [FACT])
    facts_first(m)
    assert m.get("intent")["name"] == after


def test_dialect_can_i_is_an_own_case_question():
    m = Message(data={"text": "中不中啊到底"})
    m.set("intent", {"name": "nlu_fallback", "confidence": 0.3})
    m.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.3}])
    m.set("entities", [])
    assert own_case_question(m) and m.get("intent")["name"] == "ask_eligibility"


@pytest.mark.parametrize(
    "text, entities",
    [
        # people in general, no level of the user's told
        ("海外引进的人才在内蒙古也能直接考高级技师吗", [{"entity": "region", "value": "nei_mongol"}]),
        ("科技进步奖一定要省部级的才算吗？市级的行不行", [{"entity": "awards", "value": ["省部级以上科技进步奖"]}]),
    ],
)
def test_a_general_question_stays_one_however_unsure(text, entities):
    m = Message(data={"text": text})
    m.set("intent", {"name": "faq_green_channel", "confidence": 0.39})
    m.set("intent_ranking", [{"name": "faq_green_channel", "confidence": 0.39}])
    m.set("entities", [{**e, "extractor": "ProfileFactExtractor"} for e in entities])
    facts_first(m)
    assert m.get("intent")["name"] == "faq_green_channel"


@pytest.mark.parametrize(
    "text, after",
    [
        ("去年单位年度考核俺是不合格 那还能评正高吗", "ask_eligibility"),  # their bar, their case (dev19 d19c14)
        ("年度考核不合格还能评职称吗", "faq_discipline"),  # anyone's: the general answer
        ("我去年考核不合格，影响期多久", "faq_discipline"),  # their bar, a question about the bar
    ],
)
def test_a_bar_of_their_own_with_their_case_asked_is_answered_as_their_case(text, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": "faq_discipline", "confidence": 0.95})
    m.set("intent_ranking", [{"name": "faq_discipline", "confidence": 0.95}])
    m.set("entities", [{"entity": "assessment_ok", "value": False, "extractor": "ProfileFactExtractor"}])
    facts_first(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, intent, entities, after",
    [
        ("3", "goodbye", [], "nlu_fallback"),  # “3” answering the years question (explore11 D02)
        ("12345", "goodbye", [], "nlu_fallback"),
        ("2021", "goodbye", [dict(FACT, entity="skill_grade_year", value=2021)], "goodbye"),  # a fact read
        ("再见", "goodbye", [], "goodbye"),
        ("谢谢", "thank", [], "thank"),
        ("。。。", "goodbye", [], "goodbye"),  # no number: nothing to read as an answer either
    ],
)
def test_a_message_of_numbers_only_is_not_small_talk(text, intent, entities, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": 0.88})
    m.set("entities", entities)
    wordless(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, entities, after",
    [
        ("乌兰察布的，能评正高吗", [dict(FACT, entity="region", value="nei_mongol")], "ask_eligibility"),
        ("乌兰察布的，能评正高吗", [], "faq_scope"),  # no fact of theirs read: the topic stays
        ("百色的，评副高要几年", [dict(FACT, entity="region", value="baise")], "faq_scope"),
    ],
)
def test_a_fact_then_a_level_asked_is_the_eligibility_question(text, entities, after):
    """dev20: “乌兰察布的，能评正高吗” went to the scope answer and the grade question again."""
    m = said(text, "faq_scope", 0.38)
    m.set("entities", entities)
    own_case_question(m)
    assert m.get("intent")["name"] == after


def test_a_statement_read_out_of_scope_whose_next_intent_is_a_what_if_supposing_nothing_is_the_facts():
    """dev20: “我本人就是高工，在苏州一家电气公司做设计” → out_of_scope, then what_if → “这个假设…”."""
    m = Message(data={"text": "我本人就是高工，在苏州一家电气公司做设计"})
    m.set("intent", {"name": "out_of_scope", "confidence": 0.36})
    m.set(
        "intent_ranking",
        [{"name": n, "confidence": c} for n, c in [("out_of_scope", 0.36), ("what_if", 0.1), ("inform", 0.05)]],
    )
    m.set("entities", [dict(FACT, entity="title_level", value="副高级")])
    facts_first(m)
    assert m.get("intent")["name"] == "inform"


@pytest.mark.parametrize(
    "text, facts, after",
    [
        # their own grade and its years told, a bar too, nothing asked: their case (not 申报 → 申报时间)
        (
            "我是百色的技师 四年了 2025年申报的时候被查出材料造假",
            [("skill_grade", "技师"), ("skill_years", 4), ("fraud_year", 2025)],
            "inform",
        ),
        ("我是百色的技师 四年了 评审费多少", [("skill_grade", "技师"), ("skill_years", 4)], "faq_window"),  # asked
        ("百色的技师 四年了 2025年申报的时候被查出造假", [("skill_grade", "技师"), ("skill_years", 4)], "inform"),
        ("技师 2025年申报的时候被查出造假", [("skill_grade", "技师"), ("fraud_count", 1)], "inform"),  # a bar
        ("2025年申报的时候被查出造假", [("fraud_year", 2025)], "faq_window"),  # no level of theirs told
    ],
)
def test_a_side_question_reading_of_ones_own_level_told_and_nothing_asked_is_the_facts(text, facts, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": "faq_window", "confidence": 0.48})
    ranking = [("faq_window", 0.48), ("faq_discipline", 0.4), ("inform", 0.07)]
    m.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    m.set("entities", [dict(FACT, entity=k, value=v) for k, v in facts])
    facts_first(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, intent, facts, after",
    [
        (
            "包头 中级工 两年 还有中级职称 能考高级技师吗",
            "faq_levels",
            [("region", "nei_mongol"), ("skill_grade", "中级工")],
            "ask_eligibility",
        ),
        (
            "平果 高级技师 享受国务院特殊津贴 能直接评正高吗",
            "faq_green_channel",
            [("region", "baise"), ("skill_grade", "高级技师")],
            "ask_eligibility",
        ),
        (  # people in general: nobody's place, no 我
            "拿了省级科技进步奖的工程师能直接评高级技师吗",
            "faq_green_channel",
            [("title_level", "中级")],
            "faq_green_channel",
        ),
        ("高级技师能直接评正高吗", "faq_green_channel", [], "faq_green_channel"),  # no level of theirs told
        ("我是技师，评副高要几年", "faq_years", [("skill_grade", "技师")], "faq_years"),  # the rule asked
    ],
)
def test_their_level_told_and_a_level_asked_last_is_their_case_however_sure_the_topic(text, intent, facts, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": 0.9})
    m.set("intent_ranking", [{"name": intent, "confidence": 0.9}])
    m.set("entities", [dict(FACT, entity=k, value=v) for k, v in facts])
    facts_first(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, facts, after",
    [
        ("山东评职称有啥特殊要求", [("region", "national")], "out_of_scope"),  # explore11 C26
        ("河北有没有自己的细则", [("region", "national")], "out_of_scope"),
        ("我在山东 技师三年 能评中级吗", [("region", "national"), ("skill_grade", "技师")], "ask_eligibility"),
        ("百色有啥特殊要求", [("region", "baise")], "ask_eligibility"),  # its rules are in the base
        ("柳州的贯通实施办法全文发我一下", [("region", "national")], "out_of_scope"),
    ],
)
def test_a_place_s_own_rules_asked_is_out_of_scope(text, facts, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": "ask_eligibility", "confidence": 0.4})
    m.set("entities", [dict(FACT, entity=k, value=v) for k, v in facts])
    local_rules_asked(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "rule, text, intent, after",
    [
        # a contest result said alone is a fact told (dev20 d20c43, after “我参加过世界技能大赛”)
        (contest_result_alone, "拿的铜牌", "nlu_fallback", "inform"),
        (contest_result_alone, "得了三等奖", "goodbye", "inform"),
        (contest_result_alone, "铜牌能评啥", "nlu_fallback", "nlu_fallback"),  # a question: left alone
        (contest_result_alone, "拿的铜牌", "faq_green_channel", "faq_green_channel"),  # a topic read: left alone
        # the fallback on a topic outside the documents is out of scope
        (other_topic_unsure, "劳动合同到期不续签有补偿吗", "nlu_fallback", "out_of_scope"),
        (other_topic_unsure, "社保断了咋补", "nlu_fallback", "out_of_scope"),
        (other_topic_unsure, "中级工多久能考高级工", "nlu_fallback", "out_of_scope"),  # the skill ladder itself
        (other_topic_unsure, "社保断了咋补", "faq_post", "faq_post"),  # only the fallback is re-read
        (other_topic_unsure, "帮我写个年终总结", "nlu_fallback", "nlu_fallback"),
    ],
)
def test_a_short_message_the_classifier_misreads_is_re_read_by_its_rule(rule, text, intent, after):
    m = said(text, intent)
    rule(m)
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, intent, after",
    [
        ("问下", "goodbye", "nlu_fallback"),  # explore13 M2: had ended the chat
        ("挺久了", "goodbye", "nlu_fallback"),  # an answer to the years question the form reads
        ("好的再见", "goodbye", "goodbye"),
        ("88", "goodbye", "goodbye"),
        ("能报不", "goodbye", "ask_eligibility"),  # the own-case reading comes first
        ("劳动合同到期不续签有补偿吗", "goodbye", "out_of_scope"),
    ],
)
def test_a_goodbye_the_message_does_not_say_is_not_one(text, intent, after):
    m = said(text, intent)
    FactsBeforeSmallTalk().process([m])
    assert m.get("intent")["name"] == after


@pytest.mark.parametrize(
    "text, facts, after",
    [
        ("今年年度考核没合格 会不会有影响", [("assessment_ok", False)], "ask_eligibility"),  # dev22 d22c07
        ("年度考核不合格会不会有影响", [], "faq_discipline"),  # the rule asked: no fact of theirs
    ],
)
def test_a_dated_bar_of_theirs_asked_whether_it_affects_them_is_their_case(text, facts, after):
    m = Message(data={"text": text})
    m.set("intent", {"name": "faq_discipline", "confidence": 0.98})
    m.set("intent_ranking", [{"name": "faq_discipline", "confidence": 0.98}])
    m.set("entities", [dict(FACT, entity=k, value=v) for k, v in facts])
    facts_first(m)
    assert m.get("intent")["name"] == after


def test_a_no_that_corrects_a_fact_is_the_correction():
    """explore16 W-1: “不对 我没有造假” after a fraud answer had closed the topic, bar kept."""
    from bot.nlu.facts_first import denial_correcting_a_fact

    denied = dict(FACT, entity="fraud_count", value=0)
    m = Message(data={"text": "不对 我没有造假"})
    m.set("intent", {"name": "deny", "confidence": 0.82})
    m.set("entities", [denied])
    assert denial_correcting_a_fact(m) and m.get("intent")["name"] == "correct"
    m = Message(data={"text": "没有"})  # a plain no to a question of the form stays a no
    m.set("intent", {"name": "deny", "confidence": 0.9})
    m.set("entities", [denied])
    assert not denial_correcting_a_fact(m) and m.get("intent")["name"] == "deny"
