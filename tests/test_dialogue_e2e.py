"""Conversations through the REST webhook against the trained model and the real action
server — the way a user meets the assistant. The sentences are written for the domain,
not copied from ../shared/examples."""

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests

from servers import LOGS, running_stack


@pytest.fixture(scope="module", params=["on", "off"], ids=["patched", "plain-rasa"])
def stack(request, tmp_path_factory):
    """Every conversation twice: with our speed patches, and on Rasa's own code paths
    (RASA_PATCHES=off, CONTRACT.md §5): the answers must be the same."""
    with running_stack(tmp_path_factory.mktemp("e2e"), {"RASA_PATCHES": request.param}) as s:
        s.patches = request.param
        yield s


def chat(stack, *turns):
    sender = f"t-{uuid.uuid4().hex[:8]}"
    return sender, [" ".join(stack.say(sender, t)) for t in turns]


def test_facts_over_several_turns(stack):
    _, replies = chat(stack, "你好，想了解一下技能人才评职称的事", "高级工", "2023年考的", "在赤峰市")
    assert "技能等级" in replies[0]
    assert "多少年" in replies[1] or "哪一年" in replies[1]
    assert "地区" in replies[2]
    assert "助理级" in replies[3] and "《实施意见》二（二）1" in replies[3]


def test_everything_in_one_sentence(stack):
    _, replies = chat(stack, "我在百色田阳区上班，高级技师证拿了六年了，这几年考核都合格，能报什么职称")
    assert "副高级" in replies[0] and "《百色市实施细则》第八条" in replies[0]
    assert "6—7月" in replies[0] and "广西人才在线网" in replies[0] and "380元" in replies[0]


def test_award_route(stack):
    _, replies = chat(stack, "我是包头的，得过全国技术能手，能直接评高级职称吗")
    assert "副高级" in replies[0] and "《内蒙古通知》二（四）" in replies[0]


def test_reverse_direction(stack):
    _, replies = chat(stack, "我在百色右江区，现在是工程师，能去考技能等级吗")
    assert "技师（二级）" in replies[0] and "第十五条" in replies[0]


def test_side_question_then_back_to_the_question(stack):
    _, replies = chat(stack, "我想申报职称", "等下，先问问评职称要交多少钱")
    assert "技能等级" in replies[0]
    assert "元" in replies[1] and "技能等级" in replies[1]  # fee answered, question asked again


def test_correction_recomputes(stack):
    _, replies = chat(stack, "技师，干了两年，在通辽", "不对，是三年")
    assert "2027年起可以申报中级职称" in replies[0] or "暂不能申报中级职称" in replies[0]
    assert "可以申报中级职称" in replies[1]


def test_handoff_and_out_of_scope(stack):
    _, replies = chat(stack, "我是技师，百色的", "还是帮我转人工吧", "社保卡丢了怎么补办")
    assert "12333" in replies[1] and "技师" in replies[1]
    assert "12333" in replies[2]


def test_restart_forgets_the_facts(stack):
    sender, _ = chat(stack, "我是百色的高级技师，拿证五年")
    stack.say(sender, "重新开始")
    tracker = requests.get(f"{stack.url}/conversations/{sender}/tracker?token=test-rasa-token", timeout=10).json()
    assert tracker["slots"].get("skill_grade") is None


