"""Tests for the WeChat official-account channel's protocol (bot/channels/wechat/): URL
verification, signatures, safe mode, MsgId de-duplication, the 5 s budget and
customer-service pushes, long answers, events, media, hostile bodies, logging and
configuration. Menu, voice and guard tests are in test_wechat_menu.py,
test_wechat_voice.py and test_wechat_guard.py; the shared fakes in wechat_support.py.
Redis is tested only when a server is available.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
import uuid

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat import (
    MemoryDedupStore,
    RedisDedupStore,
    TEXT_ONLY_TEXT,
    WECHAT_TEXT_MAX_BYTES,
    WELCOME_TEXT,
    WeChatInput,
    MalformedXMLError,
    UnsafeXMLError,
    ensure_safe_xml,
    split_utf8,
)
from bot.guard import APOLOGY, MAX_CHARS, TOO_LONG, pseudonym
from wechat_support import (  # noqa: F401  (redis_url is a fixture)
    ACCOUNT,
    AES_KEY,
    APPID,
    APPSECRET,
    OPENID,
    TOKEN,
    FakeWeChatAPI,
    Harness,
    StubBot,
    event_xml,
    make_channel,
    redis_url,
    reply_fields,
    run,
    sign,
    signed_query,
    text_xml,
    typed_xml,
)


# ======================================================================
# URL verification (GET)
# ======================================================================


@run
async def test_get_verification_echoes_echostr() -> None:
    async with Harness(make_channel(), StubBot()) as h:
        resp = await h.get(signed_query(echostr="echo-12345"))
        assert resp.status == 200
        assert await resp.text() == "echo-12345"


@run
async def test_get_verification_bad_signature_is_403() -> None:
    async with Harness(make_channel(), StubBot()) as h:
        query = signed_query(echostr="echo-12345")
        query["signature"] = "0" * 40
        resp = await h.get(query)
        assert resp.status == 403
        assert "echo-12345" not in await resp.text()
        resp = await h.get(signed_query(token="other-token", echostr="x"))
        assert resp.status == 403


@run
async def test_mounted_by_rasas_own_app_factory() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot, rasa_app=True) as h:
        resp = await h.get(signed_query(echostr="rasa-echo"))
        assert await resp.text() == "rasa-echo"
        resp = await h.post(text_xml("你好"))
        assert reply_fields(await resp.text())["Content"] == "收到：你好"
        query = signed_query()
        query["signature"] = "0" * 40
        assert (await h.post(text_xml("你好", msg_id=2), query)).status == 403
    assert len(bot.calls) == 1


@run
async def test_health_route() -> None:
    async with Harness(make_channel(), StubBot()) as h:
        assert h.session is not None
        resp = await h.session.get(f"http://127.0.0.1:{h.port}/webhooks/wechat/")
        assert resp.status == 200


# ======================================================================
# text round trips
# ======================================================================


@run
async def test_text_round_trip_plain_mode() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(text_xml("我是百色的技师，拿证三年了"))
        assert resp.status == 200
        fields = reply_fields(await resp.text())
        assert fields["MsgType"] == "text"
        assert fields["Content"] == "收到：我是百色的技师，拿证三年了"
        assert fields["ToUserName"] == OPENID
        assert fields["FromUserName"] == ACCOUNT

    assert len(bot.calls) == 1
    msg = bot.calls[0]
    assert msg.sender_id == OPENID
    assert msg.input_channel == "wechat"
    assert msg.text == "我是百色的技师，拿证三年了"
    assert msg.metadata["wechat"]["msg_id"] == "1001"
    assert msg.metadata["wechat"]["account"] == ACCOUNT
    assert msg.metadata["wechat"]["encrypted"] is False


@run
async def test_text_round_trip_aes_mode() -> None:
    bot = StubBot()
    channel = make_channel(appid=APPID, encoding_aes_key=AES_KEY)
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    async with Harness(channel, bot) as h:
        query = signed_query(encrypt_type="aes")
        envelope = reply_fields(
            crypto.encrypt_message(
                text_xml("专业技术人才能参加什么技能等级评价", msg_id=3001),
                query["nonce"],
                query["timestamp"],
            )
        )
        query["msg_signature"] = envelope["MsgSignature"]
        body = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        )
        resp = await h.post(body, query)
        assert resp.status == 200
        reply = await resp.text()
        outer = reply_fields(reply)
        assert "Content" not in outer, "reply must be encrypted in safe mode"
        inner = crypto.decrypt_message(reply, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        fields = reply_fields(inner)
        assert fields["Content"] == "收到：专业技术人才能参加什么技能等级评价"
        assert fields["ToUserName"] == OPENID

        # a tampered msg_signature never reaches the bot
        query2 = signed_query(encrypt_type="aes", msg_signature="f" * 40)
        resp = await h.post(body.replace("3001", "3002"), query2)
        assert resp.status == 403
    assert len(bot.calls) == 1
    assert bot.calls[0].metadata["wechat"]["encrypted"] is True


@run
async def test_aes_request_without_key_configured_is_refused() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post("<xml><Encrypt>abc</Encrypt></xml>", signed_query(encrypt_type="aes", msg_signature="x"))
        assert resp.status == 500
    assert bot.calls == []


# ======================================================================
# authentication
# ======================================================================


@run
async def test_forged_signature_is_403_and_bot_never_called(caplog) -> None:
    bot = StubBot()
    caplog.set_level(logging.WARNING, logger="bot.channels.wechat")
    async with Harness(make_channel(), bot) as h:
        query = signed_query()
        query["signature"] = sign("guessed-token", query["timestamp"], query["nonce"])
        resp = await h.post(text_xml("hi"), query)
        assert resp.status == 403
        resp = await h.post(text_xml("hi"), {"timestamp": str(int(time.time()))})
        assert resp.status == 403
    assert bot.calls == []
    assert any("bad signature" in r.getMessage() for r in caplog.records)


@run
async def test_stale_timestamp_is_403(caplog) -> None:
    bot = StubBot()
    caplog.set_level(logging.WARNING, logger="bot.channels.wechat")
    async with Harness(make_channel(), bot) as h:
        # correctly signed, but 10 minutes old: a replay
        resp = await h.post(text_xml("hi"), signed_query(int(time.time()) - 600))
        assert resp.status == 403
        resp = await h.post(text_xml("hi"), signed_query(int(time.time()) + 600))
        assert resp.status == 403
        query = signed_query()
        query["timestamp"] = "not-a-number"
        query["signature"] = sign(TOKEN, query["timestamp"], query["nonce"])
        assert (await h.post(text_xml("hi"), query)).status == 403
    assert bot.calls == []
    assert any("stale timestamp" in r.getMessage() for r in caplog.records)


@run
async def test_timestamp_window_is_configurable() -> None:
    bot = StubBot()
    async with Harness(make_channel(max_timestamp_age=30), bot) as h:
        resp = await h.post(text_xml("hi"), signed_query(int(time.time()) - 60))
        assert resp.status == 403
        resp = await h.post(text_xml("hi"), signed_query(int(time.time()) - 10))
        assert resp.status == 200
    assert len(bot.calls) == 1


# ======================================================================
# de-duplication
# ======================================================================


@run
async def test_duplicate_msgid_sequential_runs_bot_once() -> None:
    counter = iter(range(100))
    bot = StubBot(reply=lambda text: f"answer #{next(counter)}")
    async with Harness(make_channel(), bot) as h:
        body = text_xml("技师能评什么职称", msg_id=42)
        replies = []
        for _ in range(4):  # first delivery + WeChat's three retries
            resp = await h.post(body)
            assert resp.status == 200
            replies.append(reply_fields(await resp.text())["Content"])
        assert replies == ["answer #0"] * 4
        # a different MsgId is a new message
        resp = await h.post(text_xml("技师能评什么职称", msg_id=43))
        assert reply_fields(await resp.text())["Content"] == "answer #1"
    assert len(bot.calls) == 2


@run
async def test_duplicate_msgid_concurrent_waits_for_first_result() -> None:
    bot = StubBot(delay=0.4)
    async with Harness(make_channel(reply_timeout=3.0), bot) as h:
        body = text_xml("并发重试", msg_id=77)
        responses = await asyncio.gather(*(h.post(body) for _ in range(3)))
        contents = [reply_fields(await r.text())["Content"] for r in responses]
    assert len(bot.calls) == 1
    assert contents == ["收到：并发重试"] * 3


@run
async def test_duplicate_event_is_deduplicated_by_user_and_createtime() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        ts = int(time.time())
        r1 = await h.post(event_xml("subscribe", create_time=ts))
        r2 = await h.post(event_xml("subscribe", create_time=ts))
        assert reply_fields(await r1.text())["Content"] == WELCOME_TEXT
        assert reply_fields(await r2.text())["Content"] == WELCOME_TEXT
        assert len(h.channel.dedup) == 1  # type: ignore[arg-type]


@run
async def test_memory_store_expires_entries() -> None:
    now = [1000.0]
    store = MemoryDedupStore(ttl=10, processing_ttl=5, clock=lambda: now[0])
    assert await store.claim("k") is True
    assert await store.claim("k") is False
    assert await store.wait_result("k", 0.01) is None  # still processing
    await store.set_result("k", {"kind": "text", "content": "x"})
    assert await store.wait_result("k", 0.01) == {"kind": "text", "content": "x"}
    now[0] += 11
    assert await store.get_result("k") is None
    assert await store.claim("k") is True  # expired: a new delivery
    # an abandoned "processing" claim expires after processing_ttl
    now[0] += 6
    assert await store.claim("k") is True


@run
async def test_memory_store_wait_is_woken_by_result() -> None:
    store = MemoryDedupStore()
    assert await store.claim("k")

    async def later() -> None:
        await asyncio.sleep(0.05)
        await store.set_result("k", {"kind": "success"})

    started = time.monotonic()
    result, _ = await asyncio.gather(store.wait_result("k", 2.0), later())
    assert result == {"kind": "success"}
    assert time.monotonic() - started < 1.0


# ======================================================================
# timeout -> success + customer-service push
# ======================================================================


@run
async def test_slow_answer_replies_success_then_pushes_and_caches_token() -> None:
    bot = StubBot(delay=0.5)
    async with FakeWeChatAPI() as api:
        channel = make_channel(
            appid=APPID,
            appsecret=APPSECRET,
            api_base_url=api.base_url,
            reply_timeout=0.15,
        )
        async with Harness(channel, bot) as h:
            started = time.monotonic()
            resp = await h.post(text_xml("慢一点的问题", msg_id=501))
            assert time.monotonic() - started < 0.45
            assert resp.status == 200
            assert await resp.text() == "success"
            # WeChat's retry while the bot is still thinking: same answer,
            # bot not run again
            resp = await h.post(text_xml("慢一点的问题", msg_id=501))
            assert await resp.text() == "success"
            await api.wait_for_sent(1)
            assert api.sent[0]["touser"] == OPENID
            assert api.sent[0]["msgtype"] == "text"
            assert api.sent[0]["text"]["content"] == "收到：慢一点的问题"
            assert api.sent[0]["_raw_has_escapes"] is False  # UTF-8, not \uXXXX

            resp = await h.post(text_xml("第二个慢问题", msg_id=502))
            assert await resp.text() == "success"
            await api.wait_for_sent(2)
            await h.channel.drain()
        assert len(bot.calls) == 2
        assert len(api.sent) == 2
        assert api.token_fetches == 1, "access token must be cached"
        assert {s["_token"] for s in api.sent} == {"TOKEN-1"}


@run
async def test_dropped_connection_still_answers_by_push() -> None:
    bot = StubBot(delay=0.4)
    async with FakeWeChatAPI() as api:
        channel = make_channel(
            appid=APPID,
            appsecret=APPSECRET,
            api_base_url=api.base_url,
            reply_timeout=3.0,
        )
        async with Harness(channel, bot) as h:
            with pytest.raises(asyncio.TimeoutError):
                await h.post(
                    text_xml("断线了", msg_id=551),
                    timeout=aiohttp.ClientTimeout(total=0.1),
                )
            await api.wait_for_sent(1)
            # the retry after the drop does not run the bot again
            resp = await h.post(text_xml("断线了", msg_id=551))
            assert await resp.text() == "success"
            await h.channel.drain()
        assert len(bot.calls) == 1
        assert [s["text"]["content"] for s in api.sent] == ["收到：断线了"]


@run
async def test_invalid_token_is_refreshed_once() -> None:
    bot = StubBot(delay=0.3)
    async with FakeWeChatAPI() as api:
        channel = make_channel(
            appid=APPID,
            appsecret=APPSECRET,
            api_base_url=api.base_url,
            reply_timeout=0.05,
        )
        assert channel.api is not None
        assert await channel.api.get_token() == "TOKEN-1"
        api.rejected_tokens.add("TOKEN-1")  # e.g. revoked by another server
        async with Harness(channel, bot) as h:
            resp = await h.post(text_xml("问题", msg_id=601))
            assert await resp.text() == "success"
            await api.wait_for_sent(1)
            await h.channel.drain()
        assert api.token_fetches == 2
        assert [s["_token"] for s in api.sent] == ["TOKEN-2"]


@run
async def test_token_expiry_triggers_refetch() -> None:
    async with FakeWeChatAPI(expires_in=1) as api:
        channel = make_channel(appid=APPID, appsecret=APPSECRET, api_base_url=api.base_url)
        assert channel.api is not None
        assert await channel.api.get_token() == "TOKEN-1"
        assert await channel.api.get_token() == "TOKEN-1"
        await asyncio.sleep(0.9)  # past expires_in minus the safety margin
        assert await channel.api.get_token() == "TOKEN-2"


@run
async def test_bot_failure_gives_apology_not_crash() -> None:
    bot = StubBot(fail=True)
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(text_xml("会出错的问题"))
        assert resp.status == 200
        # the guard's apology (the turn is kept and replayed with the next message)
        assert reply_fields(await resp.text())["Content"] == APOLOGY


# ======================================================================
# long answers
# ======================================================================


@run
async def test_long_answer_is_split_and_rest_pushed() -> None:
    paragraph = "根据《关于进一步加强高技能人才与专业技术人才职业发展贯通的实施意见》，" * 12
    long_answer = "\n\n".join(f"第{i}段：{paragraph}" for i in range(8))
    assert len(long_answer.encode("utf-8")) > 3 * WECHAT_TEXT_MAX_BYTES
    bot = StubBot(reply=lambda _text: long_answer)
    async with FakeWeChatAPI() as api:
        channel = make_channel(appid=APPID, appsecret=APPSECRET, api_base_url=api.base_url)
        async with Harness(channel, bot) as h:
            resp = await h.post(text_xml("请详细说明", msg_id=701))
            passive = reply_fields(await resp.text())["Content"]
            await h.channel.drain()
        assert 0 < len(passive.encode("utf-8")) <= WECHAT_TEXT_MAX_BYTES
        pushed = [s["text"]["content"] for s in api.sent]
        assert pushed, "the remainder must be pushed"
        assert all(len(p.encode("utf-8")) <= WECHAT_TEXT_MAX_BYTES for p in pushed)
        squash = lambda s: "".join(s.split())  # noqa: E731
        assert squash(passive + "".join(pushed)) == squash(long_answer)
        assert passive.startswith("第0段")


def test_split_utf8_respects_bytes_and_characters() -> None:
    text = "技" * 700 + "😀" * 300  # 2100 + 1200 bytes, 3- and 4-byte chars
    parts = split_utf8(text, 2048)
    assert "".join(parts) == text
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)
    assert split_utf8("short") == ["short"]
    assert split_utf8("") == []
    # prefers sentence breaks
    parts = split_utf8("一二三。" * 10, 20)
    assert all(p.endswith("。") for p in parts)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000), st.integers(min_value=4, max_value=300))
def test_split_utf8_property(text: str, limit: int) -> None:
    parts = split_utf8(text, limit)
    assert "".join(parts) == text
    assert all(0 < len(p.encode("utf-8")) <= limit for p in parts)


# ======================================================================
# events and non-text messages
# ======================================================================


@run
async def test_subscribe_event_gets_welcome() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(event_xml("subscribe"))
        content = reply_fields(await resp.text())["Content"]
        assert content == WELCOME_TEXT
        assert "职称" in content and "技能等级评价" in content and "政策条款" in content
        assert "我是百色的技师，拿证三年了" in content
        # scanning a QR code to subscribe is a subscribe too
        resp = await h.post(event_xml("subscribe", create_time=1, key="qrscene_123"))
        assert reply_fields(await resp.text())["Content"] == WELCOME_TEXT
    assert bot.calls == []


# (a CLICK is answered: test_wechat_menu.py)
@pytest.mark.parametrize("event", ["unsubscribe", "VIEW", "LOCATION", "weird"])
@run
async def test_other_events_get_success(event: str) -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(event_xml(event))
        assert resp.status == 200
        assert await resp.text() == "success"
    assert bot.calls == []


@pytest.mark.parametrize(
    "msg_type,extra",
    [
        ("image", "<PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId>m</MediaId>"),
        ("voice", "<MediaId>m</MediaId><Format>amr</Format>"),
        ("video", "<MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId>"),
        (
            "location",
            "<Location_X>23.9</Location_X><Location_Y>106.6</Location_Y>" "<Scale>20</Scale><Label>百色</Label>",
        ),
        ("link", "<Title>t</Title><Description>d</Description><Url>u</Url>"),
    ],
)
@run
async def test_media_messages_get_polite_text_request(msg_type: str, extra: str) -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(typed_xml(msg_type, extra))
        assert resp.status == 200
        assert reply_fields(await resp.text())["Content"] == TEXT_ONLY_TEXT
    assert bot.calls == []


@run
async def test_unknown_and_odd_messages_never_crash() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(typed_xml("miniprogrampage", "<Title>t</Title>"))
        assert resp.status == 200
        assert reply_fields(await resp.text())["Content"] == TEXT_ONLY_TEXT
        # text with empty content
        resp = await h.post(typed_xml("text", "<Content></Content>", msg_id=9))
        assert resp.status == 200
        # Content that is an element, not text
        resp = await h.post(typed_xml("text", "<Content><a>1</a></Content>", msg_id=10))
        assert resp.status == 200
        # non-numeric MsgId
        resp = await h.post(text_xml("hi", msg_id="abc"))
        assert resp.status == 200
        # no MsgType / no FromUserName: not a WeChat message
        resp = await h.post("<xml><ToUserName>a</ToUserName></xml>")
        assert resp.status == 400
        resp = await h.post("<xml><MsgType>text</MsgType><Content>x</Content></xml>")
        assert resp.status == 400
        # still serving
        resp = await h.post(text_xml("还在吗", msg_id=11))
        assert reply_fields(await resp.text())["Content"] == "收到：还在吗"
    assert [m.text for m in bot.calls] == ["hi", "还在吗"]


# ======================================================================
# hostile bodies
# ======================================================================


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not xml at all",
        "<xml><ToUserName>a</ToUserName>",  # truncated
        "<xml><a></b></xml>",
        "<root><MsgType>text</MsgType></root>",  # wrong root
        "<xml>&undefined;</xml>",
        "\xff\xfe<xml/>",
        "<xml>" + "<a>" * 50 + "</a>" * 50 + "</xml>",  # absurd nesting
    ],
)
@run
async def test_malformed_xml_is_400(body: str) -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        raw = body.encode("latin-1") if body.startswith("\xff") else body
        resp = await h.post(raw)
        assert resp.status == 400
        # the server survives
        resp = await h.post(text_xml("ok?", msg_id=12))
        assert resp.status == 200
    assert len(bot.calls) == 1


@run
async def test_xxe_payload_is_rejected_without_reading_files(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="bot.channels.wechat")
    secret = f"TOP-SECRET-{uuid.uuid4().hex}"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(secret)
        path = fh.name
    try:
        payload = (
            '<?xml version="1.0"?>'
            f'<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file://{path}">]>'
            "<xml>"
            f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
            "<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            "<Content>&xxe;</Content><MsgId>13</MsgId></xml>"
        )
        param_entity = (
            f'<!DOCTYPE xml [<!ENTITY % ext SYSTEM "file://{path}"> %ext;]>' "<xml><MsgType>text</MsgType></xml>"
        )
        external_dtd = f'<!DOCTYPE xml SYSTEM "file://{path}"><xml/>'
        bot = StubBot()
        async with Harness(make_channel(), bot) as h:
            for body in (payload, param_entity, external_dtd):
                resp = await h.post(body)
                assert resp.status == 400
                assert secret not in await resp.text()
        assert bot.calls == []
        # refused by the channel's own DTD check, before wechatpy/xmltodict
        rejections = [r for r in caplog.records if "DTD/entity" in r.getMessage()]
        assert len(rejections) == 3
    finally:
        os.unlink(path)


@run
async def test_billion_laughs_is_rejected_quickly() -> None:
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE xml [{lol}]>'
        f"<xml><ToUserName>a</ToUserName><FromUserName>{OPENID}</FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>text</MsgType>"
        "<Content>&lol9;</Content><MsgId>14</MsgId></xml>"
    )
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        started = time.monotonic()
        resp = await h.post(body)
        assert resp.status == 400
        assert time.monotonic() - started < 1.0
        assert (await h.post(text_xml("alive", msg_id=15))).status == 200
    assert [m.text for m in bot.calls] == ["alive"]


@run
async def test_xxe_inside_aes_payload_is_rejected() -> None:
    bot = StubBot()
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    channel = make_channel(appid=APPID, encoding_aes_key=AES_KEY)
    async with Harness(channel, bot) as h:
        query = signed_query(encrypt_type="aes")
        inner = '<!DOCTYPE xml [<!ENTITY a "b">]><xml><MsgType>text</MsgType></xml>'
        envelope = reply_fields(crypto.encrypt_message(inner, query["nonce"], query["timestamp"]))
        query["msg_signature"] = envelope["MsgSignature"]
        body = f"<xml><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        resp = await h.post(body, query)
        assert resp.status == 400
    assert bot.calls == []


def test_ensure_safe_xml_is_structural_not_substring() -> None:
    # a user may legitimately type "<!DOCTYPE" - inside CDATA it is just text
    ensure_safe_xml(text_xml("<!DOCTYPE html> <!ENTITY x>").encode("utf-8"))
    with pytest.raises(UnsafeXMLError):
        ensure_safe_xml(b'<!DOCTYPE xml [<!ENTITY a "b">]><xml/>')
    with pytest.raises(MalformedXMLError):
        ensure_safe_xml(b"<xml>")


@run
async def test_oversize_body_is_413() -> None:
    bot = StubBot()
    async with Harness(make_channel(max_body_bytes=64 * 1024), bot) as h:
        big = text_xml("长" * 30000)  # ~90 KB
        resp = await h.post(big)
        assert resp.status == 413

        async def chunks():  # chunked upload, no Content-Length
            for _ in range(100):
                yield b"<xml>" + b"a" * 1024

        resp = await h.post(chunks())
        assert resp.status == 413
        # just under the limit is accepted; 20000 characters are more than the guard's
        # message limit, so the follower is asked to shorten it (the bot is not run)
        resp = await h.post(text_xml("长" * 20000, msg_id=16))
        assert resp.status == 200
        assert reply_fields(await resp.text())["Content"] == TOO_LONG.format(limit=MAX_CHARS)
    assert bot.calls == []


# ======================================================================
# logging, configuration
# ======================================================================


@run
async def test_info_logs_carry_no_message_text_or_openid(caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.channels.wechat")
    secret_text = "我的身份证号是450000000000000000"
    async with FakeWeChatAPI() as api:
        channel = make_channel(
            appid=APPID,
            appsecret=APPSECRET,
            api_base_url=api.base_url,
            reply_timeout=0.05,
        )
        async with Harness(channel, StubBot(delay=0.2)) as h:
            await h.post(text_xml(secret_text, msg_id=888))
            await api.wait_for_sent(1)
            await h.channel.drain()
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert "msg_id=888" in logs
    assert pseudonym(OPENID) in logs
    assert secret_text not in logs
    assert OPENID not in logs


def test_from_credentials_env_fallback(monkeypatch) -> None:
    monkeypatch.setenv("WECHAT_TOKEN", "env-token")
    monkeypatch.setenv("WECHAT_APPID", APPID)
    monkeypatch.setenv("WECHAT_APPSECRET", APPSECRET)
    monkeypatch.setenv("WECHAT_AES_KEY", AES_KEY)
    monkeypatch.setenv("WECHAT_API_BASE", "http://127.0.0.1:9/")
    monkeypatch.delenv("WECHAT_DEDUP_REDIS_URL", raising=False)
    channel = WeChatInput.from_credentials({"token": "", "reply_timeout": 3})
    assert channel.token == "env-token"
    assert channel.crypto is not None
    assert channel.api is not None and channel.api.api_base_url == "http://127.0.0.1:9"
    assert channel.reply_timeout == 3.0
    assert isinstance(channel.dedup, MemoryDedupStore)
    assert WeChatInput.name() == "wechat"

    channel = WeChatInput.from_credentials({"token": "yml-token", "redis_url": "redis://127.0.0.1:1/0"})
    assert channel.token == "yml-token"
    assert isinstance(channel.dedup, RedisDedupStore)

    monkeypatch.delenv("WECHAT_TOKEN")
    from rasa.shared.exceptions import RasaException

    with pytest.raises(RasaException, match="wechat"):
        WeChatInput.from_credentials({})
    with pytest.raises(ValueError):
        WeChatInput(token="t", appid=APPID, encoding_aes_key="too-short")


def test_loads_from_credentials_yml_like_rasa_run(monkeypatch, tmp_path) -> None:
    from rasa.core.run import create_http_input_channels

    monkeypatch.setenv("WECHAT_TOKEN", "yml-env-token")
    creds = tmp_path / "credentials.yml"
    creds.write_text(
        "bot.channels.wechat.WeChatInput:\n"
        "  token: ${WECHAT_TOKEN}\n"
        "  reply_timeout: 4\n"
        "  max_timestamp_age: 60\n",
        encoding="utf-8",
    )
    (channel,) = create_http_input_channels(None, str(creds))
    assert isinstance(channel, WeChatInput)
    assert channel.token == "yml-env-token"
    assert channel.url_prefix() == "wechat"
    assert channel.reply_timeout == 4.0
    assert channel.max_timestamp_age == 60.0


# ======================================================================
# Redis de-duplication (only with a server)
# ======================================================================


@run
async def _redis_scenario(url: str) -> None:
    prefix = f"wechat:test:{uuid.uuid4().hex}:"
    store_a = RedisDedupStore(url, ttl=30)
    store_b = RedisDedupStore(url, ttl=30)  # a second Rasa process
    store_a.store.prefix = store_b.store.prefix = prefix
    try:
        assert await store_a.claim("m1") is True
        assert await store_b.claim("m1") is False
        assert await store_b.wait_result("m1", 0.1) is None

        async def finish() -> None:
            await asyncio.sleep(0.1)
            await store_a.set_result("m1", {"kind": "text", "content": "同一个答案"})

        result, _ = await asyncio.gather(store_b.wait_result("m1", 2.0), finish())
        assert result == {"kind": "text", "content": "同一个答案"}
        ttl = await store_a.store._client().ttl(prefix + "dedup:m1")
        assert 0 < ttl <= 30

        # end to end: two channels (processes) sharing Redis, one bot run
        bot = StubBot(delay=0.2)
        ch1 = make_channel(dedup_store=store_a)
        ch2 = make_channel(dedup_store=store_b)
        async with Harness(ch1, bot) as h1, Harness(ch2, bot) as h2:
            body = text_xml("两个进程", msg_id=uuid.uuid4().int % 10**12)
            r1, r2 = await asyncio.gather(h1.post(body), h2.post(body))
            c1 = reply_fields(await r1.text())["Content"]
            c2 = reply_fields(await r2.text())["Content"]
        assert len(bot.calls) == 1
        assert c1 == c2 == "收到：两个进程"
    finally:
        await store_a.close()
        await store_b.close()


def test_redis_dedupe_store(redis_url: str) -> None:
    _redis_scenario(redis_url)


@run
async def test_redis_down_fails_open() -> None:
    # nothing listens on port 1: the message is still answered
    store = RedisDedupStore("redis://127.0.0.1:1/0")
    bot = StubBot()
    async with Harness(make_channel(dedup_store=store), bot) as h:
        resp = await h.post(text_xml("redis 挂了", msg_id=17))
        assert reply_fields(await resp.text())["Content"] == "收到：redis 挂了"
    assert len(bot.calls) == 1


def test_a_retry_key_is_the_followers_own():
    """One follower's MsgId never answers another's (explore15: a harness sent two followers'
    messages under one made-up id and each got the other's reply)."""
    from bot.channels.wechat.messages import interpret

    def key(openid):
        data = {"MsgType": "text", "FromUserName": openid, "MsgId": "42", "Content": "技师", "CreateTime": "1"}
        return interpret(data, "u", frozenset()).dedup_key

    assert key("o-a") != key("o-b") and key("o-a") == key("o-a")


def test_without_the_customer_service_api_one_reply_keeps_the_answer():
    """explore17: with no appid/appsecret only the passive reply arrives; general paragraphs,
    the next steps and the closing offer give way to the answer, and a line says so."""
    from bot.channels.wechat.replies import ONE_REPLY_NOTE, WECHAT_TEXT_MAX_BYTES, collected_text, fit_one_reply

    general = [{"text": "一般说明" * 120} for _ in range(2)]
    answer = [{"text": "✅ 可以申报中级职称。" + "依据" * 100}, {"text": "另外：\n⏳ 2027年起可以申报副高级职称"}]
    steps = [{"text": "下一步：\n" + "1. 办理步骤" * 60}, {"text": "还可以问我：需要什么材料"}]
    fitted = fit_one_reply(general + answer + steps)
    text = collected_text(fitted)
    assert len(text.encode("utf-8")) <= WECHAT_TEXT_MAX_BYTES
    assert "✅ 可以申报中级职称" in text and "⏳ 2027年起可以申报副高级职称" in text and ONE_REPLY_NOTE in text
    short = [{"text": "✅ 可以申报中级职称。"}]
    assert fit_one_reply(short) == short
