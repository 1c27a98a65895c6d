"""Actions, called as the action server would call them, on hand-built trackers."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerEligibility,
    ActionAnswerFaq,
    ActionHandoff,
    bare_number,
    ActionWhatIf,
)
from actions.eligibility_form import ValidateEligibilityForm
from dialogue.profile_slots import profile_from_slots
from dialogue.questions import questions_to_ask
from rules_engine import evaluate


def tracker(slots=None, text="", intent="inform", entities=None, events=None):
    slots = dict(slots or {})
    return Tracker(
        "test-user",
        slots,
        {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []},
        events or [],
        False,
        None,
        {"name": "eligibility_form"},
        "action_listen",
    )


def run(action, t):
    d = CollectingDispatcher()
    events = asyncio.run(action.run(d, t, {}))
    return d.messages, events


def texts(messages):
    return "\n".join(m.get("text") or m.get("response") or "" for m in messages)


# ── which facts the form asks ─────────────────────────────────────────────────────


def test_what_if_half_a_year_more_is_half_a_year_not_five():
    """“再干半年呢” once read 半 as “.5” and then the 5: “如果再干5年（到2031年）”."""
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 2.5}
    out = texts(run(ActionWhatIf(), tracker(slots, text="要是再干半年呢", intent="what_if"))[0])
    assert out.startswith("如果再干半年（到2027年）") and "可以申报中级职称" in out
    out = texts(run(ActionWhatIf(), tracker(slots, text="再过一年半呢", intent="what_if"))[0])
    assert out.startswith("如果再干1年半（到2028年）")


@pytest.mark.parametrize(
    "slots,first",
    [
        ({}, "skill_grade"),
        ({"skill_grade": "技师"}, "skill_years"),
        ({"skill_grade": "技师", "skill_years": 3.0}, "region"),
        ({"skill_grade": "技师", "skill_grade_year": 2022.0}, "region"),
        ({"region": "nei_mongol", "awards": ["国家级二类竞赛前六名"]}, "graduation_year"),
        ({"region": "baise", "overseas_talent": True}, "degree"),
    ],
)
def test_form_asks_first_the_most_decisive_missing_fact(slots, first):
    asked = asyncio.run(ValidateEligibilityForm().required_slots([], CollectingDispatcher(), tracker(slots), {}))
    assert asked and asked[0] == first


@pytest.mark.parametrize(
    "said,first",
    [
        ("我是百色的，有职称，想考技能等级", "title_level"),
        ("我是专技人员 在赤峰", "title_level"),
        ("我没有职称，百色的", "skill_grade"),
        ("百色的，能评什么", "skill_grade"),
    ],
)
def test_someone_who_said_a_title_is_held_is_asked_the_title_first(said, first):
    """“有职称，想考技能等级”: the title question, not the skill-grade one (which they would
    answer with “初级职称” or “没有”); a message after a restart does not count."""
    events = [{"event": "user", "text": said}]
    asked = asyncio.run(
        ValidateEligibilityForm().required_slots([], CollectingDispatcher(), tracker({}, events=events), {})
    )
    assert asked and asked[0] == first
    restarted = [*events, {"event": "restart"}, {"event": "user", "text": "能评什么"}]
    asked = asyncio.run(
        ValidateEligibilityForm().required_slots([], CollectingDispatcher(), tracker({}, events=restarted), {})
    )
    assert asked[0] == "skill_grade"


def test_form_never_asks_presumed_facts():
    slots = {"skill_grade": "高级技师", "skill_years": 5.0, "region": "baise"}
    asked = asyncio.run(ValidateEligibilityForm().required_slots([], CollectingDispatcher(), tracker(slots), {}))
    assert asked == []  # assessment, series, retirement … are premises of the answer


def test_only_one_opening_question():
    assert questions_to_ask(evaluate({}), []) == ["skill_grade", "region"]


def test_declined_facts_are_not_asked_again():
    assert "region" not in questions_to_ask(evaluate({"skill_grade": "技师", "skill_years": 3}), ["region"])


@pytest.mark.parametrize(
    "profile,asked",
    [
        ({"skill_grade": "中级工"}, []),  # closed in every region, for the same level
        ({"skill_grade": "技师", "retired": True}, []),
        ({"skill_grade": "技师", "skill_years": 4}, ["region"]),  # open: the region's own articles
        ({"skill_grade": "技师", "skill_years": 1}, ["region"]),  # not yet: from which year, where
    ],
)
def test_the_region_is_asked_only_when_it_can_change_the_answer(profile, asked):
    assert questions_to_ask(evaluate(profile), [], profile) == asked


def test_neither_grade_nor_title_is_not_asked_where_they_work():
    """“我啥证都没有 在工地干了十几年”: every region starts the road at 高级工."""
    assert questions_to_ask(evaluate({}), ["skill_grade", "title_level"], {}) == []
    profile = {"awards": ["全国技术能手"]}  # an award opens a route without a grade: where matters
    assert "region" in questions_to_ask(evaluate(profile), ["skill_grade", "title_level"], profile)


def test_a_title_holder_barred_by_a_failed_assessment_is_answered_not_asked_for_a_grade():
    profile = {"region": "baise", "title_level": "中级", "series": "农业", "assessment_ok": False}
    assert "skill_grade" not in evaluate(profile)["missing"]  # 第十三条（二） closes the skill direction
    assert questions_to_ask(evaluate(profile), [], profile) == []


def test_a_bare_number_answers_the_years_question():
    t = tracker({"skill_grade": "技师", "requested_slot": "skill_years"}, text="三年")
    out = asyncio.run(ValidateEligibilityForm().extract_skill_years(CollectingDispatcher(), t, {}))
    assert out == {"skill_years": 3.0}


def test_a_side_question_is_not_taken_as_an_answer():
    t = tracker({"skill_grade": "技师", "requested_slot": "skill_years"}, text="评中级要3百块吗", intent="faq_fee")
    assert asyncio.run(ValidateEligibilityForm().extract_skill_years(CollectingDispatcher(), t, {})) == {}


def test_an_unlisted_place_means_the_national_rules():
    t = tracker({"skill_grade": "技师", "skill_years": 3.0, "requested_slot": "region"}, text="我在杭州")
    d = CollectingDispatcher()
    assert asyncio.run(ValidateEligibilityForm().extract_region(d, t, {})) == {"region": "national"}


def test_dont_know_declines_the_question():
    t = tracker({"skill_grade": "技师", "requested_slot": "skill_years"}, text="不记得了")
    out = asyncio.run(ValidateEligibilityForm().extract_skill_years(CollectingDispatcher(), t, {}))
    assert out == {"declined_slots": ["skill_years"]}


def test_guangxi_outside_baise_gets_the_note():
    t = tracker({}, text="我在南宁", entities=[{"entity": "region", "value": "national", "start": 2, "end": 4}])
    out = asyncio.run(ValidateEligibilityForm().validate_region("national", CollectingDispatcher(), t, {}))
    assert out["region"] == "national" and "桂人社规〔2021〕12号" in out["region_note"]


# ── answers ───────────────────────────────────────────────────────────────────────


def test_answer_states_conclusion_article_and_next_steps():
    msgs, events = run(
        ActionAnswerEligibility(), tracker({"region": "baise", "skill_grade": "高级技师", "skill_years": 5.0})
    )
    body = texts(msgs)
    assert msgs[0]["text"].startswith("✅ 可以申报副高级职称")
    assert "《百色市实施细则》第八条" in body and "6—7月" in body and "广西人才在线网" in body and "380元" in body
    assert all("\n\n" not in m["text"] for m in msgs)  # channels split on blank lines


def test_not_yet_answer_names_the_year():
    msgs, _ = run(ActionAnswerEligibility(), tracker({"region": "national", "skill_grade": "技师", "skill_years": 1.0}))
    assert "2028年起可以申报" in msgs[0]["text"] and "《实施意见》二（二）1" in msgs[0]["text"]


def test_reverse_direction_answer():
    msgs, _ = run(ActionAnswerEligibility(), tracker({"region": "baise", "title_level": "助理级"}))
    body = texts(msgs)
    assert "高级工（三级）" in msgs[0]["text"] and "第十五条" in msgs[0]["text"] and "第二十一条" in body


def test_answer_without_region_says_national_rules_apply():
    msgs, _ = run(ActionAnswerEligibility(), tracker({"skill_grade": "技师", "skill_years": 4.0}))
    assert "国家《实施意见》" in msgs[0]["text"]


def test_bad_slot_value_is_dropped_not_fatal():
    profile, dropped = profile_from_slots({"skill_grade": "大师", "skill_years": 3.0, "region": "baise"})
    assert dropped == ["skill_grade"] and profile == {"skill_years": 3, "region": "baise"}


def test_what_if_one_more_year_is_not_stored():
    slots = {"region": "national", "skill_grade": "技师", "skill_years": 2.0}
    msgs, events = run(ActionWhatIf(), tracker(slots, text="再干一年呢", intent="what_if"))
    assert "可以申报中级职称" in texts(msgs) and events == []


def test_what_if_new_grade():
    slots = {"region": "national", "skill_grade": "高级工", "skill_years": 5.0}
    t = tracker(slots, text="要是拿到技师呢", intent="what_if", entities=[{"entity": "skill_grade", "value": "技师"}])
    msgs, _ = run(ActionWhatIf(), t)
    assert "中级职称" in texts(msgs) and "2029" in texts(msgs)


def test_what_if_words_the_hypothesis_as_the_applicant_would():
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 7.0}
    t = tracker(slots, text="要是考核都合格呢", intent="what_if", entities=[{"entity": "assessment_ok", "value": True}])
    msgs, events = run(ActionWhatIf(), t)
    assert texts(msgs).startswith("如果近3年年度考核都合格：") and "True" not in texts(msgs)
    assert events == []
    t = tracker(slots, text="要是在内蒙古呢", intent="what_if", entities=[{"entity": "region", "value": "nei_mongol"}])
    assert texts(run(ActionWhatIf(), t)[0]).startswith("如果在内蒙古：")


def test_what_if_later_without_a_number_is_one_more_year_and_with_one_that_many():
    slots = {"region": "national", "skill_grade": "技师", "skill_years": 1.0}
    assert texts(run(ActionWhatIf(), tracker(slots, text="那以后呢", intent="what_if"))[0]).startswith("如果再干1年")
    assert texts(run(ActionWhatIf(), tracker(slots, text="那要是三年以后呢", intent="what_if"))[0]).startswith(
        "如果再干3年"
    )
    assert texts(run(ActionWhatIf(), tracker(slots, text="再过两年能评吗", intent="what_if"))[0]).startswith(
        "如果再干2年"
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("要是我拿过省级技能大赛一等奖呢", "全国技术能手"),  # an award the documents do not name
        ("假如情况变了呢", "再干两年呢"),
    ],
)
def test_what_if_without_a_recognised_condition_says_so_instead_of_guessing(text, expected):
    slots = {"region": "nei_mongol", "skill_grade": "高级工", "skill_years": 6.0}
    msgs, events = run(ActionWhatIf(), tracker(slots, text=text, intent="what_if"))
    assert len(msgs) == 1 and "没能对应" in msgs[0]["text"] and expected in msgs[0]["text"]
    assert "如果" not in msgs[0]["text"][:3] and "再干1年" not in msgs[0]["text"] and events == []


def test_faq_fee_with_region():
    msgs, _ = run(ActionAnswerFaq(), tracker({"region": "baise"}, text="评中级要多少钱", intent="faq_fee"))
    assert "230元" in texts(msgs) and "第十一条（六）" in texts(msgs)


def test_faq_without_region_answers_per_region_and_asks_for_it():
    msgs, _ = run(ActionAnswerFaq(), tracker({}, text="什么时候申报", intent="faq_window"))
    body = texts(msgs)
    assert "百色市" in body and "6—7月" in body and "内蒙古" in body
    assert msgs[-1].get("response") == "utter_faq_region_hint"


def test_faq_education_equivalent():
    msgs, _ = run(
        ActionAnswerFaq(),
        tracker({"region": "nei_mongol", "skill_school_class": "高级工班"}, intent="faq_education_equivalent"),
    )
    assert "大专" in texts(msgs) and "《内蒙古通知》二（二）" in texts(msgs)


def test_handoff_gives_summary():
    msgs, events = run(ActionHandoff(), tracker({"region": "baise", "skill_grade": "技师", "skill_years": 3.0}))
    assert msgs[0]["response"] == "utter_handoff" and msgs[0]["hotline"] == "12333"
    assert "最高技能等级：技师" in texts(msgs) and "百色" in texts(msgs)


def test_faq_without_region_names_the_silent_regions_once():
    msgs, _ = run(ActionAnswerFaq(), tracker({}, text="评中级要多少钱", intent="faq_fee"))
    body = texts(msgs)
    assert "230元" in body and body.count("未作具体规定") == 1


def test_a_place_answer_classified_as_greeting_still_answers_the_region_question():
    t = tracker({"skill_grade": "技师", "skill_years": 3.0, "requested_slot": "region"}, text="在杭州", intent="greet")
    assert asyncio.run(ValidateEligibilityForm().extract_region(CollectingDispatcher(), t, {})) == {
        "region": "national"
    }


def test_numbers_carried_as_text_are_understood():
    profile, dropped = profile_from_slots({"skill_grade": "技师", "skill_grade_year": "2023", "skill_years": "3"})
    assert profile == {"skill_grade": "技师", "skill_grade_year": 2023, "skill_years": 3} and dropped == []


def test_only_the_offending_key_is_dropped():
    profile, dropped = profile_from_slots({"skill_grade": "技师", "skill_grade_year": 2031.0})
    assert dropped == ["skill_grade_year"] and profile == {"skill_grade": "技师"}


# ── general questions and questions outside the documents (issue 13) ─────────────

from actions.general import ActionAnswerGeneral, ActionAnswerOutOfScope  # noqa: E402
from dialogue.replies import eligibility_messages, nothing_further  # noqa: E402


def outside_form(slots=None, text="", intent="faq_levels"):
    return Tracker(
        "test-user",
        dict(slots or {}),
        {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


def own_case_value(events):
    return next(e["value"] for e in events if e.get("name") == "own_case")


def test_a_level_question_is_answered_with_the_article_then_the_own_case_is_offered():
    msgs, events = run(ActionAnswerGeneral(), outside_form(text="助理工程师算哪一级", intent="faq_levels"))
    out = texts(msgs)
    assert out.startswith("助理工程师是助理级职称")
    assert "《百色市实施细则》第四条" in out and "《百色市实施细则》第五条" in out
    assert "告诉我您的技能等级" in msgs[-1]["text"] and own_case_value(events) is False


def test_the_old_belief_that_workers_cannot_get_titles_is_corrected_citing_the_national_text():
    msgs, _ = run(ActionAnswerGeneral(), outside_form(text="工人评不了工程师吧", intent="faq_guantong"))
    assert msgs[0]["text"].startswith("不是这样的") and "2020年" in msgs[0]["text"]
    assert "《实施意见》二（二）1" in texts(msgs)


@pytest.mark.parametrize("text", ["那工人到底能不能评职称", "工人可不可以评职称", "工人能不能参加职称评审"])
def test_a_neutral_question_is_not_corrected_as_a_misbelief(text):
    msgs, _ = run(ActionAnswerGeneral(), outside_form(text=text, intent="faq_guantong"))
    assert not texts(msgs).startswith("不是这样的") and "2020年" in texts(msgs)


def test_the_two_ladders_cite_the_articles_defining_them():
    msgs, _ = run(ActionAnswerGeneral(), outside_form(text="技能人才和专技人才有啥不同", intent="faq_ladders"))
    assert "第四条" in msgs[0]["text"] and "第五条" in msgs[1]["text"]


def test_discipline_names_the_bars_explains_the_period_and_says_the_documents_give_no_length():
    msgs, _ = run(ActionAnswerGeneral(), outside_form(text="处分期满多久能评", intent="faq_discipline"))
    out = texts(msgs)
    assert "《百色市实施细则》第七条（三）" in out and "《百色市实施细则》第十四条" in out
    assert "“影响期”是" in out and "没有写" in out
    assert "（百色市）" in out  # a local rule is labelled when the region is unknown


def test_a_fraud_question_leads_with_the_fraud_bar():
    msgs, _ = run(
        ActionAnswerGeneral(), outside_form({"region": "baise"}, "弄虚作假被查出来多久不能评", "faq_discipline")
    )
    assert "《百色市实施细则》第七条（二）" in msgs[0]["text"] and "3年内不得申报" in msgs[0]["text"]


def test_the_green_channel_is_answered_with_the_regions_award_article():
    msgs, _ = run(
        ActionAnswerGeneral(), outside_form({"region": "nei_mongol"}, "哪些奖能直接评正高", "faq_green_channel")
    )
    assert "《内蒙古通知》二（四）" in texts(msgs) and "中华技能大奖" in texts(msgs)
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "绿色通道是什么", "faq_green_channel"))
    assert "《实施意见》二（二）3" in texts(msgs)


def test_a_definition_quoted_from_baise_says_so_to_others_but_not_to_baise():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({"region": "nei_mongol"}, "助理工程师算哪一级", "faq_levels"))
    assert "层级各地相同" in texts(msgs) and "只适用于百色市" in texts(msgs)
    msgs, _ = run(ActionAnswerGeneral(), outside_form({"region": "baise"}, "助理工程师算哪一级", "faq_levels"))
    assert "层级各地相同" not in texts(msgs) and "《百色市实施细则》第四条" in texts(msgs)


def test_years_follow_the_region_in_force():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({"region": "baise"}, "评副高要几年", "faq_years"))
    assert "《百色市实施细则》第八条" in texts(msgs) and "《百色市实施细则》第十条" in texts(msgs)


def test_the_conditions_of_a_title_are_its_routes_and_what_the_documents_leave_out():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({"region": "baise"}, "副高要什么条件", "faq_years"))
    out = texts(msgs)
    assert "《百色市实施细则》第八条" in out and "《百色市实施细则》第十条" in out
    assert "不走贯通的一般职称评审" in out and "12333" in out
    msgs, _ = run(ActionAnswerGeneral(), outside_form({"region": "baise"}, "评副高要几年", "faq_years"))
    assert "不走贯通" not in texts(msgs)  # a question of years is answered as asked


def test_years_between_two_skill_grades_are_outside_the_documents():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "高级工怎么升技师 要几年", "faq_years"))
    out = texts(msgs)
    assert "技能等级本身的晋级条件" in out and "12333" in out and "可评助理级" not in out
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "技师评副高要几年", "faq_years"))
    assert "高级技师满4年可评副高级" in texts(msgs)


def test_a_grade_asked_as_a_title_names_the_title_it_opens():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "高级技师对应啥职称", "faq_levels"))
    assert "取得高级技师后满4年可申报副高级职称（《实施意见》二（二）1）" in msgs[0]["text"]


def test_a_general_question_from_someone_who_said_who_they_are_offers_their_check():
    """Facts still missing (region, years): the form's question would come unasked for."""
    msgs, events = run(
        ActionAnswerGeneral(), outside_form({"skill_grade": "技师"}, "我是技师，评副高要几年", "faq_years")
    )
    assert own_case_value(events) is False
    assert msgs[-1]["text"] == "要我按您的情况（技师）算一下能申报什么吗？"


