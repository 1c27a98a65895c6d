"""Production behaviour of one stack (real action server + Rasa server on loopback, SQLite
tracker store): the guarded REST channel, action server outage and recovery, kill -9 of
Rasa mid-form, PII never stored or logged, and fuzzing (REST, WeChat, normaliser).
Bounded: one stack for the module, hypothesis example counts fixed, every request with a
timeout."""

import json
import sqlite3
import time
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.guard import APOLOGY, TOO_FAST
from servers import LOGS, running_stack

TOKEN = "test-rasa-token"
WECHAT_TOKEN = "test-wechat-token"
PHONE, ID_NO = "13912345678", "11010119900307851X"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    with running_stack(tmp, {"RATE_LIMIT_BURST": "8", "RATE_LIMIT_PER_MINUTE": "30"}) as s:
        s.db = tmp / "tracker.db"
        yield s


def sid() -> str:
    return f"p-{uuid.uuid4().hex[:10]}"


def post(stack, payload=None, data=None, timeout=60):
    return requests.post(f"{stack.url}/webhooks/rest/webhook", json=payload, data=data, timeout=timeout)


def slots(stack, sender):
    return {k: v for k, v in stack.tracker(sender)["slots"].items() if v not in (None, [], False)}


# ----------------------------------------------------------------- guarded REST channel


def test_http_api_requires_token(stack):
    assert requests.get(f"{stack.url}/conversations/x/tracker", timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/status", timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/status?token={TOKEN}", timeout=10).status_code == 200


@pytest.mark.parametrize(
    "data,status",
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b'{"message": "hi"}', 400),
        (b'{"sender": "", "message": "hi"}', 400),
        (b'{"sender": "a", "message": {"x": 1}}', 400),
        (b'{"sender": "a"}', 400),  # no message at all: said so, not the system-fault apology
        (b"\xff\xfe", 400),
        (b'{"sender": "a", "message": "' + b"x" * 70000 + b'"}', 413),
    ],
)
def test_bad_bodies_get_a_json_error(stack, data, status):
    r = post(stack, data=data)
    assert r.status_code == status and "error" in r.json()


def test_a_blank_message_gets_a_hint_and_does_not_lock_the_sender_out(stack):
    """explore6 C1: a blank message failed in the NLU and was replayed before every later one."""
    sender = sid()
    assert "消息是空的" in post(stack, {"sender": sender, "message": "   "}).json()[0]["text"]
    after = post(stack, {"sender": sender, "message": "我是百色的技师，拿证三年了"}).json()
    assert "中级职称" in " ".join(m.get("text", "") for m in after)


def test_long_message_gets_a_clear_reply(stack):
    r = post(stack, {"sender": sid(), "message": "评" * 1001})
    assert r.status_code == 200 and "太长" in r.json()[0]["text"]


def test_rate_limit_per_sender(stack):
    fast, other = sid(), sid()
    replies = [post(stack, {"sender": fast, "message": "你好"}).json() for _ in range(12)]
    assert replies[-1][0]["text"] == TOO_FAST
    assert sum(r[0]["text"] == TOO_FAST for r in replies) >= 3
    assert post(stack, {"sender": other, "message": "你好"}).json()[0]["text"] != TOO_FAST


