"""Voice messages: with 语音识别 on, WeChat sends its transcript in <Recognition>; the bot
answers from it and the answer starts with what was heard, so a misheard fact can be
corrected. Without Recognition the follower is asked to type; an empty transcript and an
oversized one get a plain answer, never a 5xx."""

from __future__ import annotations

from bot.channels.wechat import NOT_HEARD_TEXT, TEXT_ONLY_TEXT, heard_line
from bot.guard import MAX_CHARS, TOO_LONG
from wechat_support import Harness, StubBot, make_channel, reply_fields, run, voice_xml


@run
async def test_voice_is_answered_from_its_recognition() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(voice_xml("我是百色的技师，拿证三年了。", msg_id=31))
        assert resp.status == 200
        content = reply_fields(await resp.text())["Content"]
    assert content == "（听到的是：我是百色的技师，拿证三年了。）\n收到：我是百色的技师，拿证三年了。"
    assert [m.text for m in bot.calls] == ["我是百色的技师，拿证三年了。"]
    assert bot.calls[0].metadata["wechat"]["msg_type"] == "voice"


@run
async def test_heard_text_is_shown_as_the_bot_received_it_redacted() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(voice_xml("我的电话是13812345678", msg_id=32))
        content = reply_fields(await resp.text())["Content"]
    assert "13812345678" not in content and "13812345678" not in bot.calls[0].text
    assert content.startswith("（听到的是：我的电话是[手机号已隐藏]）")


@run
async def test_empty_or_missing_recognition() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        for n, heard in enumerate(["", "   ", "<a>1</a>"]):
            body = voice_xml(None, msg_id=40 + n).replace("<MsgId>", f"<Recognition>{heard}</Recognition><MsgId>")
            resp = await h.post(body)
            assert resp.status == 200
            assert reply_fields(await resp.text())["Content"] == NOT_HEARD_TEXT
        resp = await h.post(voice_xml("", msg_id=44))  # empty CDATA
        assert reply_fields(await resp.text())["Content"] == NOT_HEARD_TEXT
        resp = await h.post(voice_xml(None, msg_id=45))  # 语音识别 off
        assert reply_fields(await resp.text())["Content"] == TEXT_ONLY_TEXT
    assert bot.calls == []


@run
async def test_oversized_voice_text_gets_the_too_long_answer() -> None:
    bot = StubBot()
    heard = "我是百色的技师" * 300  # 2100 characters
    async with Harness(make_channel(), bot) as h:
        resp = await h.post(voice_xml(heard, msg_id=51))
        assert resp.status == 200
        content = reply_fields(await resp.text())["Content"]
    assert content == heard_line(heard) + "\n" + TOO_LONG.format(limit=MAX_CHARS)
    assert len(content) < 200 and bot.calls == []


@run
async def test_a_retried_voice_message_runs_the_bot_once() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        body = voice_xml("技师能评什么职称", msg_id=61)
        answers = {reply_fields(await (await h.post(body)).text())["Content"] for _ in range(3)}
    assert len(answers) == 1 and len(bot.calls) == 1