def test_a_general_question_with_every_fact_needed_goes_on_to_their_answer():
    profile = {"skill_grade": "技师", "skill_years": 4, "region": "baise"}
    msgs, events = run(ActionAnswerGeneral(), outside_form(profile, "我是技师干了四年，评副高要几年", "faq_years"))
    assert own_case_value(events) is True
    assert "算一下" not in msgs[-1]["text"]  # no offer: their answer follows


def test_inside_the_form_a_general_answer_neither_offers_nor_restarts():
    msgs, events = run(
        ActionAnswerGeneral(), tracker({"skill_grade": "技师"}, text="技师相当于什么职称", intent="faq_levels")
    )
    assert own_case_value(events) is False and "告诉我" not in texts(msgs)


def test_after_the_answer_there_is_no_offer_again():
    t = outside_form({"skill_grade": "技师", "answered": True}, "副高是什么意思", "faq_levels")
    msgs, events = run(ActionAnswerGeneral(), t)
    assert own_case_value(events) is False and "告诉我" not in texts(msgs)


def test_a_message_not_in_chinese_is_asked_for_in_chinese():
    """Inside the scope, but in English: not “outside the documents”."""
    text = "I am a senior technician in Baise, what title can I apply for?"
    msgs, _ = run(ActionAnswerOutOfScope(), outside_form(text=text, intent="out_of_scope"))
    assert "只能读懂中文" in texts(msgs) and "超出" not in texts(msgs)
    msgs, _ = run(ActionAnswerOutOfScope(), outside_form(text="事业单位工勤岗能转管理岗吗", intent="out_of_scope"))
    assert "只能读懂中文" not in texts(msgs)


def test_out_of_scope_says_what_the_documents_cover_and_where_to_ask():
    msgs, events = run(ActionAnswerOutOfScope(), outside_form(text="事业单位工勤岗能转管理岗吗", intent="out_of_scope"))
    out = texts(msgs)
    assert "《实施意见》" in out and "《百色市实施细则》" in out and "12333" in out and "工勤岗" in out
    assert not any((m.get("response") or "").startswith("utter_ask_") for m in msgs)
    assert own_case_value(events) is False


def test_an_undecided_answer_asks_for_what_is_missing_instead_of_refusing():
    decision = {"options": [], "blockers": [], "missing": ["skill_years"], "next_steps": []}
    out = "\n".join(eligibility_messages(decision))
    assert "没有找到" not in out and "没有对应" not in out
    assert "还需要知道" in out and "年限" in out


def test_a_side_question_with_every_fact_needed_goes_on_to_their_answer():
    profile = {"skill_grade": "技师", "skill_years": 4, "region": "national"}
    _, events = run(ActionAnswerFaq(), outside_form(profile, "职称怎么评", "faq_evaluation"))
    assert own_case_value(events) is True


def test_a_side_question_with_facts_still_missing_offers_the_check_instead_of_asking():
    """“我是包头的技师，评职称要交多少钱”: the fee, then an offer — not the form's question."""
    msgs, events = run(
        ActionAnswerFaq(), outside_form({"skill_grade": "技师", "region": "nei_mongol"}, "评职称要交多少钱", "faq_fee")
    )
    assert own_case_value(events) is False
    assert {"event": "slot", "timestamp": None, "name": "offered_own_case", "value": True} in events
    assert "要我按您的情况（技师）算一下能申报什么吗？" in texts(msgs)


def test_years_of_the_other_direction_answer_the_skill_ladder():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "工程师几年能考技师", "faq_years"))
    assert "《实施意见》二（四）" in msgs[0]["text"] and "技师职业技能评价" in msgs[0]["text"]
    assert "晋级评价" in texts(msgs) and "评副高" not in texts(msgs)


def test_a_question_with_a_fact_inside_the_form_is_answered_and_the_form_goes_on():
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "我是技师 评中级要交多少钱"},
        {"event": "slot", "name": "skill_grade", "value": "技师"},
        {"event": "action", "name": "eligibility_form"},
        {"event": "slot", "name": "skill_grade", "value": "技师"},
    ]
    t = Tracker(
        "test-user",
        {"skill_grade": "技师", "region": "baise", "requested_slot": "skill_grade"},
        {"text": "我是技师 评中级要交多少钱", "intent": {"name": "faq_fee"}, "entities": []},
        events,
        False,
        None,
        {"name": "eligibility_form"},
        "eligibility_form",
    )
    msgs, out = run(ValidateEligibilityForm(), t)
    assert "230元" in texts(msgs)  # the question is answered …
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "requested_slot",
        "value": "skill_years",
    } in out  # … the form goes on


def test_dont_know_declines_inside_the_form_run():
    t = tracker(
        {"region": "national", "skill_grade": "技师", "requested_slot": "skill_years"}, text="不知道", intent="deny"
    )
    _, events = run(ValidateEligibilityForm(), t)
    assert any(e.get("name") == "declined_slots" and e.get("value") == ["skill_years"] for e in events)


def test_dont_know_declines_the_grade_question_too():
    t = tracker({"region": "national", "requested_slot": "skill_grade"}, text="不清楚", intent="nlu_fallback")
    _, events = run(ValidateEligibilityForm(), t)
    assert any(e.get("name") == "declined_slots" and e.get("value") == ["skill_grade"] for e in events)


def test_a_side_question_that_waited_for_the_region_is_answered_when_it_comes():
    """“评职称要交多少钱” — “告诉我您所在的地区，我可以按当地规定回答” — “我在百色”."""
    events = [
        {"event": "user", "text": "评职称要交多少钱", "parse_data": {"intent": {"name": "faq_fee"}}},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_faq_region_hint"}},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "我在百色", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "slot", "name": "region", "value": "baise"},
    ]
    t = tracker({"region": "baise"}, text="我在百色", entities=[{"entity": "region", "value": "baise"}], events=events)
    msgs, _ = run(ValidateEligibilityForm(), t)
    assert "第十一条（六）" in texts(msgs) and "380元" in texts(msgs)
    events[1]["metadata"] = {"utter_action": "utter_ask_region"}  # no promise made: nothing said
    msgs, _ = run(ValidateEligibilityForm(), t)
    assert "380元" not in texts(msgs)


