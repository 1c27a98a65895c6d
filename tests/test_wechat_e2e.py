"""The WeChat channel tried as followers would, against the real stack (trained model,
action server, SQLite tracker store) on free loopback ports: signed XML posted to the
webhook, every answer read. Voice with <Recognition> answered from its text; every click
item of deploy/wechat_menu.json answered by the dialogue (a side question with the
follower's known region, 我能评什么 starting the check, 转人工 with the summary); a flood
from one follower limited while others are served; no phone or ID number stored."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid
import xml.etree.ElementTree as ET
from itertools import count

import pytest
import requests

from bot.channels.wechat import NOT_HEARD_TEXT, TEXT_ONLY_TEXT, UNKNOWN_MENU_TEXT, WELCOME_TEXT
from bot.channels.wechat.menu import click_keys, items, load_menu
from bot.guard import APOLOGY, TOO_FAST
from servers import running_stack

TOKEN = "test-wechat-token"  # tests/servers.py sets WECHAT_TOKEN to this
BURST = 12
PHONE, ID_NO = "13812345678", "11010119900307123X"
_create_times = count(1_700_000_000)  # events are de-duplicated by follower + CreateTime


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wechat")
    with running_stack(tmp, {"RATE_LIMIT_BURST": str(BURST), "RATE_LIMIT_PER_MINUTE": "60"}) as s:
        s.db = tmp / "tracker.db"
        yield s


def follower() -> str:
    return "o" + uuid.uuid4().hex[:20]


def post(stack, openid: str, inner: str) -> str:
    """The passive reply's text, or "success"; fails on anything but HTTP 200."""
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    signature = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
    xml = (
        f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
        f"</FromUserName><CreateTime>{next(_create_times)}</CreateTime>{inner}</xml>"
    )
    r = requests.post(
        f"{stack.url}/webhooks/wechat/webhook",
        data=xml.encode("utf-8"),
        timeout=30,
        params={"signature": signature, "timestamp": ts, "nonce": nonce},
    )
    assert r.status_code == 200, r.text
    if r.text == "success":
        return r.text
    return {c.tag: c.text or "" for c in ET.fromstring(r.text)}["Content"]


def msg_id() -> int:
    return uuid.uuid4().int % 10**15


def text(content: str) -> str:
    return f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id()}</MsgId>"


def voice(heard) -> str:
    recognition = "" if heard is None else f"<Recognition><![CDATA[{heard}]]></Recognition>"
    return (
        f"<MsgType><![CDATA[voice]]></MsgType><MediaId>m</MediaId><Format>amr</Format>"
        f"{recognition}<MsgId>{msg_id()}</MsgId>"
    )


def event(kind: str, key: str = "") -> str:
    return (
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{kind}]]></Event><EventKey><![CDATA[{key}]]></EventKey>"
    )


def slots(stack, openid: str) -> dict:
    return stack.tracker(openid)["slots"]


def test_voice_is_answered_from_what_was_heard(stack, report_counts) -> None:
    openid = follower()
    assert post(stack, openid, event("subscribe")) == WELCOME_TEXT
    answer = post(stack, openid, voice("我是百色的技师，拿证三年了。"))
    heard, _, rest = answer.partition("\n")
    assert heard == "（听到的是：我是百色的技师，拿证三年了。）"
    assert "职称" in rest and rest not in (TEXT_ONLY_TEXT, APOLOGY)
    facts = slots(stack, openid)
    assert facts["region"] == "baise" and facts["skill_grade"]
    assert post(stack, openid, voice("")) == NOT_HEARD_TEXT
    assert post(stack, openid, voice(None)) == TEXT_ONLY_TEXT
    too_long = post(stack, openid, voice("我是百色的技师" * 200))
    assert too_long.startswith("（听到的是：") and "太长" in too_long
    report_counts("WeChat voice (real stack)", "Recognition answered with （听到的是）, empty/none/oversized answered")


def test_every_menu_click_is_answered_by_the_dialogue(stack, report_counts) -> None:
    menu = load_menu()
    names = {i["key"]: i["name"] for i in items(menu) if i.get("type") == "click"}
    known = follower()  # has told us where they work
    post(stack, known, text("我是百色的技师，拿证三年了"))
    stranger = follower()  # has told us nothing
    for key in sorted(click_keys(menu)):
        for who in (known, stranger):
            answer = post(stack, who, event("CLICK", key))
            assert answer not in ("success", APOLOGY, UNKNOWN_MENU_TEXT, TOO_FAST), (names[key], answer)
    # a side question uses the known region; without one, every region is listed
    fee_known, fee_stranger = (post(stack, who, event("CLICK", "faq_fee")) for who in (known, stranger))
    assert "百色" in fee_known and "内蒙古" not in fee_known
    assert "内蒙古" in fee_stranger
    # 我能评什么 starts the check: the first question of the form
    fresh = follower()
    assert "技能等级" in post(stack, fresh, event("CLICK", "ask_eligibility"))
    assert slots(stack, fresh)["requested_slot"]
    # 转人工: the hotline and the summary of what the follower told us
    handoff = post(stack, known, event("CLICK", "human_handoff"))
    assert "12333" in handoff and "摘要" in handoff and "百色" in handoff and "技师" in handoff
    # VIEW is silent; an unknown key and an unknown event kind are answered without error
    assert post(stack, known, event("VIEW", "https://example.com/")) == "success"
    assert post(stack, known, event("CLICK", "V1001_GONE")) == UNKNOWN_MENU_TEXT
    assert post(stack, known, event("TEMPLATESENDJOBFINISH")) == "success"
    report_counts("WeChat menu clicks (real stack)", f"{len(names)} click items × 2 followers answered")


def test_a_flood_from_one_follower_is_limited_while_others_are_served(stack, report_counts) -> None:
    flooder, other = follower(), follower()
    answers = [post(stack, flooder, text(f"你好{i}")) for i in range(BURST + 8)]
    refused = answers.count(TOO_FAST)
    assert TOO_FAST not in answers[:BURST] and refused >= 4
    answer = post(stack, other, text("你好"))
    assert answer not in (TOO_FAST, APOLOGY, "success")
    report_counts("WeChat flood (real stack)", f"{refused} of {len(answers)} refused, other follower served")


def test_no_phone_or_id_number_is_stored(stack) -> None:
    typed, spoken = follower(), follower()
    post(stack, typed, text(f"我是百色的技师，电话{PHONE}，身份证{ID_NO}"))
    answer = post(stack, spoken, voice(f"我的手机是{PHONE}，身份证号{ID_NO}"))
    assert PHONE not in answer and "[手机号已隐藏]" in answer
    for openid in (typed, spoken):
        users = [e["text"] for e in stack.tracker(openid)["events"] if e["event"] == "user"]
        assert users and all(PHONE not in u and ID_NO not in u for u in users)
    with sqlite3.connect(stack.db) as db:
        stored = json.dumps([json.loads(r[0]) for r in db.execute("SELECT data FROM events")], ensure_ascii=False)
    assert PHONE not in stored and ID_NO not in stored and ID_NO.lower() not in stored
