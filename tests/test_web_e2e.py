"""The two browser front-ends in a real browser (Playwright driving Debian's chromium)
against the real stack (tests/servers.py): the website widget at /webhooks/web/ (socket.io)
and the agent-assist console at /webhooks/assist/. Screenshots go to docs/screenshots/ and
build/test-artifacts/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests

from browser import chromium
from servers import ROOT, running_stack

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (no `playwright install`)")

SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTIFACTS = ROOT / "build" / "test-artifacts"
REPLY_MS = 60_000  # one bot turn, generous for a cold model
TIMEOUT_MS = 20_000


def shot(page, name: str, **kwargs) -> None:
    """Saves the screenshot under build/test-artifacts/, and under docs/screenshots/ too."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), **kwargs)
    shutil.copyfile(ARTIFACTS / name, SCREENSHOTS / name)


@pytest.fixture(scope="module")
def copy_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("assist") / "copies.jsonl"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, copy_log):
    with running_stack(tmp_path_factory.mktemp("web"), extra_env={"ASSIST_COPY_LOG": str(copy_log)}) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    with chromium(TIMEOUT_MS) as b:
        yield b


def new_page(browser, errors, **context_args):
    context = browser.new_context(locale="zh-CN", **context_args)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page


def widget_session(page) -> str:
    page.wait_for_function(
        "() => { const h = document.getElementById('jineng-widget');" " return h && h.dataset.sessionId; }"
    )
    return page.evaluate("document.getElementById('jineng-widget').dataset.sessionId")


def ask_widget(page, text: str, expect: str):
    before = page.locator(".jn-msg.jn-bot").count()
    page.locator(".jn-input").fill(text)
    page.locator(".jn-input").press("Enter")
    page.locator(".jn-msg.jn-user .jn-bubble", has_text=text).last.wait_for()
    reply = page.locator(".jn-msg.jn-bot:not(.jn-typing) .jn-bubble", has_text=expect).last
    reply.wait_for(timeout=REPLY_MS)
    assert page.locator(".jn-msg.jn-bot").count() > before
    page.wait_for_timeout(1500)  # the rest of the turn's messages
    return reply


def test_widget_static_assets(stack):
    base = f"{stack.url}/webhooks/web/"
    assert "widget.js" in requests.get(base, timeout=10).text
    for name, kind in (("widget.js", "javascript"), ("widget.css", "css"), ("vendor/socket.io.min.js", "javascript")):
        r = requests.get(base + name, timeout=10)
        assert r.status_code == 200 and kind in r.headers["content-type"], name
    assert requests.get(base + "vendor/socket.io.min.js", timeout=10).text.startswith("/*!\n * Socket.IO v4")
    for bad in ("../credentials.yml", "..%2Fcredentials.yml", "web.py", "vendor/VERSION"):
        assert requests.get(base + bad, timeout=10).status_code == 404, bad
    articles = requests.get(base + "articles.json", timeout=10).json()
    from rules_engine.knowledge import iter_articles

    assert articles["articles"] == [
        {"doc": a["doc"], "article": a["article"], "text": a["text"]} for a in iter_articles()
    ]
    assert articles["docs"]["baise"] == "《百色市实施细则》"