def test_a_time_said_forgotten_with_the_grade_is_not_asked_for():
    """“我拿到技师证有几年了不记得了 在百色平果”: the undecided answer, not the years question."""
    slots = {"region": "baise", "skill_grade": "技师"}
    entities = [{"entity": "skill_grade", "value": "技师"}, {"entity": "region", "value": "baise"}]
    t = tracker(slots, text="我拿到技师证有几年了不记得了 在百色平果", intent="inform", entities=entities)
    _, events = run(ValidateEligibilityForm(), t)
    assert any(e.get("name") == "declined_slots" and e.get("value") == ["skill_years"] for e in events)
    t = tracker(slots, text="我拿到技师证五年了 在百色平果", intent="inform", entities=entities)
    _, events = run(ValidateEligibilityForm(), t)
    assert not any(e.get("name") == "declined_slots" for e in events)


def test_dont_know_declines_any_question_of_the_form():
    """A question without its own reading of answers (the year of a fraud finding)."""
    slots = {
        "region": "baise",
        "skill_grade": "技师",
        "skill_years": 5.0,
        "fraud_count": 1,
        "requested_slot": "fraud_year",
    }
    t = tracker(slots, text="不记得哪年了", intent="nlu_fallback")
    _, events = run(ValidateEligibilityForm(), t)
    assert any(e.get("name") == "declined_slots" and e.get("value") == ["fraud_year"] for e in events)


def test_dont_know_counts_as_an_answer_whatever_the_classifier_made_of_it():
    slots = {"region": "national", "skill_grade": "技师", "requested_slot": "skill_years"}
    t = tracker(slots, text="哪年拿的证真不记得了", intent="faq_evaluation")
    out = asyncio.run(ValidateEligibilityForm().extract_skill_years(CollectingDispatcher(), t, {}))
    assert out == {"declined_slots": ["skill_years"]}


@pytest.mark.parametrize(
    "said,entity,value,before,expected",
    [
        ("前年", "skill_grade_year", 2024, 2019, 2024),  # read by the NLU as the grade's year
        ("24年", "skill_years", 24, 5.0, 2024),  # read as 24 years of work
    ],
)
def test_a_year_said_alone_answers_the_year_asked_for_and_leaves_the_grade_alone(said, entity, value, before, expected):
    slots = {"region": "baise", "skill_grade": "技师", entity: value, "fraud_count": 1, "requested_slot": "fraud_year"}
    earlier = [{"event": "slot", "name": entity, "value": before}, {"event": "user", "text": said}]
    entities = [{"entity": entity, "value": value, "start": 0, "end": len(said)}]
    t = tracker(slots, text=said, entities=entities, events=earlier)
    _, events = run(ValidateEligibilityForm(), t)
    assert {"fraud_year": expected, entity: before}.items() <= {e["name"]: e["value"] for e in events}.items()


@pytest.mark.parametrize(
    "said,entities,grade", [("高级", [], "高级工"), ("中级的", [{"entity": "title_level", "value": "中级"}], "中级工")]
)
def test_a_bare_level_answering_the_grade_question_is_that_grade(said, entities, grade):
    slots = {"region": "national", "requested_slot": "skill_grade"}
    t = tracker(slots, text=said, entities=entities)
    out = asyncio.run(ValidateEligibilityForm().extract_skill_grade(CollectingDispatcher(), t, {}))
    assert out == {"skill_grade": grade, "title_level": None}


def test_a_bare_level_to_the_grade_question_is_that_grade_through_the_whole_form_step():
    """“中级” to the grade question: the NLU's 中级职称 had ended the form before the grade
    was read (the slots still required were computed with it) — explore10 A05, E06."""
    said = "中级"
    slots = {"region": "nei_mongol", "requested_slot": "skill_grade", "title_level": "中级"}
    events = [{"event": "user", "text": said}, {"event": "slot", "name": "title_level", "value": "中级"}]
    entities = [{"entity": "title_level", "value": "中级", "start": 0, "end": 2}]
    domain = {"slots": {}, "forms": {"eligibility_form": {"required_slots": []}}}
    t = tracker(slots, text=said, entities=entities, events=events)
    out = asyncio.run(ValidateEligibilityForm().run(CollectingDispatcher(), t, domain))
    final = {}
    for e in out:
        if e.get("event") == "slot":
            final[e["name"]] = e["value"]
    assert final["skill_grade"] == "中级工" and final["title_level"] is None


def test_guangxi_as_the_answer_asks_for_the_city_and_the_form_goes_on():
    t = tracker(
        {"skill_grade": "技师", "skill_years": 3.0, "requested_slot": "region"}, text="广西", intent="nlu_fallback"
    )
    messages, events = run(ValidateEligibilityForm(), t)
    assert "哪个市" in texts(messages)
    assert not any(e.get("name") == "region" for e in events)
    assert any(e.get("event") == "slot" and e.get("name") != "requested_slot" for e in events)  # not rejected


def test_a_grade_named_in_a_general_question_without_speaking_of_oneself_only_gets_the_offer():
    _, events = run(ActionAnswerGeneral(), outside_form({"skill_grade": "技师"}, "技师评副高要几年", "faq_years"))
    assert own_case_value(events) is False
    earlier = [{"event": "slot", "name": "skill_grade", "value": "技师"}, {"event": "user", "text": "评副高要几年"}]
    t = Tracker(
        "test-user",
        {"skill_grade": "技师"},
        {"text": "评副高要几年", "intent": {"name": "faq_years"}, "entities": []},
        earlier,
        False,
        None,
        {},
        "action_listen",
    )
    assert own_case_value(run(ActionAnswerGeneral(), t)[1]) is True  # said before: their own case


def test_what_if_with_a_supposed_total_of_years_sets_them_instead_of_adding():
    slots = {"region": "national", "skill_grade": "技师", "skill_years": 1.0}
    t = tracker(
        slots,
        text="如果我已经干满三年了呢",
        intent="what_if",
        entities=[{"entity": "skill_years", "value": 3, "role": "hypothetical"}],
    )
    msgs, events = run(ActionWhatIf(), t)
    assert "可以申报中级职称" in texts(msgs) and "再干" not in texts(msgs) and events == []


def test_what_if_takes_the_supposed_facts_not_the_stated_ones():
    slots = {"region": "national", "skill_grade": "高级工", "skill_years": 5.0}
    t = tracker(
        slots,
        text="我是高级工，要是拿到技师呢",
        intent="what_if",
        entities=[
            {"entity": "skill_grade", "value": "高级工"},
            {"entity": "skill_grade", "value": "技师", "role": "hypothetical"},
        ],
    )
    msgs, _ = run(ActionWhatIf(), t)
    assert texts(msgs).startswith("如果技师") and "中级职称" in texts(msgs)


def test_what_if_does_not_take_the_stated_years_for_years_to_come():
    slots = {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 2.0}
    t = tracker(
        slots,
        text="我是技师在包头干了两年 要是考核都合格呢",
        intent="what_if",
        entities=[
            {"entity": "skill_grade", "value": "技师"},
            {"entity": "region", "value": "nei_mongol"},
            {"entity": "skill_years", "value": 2},
            {"entity": "assessment_ok", "value": True, "role": "hypothetical"},
        ],
    )
    assert texts(run(ActionWhatIf(), t)[0]).startswith("如果近3年年度考核都合格：")
    t = tracker(
        slots, text="干了两年了，要是再干一年呢", intent="what_if", entities=[{"entity": "skill_years", "value": 2}]
    )
    assert texts(run(ActionWhatIf(), t)[0]).startswith("如果再干1年")


def test_a_new_fact_said_with_a_side_question_after_the_answer_leads_to_a_new_answer():
    answered = [
        {"event": "slot", "name": "skill_grade", "value": "技师"},
        {"event": "slot", "name": "answered", "value": True},
        {"event": "user", "text": "还在全国职业技能大赛上拿过铜牌 有什么待遇"},
        {"event": "slot", "name": "awards", "value": ["全国职业技能大赛铜牌"]},
    ]
    slots = {"skill_grade": "技师", "region": "baise", "answered": True, "awards": ["全国职业技能大赛铜牌"]}
    t = Tracker(
        "test-user",
        slots,
        {"text": "还在全国职业技能大赛上拿过铜牌 有什么待遇", "intent": {"name": "faq_post"}, "entities": []},
        answered,
        False,
        None,
        {},
        "action_listen",
    )
    assert own_case_value(run(ActionAnswerFaq(), t)[1]) is True
    unchanged = answered[:3]
    t = Tracker(
        "test-user",
        slots,
        {"text": "有什么待遇", "intent": {"name": "faq_post"}, "entities": []},
        unchanged,
        False,
        None,
        {},
        "action_listen",
    )
    assert own_case_value(run(ActionAnswerFaq(), t)[1]) is False


def test_out_of_scope_about_guangxi_outside_baise_says_its_rules_are_not_in_the_base():
    t = outside_form({"region": "national"}, "我在南宁 想问问广西有啥贯通政策", "out_of_scope")
    t.latest_message["entities"] = [{"entity": "region", "value": "national", "start": 2, "end": 4}]
    msgs, _ = run(ActionAnswerOutOfScope(), t)
    assert "桂人社规〔2021〕12号" in texts(msgs)


def test_a_discipline_question_about_skill_evaluation_leads_with_the_skill_bar():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "被记过了还能考技能等级吗", "faq_discipline"))
    assert "第十四条" in msgs[0]["text"]


WHICH_JUNIOR = "utter_which_junior_title"


@pytest.mark.parametrize(
    "text,entities,slots,said,set_now",
    [
        # said unprompted: 初级职称 is asked about, 员级 is clear (interpretations #29)
        (
            "我有初级职称 在赤峰 能考高级工吗",
            [{"entity": "region", "value": "nei_mongol"}],
            {},
            WHICH_JUNIOR,
            {"junior_title": "初级"},
        ),
        ("我是员级职称", [], {}, "员级职称（如技术员）", {"junior_title": "员级", "declined_slots": ["title_level"]}),
        ("初级职称，助理工程师", [{"entity": "title_level", "value": "助理级"}], {}, None, {}),
        ("初级职称那个我说过了", [], {"title_level": "助理级"}, None, {}),
        ("我是技师，在赤峰", [{"entity": "skill_grade", "value": "技师"}], {}, None, {}),
        # in answer to the title question
        ("助理", [], {"requested_slot": "title_level"}, None, {"title_level": "助理级"}),
        ("是助理级那种", [], {"requested_slot": "title_level"}, None, {"title_level": "助理级"}),
        ("技术员", [], {"requested_slot": "title_level"}, "员级职称（如技术员）", {"junior_title": "员级"}),
        # “初级职称” to the title question: which one, asked once; said again, it is declined
        ("就是初级职称", [], {"requested_slot": "title_level"}, WHICH_JUNIOR, {"junior_title": "初级"}),
        (
            "就是初级职称",
            [],
            {"requested_slot": "title_level", "junior_title": "初级"},
            None,
            {"declined_slots": ["title_level"]},
        ),
        # to the skill-grade question: “初级职称” is asked about, a bare “初级” is 初级工 (not a title)
        ("初级职称", [], {"requested_slot": "skill_grade"}, WHICH_JUNIOR, {"junior_title": "初级"}),
        ("初级", [], {"requested_slot": "skill_grade"}, None, {}),
        # a bare “助理” said alone is 助理级 whatever was asked (“拿了初级职称…还有高级工证” → years? → “助理”)
        ("助理", [], {"requested_slot": "skill_years"}, None, {"title_level": "助理级"}),
    ],
)
def test_a_junior_title_is_asked_about_read_or_told_it_has_no_route(text, entities, slots, said, set_now):
    """初级职称 covers 员级 and 助理级: ask which, never assume; “助理” answers it; 员级 is
    held but has no 贯通 route, so the title question is not asked again."""
    domain = {"slots": {}, "forms": {"eligibility_form": {"required_slots": []}}}
    d = CollectingDispatcher()
    events = asyncio.run(ValidateEligibilityForm().run(d, tracker(slots, text=text, entities=entities), domain))
    heard = [m.get("response") or m.get("text") for m in d.messages]
    assert (said is not None) == bool(heard) and all(said in h for h in heard)
    slots_set = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    for name, value in set_now.items():
        assert slots_set.get(name) == value
    if not set_now:
        assert "junior_title" not in slots_set
        assert slots_set.get("title_level", slots.get("title_level")) == slots.get("title_level")


@pytest.mark.parametrize(
    "junior,region,heard,not_heard",
    [
        ("员级", "baise", ["员级职称", "没有对应的申报通道", "第十五条"], ["如果您的初级职称是助理级"]),
        ("初级", "baise", ["如果您的初级职称是助理级", "高级工（三级）", "第十五条", "如果是员级职称"], []),
        ("初级", None, ["如果您的初级职称是助理级", "二（四）"], []),
    ],
)
def test_a_junior_title_without_a_grade_hears_what_each_junior_level_opens(junior, region, heard, not_heard):
    slots = {"junior_title": junior, "declined_slots": ["title_level", "skill_grade"], "region": region}
    msgs, events = run(ActionAnswerEligibility(), tracker(slots, text="没有"))
    said = texts(msgs)
    assert all(h in said for h in heard) and not any(n in said for n in not_heard)
    assert SlotSet("answered", True) in events


