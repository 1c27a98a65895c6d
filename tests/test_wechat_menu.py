"""The custom menu: deploy/wechat_menu.json is a menu WeChat accepts, its click keys are
dialogue intents, ``make wechat-menu`` pushes it with wechatpy against a fake WeChat API
(including the token refresh after errcode 40001), and the channel answers every click,
accepts VIEW silently and answers an unknown key in plain words."""

from __future__ import annotations

import asyncio
import copy
import json
import os
from pathlib import Path

import pytest
import yaml

from bot.channels.wechat import UNKNOWN_MENU_TEXT
from bot.channels.wechat.menu import MENU_FILE, MenuError, check_menu, click_keys, items, load_menu, main
from wechat_support import (
    APPID,
    APPSECRET,
    FakeWeChatAPI,
    Harness,
    StubBot,
    event_xml,
    make_channel,
    reply_fields,
    run,
)

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "我能评什么": "ask_eligibility",
    "申报时间": "faq_window",
    "申报费用": "faq_fee",
    "需要什么材料": "faq_materials",
    "转人工": "human_handoff",
}


def test_menu_file_has_the_required_items_and_fits_wechats_limits() -> None:
    menu = load_menu()
    named = {i["name"]: i.get("key") for i in items(menu) if i.get("type") == "click"}
    assert {name: named.get(name) for name in REQUIRED} == REQUIRED
    assert MENU_FILE == ROOT / "deploy" / "wechat_menu.json"


def test_every_click_key_is_an_intent_of_the_domain() -> None:
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    keys = click_keys(load_menu())
    assert keys and keys <= intents, keys - intents


@pytest.mark.parametrize(
    "break_it, why",
    [
        (lambda m: m["button"].extend([m["button"][0]] * 2), "at most 3"),
        (lambda m: m["button"][0].update(name="一个非常长的菜单名字"), "over 16 bytes"),
        (lambda m: m["button"][0].update(key="faq fee!"), "intent name"),
        (lambda m: m["button"][0].update(type="view"), "url"),
        (lambda m: m["button"][0].update(type="scancode_push"), "not supported"),
        (lambda m: m["button"][1]["sub_button"].extend(m["button"][1]["sub_button"]), "sub-buttons"),
        (lambda m: m.clear(), "button"),
    ],
)
def test_broken_menus_are_refused_with_the_reason(break_it, why) -> None:
    menu = copy.deepcopy(load_menu())
    break_it(menu)
    with pytest.raises(MenuError, match=why):
        check_menu(menu)


def test_unreadable_menu_file_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "menu.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(MenuError, match="menu.json"):
        load_menu(bad)


# ------------------------------------------------------------------ pushing the menu


async def _make_wechat_menu(api: FakeWeChatAPI, **env: str):
    environment = dict(os.environ, WECHAT_APPID=APPID, WECHAT_APPSECRET=APPSECRET, WECHAT_API_BASE=api.base_url)
    environment.update(env)
    proc = await asyncio.create_subprocess_exec(
        "make",
        "-s",
        "wechat-menu",
        cwd=str(ROOT),
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode(), err.decode()


@run
async def test_make_wechat_menu_pushes_the_file() -> None:
    async with FakeWeChatAPI() as api:
        code, out, err = await _make_wechat_menu(api)
    assert code == 0, err
    assert api.menus == [json.loads(MENU_FILE.read_text(encoding="utf-8"))]
    assert api.token_fetches == 1
    assert "menu with 7 items created" in out


@run
async def test_menu_push_refetches_the_token_after_40001() -> None:
    async with FakeWeChatAPI() as api:
        api.rejected_tokens.add("TOKEN-1")  # e.g. revoked by another server
        code, _out, err = await _make_wechat_menu(api)
    assert code == 0, err
    assert api.token_fetches == 2 and api.menu_attempts == 2 and len(api.menus) == 1


@run
async def test_menu_push_refused_by_wechat_says_why() -> None:
    async with FakeWeChatAPI() as api:
        code, _out, err = await _make_wechat_menu(api, WECHAT_APPSECRET="wrong")
    assert code != 0 and "WeChat refused the menu: errcode=40013" in err and api.menus == []


def test_menu_push_without_credentials_says_what_to_set(monkeypatch, capsys) -> None:
    monkeypatch.delenv("WECHAT_APPID", raising=False)
    monkeypatch.delenv("WECHAT_APPSECRET", raising=False)
    assert main([str(MENU_FILE)]) == 2
    assert "set WECHAT_APPID and WECHAT_APPSECRET" in capsys.readouterr().err


# ------------------------------------------------------------------ answering clicks


@run
async def test_every_click_item_is_handed_to_the_dialogue_as_its_intent() -> None:
    bot = StubBot()
    keys = sorted(click_keys(load_menu()))
    async with Harness(make_channel(), bot) as h:
        for n, key in enumerate(keys):
            resp = await h.post(event_xml("CLICK", create_time=1_000 + n, key=key))
            assert resp.status == 200
            assert reply_fields(await resp.text())["Content"] == f"收到：/{key}"
    assert [m.text for m in bot.calls] == [f"/{k}" for k in keys]
    assert all(m.metadata["wechat"]["event"] == "click" for m in bot.calls)


@run
async def test_unknown_click_key_gets_a_plain_answer_and_view_is_silent() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        for n, key in enumerate(["V1001_OLD_ITEM", "", 'faq_fee{"region": "baise"}', "/restart"]):
            resp = await h.post(event_xml("CLICK", create_time=2_000 + n, key=key))
            assert resp.status == 200
            assert reply_fields(await resp.text())["Content"] == UNKNOWN_MENU_TEXT
        resp = await h.post(event_xml("VIEW", key="https://example.com/policy"))
        assert resp.status == 200 and await resp.text() == "success"
    assert bot.calls == []


@run
async def test_a_retried_click_runs_the_dialogue_once() -> None:
    bot = StubBot()
    async with Harness(make_channel(), bot) as h:
        body = event_xml("CLICK", create_time=3_000, key="faq_fee")
        answers = [reply_fields(await (await h.post(body)).text())["Content"] for _ in range(3)]
    assert answers == ["收到：/faq_fee"] * 3 and len(bot.calls) == 1


def test_missing_menu_file_leaves_clicks_answered(tmp_path, caplog) -> None:
    channel = make_channel(menu_file=str(tmp_path / "nope.json"))
    assert channel.click_keys == frozenset()
    assert any("menu file unusable" in r.getMessage() for r in caplog.records)

    @run
    async def click() -> None:
        async with Harness(channel, StubBot()) as h:
            resp = await h.post(event_xml("CLICK", key="faq_fee"))
            assert reply_fields(await resp.text())["Content"] == UNKNOWN_MENU_TEXT

    click()