def test_widget_answers_with_expandable_citations_and_keeps_the_session(stack, browser):
    errors: list = []
    context, page = new_page(browser, errors, viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{stack.url}/webhooks/web/")
        assert page.locator(".jn-title").inner_text() == "技能贯通助手"
        assert (
            page.locator(".jn-input").get_attribute("placeholder")
            == "请输入您的问题，如：我是技师，干了三年，能评什么？"
        )
        chips = page.locator(".jn-quick .jn-chip").all_inner_texts()
        assert chips == ["我能评什么职称？", "申报时间", "申报费用", "需要什么材料", "转人工"]
        session = widget_session(page)

        ask_widget(page, "我在百色右江区，高级技师证拿了五年，能评什么职称", "副高级")
        answer = (
            page.locator(".jn-msg.jn-bot .jn-bubble", has_text="副高级")
            .filter(has_text="《百色市实施细则》第八条")
            .first
        )
        cite = answer.locator("details.jn-cite", has=page.locator("summary", has_text="《百色市实施细则》第八条")).first
        assert cite.get_attribute("open") is None
        assert cite.locator("summary").inner_text().startswith("《百色市实施细则》第八条")
        quote = cite.locator("blockquote")
        assert not quote.is_visible()
        cite.locator("summary").click()
        quote.wait_for(state="visible")
        assert cite.get_attribute("open") is not None
        assert quote.inner_text().startswith("第八条") and "高级技师" in quote.inner_text()  # the article itself
        answer.evaluate("e => e.scrollIntoView({block: 'start'})")
        shot(page, "widget-desktop.png")

        # User text is shown as text, never parsed as HTML.
        ask_widget(page, '<img src=x onerror="window.__xss=1">申报费用', "元")
        assert page.evaluate("window.__xss") is None
        assert page.locator(".jn-msg.jn-user img").count() == 0

        page.reload()
        assert widget_session(page) == session
        page.locator(".jn-msg.jn-user .jn-bubble", has_text="高级技师证拿了五年").wait_for()
        ask_widget(page, "申报时间", "月")
        tracker = requests.get(
            f"{stack.url}/conversations/{session}/tracker", params={"token": stack.env["RASA_TOKEN"]}, timeout=10
        ).json()
        said = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
        assert said[0].startswith("我在百色右江区") and said[-1] == "申报时间"  # one conversation across reloads
        assert tracker["slots"].get("region") == "baise"
        assert not errors, errors
    finally:
        context.close()


def test_widget_at_phone_width(stack, browser):
    errors: list = []
    context, page = new_page(
        browser, errors, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        page.goto(f"{stack.url}/webhooks/web/")
        widget_session(page)
        reply = ask_widget(page, "我是包头的，得过全国技术能手，能直接评高级职称吗", "副高级")
        panel = page.locator(".jn-panel").bounding_box()
        assert panel["width"] <= 390 and panel["x"] >= 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        cite = reply.locator("details.jn-cite").first
        cite.locator("summary").click()
        cite.locator("blockquote").wait_for(state="visible")
        cite.scroll_into_view_if_needed()
        shot(page, "widget-phone.png")
        assert not errors, errors
    finally:
        context.close()


def test_assist_console(stack, browser, copy_log):
    errors: list = []
    context, page = new_page(browser, errors, viewport={"width": 1280, "height": 900})
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.url)
        page.goto(f"{stack.url}/webhooks/assist/")
        page.locator("#token-dialog").wait_for(state="visible")
        page.locator("#token-input").fill("test-assist-token")
        page.locator("#token-submit").click()
        page.locator("#token-dialog").wait_for(state="hidden")
        conversation = page.locator("#conversation-id").inner_text()
        assert conversation.startswith("call-")

        for line in ("来电人是包头的技师", "他拿证四年了，考核都合格"):
            page.locator("#line-input").fill(line)
            page.locator("#line-input").press("Enter")
            page.locator("#lines li:not(.pending)", has_text=line).wait_for(timeout=REPLY_MS)
        profile = page.locator("#profile")
        profile.locator(".fact[data-fact=skill_years]").wait_for()
        text = profile.inner_text()
        assert "最高技能等级" in text and "技师" in text and "内蒙古" in text and "4年" in text
        assert page.locator("#decision .option.status-eligible", has_text="中级").count() >= 1
        assert page.locator("#decision summary", has_text="《实施意见》二（二）1").count() >= 1
        reply = page.locator("#reply .suggestion[data-type=reply]").first
        reply.wait_for()
        assert "中级" in reply.inner_text()
        assert page.locator("#ask .suggestion").count() >= 1  # what to ask / confirm next

        reply.locator("button.copy").click()
        page.locator("#toast", has_text="已复制").wait_for()
        records = [json.loads(line) for line in copy_log.read_text(encoding="utf-8").splitlines()]
        assert records[-1]["conversation_id"] == conversation and records[-1]["suggestion_type"] == "reply"
        assert records[-1]["text_hash"].startswith("sha256:") and len(records[-1]["text_hash"]) == 71
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "中级" in copied
        shot(page, "assist-console.png", full_page=True)

        # A token is needed for the API; labels are public (vocabulary only).
        r = requests.post(f"{stack.url}/webhooks/assist/copied", json=records[-1], timeout=10)
        assert r.status_code == 401
        assert (
            requests.get(f"{stack.url}/webhooks/assist/labels", timeout=10).json()["facts"]["skill_grade"]
            == "最高技能等级"
        )
        assert not errors, errors
    finally:
        context.close()