# ── facts told over several turns ─────────────────────────────────────────────────


def _slot(name, value):
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def _after(before, text, entities, set_now, intent="inform"):
    """A tracker just after the NLU read `text`: `before` set earlier, `set_now` by this message."""
    slots = {**before, **set_now}
    events = [_slot(k, v) for k, v in before.items()]
    events += [{"event": "user", "text": text, "parse_data": {}}] + [_slot(k, v) for k, v in set_now.items()]
    return tracker(slots, text=text, intent=intent, entities=entities, events=events)


KNOWN = {"region": "baise", "skill_grade": "技师", "skill_years": 4, "fraud_year": 2024, "fraud_count": 1}


@pytest.mark.parametrize(
    "text,entities,intent,count,year",
    [
        # another finding, in an earlier year: two findings, the bar from the latest
        ("其实22年也被查出来过一回", [{"entity": "fraud_year", "value": 2022}], "inform", 2, 2024),
        ("后来又造假被查了一次", [{"entity": "fraud_count", "value": 1}], "faq_discipline", 2, 2024),
        # a correction of the year, and the same finding told again: one finding
        ("不对，是22年被查出来的", [{"entity": "fraud_year", "value": 2022}], "correct", 1, 2022),
        ("24年也就那一次", [{"entity": "fraud_year", "value": 2024}], "inform", 1, 2024),
    ],
)
def test_a_second_fraud_finding_told_later_is_counted(text, entities, intent, count, year):
    set_now = {e["entity"]: e["value"] for e in entities}
    t = _after(KNOWN, text, entities, set_now, intent)
    _, events = run(ValidateEligibilityForm(), t)
    slots = {**KNOWN, **set_now, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    assert (slots["fraud_count"], slots["fraud_year"]) == (count, year)


def _declined_after(slots, text, intent):
    """What the form's validator marks as declined after `text` in answer to a question."""
    _, events = run(ValidateEligibilityForm(), tracker(slots, text=text, intent=intent))
    return next((e.get("value") for e in events if e.get("name") == "declined_slots"), None)


def test_asking_for_the_answer_instead_of_answering_declines_the_question():
    """“那我现在能评啥” to “多少年了？”: the answer now, without that fact."""
    slots = {"region": "national", "skill_grade": "高级工", "requested_slot": "skill_years"}
    assert _declined_after(slots, "那我现在能评啥", "ask_eligibility") == ["skill_years"]


def test_the_grade_got_the_year_of_graduation_takes_that_year():
    before = {"region": "nei_mongol", "graduation_year": 2018, "requested_slot": "skill_grade"}
    entities = [{"entity": "skill_grade", "value": "高级工"}]
    t = _after(before, "高级工也是毕业那年拿的", entities, {"skill_grade": "高级工"})
    _, events = run(ValidateEligibilityForm(), t)
    assert _slot("skill_grade_year", 2018) in events


def test_an_award_told_after_the_answer_is_added_to_the_first_when_the_form_starts_again():
    """On activation Rasa sends the validator only the facts the form requires; the
    awards of this message are merged all the same."""
    before = {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 1, "awards": ["全国技术能手"]}
    entities = [{"entity": "awards", "value": ["全区技术能手"]}]
    t = _after(before, "还是自治区技术能手", entities, {"awards": ["全区技术能手"]})
    t.events.append({"event": "action", "name": "eligibility_form"})  # candidates are not trailing
    _, events = run(ValidateEligibilityForm(), t)
    assert _slot("awards", ["全国技术能手", "全区技术能手"]) in events


@pytest.mark.parametrize(
    "text,intent,kept",
    [
        ("前年和今年都是合格的", "inform", False),  # the failed year is still one of the three
        ("近三年考核都合格", "inform", True),
        ("不对，考核都合格", "correct", True),
    ],
)
def test_a_failed_assessment_told_before_stays_unless_undone(text, intent, kept):
    before = {"region": "baise", "skill_grade": "高级工", "skill_years": 5, "assessment_ok": False}
    t = _after(before, text, [{"entity": "assessment_ok", "value": True}], {"assessment_ok": True}, intent)
    _, events = run(ValidateEligibilityForm(), t)
    assert _slot("assessment_ok", kept) in events


def test_when_can_i_apply_after_the_answer_gives_their_year_first():
    """“那什么时候能评中级”: 2029 (技师 of 2026 + 3 years), then the window."""
    profile = {"region": "nei_mongol", "skill_grade": "技师", "skill_grade_year": 2026, "answered": True}
    msgs, _ = run(ActionAnswerFaq(), outside_form(profile, "那什么时候能评中级", "faq_window"))
    assert msgs[0]["text"].startswith("按您的情况：⏳ 2029年起可以申报中级职称")


def _what_if(profile, text, entities):
    t = tracker(profile, text=text, intent="what_if", entities=entities)
    return texts(run(ActionWhatIf(), t)[0])


def test_a_title_holder_asking_about_a_higher_grade_hears_which_title_it_goes_with():
    """A 中级 engineer: “那高级技师呢” is no worker's what-if (a 副高级 title from 2030)."""
    profile = {"region": "nei_mongol", "title_level": "中级", "series": "工程", "title_years": 7}
    out = _what_if(profile, "那高级技师呢", [{"entity": "skill_grade", "value": "高级技师", "role": "hypothetical"}])
    assert "高级技师（一级）职业技能评价对应的是副高级职称" in out and "可以申报技师（二级）职业技能评价" in out
    assert "副高级职称，预计" not in out


def test_the_skill_side_asked_by_someone_without_a_title_is_said_not_to_be_theirs():
    out = _what_if({"region": "baise", "skill_grade": "高级技师", "retired": True}, "那考技能等级呢", [])
    assert "是给取得职称的专业技术人才的" in out and "《百色市实施细则》第十五条" in out


def test_a_grade_supposed_in_a_later_year_is_not_counted_twice():
    """“要是后年拿到高级技师呢”: 2028, the grade new then — not 2030 with two years held."""
    profile = {"region": "baise", "skill_grade": "高级工", "skill_grade_year": 2020}
    entities = [
        {"entity": "application_year", "value": 2028, "role": "hypothetical"},
        {"entity": "skill_grade", "value": "高级技师", "role": "hypothetical"},
    ]
    out = _what_if(profile, "要是后年拿到高级技师呢", entities)
    assert "到2030年" not in out and "副高级职称，预计2032年起可以申报" in out


def test_a_level_asked_that_no_route_of_theirs_opens_is_said_so_before_the_open_ones():
    """A 国家级大师工作室带头人 in 内蒙古 asking “能评正高吗”: 副高级 is open, 正高级 is not."""
    profile = {"region": "nei_mongol", "skill_grade": "高级技师", "awards": ["国家级技能大师工作室带头人"]}
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, "能评正高吗", "ask_eligibility"))
    assert msgs[0]["text"].startswith("您问的正高级职称：按您目前说的情况，文件里没有对您开放的申报途径")
    assert "可以申报副高级职称（绿色通道）" in texts(msgs)


@pytest.mark.parametrize(
    "region,text,article",
    [
        ("baise", "有农学专业的毕业证，能不能免考理论", "《百色市实施细则》第十九条"),
        ("national", "没有相关专业毕业证的话要考理论吗", "《实施意见》二（四）"),
    ],
)
def test_the_theory_exam_question_gets_the_exemption_article(region, text, article):
    profile = {"region": region, "title_level": "中级"}
    msgs, _ = run(ActionAnswerFaq(), outside_form(profile, text, "faq_degree"))
    assert article in texts(msgs) and "理论知识" in texts(msgs)


def test_an_award_that_changes_nothing_where_they_work_is_said_so():
    """广西技术能手 in 柳州: the national text does not list it (百色 第十条 does)."""
    profile = {"region": "national", "skill_grade": "技师", "skill_grade_year": 2018, "awards": ["广西技术能手"]}
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, "技师是2018年的", "inform"))
    assert "您说的广西技术能手，不在《实施意见》列出的可直接申报或破格申报的奖项中" in texts(msgs)
    profile["region"] = "baise"
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, "技师是2018年的", "inform"))
    assert "您说的广西技术能手" not in texts(msgs) and "副高级职称（绿色通道）" in texts(msgs)


def test_someone_at_the_top_of_both_ladders_is_told_so_not_asked_again():
    """“高工，已经是高级技师了，还能考啥”: 正高级 only by the green channel (a “no” with the
    region's article), nothing above the grade; their facts are not asked again."""
    profile = {"region": "nei_mongol", "title_level": "副高级", "series": "工程", "skill_grade": "高级技师"}
    msgs, events = run(ActionAnswerEligibility(), outside_form(profile, "还能考啥", "ask_eligibility"))
    said = texts(msgs)
    assert "❌ 不能申报正高级职称" in said and "《内蒙古通知》二（四）" in said
    assert "技能等级最高就是高级技师（一级），您已经取得" in said and "请告诉我您现在的技能等级" not in said
    assert SlotSet("answered", True) in events
    profile = {**profile, "title_level": "正高级"}
    msgs, events = run(ActionAnswerEligibility(), outside_form(profile, "还能考啥", "ask_eligibility"))
    assert "贯通政策里没有更高一级可以申报的" in texts(msgs) and SlotSet("answered", True) in events


def test_a_message_not_understood_from_someone_with_facts_goes_on_with_their_case():
    from actions.general import ActionLowConfidence

    msgs, events = run(
        ActionLowConfidence(), outside_form({"skill_grade": "技师", "region": "baise"}, "嗯嗯那个", "nlu_fallback")
    )
    assert own_case_value(events) is True and "先按您已经告诉我的情况来看" in texts(msgs)
    msgs, events = run(ActionLowConfidence(), outside_form({}, "嗯嗯那个", "nlu_fallback"))
    assert own_case_value(events) is False and msgs[0].get("response") == "utter_default"
    answered = {"skill_grade": "技师", "region": "baise", "answered": True}
    _, events = run(ActionLowConfidence(), outside_form(answered, "嗯嗯那个", "nlu_fallback"))
    assert own_case_value(events) is False


def test_the_step_on_the_grade_asked_about_comes_first():
    """百色 助理工程师, 12 years: “能不能直接考技师” — 第十七条（三） among the first steps shown."""
    profile = {"region": "baise", "title_level": "助理级", "professional_years": 12, "degree": "本科"}
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, "能不能直接考技师", "ask_eligibility"))
    steps = next(m["text"] for m in msgs if m["text"].startswith("下一步"))
    assert "可直接参加技师（二级）评价" in steps.split("\n")[1]


def test_no_grade_and_no_title_is_an_answer_to_the_opening_question():
    slots = {"region": "baise", "skill_school_class": "预备技师班", "requested_slot": "skill_grade"}
    assert _declined_after(slots, "没有", "deny") == ["skill_grade", "title_level"]
    assert _declined_after(slots, "没有其他技能证", "deny") == ["skill_grade", "title_level"]  # beside the class
    profile = {"region": "baise", "skill_school_class": "预备技师班", "declined_slots": ["skill_grade", "title_level"]}
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, "没有", "deny"))
    assert "暂时走不了这条路" in texts(msgs) and "学历可按本科对待" in texts(msgs)


@pytest.mark.parametrize(
    "text,entities,slots,declined",
    [
        ("老师傅了 啥证都没有 能评职称不", [], {}, ["skill_grade", "title_level"]),
        ("我没证 干了十几年电工", [], {}, ["skill_grade", "title_level"]),
        ("没有职称，有高级工证", [{"entity": "skill_grade", "value": "高级工"}], {}, ["title_level"]),
        ("没有职称", [], {"skill_grade": "高级工", "requested_slot": "skill_years"}, ["title_level"]),
        # to the grade-or-title question: the title, not the grade (explore10 A07)
        ("没有职称", [], {"requested_slot": "skill_grade"}, ["title_level"]),
        ("没有", [], {"requested_slot": "skill_grade"}, ["skill_grade", "title_level"]),
        ("证书丢了，记得是技师", [{"entity": "skill_grade", "value": "技师"}], {}, []),
        ("我有证 在包头", [], {}, []),
    ],
)
def test_saying_no_certificate_in_a_longer_message_declines_the_opening_question(text, entities, slots, declined):
    """“啥证都没有” is not asked “您现在的技能等级是什么？” again; “没有职称” only skips the title."""
    domain = {"slots": {}, "forms": {"eligibility_form": {"required_slots": []}}}
    events = asyncio.run(
        ValidateEligibilityForm().run(CollectingDispatcher(), tracker(slots, text=text, entities=entities), domain)
    )
    said = next((e["value"] for e in events if e.get("name") == "declined_slots"), [])
    assert sorted(said) == sorted(declined)


