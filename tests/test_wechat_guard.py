"""The WeChat channel goes through the same guard as REST and the widget (bot/guard.py):
per-follower rate limit (retries of one MsgId cost nothing), PII redacted before the bot,
a failed turn answered with the apology and replayed with the next message. And the
follower's lifecycle: subscribe gets the welcome with the menu hint; unsubscribe drops
pending customer-service pushes and the kept texts of failed turns."""

from __future__ import annotations

import asyncio
import logging

from bot.channels.wechat import WELCOME_TEXT
from bot.guard import ACTION_FAILURES, APOLOGY, TOO_FAST, Guard, pseudonym
from bot.kvstore import MemoryStore
from bot.ratelimit import TokenBucket
from wechat_support import (
    APPID,
    APPSECRET,
    OPENID,
    FakeWeChatAPI,
    Harness,
    StubBot,
    event_xml,
    follower_event_xml,
    make_channel,
    reply_fields,
    run,
    text_xml,
)

PHONE, ID_NO = "13812345678", "11010119900307123X"


def limited_guard(burst: int) -> Guard:
    return Guard("wechat", limiter=TokenBucket(MemoryStore(), burst, 0.001))


async def content(h: Harness, body: str) -> str:
    resp = await h.post(body)
    assert resp.status == 200
    return reply_fields(await resp.text())["Content"]