def test_http_api_requires_the_token(stack):
    assert requests.get(f"{stack.url}/conversations/x/tracker", timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/conversations/x/tracker?token=wrong", timeout=10).status_code == 401


@pytest.mark.parametrize("message", ["", "   ", "😀😀😀", "\x00\x01\x02", "评" * 10000])
def test_odd_messages_get_an_answer_not_an_error(stack, message):
    r = requests.post(f"{stack.url}/webhooks/rest/webhook", json={"sender": "odd", "message": message}, timeout=60)
    assert r.status_code == 200


def test_assist_api(stack):
    url = f"{stack.url}/webhooks/assist/analyze"
    auth = {"Authorization": "Bearer test-assist-token"}
    assert requests.post(url, json={"conversation_id": "c1", "text": "技师"}, timeout=10).status_code == 401
    assert requests.post(url, data="{bad json", headers=auth, timeout=10).status_code == 400
    r1 = requests.post(
        url, json={"conversation_id": "c1", "text": "来电人说他是百色凌云县的技师"}, headers=auth, timeout=30
    ).json()
    assert r1["profile"] == {"region": "baise", "skill_grade": "技师"}
    assert r1["suggestions"][0]["type"] == "ask" and r1["suggestions"][0]["fact"] == "skill_years"
    r2 = requests.post(url, json={"conversation_id": "c1", "text": "拿证已经四年了"}, headers=auth, timeout=30).json()
    assert r2["profile"]["skill_years"] == 4 and r2["profile"]["skill_grade"] == "技师"
    assert r2["decision"]["options"][0]["status"] == "eligible"
    assert any(s["type"] == "reply" and "第八条" in s["text"] for s in r2["suggestions"])


def assist_note(stack, conversation_id, text):
    """One hotline note through the agent-assist API, its JSON reply."""
    return requests.post(
        f"{stack.url}/webhooks/assist/analyze",
        json={"conversation_id": conversation_id, "text": text},
        headers={"Authorization": "Bearer test-assist-token"},
        timeout=30,
    ).json()


def test_assist_notes_over_two_messages_count_as_one_fact(stack):
    """A medal noted after its contest (explore13 W3), and a year noted after the fraud-year
    suggestion (explore12 W2): each answers what the note before left open."""

    def note(cid, text):
        return assist_note(stack, cid, text)

    note("m1", "来电人 包头 高级技师 2019年取证 参加过世界技能大赛")
    assert note("m1", "补充：拿了铜牌")["profile"]["awards"] == ["世界技能大赛铜牌"]
    first = note("f1", "来电人 百色 技师 2022年取证 申报时被查出过弄虚作假")
    assert first["suggestions"][0] == {**first["suggestions"][0], "type": "ask", "fact": "fraud_year"}
    after = note("f1", "2025年")["profile"]
    assert after["fraud_year"] == 2025 and after["skill_grade_year"] == 2022


def test_assist_a_note_about_another_person_leaves_the_callers_profile(stack):
    """explore16/17 W-3: “另问 其妻 技师2019 问中级” had overwritten the caller's grade and year."""

    def note(text):
        return assist_note(stack, "o1", text)

    note("来电人 百色 高级工 2021年取证")
    other = note("另问 其妻 技师2019 问中级")
    assert other["profile"]["skill_grade"] == "高级工" and other["profile"]["skill_grade_year"] == 2021
    assert other["other"]["profile"]["skill_grade"] == "技师" and other["other"]["profile"]["region"] == "baise"
    assert other["suggestions"][0]["type"] == "reply" and other["suggestions"][0]["text"].startswith("另一位")
    assert note("回到来电人 问助理")["profile"]["skill_grade"] == "高级工"


def test_assist_a_failure_year_outside_the_window_of_a_later_year_bars_nothing(stack):
    """explore18 W-2: “补 2023年考核不合格” then “改问明年报”: 2027's 近3年 are 2024–2026 (#58)."""

    def note(text):
        return assist_note(stack, "w1", text)

    note("来电人 百色 技师 2017年取证")
    barred = note("补 2023年考核不合格")
    assert any(b["code"] == "assessment_failed" for b in barred["decision"]["blockers"])
    later = note("打算2027年报")
    assert not later["decision"]["blockers"] and later["decision"]["options"][0]["status"] == "eligible"


def test_greeting_with_a_question_starts_asking(stack):
    _, replies = chat(stack, "你好呀，我想咨询一下技能证评职称的政策")
    assert "技能等级" in replies[0]


def test_a_city_elsewhere_gets_the_national_rules(stack):
    _, replies = chat(stack, "我是技师，拿证三年了", "在杭州")
    assert "可以申报中级职称" in replies[1] and "《实施意见》二（二）1" in replies[1]


def test_a_fact_said_with_a_side_question_after_the_answer_still_counts(stack):
    sender, replies = chat(
        stack, "百色的技师，拿证两年", "对了，前年的国赛我拿过银牌，这个待遇怎么样", "那我现在能评什么"
    )
    assert "中级" in replies[0]
    assert stack.tracker(sender)["slots"]["awards"] == ["全国职业技能大赛银牌"]
    assert "副高级" in replies[2] and "第十条" in replies[2]


def test_traditional_characters_are_understood_and_kept_as_typed(stack):
    sender, replies = chat(stack, "我在百色是技師，幹了四年")
    assert "可以申报中级职称" in replies[0]
    tracker = stack.tracker(sender)
    assert tracker["slots"]["skill_grade"] == "技师" and tracker["slots"]["skill_years"] == 4
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["我在百色是技師，幹了四年"]


def test_a_condition_is_answered_but_not_stored(stack):
    sender, replies = chat(stack, "高级工，在赤峰干了三年", "那换到百色呢")
    assert replies[1].startswith("如果在百色") and "《百色市实施细则》" in replies[1]
    assert stack.tracker(sender)["slots"]["region"] == "nei_mongol"


def test_the_speed_patches_are_on_or_off_as_asked(stack):
    """Seen from outside: the server forks its NLU helper (bot/parse_helper.py) only with the
    patches on, and says once that it runs plain Rasa when they are off."""
    pid = stack.procs["rasa"].pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    log = (LOGS / f"rasa-{stack.rasa_port}.log").read_text(encoding="utf-8", errors="replace")
    plain = log.count("speed patches not installed (RASA_PATCHES=off): running plain Rasa")
    assert (len(children), plain) == ((0, 1) if stack.patches == "off" else (1, 0))
    # the tracker store's speed paths follow them: off, Rasa's own code stores each event with
    # json.dumps (\u escapes); on, with orjson (UTF-8 text). The same JSON either way.
    sender, _ = chat(stack, "我是技师")
    with sqlite3.connect(stack.env["TRACKER_DB"]) as db:
        (data,) = db.execute("select data from events where sender_id=? and type_name='user'", (sender,)).fetchone()
    assert json.loads(data)["text"] == "我是技师" and ("我是技师" in data) == (stack.patches == "on")