@pytest.mark.parametrize(
    "slots,text,first",
    [
        # barred from titles: the level asked about leads with the bar, not the skill route
        (
            {
                "region": "baise",
                "title_level": "助理级",
                "skill_grade": "技师",
                "skill_grade_year": 2019,
                "assessment_ok": False,
            },
            "能评工程师吗",
            "❌ 不能申报中级职称",
        ),
        # not yet: the level asked leads, the level open now is still said
        ({"region": "national", "skill_grade": "技师", "skill_grade_year": 2025}, "想评工程师", "⏳"),
        # no level asked: the open route leads as before
        (
            {
                "region": "national",
                "title_level": "助理级",
                "skill_grade": "技师",
                "skill_grade_year": 2019,
                "assessment_ok": False,
            },
            "那我能评啥",
            "✅",
        ),
    ],
)
def test_the_level_asked_about_leads_the_answer(slots, text, first):
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text=text, intent="ask_eligibility"))
    options = [m["text"] for m in msgs if m.get("text", "")[:1] in "✅⏳❌❓"]
    assert options[0].startswith(first)
    if first == "⏳":  # what is open now is still said (a 高级工 of 2 years: 助理级)
        assert "助理级职称" in texts(msgs)


def _user(text):
    return {"event": "user", "text": text, "parse_data": {}}


@pytest.mark.parametrize(
    "events,kept",
    [
        # “技师 干了三年” then “不对 是去年才拿的证”: the year said last
        (
            [
                _user("技师 干了三年"),
                _slot("skill_years", 3),
                _user("不对 是去年才拿的证"),
                _slot("skill_grade_year", 2025),
            ],
            "skill_grade_year",
        ),
        # the other way round: the years said last
        (
            [_user("2018年拿的"), _slot("skill_grade_year", 2018), _user("说错了 拿了两年"), _slot("skill_years", 2)],
            "skill_years",
        ),
        # both in one message: the grade's own year
        (
            [_user("干了二十年，证是2010年的"), _slot("skill_years", 20), _slot("skill_grade_year", 2010)],
            "skill_grade_year",
        ),
    ],
)
def test_the_grades_time_said_last_counts(events, kept):
    from actions.general import tracker_profile

    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    profile, _ = tracker_profile(tracker({"skill_grade": "技师", **slots}, events=events))
    dropped = ({"skill_years", "skill_grade_year"} - {kept}).pop()
    assert profile.get(kept) == slots[kept] and dropped not in profile


def test_a_fact_the_form_sets_again_is_not_said_again():
    """The form re-sets the facts it validates after the NLU's: that is no new saying."""
    from actions.general import tracker_profile

    events = [
        _user("高级技师 2018年拿的"),
        _slot("skill_grade_year", 2018),
        {"event": "action", "name": "action_listen"},
        _user("说错了 拿了两年"),
        _slot("skill_years", 2),
        {"event": "action", "name": "eligibility_form"},
        _slot("skill_years", 2),
        _slot("skill_grade_year", 2018),
    ]
    profile, _ = tracker_profile(
        tracker({"skill_grade": "高级技师", "skill_years": 2, "skill_grade_year": 2018}, events=events)
    )
    assert profile.get("skill_years") == 2 and "skill_grade_year" not in profile


@pytest.mark.parametrize(
    "award,region,listed",
    [
        ("广西技术能手", "nei_mongol", False),  # 内蒙古's documents do not name it
        ("省级政府特殊津贴", "nei_mongol", True),  # named (二（二）3 / 二（四）), leads to 副高级
        ("全国技术能手", "baise", True),
        ("世界技能大赛金牌", "national", False),  # the national text names no world contest
    ],
)
def test_an_award_that_changes_nothing_is_not_called_unlisted_when_it_is_listed(award, region, listed):
    """A 副高级 holder with 省级政府特殊津贴 in 内蒙古 was told the award is not in the
    documents; it is — it only leads to what they hold."""
    from dialogue.what_opens import idle_awards_note

    note = idle_awards_note([award], region)
    assert ("是文件列出的奖项" in note) == listed and ("不在" in note) == (not listed)


@pytest.mark.parametrize(
    "text,series_kept",
    [
        ("我是经济师 也是高级技师 拿了5年", False),  # the held title's series: not the one applied in
        ("我是经济师 高级技师5年 想报经济系列", True),  # named as the series applied in
    ],
)
def test_a_held_titles_unbridged_series_beside_a_grade_does_not_refuse_them(text, series_kept):
    from actions.general import tracker_profile

    slots = {"region": "baise", "title_level": "中级", "series": "经济", "skill_grade": "高级技师", "skill_years": 5}
    events = [_user(text)] + [_slot(k, v) for k, v in slots.items()]
    profile, _ = tracker_profile(tracker(slots, text=text, events=events))
    assert ("series" in profile) == series_kept


@pytest.mark.parametrize(
    "slots,text,said",
    [
        # no years open the level asked: answered now, with what opens it
        ({"skill_grade": "高级工"}, "高级工能直接评中级职称吗", "中级职称要取得技师后从事技术技能工作满3年"),
        ({"skill_grade": "技师", "region": "nei_mongol"}, "我是技师 能评副高吗 包头", "副高级职称要取得高级技师后"),
    ],
)
def test_a_level_no_years_would_open_is_answered_without_asking_the_years(slots, text, said):
    from dialogue.questions import asked_out_of_reach
    from dialogue.replies import levels_asked

    assert asked_out_of_reach(slots, levels_asked(text))
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text=text, intent="ask_eligibility"))
    assert said in texts(msgs)


def test_a_level_some_years_would_open_is_still_asked_about():
    from dialogue.questions import asked_out_of_reach
    from dialogue.replies import levels_asked

    assert not asked_out_of_reach({"skill_grade": "技师"}, levels_asked("技师能评中级吗"))


def test_a_bar_on_every_title_route_is_the_answer_without_asking_the_grade():
    """“我退休了 还能评职称吗 百色”: the grade could only open title routes, all barred."""
    profile = {"retired": True, "region": "baise"}
    assert not {"skill_grade", "title_level"} & set(questions_to_ask(evaluate(profile), [], profile))
    msgs, _ = run(ActionAnswerEligibility(), tracker(profile, text="我退休了 还能评职称吗 百色"))
    said = texts(msgs)
    assert "第七条（四）" in said and "还需要知道" not in said


def test_a_level_asked_above_what_a_told_award_opens_does_not_ask_for_awards_again():
    slots = {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 3, "awards": ["国家级技能大师工作室带头人"]}
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text="能评正高吗", intent="ask_eligibility"))
    said = texts(msgs)
    assert "您问的正高级职称" in said and "已算在下面" in said and "可告诉我奖项名称" not in said


def test_the_one_title_a_year_question_quotes_baise_article_seven():
    msgs, _ = run(ActionAnswerGeneral(), outside_form({}, "同一年可以报两个中级职称吗", "faq_discipline"))
    assert "第七条（五）" in texts(msgs)


def test_a_level_open_by_two_routes_is_one_level_with_two_grounds():
    """内蒙古 技师 4 years + 全区技术能手: 中级 by the regular route and by the award — said as
    a second ground for 中级, not as a second level to choose."""
    decision = evaluate({"region": "nei_mongol", "skill_grade": "技师", "skill_years": 4, "awards": ["全区技术能手"]})
    said = "\n".join(eligibility_messages(decision, with_steps=False))
    assert said.count("这是您现在可申报的最高级别") == 1 and "中级职称也可凭奖项走绿色通道申报" in said


def test_a_closed_award_route_alone_is_answered_with_what_a_grade_would_open():
    """A 高级工班 graduate of 2019 with a school prize (内蒙古 二（四）, closed after 5 years):
    the answer says why it is closed, and that a grade (most likely held) opens the ordinary
    routes — without holding the answer back for a question."""
    p = {
        "region": "nei_mongol",
        "skill_school_class": "高级工班",
        "graduation_year": 2019,
        "awards": ["自治区级一类大赛前三名"],
        "stayed_in_region": True,
    }
    assert questions_to_ask(evaluate(p), [], p) == []
    msgs, _ = run(ActionAnswerEligibility(), tracker(p, text="2019年毕业的，毕业后一直在呼市工作"))
    said = texts(msgs)
    assert "❌" in said and "您还没说技能等级" in said and "中级职称要取得技师后" in said


def test_next_year_adds_a_year_to_the_years_told():
    """“干了一年半” then “明年呢”: 2.5 years in 2027 — 助理级 then (it had said 2028)."""
    slots = {"region": "national", "skill_grade": "高级工", "skill_years": 1.5}
    entities = [{"entity": "application_year", "value": 2027, "role": "hypothetical"}]
    msgs, _ = run(ActionWhatIf(), tracker(slots, text="明年呢", intent="what_if", entities=entities))
    said = texts(msgs)
    assert "✅ 2027年可以申报助理级职称" in said and "2028" not in said


@pytest.mark.parametrize(
    "slots,after",
    [
        ({"skill_years": 1, "application_year": 2027}, {"skill_years": 2, "application_year": 2027}),
        (
            {"title_years": 2, "professional_years": 5, "application_year": 2028},
            {"title_years": 4, "professional_years": 7, "application_year": 2028},
        ),
        ({"skill_years": 1, "application_year": 2026}, {"skill_years": 1, "application_year": 2026}),
        ({"skill_grade_year": 2025, "application_year": 2027}, {"skill_grade_year": 2025, "application_year": 2027}),
        ({"skill_years": 1}, {"skill_years": 1}),
    ],
)
def test_years_told_count_on_to_a_later_application_year(slots, after):
    """#12 counts years at the application year; people tell them as of today."""
    from dialogue.profile_slots import at_the_application_year

    assert at_the_application_year(slots) == after


def test_applying_next_year_with_one_year_told_is_open_that_year():
    """“高级工，干了一年，打算明年报”: two years in 2027 — 助理级 in 2027, not “2028年起”."""
    slots = {"region": "national", "skill_grade": "高级工", "skill_years": 1, "application_year": 2027}
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots))
    said = texts(msgs)
    assert "✅ 2027年可以申报助理级职称" in said and "到2027年申报时" in said and "2028" not in said


def test_a_skilled_worker_asking_about_a_title_level_is_told_about_applying_for_it():
    """A 技师 of 3 years asking “那副高呢”: 副高级 is what they would apply for (高级技师 + 4
    years), not a title they would hold (it had been answered with the 高级技师 skill side)."""
    slots = {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 3}
    entities = [{"entity": "title_level", "value": "副高级", "role": "hypothetical"}]
    msgs, _ = run(ActionWhatIf(), tracker(slots, text="那副高呢", intent="what_if", entities=entities))
    said = texts(msgs)
    assert "您问的副高级职称" in said and "副高级职称要取得高级技师后" in said and "职业技能评价" not in said


def test_a_general_question_that_tells_a_whole_case_goes_on_to_its_answer():
    """“山东青岛 全国技术能手 高级技师 能评什么职称”: region and award said, nothing missing —
    their answer follows the general one instead of an offer to compute it."""
    from actions.general import own_case

    slots = {"region": "national", "awards": ["全国技术能手"], "skill_grade": "高级技师"}
    text = "山东青岛 全国技术能手 高级技师 能评什么职称"
    events = [{"event": "user", "text": text, "parse_data": {}}] + [_slot(k, v) for k, v in slots.items()]
    t = tracker(slots, text=text, intent="faq_green_channel", events=events)
    t.active_loop = {}
    assert own_case(t, slots, general=True)


def test_why_not_after_asking_a_level_answers_about_that_level():
    """“百色 技师 干了两年 能评副高吗” then “为啥不行”: the 副高 reasons, not only the rest."""
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 2}
    events = [_user("百色 技师 干了两年 能评副高吗"), _user("为啥不行")]
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text="为啥不行", intent="ask_eligibility", events=events))
    assert "您问的副高级职称" in texts(msgs) and "副高级职称要取得高级技师后" in texts(msgs)


def test_nothing_further_names_the_article_it_rests_on():
    said = nothing_further({"region": "baise", "skill_grade": "高级技师", "title_level": "正高级"})
    assert "（《百色市实施细则》第八条：高级技师（一级）对应副高级）" in said


def test_an_overseas_hire_outside_baise_is_told_the_direct_route_is_baises():
    """explore7 C37b: 海外引进的博士 in 苏州, no grade, no title — not only “从高级工起步”."""
    from dialogue.replies import neither_grade_nor_title

    profile = {"region": "national", "overseas_talent": True, "degree": "博士", "professional_years": 4}
    out = "\n".join(neither_grade_nor_title(profile, evaluate(profile)))
    assert "《百色市实施细则》第十七条（二）" in out and "只适用于百色市" in out and "二（四）" in out