def test_a_flood_from_one_follower_is_limited_while_others_are_served(caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot.guard")
    flood_from_one_follower()
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert f"sender {pseudonym(OPENID)} refused" in logs and OPENID not in logs


@run
async def flood_from_one_follower() -> None:
    bot = StubBot()
    async with Harness(make_channel(guard=limited_guard(3)), bot) as h:
        flood = [await content(h, text_xml(f"第{i}条", msg_id=100 + i)) for i in range(6)]
        other = await content(h, text_xml("我也想问", msg_id=200, openid="oOther"))
    assert flood == ["收到：第0条", "收到：第1条", "收到：第2条"] + [TOO_FAST] * 3
    assert other == "收到：我也想问"
    assert [m.text for m in bot.calls] == ["第0条", "第1条", "第2条", "我也想问"]


@run
async def test_wechats_retries_cost_no_tokens() -> None:
    bot = StubBot()
    async with Harness(make_channel(guard=limited_guard(2)), bot) as h:
        body = text_xml("同一条", msg_id=300)
        assert {await content(h, body) for _ in range(4)} == {"收到：同一条"}
        assert await content(h, text_xml("第二条", msg_id=301)) == "收到：第二条"
        assert await content(h, text_xml("第三条", msg_id=302)) == TOO_FAST


@run
async def test_phone_and_id_numbers_never_reach_the_bot() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        answer = await content(h, text_xml(f"我电话{PHONE}，身份证{ID_NO}", msg_id=400))
    (message,) = bot.calls
    assert PHONE not in message.text and ID_NO not in message.text and ID_NO.lower() not in message.text
    assert "[手机号已隐藏]" in message.text and "[身份证号已隐藏]" in message.text
    assert PHONE not in answer


class FlakyBot(StubBot):
    """Its first turn fails the way a crashed action server does (recorded by the guard's
    watch of RemoteAction), then it recovers."""

    def __init__(self) -> None:
        super().__init__()
        self.failures_left = 1

    async def handle_message(self, message) -> None:
        if self.failures_left:
            self.failures_left -= 1
            self.calls.append(message)
            ACTION_FAILURES.get().append("action_check_eligibility")
            return
        await super().handle_message(message)


@run
async def test_a_failed_turn_gets_the_apology_and_is_replayed_next_time() -> None:
    bot = FlakyBot()
    async with Harness(make_channel(), bot) as h:
        first = await content(h, text_xml("我是百色的技师", msg_id=500))
        assert await h.channel.guard.pending.get(OPENID) == ["我是百色的技师"]
        second = await content(h, text_xml("拿证三年了", msg_id=501))
    assert first == APOLOGY
    assert second == "收到：我是百色的技师\n\n收到：拿证三年了"
    assert [m.text for m in bot.calls] == ["我是百色的技师", "我是百色的技师", "拿证三年了"]
    assert await h.channel.guard.pending.get(OPENID) == []


@run
async def test_subscribe_welcome_points_to_the_menu() -> None:
    async with Harness(make_channel(), StubBot()) as h:
        welcome = await content(h, event_xml("subscribe"))
    assert welcome == WELCOME_TEXT
    assert "下方菜单" in welcome and "我能评什么" in welcome and "转人工" in welcome


@run
async def test_unsubscribe_drops_pending_pushes_until_the_follower_returns() -> None:
    bot = StubBot(delay=0.4)
    async with FakeWeChatAPI() as api:
        channel = make_channel(appid=APPID, appsecret=APPSECRET, api_base_url=api.base_url, reply_timeout=0.1)
        async with Harness(channel, bot) as h:
            resp = await h.post(text_xml("慢问题", msg_id=600))
            assert await resp.text() == "success"  # answer will be pushed …
            resp = await h.post(follower_event_xml("unsubscribe", OPENID, create_time=10))
            assert await resp.text() == "success"
            await h.channel.drain()  # … but the follower left
            assert api.sent == []
            # another follower's push is unaffected; a returning follower gets pushes again
            await h.post(text_xml("别人的慢问题", msg_id=601, openid="oOther"))
            await h.post(follower_event_xml("subscribe", OPENID, create_time=11))
            await h.post(text_xml("回来了", msg_id=602))
            await h.channel.drain()
        assert sorted(s["touser"] for s in api.sent) == sorted(["oOther", OPENID])
        assert len(bot.calls) == 3


@run
async def test_unsubscribe_forgets_the_kept_texts_of_failed_turns() -> None:
    async with Harness(make_channel(), FlakyBot()) as h:
        assert await content(h, text_xml("我是百色的技师", msg_id=700)) == APOLOGY
        assert await h.channel.guard.pending.get(OPENID) == ["我是百色的技师"]
        await h.post(follower_event_xml("unsubscribe", OPENID, create_time=20))
        assert await h.channel.guard.pending.get(OPENID) == []


@run
async def test_long_answer_parts_stop_when_the_follower_unsubscribes() -> None:
    long_answer = "\n\n".join(f"第{i}段：" + "说明" * 600 for i in range(4))  # 4 parts
    pushed_first = asyncio.Event()

    api = FakeWeChatAPI()
    original_send = api._send

    async def slow_send(request):
        answer = await original_send(request)
        pushed_first.set()
        await asyncio.sleep(0.3)
        return answer

    api._send = slow_send  # before the routes are made
    async with api:
        channel = make_channel(appid=APPID, appsecret=APPSECRET, api_base_url=api.base_url)
        async with Harness(channel, StubBot(reply=lambda _t: long_answer)) as h:
            passive = await content(h, text_xml("请详细说明", msg_id=800))
            await asyncio.wait_for(pushed_first.wait(), 5)
            await h.post(follower_event_xml("unsubscribe", OPENID, create_time=30))
            await h.channel.drain()
    assert passive.startswith("第0段")
    assert len(api.sent) == 1  # parts 3 and 4 were dropped


async def _turn(guard: Guard, text: str, calls: list, fail_on: str = "\x00") -> list:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    async def on_new(message):
        calls.append(message.text)
        if message.text == fail_on:
            raise RuntimeError("this text always fails")
        await message.output_channel.send_text_message(message.sender_id, "收到：" + message.text)

    out = CollectingOutputChannel()
    await guard.handle(UserMessage(text, out, "u1"), on_new)
    return [m["text"] for m in out.messages]


@run
async def test_a_blank_message_gets_a_hint_and_never_reaches_the_bot() -> None:
    """explore6 C1: one blank message used to fail in the NLU, be kept, and be replayed
    (failing again) before every later message — the sender was locked out."""
    from bot.guard import EMPTY

    guard, calls = Guard("rest", limiter=TokenBucket(MemoryStore(), 100, 1)), []
    assert await _turn(guard, "   ", calls) == [EMPTY]
    assert calls == [] and await guard.pending.get("u1") == []
    assert await _turn(guard, "我是百色的技师", calls) == ["收到：我是百色的技师"]


@run
async def test_a_text_that_always_fails_is_given_up_after_its_replays() -> None:
    from bot.guard import MAX_REPLAYS

    guard, calls = Guard("rest", limiter=TokenBucket(MemoryStore(), 100, 1)), []
    assert await _turn(guard, "坏消息", calls, fail_on="坏消息") == [APOLOGY]
    for i in range(MAX_REPLAYS - 1):
        assert await _turn(guard, f"第{i}条", calls, fail_on="坏消息") == [APOLOGY]
    replies = await _turn(guard, "我是百色的技师", calls, fail_on="坏消息")
    assert replies[-1] == "收到：我是百色的技师" and "收到：第0条" in replies  # the kept ones go through
    assert await guard.pending.get("u1") == []
