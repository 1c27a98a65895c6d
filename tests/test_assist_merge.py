"""The agent-assist console's profile over several notes (bot/channels/assist.merge)."""

import pytest

from bot.channels.assist import merge

KNOWN = {"region": "baise", "skill_grade": "高级工", "fraud_count": 1, "fraud_year": 2021}


@pytest.mark.parametrize(
    "facts,text,after",
    [
        # another finding, with only a year (the NLU gave it to the grade) or with its words
        ({"skill_grade_year": 2019}, "之前还有一次，2019年", {"fraud_count": 2, "fraud_year": 2021}),
        ({"fraud_year": 2019}, "2019年也被查出过造假", {"fraud_count": 2, "fraud_year": 2021}),
        # a grade's year is the grade's
        ({"skill_grade_year": 2019}, "2019年拿的证", {"fraud_count": 1, "skill_grade_year": 2019}),
    ],
)
def test_a_second_finding_adds_up_in_the_assist_profile(facts, text, after):
    merged = merge(KNOWN, facts, text)
    assert {k: merged.get(k) for k in after} == after
    if "skill_grade_year" not in after:
        assert "skill_grade_year" not in merged


@pytest.mark.parametrize(
    "asked, facts, after",
    [
        # explore12 S2: “2025年” noted after the fraud-year suggestion had changed the grade's year
        ("fraud_year", {"skill_grade_year": 2025}, {"skill_grade_year": 2022, "fraud_year": 2025}),
        ("graduation_year", {"skill_grade_year": 2019}, {"skill_grade_year": 2022, "graduation_year": 2019}),
        ("assessment_ok", {"skill_grade_year": 2023}, {"skill_grade_year": 2023}),  # another question: a correction
        ("fraud_year", {"skill_grade_year": 2025, "region": "baise"}, {"skill_grade_year": 2025}),  # more than a year
    ],
)
def test_a_year_noted_alone_answers_the_year_question_suggested_last(asked, facts, after):
    known = {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2022, "fraud_count": 1}
    merged = merge(known, facts, "2025年", asked)
    assert after.items() <= merged.items()


def test_a_guangxi_place_named_in_a_note_carries_its_note_into_the_reply():
    """explore12 M2/B56: the assist reply for 广西河池 lacked the note the dialogue gives."""
    from bot.channels.assist import suggestions
    from dialogue.general_replies import place_note
    from rules_engine import evaluate

    text = "来电人 广西河池 技师 三年"
    note = place_note(text, [{"entity": "region", "value": "national", "start": 6, "end": 8}])
    assert note and "桂人社规〔2021〕12号" in note
    reply = suggestions(evaluate({"region": "national", "skill_grade": "技师", "skill_years": 3}), {}, note)[-1]
    assert "桂人社规〔2021〕12号" in reply["text"]
    assert place_note("来电人 包头 技师", [{"entity": "region", "value": "nei_mongol", "start": 4, "end": 6}]) is None


def test_a_lone_year_repeating_a_noted_finding_year_changes_nothing():
    """By hand: “2024年” noted after “2024年申报时被查出材料造假” moved the grade's year to 2024."""
    known = {"region": "baise", "skill_grade": "技师", "skill_grade_year": 2022, "fraud_count": 1, "fraud_year": 2024}
    assert merge(known, {"skill_grade_year": 2024}, "2024年") == known
    assert merge(known, {"skill_grade_year": 2021}, "2021年")["skill_grade_year"] == 2021  # a correction


def test_the_console_reply_answers_the_level_the_note_asks_first():
    """explore14: “问中级” in a note was never answered; the reply led with ✅ 助理级 alone."""
    from bot.channels.assist import suggestions
    from rules_engine import evaluate

    profile = {"region": "baise", "skill_grade": "高级工", "skill_grade_year": 2020}
    reply = suggestions(evaluate(profile), {}, None, profile, "来电人 百色 高级工 2020年取证 问中级")[-1]["text"]
    assert reply.startswith("您问的中级职称：") and "中级职称要取得技师后从事技术技能工作满3年" in reply


def test_a_later_application_year_counts_the_years_once_over_several_notes():
    """The stored notes keep the years as told; only the engine sees them at the year applied in."""
    from dialogue.profile_slots import at_the_application_year, profile_from_slots

    noted = merge({}, {"region": "national", "skill_grade": "高级工", "skill_years": 1, "application_year": 2027}, "")
    for _ in range(2):  # a second note changes nothing
        stored, _ = profile_from_slots(noted)
        noted = merge(stored, {}, "补充一下")
    assert noted["skill_years"] == 1 and at_the_application_year(noted)["skill_years"] == 2


def test_a_finding_taken_back_takes_its_year_with_it():
    """“不对 我没有造假”: fraud_count 0 beside the year told before is no contradiction to drop."""
    from dialogue.profile_slots import profile_from_slots

    profile, dropped = profile_from_slots({"region": "baise", "fraud_count": 0, "fraud_year": 2024})
    assert profile.get("fraud_count") == 0 and "fraud_year" not in profile and not dropped