def test_an_overseas_hire_s_years_since_the_degree_are_their_professional_years():
    """“引进的海外高层次紧缺人才” then “博士毕业三年了”: professional years count from the
    degree (CONTRACT §3), not asked again; for anyone else a graduation year is only that."""
    form = ValidateEligibilityForm()
    out = asyncio.run(
        form.validate_graduation_year(2023, CollectingDispatcher(), tracker({"overseas_talent": True}), {})
    )
    assert out == {"graduation_year": 2023, "professional_years": 3}
    out = asyncio.run(form.validate_graduation_year(2023, CollectingDispatcher(), tracker({}), {}))
    assert out == {"graduation_year": 2023}
    slots = {"overseas_talent": True, "professional_years": 5}
    out = asyncio.run(form.validate_graduation_year(2023, CollectingDispatcher(), tracker(slots), {}))
    assert out == {"graduation_year": 2023}


def _entity(text, word, name, value):
    return {"entity": name, "value": value, "start": text.index(word), "end": text.index(word) + len(word)}


def test_asking_about_someone_else_puts_the_own_facts_aside_and_brings_them_back():
    """“我是百色的高级技师，拿证5年” … “我徒弟是高级工，去年拿的证，他能评吗” … “那我自己能评什么”:
    the apprentice is answered on his own facts (the region kept), then the user on theirs."""
    own = {"region": "baise", "skill_grade": "高级技师", "skill_years": 5.0}
    said = "我徒弟是高级工，去年拿的证，他能评吗"
    entities = [_entity(said, "高级工", "skill_grade", "高级工"), _entity(said, "去年", "skill_grade_year", 2025)]
    t = _after(own, said, entities, {"skill_grade": "高级工", "skill_grade_year": 2025}, intent="ask_eligibility")
    msgs, events = run(ActionAnswerEligibility(), t)
    assert SlotSet("own_profile", own) in events and SlotSet("skill_years", None) in events
    assert "助理级职称" in texts(msgs) and "2027年" in texts(msgs) and "副高级" not in texts(msgs)
    # back to the user: their own facts, their own answer
    slots = {**t.slots}
    back = tracker(
        slots, text="那我自己能评什么", intent="ask_eligibility", events=[{"event": "user", "text": "那我自己能评什么"}]
    )
    msgs, events = run(ActionAnswerEligibility(), back)
    assert SlotSet("own_profile", None) in events and SlotSet("skill_grade", "高级技师") in events
    assert "✅ 可以申报副高级职称" in texts(msgs)


def test_a_conversation_that_starts_about_someone_else_is_their_case_until_the_user_speaks_of_themself():
    """“帮我哥问问…” (nothing known of the user: own facts {}), then “那我呢？我是助理工程师”:
    the brother's grade does not stay in the user's profile (dev17 c59)."""
    said = "我老婆是技师，刚拿证一年，她能评吗"
    entities = [_entity(said, "技师", "skill_grade", "技师"), _entity(said, "一年", "skill_years", 1)]
    t = _after({}, said, entities, {"skill_grade": "技师", "skill_years": 1.0}, intent="ask_eligibility")
    msgs, events = run(ActionAnswerEligibility(), t)
    assert SlotSet("own_profile", {}) in events and "按您说的这位的情况" not in texts(msgs)
    mine = "那我呢？我是助理工程师"
    entities = [_entity(mine, "助理工程师", "title_level", "助理级")]
    slots = {**t.slots, "title_level": "助理级"}
    events_so_far = [{"event": "user", "text": mine}, _slot("title_level", "助理级")]
    back = tracker(slots, text=mine, intent="ask_eligibility", entities=entities, events=events_so_far)
    msgs, events = run(ActionAnswerEligibility(), back)
    assert SlotSet("skill_grade", None) in events and SlotSet("own_profile", None) in events
    assert "高级工" in texts(msgs) and "中级职称" not in texts(msgs)


@pytest.mark.parametrize("said", ["之前2021年也有过一次", "其实之前还有一次，是2021年"])
def test_another_time_told_after_a_fraud_finding_is_a_second_finding(said):
    """After “2025年被查出申报材料造假”, “之前2021年也有过一次” is a second finding: 百色
    第七条（二） bars for life (the NLU gave the year to the grade; it read as a what-if)."""
    before = {"region": "baise", "skill_grade": "技师", "skill_years": 5.0, "fraud_count": 1, "fraud_year": 2025}
    entities = [_entity(said, "2021", "skill_grade_year", 2021)]
    t = _after(before, said, entities, {"skill_grade_year": 2021}, intent="what_if")
    msgs, events = run(ActionWhatIf(), t)
    assert SlotSet("fraud_count", 2) in events and SlotSet("fraud_year", 2025) in events
    assert SlotSet("skill_grade_year", None) in events and "终身" in texts(msgs)


def test_a_side_question_about_taking_a_skill_grade_is_answered_for_the_skill_side():
    """“专业技术人员在百色考技能等级要交什么材料”: 第二十一条 (职称证书, 毕业证书, 申请表),
    not the title application's materials (explore8 R36)."""
    t = tracker({"region": "baise"}, text="专业技术人员在百色考技能等级要交什么材料", intent="faq_materials")
    msgs, _ = run(ActionAnswerFaq(), t)
    assert "第二十一条" in texts(msgs)


def test_another_person_told_of_in_the_same_message_is_not_dropped_without_a_word():
    """“我是百色的 技师 干了三年 我媳妇是助理工程师 她能考啥技能等级”: the speaker's answer
    leads with 中级 (not the wife's 助理级) and says the wife is to be asked about apart (explore9 C27)."""
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 3}
    said = "我是百色的 技师 干了三年 我媳妇是助理工程师 她能考啥技能等级"
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text=said, intent="ask_eligibility"))
    out = texts(msgs)
    assert out.startswith("✅ 可以申报中级职称") and "您还提到了另一位（助理工程师）" in out


@pytest.mark.parametrize(
    "text, entities, noted",
    [
        ("百色的", [{"entity": "region", "value": "baise"}], "工作所在地区：百色"),  # not the grade asked
        ("技师", [{"entity": "skill_grade", "value": "技师"}], None),  # the answer: the form goes on
    ],
)
def test_a_fact_given_instead_of_the_answer_is_said_back_before_the_question_again(text, entities, noted):
    """The grade asked, “百色的” said: the place is taken, and the same question again would
    read as unheard unless the place is said back first."""
    slots = {"requested_slot": "skill_grade", **{e["entity"]: e["value"] for e in entities}}
    events = [{"event": "user", "text": text}] + [
        {"event": "slot", "name": e["entity"], "value": e["value"]} for e in entities
    ]
    domain = {"slots": {}, "forms": {"eligibility_form": {"required_slots": []}}}
    d = CollectingDispatcher()
    out = asyncio.run(
        ValidateEligibilityForm().run(d, tracker(slots, text=text, entities=entities, events=events), domain)
    )
    said = [m.get("text") or "" for m in d.messages]
    if noted:
        assert said == [f"好的，记下了：{noted}。"]
        assert {"event": "slot", "name": "requested_slot", "value": "skill_grade", "timestamp": None} in out
    else:
        assert not any("记下了" in s for s in said)


def test_facts_of_a_first_message_are_not_said_back():
    """The form's first step (no question asked yet) ends with no slot requested: nothing
    was asked, so nothing is “given instead”."""
    text, entities = "我是工程师 在内蒙古", [{"entity": "region", "value": "nei_mongol"}]
    slots = {"region": "nei_mongol", "title_level": "中级", "series": "工程"}
    events = [{"event": "user", "text": text}] + [{"event": "slot", "name": k, "value": v} for k, v in slots.items()]
    domain = {"slots": {}, "forms": {"eligibility_form": {"required_slots": []}}}

    class FormThatEnds(ValidateEligibilityForm):
        async def next_requested_slot(self, dispatcher, tracker, domain):
            return SlotSet("requested_slot", None)  # nothing left to ask: the form ends

    d = CollectingDispatcher()
    asyncio.run(FormThatEnds().run(d, tracker(slots, text=text, entities=entities, events=events), domain))
    assert not any("记下了" in (m.get("text") or "") for m in d.messages)


@pytest.mark.parametrize(
    "profile, text, lead, also",
    [
        (  # no grade told: the grade that would open it by 贯通 is offered
            {"region": "nei_mongol", "title_level": "中级", "series": "工程"},
            "我是工程师 想评高工",
            "您问的副高级职称：由现有职称晋升更高一级职称，不属于贯通政策",
            "如果您有技能等级，也可以按贯通申报：副高级职称要取得高级技师后",
        ),
        (  # 卫生 is outside the bridging series: no grade opens it either
            {"region": "baise", "title_level": "中级", "series": "卫生"},
            "我是主治医师 想评副主任医师 能走贯通吗",
            "您问的副高级职称：由现有职称晋升更高一级职称，不属于贯通政策",
            "卫生系列不在贯通的职称系列内（《百色市实施细则》第六条）",
        ),
        (  # a grade told: what it takes by 贯通, without “如果您有”
            {
                "region": "baise",
                "title_level": "中级",
                "series": "技工院校教师",
                "skill_grade": "技师",
                "skill_years": 5,
            },
            "我是技工院校讲师，也是技师拿证5年，想评高级讲师",
            "您问的副高级职称：由现有职称晋升更高一级职称，不属于贯通政策",
            "按贯通，副高级职称要取得高级技师后从事技术技能工作满4年（《百色市实施细则》第八条）",
        ),
    ],
)
def test_a_title_holder_asking_for_a_higher_title_hears_that_title_to_title_is_not_bridging(profile, text, lead, also):
    """Title to title is the series' ordinary 评审, which no 贯通 route covers: said first,
    then the skill grade their title opens (explore10 B30, E10, E11, E21, F01)."""
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, text, "ask_eligibility"))
    assert msgs[0]["text"].startswith(lead) and also in msgs[0]["text"]
    assert "职业技能评价" in texts(msgs)  # the route that is theirs still follows


@pytest.mark.parametrize("said, years", [("叁年", 3.0), ("伍年了", 5.0), ("三年", 3.0)])
def test_capital_numerals_answer_the_years_question(said, years):
    assert bare_number(said) == years


@pytest.mark.parametrize("said", ["刚拿", "刚拿到", "刚考下来的"])
def test_just_got_answers_the_years_question_with_none_yet(said):
    """“刚拿到” to “取得多少年了”: 0 years (explore10 A16, E07 — had been “没太明白”)."""
    t = tracker({"skill_grade": "技师", "requested_slot": "skill_years"}, text=said, intent="nlu_fallback")
    out = asyncio.run(ValidateEligibilityForm().extract_skill_years(CollectingDispatcher(), t, {}))
    assert out == {"skill_years": 0}


@pytest.mark.parametrize(
    "said, own", [("评职称", True), ("怎么评职称", True), ("想考技能等级", True), ("天气不错", False)]
)
def test_a_short_request_to_apply_goes_on_to_the_form_not_to_not_understood(said, own):
    """“评职称” is too short for the classifier (explore10 A14, A32, F02, F03): the form's
    first question helps more than “没太明白”."""
    from actions.general import ActionLowConfidence

    t = tracker({}, text=said, intent="nlu_fallback")
    t.active_loop = {}
    msgs, events = run(ActionLowConfidence(), t)
    assert {"event": "slot", "name": "own_case", "value": own, "timestamp": None} in events
    assert bool(msgs) is not own


@pytest.mark.parametrize("said, place", [("河北省有自己的贯通细则吗", "河北省"), ("事业单位工勤岗能转管理岗吗", None)])
def test_an_out_of_scope_question_about_another_province_says_the_national_text_applies(said, place):
    """explore10 C07: the honest out-of-scope answer had not said that 《实施意见》 applies there."""
    from actions.general import ActionAnswerOutOfScope

    msgs, _ = run(ActionAnswerOutOfScope(), outside_form({}, said, "out_of_scope"))
    said_back = texts(msgs)
    assert ("《实施意见》在全国适用" in said_back) is (place is not None)
    if place:
        assert f"{place}：本助手没有收录{place}本地的细则" in said_back


def test_a_title_holder_asking_for_skill_evaluation_materials_hears_the_skill_side():
    """explore10 C04: “有职称，想考技能等级要带什么材料” in 百色 → 第二十一条, not 职称 materials."""
    msgs, _ = run(
        ActionAnswerFaq(),
        outside_form({"region": "baise"}, "在百色，我有职称，想考技能等级要带什么材料", "faq_materials"),
    )
    assert "第二十一条" in texts(msgs)


