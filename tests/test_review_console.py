"""The review console against the real stack (tests/servers.py): the page and its assets,
the token (401 and nothing else), messages the assistant could not handle in the inbox
within seconds and without a phone or ID number, annotations refused by name, figures and
CSV, the browser flow (review → annotate → export, screenshot), and a broken event broker
that does not break a conversation."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from rules_engine import vocabulary
from browser import chromium
from servers import ROOT, running_stack

TOKEN = "test-review-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PHONE, ID_NUMBER = "13912345678", "11010119900307123X"
INBOX_WAIT = 5.0  # seconds a message may take to appear
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTIFACTS = ROOT / "build" / "test-artifacts"
API_GETS = ("inbox", "vocabulary", "annotations", "figures", "figures/topics.csv", "export", "nothing-here")


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("review")


@pytest.fixture(scope="module")
def stack(stack_dir):
    with running_stack(stack_dir, extra_env={"REVIEW_TOKEN": TOKEN}) as s:
        yield s


def api(stack, path, method="GET", **kwargs):
    return requests.request(method, f"{stack.url}/webhooks/review/api/{path}", timeout=30, **kwargs)


def inbox_item(stack, text, wait=INBOX_WAIT):
    """The inbox item with this text, polling until it appears; (item, seconds waited)."""
    started = time.monotonic()
    while True:
        items = api(stack, "inbox", headers=AUTH).json()
        found = [i for i in items if i["text"] == text]
        if found or time.monotonic() - started > wait:
            return (found[0] if found else None), time.monotonic() - started
        time.sleep(0.2)


def test_page_and_assets_are_served(stack):
    page = requests.get(f"{stack.url}/webhooks/review/", timeout=10)
    assert page.status_code == 200 and "政策审阅台" in page.text
    assert "/webhooks/review/chart.umd.min.js" in page.text and "//cdn" not in page.text
    for name in ("review.js", "review.css"):
        r = requests.get(f"{stack.url}/webhooks/review/{name}", timeout=10)
        assert r.status_code == 200 and r.content == (ROOT / "bot" / "web" / "review" / name).read_bytes()
    chart = requests.get(f"{stack.url}/webhooks/review/chart.umd.min.js", timeout=10)
    assert chart.content == (ROOT / "bot" / "web" / "static" / "vendor" / "chart.umd.min.js").read_bytes()
    assert chart.headers["Content-Type"].startswith("application/javascript")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
    ],
)
def test_api_refuses_without_the_token(stack, headers):
    for path in API_GETS:
        r = api(stack, path, headers=headers)
        assert r.status_code == 401, path
        assert r.json() == {"error": "unauthorised"}, path
    r = api(stack, "annotations", "POST", headers=headers, json={"event_id": 1, "out_of_scope": True})
    assert r.status_code == 401 and r.json() == {"error": "unauthorised"}
    r = api(stack, "annotations/1", "DELETE", headers=headers)
    assert r.status_code == 401
    assert api(stack, "annotations", headers=AUTH).json() == []


def test_unhandled_messages_reach_the_inbox_within_seconds_without_pii(stack):
    sender = f"review-{uuid.uuid4().hex[:8]}-{PHONE}"  # even a sender id with a number in it
    stack.say(sender, "我是百色的技师，拿证三年了")
    cases = {
        "qwerty asdf zxcv": "fallback",
        f"我的电话是{PHONE}，身份证{ID_NUMBER}，帮我看看": None,
        "不对，是四年": "correction",
        "转人工": "handoff",
        "看不懂": "pushback",
    }
    waited = []
    for text, reason in cases.items():
        stack.say(sender, text)
        if reason:
            item, seconds = inbox_item(stack, text)
            assert item is not None, f"{text!r} not in the inbox after {INBOX_WAIT}s"
            assert reason in [r["code"] for r in item["reasons"]]
            waited.append(seconds)
    items = api(stack, "inbox", headers=AUTH).json()
    dump = json.dumps(items, ensure_ascii=False)
    assert PHONE not in dump and ID_NUMBER not in dump and sender not in dump
    fallback = next(i for i in items if i["text"] == "qwerty asdf zxcv")
    assert fallback["channel"] == "rest" and len(fallback["sender"]) == 12
    # the bot's reply to it: not understood (letters only: asked to write in Chinese)
    assert any(line["who"] == "bot" and "只能读懂中文" in line["text"] for line in fallback["context"])
    times = [i["ts"] for i in items]
    assert times == sorted(times, reverse=True)  # newest first
    assert [i["text"] for i in api(stack, "inbox?reason=handoff", headers=AUTH).json()] == ["转人工"]
    assert api(stack, "inbox?reason=bogus", headers=AUTH).status_code == 400
    # nothing of the phone or ID number anywhere in the broker's database files
    raw = b"".join(p.read_bytes() for p in stack_dir_of(stack).glob("events.db*"))
    assert raw and PHONE.encode() not in raw and ID_NUMBER.encode() not in raw


def stack_dir_of(stack) -> Path:
    return Path(stack.env["TRACKER_DB"]).parent


def test_annotations_are_checked_by_name(stack):
    stack.say("review-annot", "我是技师，不对，是高级技师")
    item, _ = inbox_item(stack, "我是技师，不对，是高级技师")
    assert item is not None
    bad = api(
        stack,
        "annotations",
        "POST",
        headers=AUTH,
        json={"event_id": item["id"], "intent": "inform", "facts": [{"entity": "skill_grade", "value": "特级技师"}]},
    )
    assert bad.status_code == 400 and "特级技师" in bad.json()["error"]
    bad = api(stack, "annotations", "POST", headers=AUTH, json={"event_id": item["id"], "intent": "chitchat"})
    assert bad.status_code == 400 and "chitchat" in bad.json()["error"]
    bad = api(stack, "annotations", "POST", headers=AUTH, json={"event_id": 10**9, "intent": "inform"})
    assert bad.status_code == 400 and str(10**9) in bad.json()["error"]
    bad = api(stack, "annotations", "POST", headers={**AUTH, "Content-Type": "application/json"}, data="{not json")
    assert bad.status_code == 400 and "JSON" in bad.json()["error"]
    assert api(stack, "annotations", headers=AUTH).json() == []  # nothing stored by a refusal
    ok = api(
        stack,
        "annotations",
        "POST",
        headers=AUTH,
        json={"event_id": item["id"], "intent": "correct", "facts": [{"entity": "skill_grade", "value": "高级技师"}]},
    )
    assert ok.status_code == 200, ok.text
    assert "[高级技师](skill_grade)" in api(stack, "export", headers=AUTH).text
    assert api(stack, f"annotations/{item['id']}", "DELETE", headers=AUTH).status_code == 204
    assert api(stack, "annotations", headers=AUTH).json() == []


def test_figures_and_csv(stack):
    stack.say("review-figures", "我是包头的高级工，干了五年")
    deadline = time.monotonic() + INBOX_WAIT  # the broker writes within a second
    while True:
        figures = api(stack, "figures", headers=AUTH).json()
        tables = figures["tables"]
        if any(row[2] == "nei_mongol" for row in tables["conversations"]["rows"]) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert set(tables) == {"conversations", "topics", "decisions", "rates", "first_answer"}
    assert sum(row[3] for row in tables["conversations"]["rows"] if row[1] == "rest") >= 1
    assert any(row[2] == "nei_mongol" for row in tables["conversations"]["rows"])
    # the page names each region from the vocabulary's labels (rules_engine/vocabulary.py), served here
    regions = api(stack, "vocabulary", headers=AUTH).json()["regions"]
    assert regions == {**{r: vocabulary.region_label(r, "profile") for r in vocabulary.REGIONS}, "unknown": "地区未知"}
    assert all(row[0] in ("eligible", "not_yet", "blocked", "undecided") for row in tables["decisions"]["rows"])
    csv = api(stack, f"figures/topics.csv?from={figures['from']}&to={figures['to']}", headers=AUTH)
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0] == "intent,topic,questions"
    assert api(stack, "figures?from=2026-13-01", headers=AUTH).status_code == 400
    assert api(stack, "figures/nope.csv", headers=AUTH).status_code == 404


# ------------------------------------------------------------------------------ browser


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (no `playwright install`)")
    with chromium(20_000) as b:
        yield b


def test_browser_review_annotate_export(stack, browser, tmp_path):
    text = "说错了，我拿的是技师证"
    stack.say("review-browser", "我在百色，是高级工")
    stack.say("review-browser", text)
    errors: list = []
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{stack.url}/webhooks/review/")
        page.locator("#token-input").fill("wrong-token")
        page.locator("#token-submit").click()
        page.locator("#token-error", has_text="令牌无效").wait_for()
        page.locator("#token-input").fill(TOKEN)
        page.locator("#token-submit").click()
        page.locator("#token-dialog").wait_for(state="hidden")

        item = page.locator("#inbox li.item", has_text=text)
        item.wait_for()
        assert "用户在纠正助手" in item.inner_text()
        item.click()
        page.locator("#detail .context li.current", has_text=text).wait_for()
        page.locator("#intent-select").select_option("correct")
        rows = page.locator("#fact-rows .fact-row")
        if not rows.count():
            page.locator("#add-fact").click()
        row = rows.first
        row.locator(".fact-key").select_option("skill_grade")
        row.locator(".fact-value").select_option("技师")
        row.locator(".fact-words").fill("技师")
        page.locator("#save-annotation").click()
        page.locator("#toast", has_text="已保存标注").wait_for()
        page.locator("#export", has_text="[技师](skill_grade)").wait_for()
        page.locator("#inbox li.item", has_text=text).locator(".done").wait_for()

        # an unknown value is refused by name (typed into the free-text value of an open fact)
        page.locator("#add-fact").click()
        extra = page.locator("#fact-rows .fact-row").last
        extra.locator(".fact-key").select_option("skill_years")
        extra.locator(".fact-value").fill("很多")
        page.locator("#save-annotation").click()
        page.locator("#annotate-error", has_text="很多").wait_for()
        extra.locator("button").click()

        page.locator("#tab-figures").click()
        page.locator("#chart-conversations").wait_for()
        page.locator('.chart-panel[data-table="topics"] table').wait_for()
        legend = page.evaluate("Chart.getChart('chart-conversations').data.datasets.map(d => d.label)")
        assert any(g.endswith(" · " + vocabulary.region_label("baise", "profile")) for g in legend), legend
        assert not [g for g in legend if g.split(" · ")[-1] in vocabulary.REGIONS], legend
        with page.expect_download() as download:
            page.locator('.chart-panel[data-table="topics"] button.csv').click()
        saved = tmp_path / "topics.csv"
        download.value.save_as(saved)
        assert saved.read_text(encoding="utf-8-sig").splitlines()[0] == "intent,topic,questions"
        page.locator("#tab-inbox").click()
        page.locator("#inbox li.item", has_text=text).click()
        page.wait_for_timeout(300)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-console.png"))
        shutil.copyfile(ARTIFACTS / "review-console.png", SCREENSHOTS / "review-console.png")
        assert not errors, errors
    finally:
        context.close()

    # `make review-export`'s command, on this stack's broker database
    out = tmp_path / "reviewed.yml"
    env = dict(stack.env, EVENT_BROKER_DB="", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "bot.channels.review.export", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    exported = out.read_text(encoding="utf-8")
    assert "- intent: correct" in exported and "说错了，我拿的是[技师](skill_grade)证" in exported


# ------------------------------------------------------------------------------ broken broker


def test_broken_event_broker_never_breaks_a_conversation(tmp_path):
    broken = tmp_path / "events.db"
    broken.mkdir()  # a directory: the database cannot be opened
    with running_stack(tmp_path, extra_env={"REVIEW_TOKEN": TOKEN, "EVENT_BROKER_DB": str(broken)}) as s:
        replies = s.say("broken-broker", "我是百色的技师，拿证三年了")
        assert any("中级" in r for r in replies), replies
        replies = s.say("broken-broker", "申报要交多少钱")
        assert replies and not any("系统暂时出了点问题" in r for r in replies), replies
        assert [e["event"] for e in s.tracker("broken-broker")["events"]].count("user") == 2
        r = requests.get(f"{s.url}/webhooks/review/api/inbox", headers=AUTH, timeout=10)
        assert r.status_code == 503 and "error" in r.json()
    log = (ROOT / "build" / "test-logs" / f"rasa-{s.rasa_port}.log").read_text(encoding="utf-8", errors="replace")
    assert "review event broker: database write failed" in log
