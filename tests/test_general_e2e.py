"""General and out-of-scope questions through the REST webhook and the real action server
(issue 13): answered from the documents with their article before any form question,
inside the form too, and a new fact said with a question after the answer re-answers.
Sentences written for these tests, not taken from ../shared/examples or the blind set."""

import uuid

import pytest
import yaml

from servers import ROOT, running_stack

FORM_QUESTIONS = [
    v["text"]
    for name, variants in yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"].items()
    if name.startswith("utter_ask_")
    for v in variants
]


@pytest.fixture(scope="module", params=["on", "off"], ids=["patched", "plain-rasa"])
def stack(request, tmp_path_factory):
    """Both ways, as tests/test_dialogue_e2e.py: with the speed patches and with
    RASA_PATCHES=off (Rasa's own code paths); the answers must be the same."""
    with running_stack(tmp_path_factory.mktemp("general"), {"RASA_PATCHES": request.param}) as s:
        yield s


def chat(stack, *turns):
    sender = f"g-{uuid.uuid4().hex[:8]}"
    return sender, ["\n".join(stack.say(sender, t)) for t in turns]


def asks_form_question(reply: str) -> bool:
    return any(q in reply for q in FORM_QUESTIONS)


def test_a_level_question_is_answered_with_its_article_and_an_offer_not_a_form_question(stack):
    _, (reply, after_yes) = chat(stack, "请问助理工程师是哪个级别的职称", "好的")
    assert "助理级" in reply and "《百色市实施细则》第四条" in reply and not asks_form_question(reply)
    assert "技能等级" in after_yes and asks_form_question(after_yes)  # the offer taken up


def test_the_belief_that_workers_cannot_get_titles_is_corrected(stack):
    _, (reply,) = chat(stack, "我们工人是评不了工程师的吧")
    assert reply.startswith("不是这样的") and "《实施意见》二（二）1" in reply and not asks_form_question(reply)


def test_a_discipline_question_explains_the_period_honestly(stack):
    _, (reply,) = chat(stack, "处分期过了以后多久可以评职称")
    assert "第七条（三）" in reply and "影响期" in reply and "没有写" in reply and not asks_form_question(reply)


def test_out_of_scope_says_what_is_covered_and_where_to_ask(stack):
    _, (reply,) = chat(stack, "事业单位的工勤岗能不能转成管理岗")
    assert "12333" in reply and "《百色市实施细则》" in reply and not asks_form_question(reply)


def test_a_general_question_with_a_fact_inside_the_form_is_answered_and_the_form_goes_on(stack):
    sender, (first, reply) = chat(stack, "我想评个职称", "我是技师。另外问下，职称一共分几级")
    assert asks_form_question(first)
    assert "《百色市实施细则》第四条" in reply and "多少年" in reply  # answered, then the next question
    assert stack.tracker(sender)["slots"]["skill_grade"] == "技师"


def test_a_new_fact_with_a_side_question_after_the_answer_gets_a_new_answer(stack):
    _, (first, second) = chat(stack, "百色的技师，干了两年", "还拿过全国职业技能大赛铜牌，评上了待遇怎么样")
    assert "副高级" not in first.split("另外")[0]
    assert "待遇" in second and "副高级" in second and "《百色市实施细则》第十条" in second