@pytest.mark.parametrize(
    "profile, text",
    [
        # a bar on titles: ordinary 评审 is no way round it, and no grade would open it (review 7 F1a)
        ({"region": "national", "title_level": "助理级", "retired": True}, "能评中级职称吗"),
        # their own award reaches the level asked, closed only by a bar (F1c)
        (
            {"region": "national", "title_level": "中级", "awards": ["全国技术能手"], "assessment_ok": False},
            "能评副高吗",
        ),
        # 正高级 open to them by 百色 第十条 (F1d)
        ({"region": "baise", "title_level": "中级", "awards": ["全国技术能手"]}, "能评副高吗"),
    ],
)
def test_no_promotion_lead_where_a_route_of_theirs_reaches_the_level_or_a_bar_closes_titles(profile, text):
    from dialogue.what_opens import level_asked_not_open

    said = level_asked_not_open(text, evaluate(profile), profile["title_level"], profile.get("awards"), profile) or ""
    assert "不属于贯通政策" not in said


def test_a_bare_level_after_a_title_was_said_is_the_title_s_level():
    """dev18 d18c06: “我是工程系列的职称” … “中级的” to the grade-or-title question is 中级职称."""
    said = "中级的"
    events = [{"event": "user", "text": "我是工程系列的职称，想考个技能等级证书"}, {"event": "user", "text": said}]
    t = tracker({"region": "national", "requested_slot": "skill_grade"}, text=said, events=events)
    out = asyncio.run(ValidateEligibilityForm().extract_skill_grade(CollectingDispatcher(), t, {}))
    assert out == {}


def test_the_reading_of_basic_pass_is_said_beside_the_answer_that_rests_on_it():
    """考核“基本合格” read as not 合格 decides the answer; explore11 read it the other way —
    the reading is said, with how to correct it."""
    slots = {"region": "nei_mongol", "skill_grade": "高级工", "skill_grade_year": 2016, "assessment_ok": False}
    events = [_user("俺在通辽 高级工 一六年考的"), _user("俺前年考核好像是基本合格 不知道算不算")]
    msgs, _ = run(
        ActionAnswerEligibility(), tracker(slots, text="俺前年考核好像是基本合格", intent="inform", events=events)
    )
    assert "我按低于“合格（称职）”理解" in texts(msgs)
    plain = [_user("俺在通辽 高级工 一六年考的"), _user("去年考核不合格")]
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text="去年考核不合格", intent="inform", events=plain))
    assert "我按低于" not in texts(msgs)


@pytest.mark.parametrize(
    "profile, text, said",
    [
        (
            {"region": "baise", "title_level": "中级", "series": "工程"},
            "我在百色 是工程师 想评助理工程师可以吗",
            "您问的助理级职称：您已取得中级职称（高于助理级），不用再申报助理级。",
        ),
        (
            {"region": "baise", "title_level": "中级", "series": "工程"},
            "我是工程师 能评工程师吗",
            "您问的中级职称：您已取得中级职称，不用再申报中级。",
        ),
        (
            {"region": "baise", "skill_grade": "高级工", "skill_years": 5},
            "我是高级工 五年了 能评高级工吗",
            "您问的高级工（三级）：您已取得高级工（三级），同一职业（工种）不用再考这一级。",
        ),
        (
            {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 3},
            "我是技师 拿证三年 能考高级工不",
            "您问的高级工（三级）：您已取得技师（二级）（高于高级工），同一职业（工种）不用再考这一级。",
        ),
    ],
)
def test_a_level_at_or_below_one_held_is_said_to_be_held_before_the_answer(profile, text, said):
    """Rules review 7 F4: a 中级 holder asking about 助理级 had heard “没有对您开放的申报途径”
    or nothing about it; what they hold already answers it."""
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, text, "ask_eligibility"))
    assert msgs[0]["text"] == said
    assert "没有对您开放" not in texts(msgs)


@pytest.mark.parametrize(
    "profile, text",
    [
        ({"region": "baise", "skill_grade": "高级工", "skill_years": 5}, "我是高级工 五年了 能评什么"),
        ({"region": "baise", "title_level": "中级", "series": "工程"}, "我是工程师 想再评个农业系列的中级"),
        ({"region": "baise", "title_level": "助理级", "series": "工程"}, "我是助理工程师 能评工程师吗"),
    ],
)
def test_a_level_held_and_not_asked_again_gets_no_held_note(profile, text):
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, text, "ask_eligibility"))
    assert "不用再" not in texts(msgs)


@pytest.mark.parametrize(
    "before, said, awards",
    [
        ("我参加过世界技能大赛", "拿的铜牌", ["世界技能大赛铜牌"]),
        ("还参加过世界技能大赛", "拿了个银牌", ["世界技能大赛银牌"]),
        ("我是百色的技师", "拿的铜牌", None),  # no contest before: nothing assumed
        ("我拿过世界技能大赛铜牌", "还有个银牌", None),  # the award was read the first time
    ],
)
def test_an_award_said_over_two_messages_is_one_award(before, said, awards):
    """dev20 d20c43: “我参加过世界技能大赛” … “拿的铜牌” lost the 世赛铜牌 (正高级 in 内蒙古)."""
    from actions.said_in_two import award_said_over_two_messages

    t = tracker({}, text=said, events=[_user(before), _user(said)])
    events = award_said_over_two_messages(t)
    assert (events[0]["value"] if events else None) == awards


def test_a_year_answering_the_fraud_question_does_not_become_the_grade_year_through_the_whole_form_step():
    """explore12 W2: “2025年” to “最近一次被查实弄虚作假是哪一年？” became the grade's year too
    (a 技师 of 4 years told “年限为1年”): validating the message's own slots set it again."""
    said = "2025年"
    slots = {
        "region": "baise",
        "skill_grade": "技师",
        "skill_years": 4,
        "skill_grade_year": 2025,
        "fraud_count": 1,
        "requested_slot": "fraud_year",
    }
    events = [
        {"event": "slot", "name": "skill_years", "value": 4},
        {"event": "user", "text": said},
        {"event": "slot", "name": "skill_grade_year", "value": 2025},
    ]
    entities = [{"entity": "skill_grade_year", "value": 2025, "start": 0, "end": 5}]
    domain = {"slots": {}, "forms": {"eligibility_form": {"required_slots": []}}}
    out = asyncio.run(
        ValidateEligibilityForm().run(CollectingDispatcher(), tracker(slots, said, "inform", entities, events), domain)
    )
    final = {e["name"]: e["value"] for e in out if e.get("event") == "slot"}
    assert final["fraud_year"] == 2025 and final["skill_years"] == 4 and final["skill_grade_year"] is None


def test_facts_said_with_no_subject_after_back_to_me_are_the_users_own():
    """explore12 W1: “那我呢 百色 高级工 4年” after a sister's case asked the grade again."""
    from actions.whose_case import switch_case

    said = "那我呢 百色 高级工 4年"
    entities = [
        {"entity": "region", "value": "baise", "start": 4, "end": 6},
        {"entity": "skill_grade", "value": "高级工", "start": 7, "end": 10},
        {"entity": "skill_years", "value": 4, "start": 11, "end": 13},
    ]
    slots = {"region": "baise", "title_level": "中级", "own_profile": {}}
    events = switch_case(tracker(slots, text=said, entities=entities))
    final = {e["name"]: e["value"] for e in events}
    assert final["skill_grade"] == "高级工" and final["skill_years"] == 4 and final["title_level"] is None


@pytest.mark.parametrize(
    "profile, text, said, not_said",
    [
        (  # H2: the years not told — their grade does open it
            {"region": "national", "skill_grade": "技师"},
            "能评助理级职称吗",
            "您问的助理级职称：取得技师后从事技术技能工作满2年可申报（《实施意见》二（二）1）；您还没说取得技师多少年了",
            "没有对您开放",
        ),
        (  # H2: 中级 left out of the options because 正高级 is open by an award, the years unknown
            {"region": "baise", "skill_grade": "技师", "awards": ["全国技术能手"]},
            "能评中级吗",
            "您问的中级职称：取得技师后从事技术技能工作满3年可申报（《百色市实施细则》第八条）",
            "没有对您开放",
        ),
        (  # review 9 J1: a ban that ends, the years unknown
            {"region": "baise", "skill_grade": "技师", "fraud_count": 1, "fraud_year": 2024},
            "能评助理级职称吗",
            "您问的助理级职称：取得技师后从事技术技能工作满2年可申报（《百色市实施细则》第八条），最早2027年起可申报",
            "没有对您开放",
        ),
        (  # review 9 J1: the years told, 中级 left out because 正高级 is open by an award
            {"region": "baise", "skill_grade": "技师", "skill_years": 0, "awards": ["全国技术能手"]},
            "能评中级吗",
            "您问的中级职称：按您的技师，最早2029年起可申报（《百色市实施细则》第八条）；但您已可申报更高一级",
            "没有对您开放",
        ),
        (  # H1: a retired title holder with no grade told — the bar, not only ✅ 高级工
            {"region": "national", "title_level": "助理级", "retired": True},
            "能评中级职称吗",
            "您问的中级职称：⚠️ 《实施意见》二（二）1规定",
            "不属于贯通政策",
        ),
        (  # no route indeed: a 高级工 of 5 years asking 中级
            {"region": "national", "skill_grade": "高级工", "skill_years": 5},
            "能评中级职称吗",
            "文件里没有对您开放的申报途径（中级职称要取得技师后",
            "您还没说",
        ),
    ],
)
def test_a_title_asked_and_not_shown_is_said_why_true_for_this_profile(profile, text, said, not_said):
    """Rules review 8 H1/H2: “没有对您开放的申报途径” had been said of a level their grade opens."""
    from dialogue.what_opens import level_asked_not_open

    out = (
        level_asked_not_open(text, evaluate(profile), profile.get("title_level"), profile.get("awards"), profile) or ""
    )
    assert said in out and not_said not in out


@pytest.mark.parametrize(
    "profile, text, said",
    [
        (  # no title: the documents give no grade-to-grade conditions
            {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 2},
            "我是技师 拿证两年 能考高级技师吗",
            "您问的高级技师（一级）：贯通文件没有给技能人才规定技能等级本身的晋级条件",
        ),
        (  # a title: which title goes with the grade asked (《实施意见》二（四）)
            {"region": "nei_mongol", "skill_grade": "中级工", "skill_years": 2, "title_level": "中级"},
            "中级工 两年 还有中级职称 能考高级技师吗",
            "您问的高级技师（一级）：按贯通政策，专业技术人才按所持职称申请对应的技能等级：高级技师（一级）职业技能评价对应的是副高级职称",
        ),
    ],
)
def test_a_skill_grade_asked_and_not_open_is_answered_before_the_routes(profile, text, said):
    """Rules review 8 H4: “能考高级技师吗” got only title lines, the grade asked never named."""
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, text, "ask_eligibility"))
    assert msgs[0]["text"].startswith(said)


def test_the_top_grade_asking_for_skill_grades_hears_it_is_the_top():
    profile = {"region": "nei_mongol", "skill_grade": "高级技师", "skill_years": 5}
    msgs, _ = run(
        ActionAnswerEligibility(), outside_form(profile, "我是高级技师 干了五年 还能考什么技能等级", "ask_eligibility")
    )
    assert "技能等级最高就是高级技师（一级），您已经取得。" in texts(msgs)
    msgs, _ = run(ActionAnswerEligibility(), outside_form(profile, "我是高级技师 干了五年 能评啥", "ask_eligibility"))
    assert "技能等级最高" not in texts(msgs)  # not asked: the title answer is the answer


def test_a_what_if_of_another_place_names_it_with_its_note():
    """explore12 M2: “要是我去南宁干呢” said “如果在其他地区（按国家规定）” without 南宁's note."""
    said = "要是我去南宁干呢"
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 4}
    entities = [{"entity": "region", "value": "national", "start": 4, "end": 6, "role": "hypothetical"}]
    msgs, _ = run(ActionWhatIf(), tracker(slots, text=said, intent="what_if", entities=entities))
    assert msgs[0]["text"] == "如果在南宁（按国家规定）："
    assert "桂人社规〔2021〕12号" in texts(msgs)


def test_each_direction_keeps_a_line_under_the_cap_of_options_shown():
    """Rules review 8 H6: ✅ 高级技师 (《实施意见》二（四）) hid behind three title lines."""
    from dialogue.replies import eligibility_messages

    profile = {"region": "national", "skill_grade": "技师", "skill_years": 3, "title_level": "助理级"}
    said = "\n".join(eligibility_messages(evaluate({**profile, "awards": ["全国技术能手"]}), with_steps=False))
    assert "职业技能评价" in said and "正高级职称" in said


@pytest.mark.parametrize(
    "region, article",
    [
        ("baise", "《百色市实施细则》第十条"),
        ("nei_mongol", "《内蒙古通知》二（四）"),
        ("national", "《实施意见》二（二）3"),
    ],
)
def test_a_level_no_grade_opens_is_said_with_the_awards_that_do(region, article):
    """dev21 d21c19: “能否直接评正高级” to a 高级技师 cited nothing for 正高级."""
    from dialogue.what_opens import level_asked_not_open

    profile = {"region": region, "skill_grade": "高级技师", "skill_years": 6}
    said = level_asked_not_open("能否直接评正高级", evaluate(profile), None, None, profile) or ""
    assert "正高级职称在本地区只能凭中华技能大奖" in said and article in said