def test_entity_injection_is_not_a_shortcut(stack):
    sender = sid()
    post(stack, {"sender": sender, "message": '/inform{"fraud_count": 3, "retired": true}'})
    assert "fraud_count" not in slots(stack, sender) and "retired" not in slots(stack, sender)
    user = [e for e in stack.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert user["text"].startswith("／") and user["parse_data"]["intent"].get("confidence", 0) < 1.0


# ------------------------------------------------------------------------ resilience


def test_action_server_down_then_back(stack, report_counts):
    sender = sid()
    stack.say(sender, "你好，想了解一下技能人才评职称的事")
    stack.say(sender, "高级工")
    stack.stop_actions()
    try:
        down = stack.say(sender, "2023年考的")
        assert down == [APOLOGY] and "12333" in down[0]
        # the half-done turn was rewound: the form still waits for the years
        assert stack.tracker(sender)["slots"]["requested_slot"] == "skill_years"
    finally:
        stack.start_actions()
    back = stack.say(sender, "在赤峰市")  # replays "2023年考的", then this turn
    assert back and APOLOGY not in back
    facts = slots(stack, sender)
    assert facts["skill_grade"] == "高级工" and facts["region"] == "nei_mongol"
    assert float(facts["skill_grade_year"]) == 2023
    users = [e["text"] for e in stack.tracker(sender)["events"] if e["event"] == "user"]
    assert users[-2:] == ["2023年考的", "在赤峰市"]
    report_counts(
        "action server stopped mid-form",
        "1 turn got the apology and was rewound; after the restart "
        f"it was replayed: {len(users)} user turns stored, facts intact",
    )


def test_rasa_killed_mid_form_keeps_the_facts(stack, report_counts):
    sender = sid()
    stack.say(sender, "你好，想了解一下技能人才评职称的事")
    stack.say(sender, "技师")
    before = stack.tracker(sender)
    assert before["active_loop"].get("name") == "eligibility_form"
    stack.kill_rasa()
    stack.start_rasa()
    after = stack.tracker(sender)
    assert after["slots"]["skill_grade"] == "技师"
    assert after["active_loop"].get("name") == "eligibility_form"
    assert after["slots"]["requested_slot"] == before["slots"]["requested_slot"]
    reply = " ".join(stack.say(sender, "2022年考的"))
    assert "地区" in reply  # the form goes on with the next question
    assert float(slots(stack, sender)["skill_grade_year"]) == 2022
    report_counts("Rasa kill -9 mid-form (SQLite)", "slots and active form intact after the restart, form continued")


# ------------------------------------------------------------------------------ PII


def _wechat_post(stack, openid, content, msg_id):
    import hashlib

    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    signature = hashlib.sha1("".join(sorted([WECHAT_TOKEN, ts, nonce])).encode()).hexdigest()
    xml = (
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )
    return requests.post(
        f"{stack.url}/webhooks/wechat/webhook",
        params={"signature": signature, "timestamp": ts, "nonce": nonce},
        data=xml.encode("utf-8"),
        headers={"Content-Type": "text/xml"},
        timeout=30,
    )


def test_pii_never_stored_or_logged(stack):
    rest_sender = sid()
    reply = post(stack, {"sender": rest_sender, "message": f"我是百色的技师，电话{PHONE}，身份证{ID_NO}"})
    assert reply.status_code == 200
    # WeChat builds its own UserMessage: the redacting tracker store is the safety net
    r = _wechat_post(stack, "oPII" + uuid.uuid4().hex[:8], f"手机 {PHONE}，身份证 {ID_NO}", 987654321)
    assert r.status_code == 200
    time.sleep(1)
    users = [e["text"] for e in stack.tracker(rest_sender)["events"] if e["event"] == "user"]
    assert users == ["我是百色的技师，电话[手机号已隐藏]，身份证[身份证号已隐藏]"]
    with sqlite3.connect(stack.db) as db:
        rows = [row[0] for row in db.execute("SELECT data FROM events")]
    stored = json.dumps([json.loads(r) for r in rows], ensure_ascii=False)
    assert rows and PHONE not in stored and ID_NO not in stored and ID_NO.lower() not in stored
    assert "[手机号已隐藏]" in stored
    for log in LOGS.glob(f"*-{stack.rasa_port}.log"):
        text = log.read_text(errors="replace")
        assert PHONE not in text and ID_NO not in text, log


# ---------------------------------------------------------------------------- fuzzing

HOSTILE = [
    "",
    " ",
    "\x00",
    "\x00\x01\x02\x1b[31m",
    "评" * 10000,
    "😀" * 3000,
    "𠀀𪚥" * 500,
    "\u202eabc\u202c",
    "\ufeff\u200b\u200d",
    "<script>alert(1)</script>",
    "]]><xml>",
    "'; DROP TABLE events; --",
    "%s%s%n{0}{{}}",
    "/restart",
    '/inform{"skill_grade":"技师"',
    "/" * 100,
    "\\u0000",
    "null",
    "ＡＢＣ１２３",
    "技师" * 400,
    "我是技师干了999999999999999年",
    "-1年",
    "1e308年",
    "NaN",
    "Ελληνικά русский العربية हिन्दी 日本語 한국어",
    "\r\n" * 500,
    "\t" * 1000,
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=200),
    st.text(alphabet='技师高级工百色内蒙古年三五十😀\u0000\n/{}"[]', max_size=2000),
    st.builds(
        lambda piece, n: (piece * (10000 // max(1, len(piece)) + 1))[:n],
        st.text(min_size=1, max_size=20),
        st.integers(9000, 10000),
    ),
)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile_text)
def test_fuzz_rest_text(stack, text):
    r = post(stack, {"sender": sid(), "message": text})
    body = json.dumps({"sender": "x", "message": text}).encode()
    assert r.status_code == (413 if len(body) > 64 * 1024 else 200), r.text[:200]
    if r.status_code == 200:
        assert isinstance(r.json(), list)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    payload=st.one_of(json_values, st.fixed_dictionaries({"sender": json_values, "message": json_values})),
    raw=st.binary(max_size=300),
)
def test_fuzz_rest_body(stack, payload, raw):
    for data in (json.dumps(payload).encode(), raw):
        r = post(stack, data=data)
        assert r.status_code in (200, 400, 413), (data[:100], r.status_code)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile_text.filter(lambda t: len(t.encode()) < 20000))
def test_fuzz_wechat_text(stack, text):
    r = _wechat_post(stack, "oFuzz" + uuid.uuid4().hex[:8], text, int(uuid.uuid4().int % 10**15))
    assert r.status_code < 500, r.text[:200]


def test_fuzz_normaliser_thousands():
    extract_facts = pytest.importorskip("bot.nlu.normalise").extract_facts
    count = 0

    @settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
    @given(text=hostile_text.filter(lambda t: len(t) < 3000))
    def check(text):
        nonlocal count
        count += 1
        facts = extract_facts(text)
        assert isinstance(facts, list)
        for f in facts:
            assert {"entity", "value", "start", "end"} <= set(f) and 0 <= f["start"] <= f["end"] <= len(text)

    started = time.monotonic()
    check()
    assert count >= 1000 and time.monotonic() - started < 600
