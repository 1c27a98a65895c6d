"""The load test's check of one conversation (tests/test_cluster.py), without a cluster.

Regression: after general questions were answered from the documents (77f2b7e), the load
script's opening message ('你好，想了解一下技能人才评职称的事') gets a general answer that
quotes 《百色市实施细则》第四条 with its source, before the region is known. The old check
counted that quote as another region's document in every non-百色 conversation (152 of
200 "not intact"), and its failure message — a repr pytest cut in the middle — spliced one
conversation's facts to another's user texts, so it looked like conversations were mixed
up. They were not: stored texts and slots were right in all 200."""

from test_cluster import DOC, conversation_problems, facts_of, script_of

GENERAL_FIRST_ANSWER = (
    "专业技术人才走职称这条路：职称是专业技术资格的简称，分助理级、中级、副高级、正高级四级。"
    "（《百色市实施细则》第四条） 想知道您本人能申报什么？"
)


def _conversation(i):
    f = facts_of(i)
    assert f["region"] == "nei_mongol"
    replies = [GENERAL_FIRST_ANSWER] + [f"依据《实施意见》和{DOC['nei_mongol']}" for _ in script_of(f)[1:]]
    tracker = {
        "events": [{"event": "user", "text": t} for t in script_of(f)],
        "slots": {
            "skill_grade": f["skill_grade"],
            "region": f["region"],
            "skill_grade_year": float(f["skill_grade_year"]),
        },
    }
    return f, replies, tracker


def test_a_general_answer_before_the_region_is_known_may_quote_any_document():
    f, replies, tracker = _conversation(0)
    assert conversation_problems(f, replies, tracker) == []


def test_another_regions_document_after_the_region_is_known_is_a_problem():
    f, replies, tracker = _conversation(0)
    replies[4] += "（《百色市实施细则》第十九条）"
    assert conversation_problems(f, replies, tracker) == [
        "reply to turn 4 (评职称要交多少钱) cites 《百色市实施细则》 for a nei_mongol user"
    ]


def test_texts_of_another_conversation_are_named_in_full():
    f, replies, tracker = _conversation(0)
    other = script_of(facts_of(5))
    tracker["events"][3] = {"event": "user", "text": other[3]}
    problems = conversation_problems(f, replies, tracker)
    assert problems == [
        f"stored user texts differ from turn 3: stored ['{other[3]}', '评职称要交多少钱'], "
        f"sent ['在{f['place']}', '评职称要交多少钱'] (10 stored, 10 sent)"
    ]


def test_wrong_or_missing_slots_are_named():
    f, replies, tracker = _conversation(0)
    tracker["slots"].update(region="baise", skill_grade_year=None)
    assert conversation_problems(f, replies, tracker) == [
        "slot region is 'baise', said 'nei_mongol'",
        f"slot skill_grade_year is None, said {f['skill_grade_year']}",
    ]