@pytest.mark.parametrize(
    "said, asked", [("还参加过全国职业技能大赛", True), ("天气不错", False), ("参加过世赛 拿了铜牌", False)]
)
def test_a_contest_told_without_its_result_is_asked_for_the_result(said, asked):
    """By hand on the widget: “还参加过全国职业技能大赛” after an answer got “没太明白”."""
    from actions.general import ActionLowConfidence

    t = tracker({"answered": True}, text=said, intent="nlu_fallback")
    t.active_loop = {}
    msgs, _ = run(ActionLowConfidence(), t)
    assert ("拿到名次或奖牌了吗" in texts(msgs)) is asked


def test_the_level_asked_before_the_forms_questions_still_leads_the_answer():
    """explore13 M1: “百色 高级技师 能评副高吗” … “三年” led with ✅ 中级, 副高级 only under 另外."""
    slots = {"region": "baise", "skill_grade": "高级技师", "skill_years": 3}
    events = [_user("百色 高级技师 能评副高吗"), _user("三年")]
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text="三年", intent="inform", events=events))
    assert msgs[0]["text"].startswith("⏳ 暂不能申报副高级职称，预计2027年起可以申报")


def test_a_side_answer_leaves_out_what_the_asker_s_facts_rule_out():
    """explore13 M8: a 主治医师 asking for the materials also got the list for 海外人才 without a title."""
    profile = {"region": "baise", "title_level": "中级", "series": "卫生"}
    msgs, _ = run(
        ActionAnswerFaq(), outside_form(profile, "我是百色的主治医师 想考技能等级 要什么材料", "faq_materials")
    )
    assert "职称证书（审原件）" in texts(msgs) and "没有职称的海外引进人才" not in texts(msgs)


def test_the_names_of_a_level_asked_are_given_per_series():
    """explore13 M5: “中级职称叫什么” got the ladder, not 工程师 / 农艺师 …"""
    from dialogue.general_replies import level_lead

    said = level_lead("中级职称叫什么") or ""
    assert "工程系列叫工程师" in said and "农业系列叫农艺师" in said
    assert "系列叫" not in (level_lead("工程师算哪一级") or "")


@pytest.mark.parametrize("said, answered, noted", [("没拿过啥奖", True, True), ("没拿过啥奖", False, False)])
def test_no_award_said_after_the_answer_is_acknowledged(said, answered, noted):
    """By hand on WeChat: “没拿过啥奖” after “如获得了文件列出的奖项，可告诉我” got “没太明白”."""
    from actions.general import ActionLowConfidence

    t = tracker({"answered": answered}, text=said, intent="nlu_fallback")
    t.active_loop = {}
    msgs, _ = run(ActionLowConfidence(), t)
    assert ("没有获奖，就按上面说的一般条件" in texts(msgs)) is noted


def test_a_what_if_of_another_place_says_why_an_award_stops_counting():
    """explore13 M7: “要是我调到玉林呢” for a 百色 广西技术能手 never said the award does not count there."""
    said = "要是我调到玉林呢"
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 4, "awards": ["广西技术能手"]}
    entities = [{"entity": "region", "value": "national", "start": 5, "end": 7, "role": "hypothetical"}]
    msgs, _ = run(ActionWhatIf(), tracker(slots, text=said, intent="what_if", entities=entities))
    assert "您说的广西技术能手，不在" in texts(msgs)


def test_the_skill_grade_asked_is_said_once_and_never_under_may_apply():
    """Rules review 9 J2/J3: an ❌ said twice and called “您可以申报的是”, “可申请的是：❌ …”."""
    from dialogue.replies import skill_grade_asked
    from dialogue.what_opens import skill_grade_asked_not_open

    profile = {"region": "baise", "title_level": "助理级", "awards": ["全国技术能手"], "integrity_record": True}
    assert skill_grade_asked_not_open("能考高级工吗", evaluate(profile), profile) is None  # its option leads
    said = skill_grade_asked("技师", {"region": "baise", "title_level": "助理级", "assessment_ok": False})[0]
    assert "可申请的是：❌" not in said and "暂没有可申请的技能等级" in said


def test_a_ban_that_ends_said_to_a_title_holder_also_says_what_would_open_the_level_after_it():
    """Rules review 9 J4: a 中级 holder banned till 2028 asking 副高 heard only “2028年起可再申报”."""
    from dialogue.what_opens import level_asked_not_open

    profile = {"region": "baise", "title_level": "中级", "fraud_count": 1, "fraud_year": 2025}
    said = level_asked_not_open("能评副高级职称吗", evaluate(profile), "中级", None, profile) or ""
    assert "限制到期后，按贯通仍需技能等级：副高级职称要取得高级技师后" in said


def test_next_steps_asked_after_the_answer_are_given_again():
    """explore14: “我想问下一步” after the answer got “没太明白”."""
    from actions.general import ActionLowConfidence

    t = tracker(
        {"answered": True, "region": "baise", "skill_grade": "技师", "skill_years": 4},
        text="我想问下一步",
        intent="nlu_fallback",
    )
    t.active_loop = {}
    msgs, _ = run(ActionLowConfidence(), t)
    assert texts(msgs).startswith("下一步：\n1.") and "第十一条" in texts(msgs)


def test_a_side_answer_for_one_direction_never_gives_the_other_direction_s_text():
    """explore14 M5: a 内蒙古 工程师 asking the materials of a skill evaluation got the title review's."""
    from rules_engine import answer_topic

    assert answer_topic("materials", "nei_mongol", "skill") == []
    assert answer_topic("materials", "baise", "skill")  # 百色 第二十一条 has them


def test_the_top_grade_asking_for_skill_grades_before_the_years_question_hears_it_is_the_top():
    """explore14 X-A-P03: “还能考什么技能等级” … “五年” never said 高级技师 is the top grade."""
    slots = {"region": "baise", "skill_grade": "高级技师", "skill_years": 5}
    events = [_user("我已经是高级技师了 百色的 还能考什么技能等级"), _user("五年")]
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text="五年", intent="inform", events=events))
    assert "技能等级最高就是高级技师（一级），您已经取得。" in texts(msgs)


@pytest.mark.parametrize(
    "region, said, end",
    [("nei_mongol", "赤峰 技师 五年 去年考核没合格", "2029年起"), ("baise", "前年考核不合格", "2028年起")],
)
def test_a_failed_assessment_with_its_year_is_answered_with_the_year_the_bar_ends(region, said, end):
    """explore13/14 M3: “去年考核不合格” got “目前不能申报” and no year."""
    slots = {"region": region, "skill_grade": "技师", "skill_years": 5, "assessment_ok": False}
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text=said, intent="inform", events=[_user(said)]))
    assert end in texts(msgs) and "按本助手的理解" in texts(msgs)
    plain = [_user("考核不合格")]
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text="考核不合格", intent="inform", events=plain))
    assert "年起（此后年度考核都合格的话）" not in texts(msgs)  # no year told: none said


def test_a_worker_asking_that_a_title_by_its_name_hears_the_title_they_would_apply_for():
    """explore15 W-1: “那工程师呢” after ✅ 中级 was answered as if they held 工程师."""
    said = "那工程师呢"
    slots = {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2022}
    entities = [
        {"entity": "title_level", "value": "中级", "start": 1, "end": 4, "role": "hypothetical"},
        {"entity": "series", "value": "工程", "start": 1, "end": 4, "role": "hypothetical"},
    ]
    msgs, _ = run(ActionWhatIf(), tracker(slots, text=said, intent="what_if", entities=entities))
    assert "可以申报中级职称" in texts(msgs) and "现有职称级别" not in texts(msgs)


# ── rules review 10 ─────────────────────────────────────────────────────────────────


def _answer_to(slots, text, events=None):
    msgs, _ = run(ActionAnswerEligibility(), tracker(slots, text=text, intent="ask_eligibility", events=events))
    return texts(msgs)


def test_a_lower_title_a_higher_grade_may_open_is_not_said_closed():
    """K1: a 高级技师 of 2 years asking 中级 — open if they got 技师 3 years ago."""
    said = _answer_to({"region": "national", "skill_grade": "高级技师", "skill_years": 2}, "能评中级职称吗")
    assert "没有对您开放" not in said and "取得技师后从事技术技能工作满3年可申报" in said


def test_the_title_a_grade_goes_with_is_read_from_the_title_alone():
    """K3: a 副高级 holder with 高级工 asking 技师 — 技师 goes with 中级 (二（四）), not 助理级."""
    said = _answer_to({"region": "national", "skill_grade": "高级工", "title_level": "副高级"}, "能考技师吗")
    assert "技师（二级）职业技能评价对应的是中级职称" in said


def test_a_second_route_to_a_level_does_not_hide_the_next_level():
    """K4: 内蒙古 高级技师 of 3 years with 全区技术能手 — ⏳ 副高级 2027 is named."""
    said = _answer_to(
        {"region": "nei_mongol", "skill_grade": "高级技师", "skill_years": 3, "awards": ["全区技术能手"]},
        "我能申报什么",
    )
    assert "2027年起可以申报副高级职称" in said


def test_an_award_that_opens_nothing_here_is_not_said_to_be_counted():
    """K2: 广西技术能手 in 内蒙古 is not “已算在下面” — the idle-award note speaks of it."""
    said = _answer_to(
        {"region": "nei_mongol", "skill_grade": "技师", "skill_years": 2, "awards": ["广西技术能手"]},
        "能评副高级职称吗",
    )
    assert "已算在下面" not in said and "不在《内蒙古通知》和《实施意见》列出的" in said


def test_a_case_told_with_its_level_asked_after_is_answered_not_called_a_supposition():
    """“我在百色田东 电工技师 干了两年 中级呢” read as what_if had got “这个假设我没能对应…”."""
    entities = [
        {"entity": "region", "value": "baise"},
        {"entity": "skill_grade", "value": "技师"},
        {"entity": "skill_years", "value": 2},
    ]
    slots = {"region": "baise", "skill_grade": "技师", "skill_years": 2}
    msgs, _ = run(
        ActionWhatIf(),
        tracker(slots, text="我在百色田东 电工技师 干了两年 中级呢", intent="what_if", entities=entities),
    )
    said = texts(msgs)
    assert "这个假设" not in said and "暂不能申报中级职称，预计2027年起可以申报" in said


def test_the_other_person_of_the_message_before_is_answered_on_their_facts():
    """explore16 (by hand on WeChat): “我是高级工2023年的 她是技师2019年的” then “那她呢”."""
    from actions.whose_case import other_persons_facts

    assert other_persons_facts("我和我老婆都在右江区 我是高级工2023年的 她是技师2019年的") == {
        "skill_grade": "技师",
        "skill_grade_year": 2019,
    }
    assert other_persons_facts("我是技师2020") == {}
    events = [
        {"event": "user", "text": "我和我老婆都在右江区 我是高级工2023年的 她是技师2019年的"},
        {"event": "user", "text": "那她呢"},
    ]
    slots = {"region": "baise", "skill_grade": "高级工", "skill_grade_year": 2023}
    msgs, _ = run(ActionWhatIf(), tracker(slots, text="那她呢", intent="what_if", events=events))
    said = texts(msgs)
    assert "按您说的另一位的情况（技师、2019年取得技能等级）" in said and "可以申报中级职称" in said


def test_a_failed_assessment_outside_the_window_of_the_year_applied_in_bars_nothing():
    """explore17 W-5: “2025年考核不合格 打算2029年报” — 2029's 近3年 are 2026–2028 (#58)."""
    text = "百色 高级技师2020 2025年考核不合格 打算2029年报副高"
    slots = {
        "region": "baise",
        "skill_grade": "高级技师",
        "skill_grade_year": 2020,
        "assessment_ok": False,
        "application_year": 2029,
    }
    events = [{"event": "user", "text": text}]
    said = _answer_to(slots, text, events)
    assert "2029年可以申报副高级职称" in said and "已不在这3年内" in said
    slots.pop("application_year")
    assert "不能申报副高级职称" in _answer_to(slots, "百色 高级技师2020 2025年考核不合格", events)


def test_a_level_asked_for_a_later_year_is_said_first_in_the_what_if():
    """“明年报副高行不行” (explore17 M-1): 2027's answer, led by what it says of 副高级."""
    entities = [{"entity": "application_year", "value": 2027, "role": "hypothetical"}]
    slots = {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2024}
    msgs, _ = run(ActionWhatIf(), tracker(slots, text="明年报副高行不行", intent="what_if", entities=entities))
    said = texts(msgs)
    assert said.startswith("如果2027年申报：您问的副高级职称") and "2027年可以申报中级职称" in said
