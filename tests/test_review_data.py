"""The review console's data path without a server: the event broker (redaction, background
writer, never raising), the inbox's reasons, the figures, annotations checked by the rules
engine's validator, and the NLU YAML export read back by Rasa's own reader."""

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.channels.review.annotations import AnnotationError, AnnotationStore, check
from bot.channels.review.broker import ReviewEventBroker, stored_sender
from bot.channels.review.events import EventLog, sender_hash
from bot.channels.review.export import main as export_main, render
from bot.channels.review.figures import figures, to_csv
from bot.channels.review.inbox import inbox
from bot.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[1]
PHONE, ID_NUMBER = "13812345678", "110101199003071234"
DAY = 1795536000.0  # 2026-11-25 00:00 China Standard Time (the figures count days there)


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def broker(tmp_path):
    b = ReviewEventBroker(dialect="sqlite", db=str(tmp_path / "events.db"))
    yield b
    asyncio.run(b.close())


def user(text, intent, confidence=0.9, ts=DAY + 3600, entities=(), channel="rest"):
    return UserUttered(
        text, {"name": intent, "confidence": confidence}, list(entities), timestamp=ts, input_channel=channel
    )


def publish_all(broker, sender, events):
    for event in events:
        broker.publish({"sender_id": sender, **event.as_dict()})
    assert broker.flush(10)


def conversation(region="baise"):
    """A session: an answer, a correction, a fallback, a hand-off, a push-back, a bad fact."""
    t = DAY + 3600
    return [
        ActionExecuted("action_session_start", timestamp=t),
        SessionStarted(timestamp=t),
        user(
            "我是百色的技师，拿证三年了",
            "inform",
            ts=t + 1,
            entities=[{"entity": "skill_grade", "value": "技师", "start": 5, "end": 7}],
        ),
        SlotSet("region", region, timestamp=t + 1),
        SlotSet("skill_grade", "技师", timestamp=t + 1),
        SlotSet("skill_years", 3.0, timestamp=t + 1),
        ActionExecuted("action_answer_eligibility", timestamp=t + 1),
        BotUttered("✅ 可以申报中级职称", timestamp=t + 1),
        user("不对，是四年", "correct", ts=t + 2),
        SlotSet("skill_years", 4.0, timestamp=t + 2),
        ActionExecuted("action_answer_eligibility", timestamp=t + 2),
        BotUttered("✅ 可以申报中级职称", timestamp=t + 2),
        user("阿斯顿发生地方", "nlu_fallback", confidence=0.3, ts=t + 3),
        ActionExecuted("action_default_fallback", timestamp=t + 3),
        BotUttered("抱歉，我没太明白", timestamp=t + 3),
        user(f"转人工，我电话{PHONE}", "human_handoff", ts=t + 4),
        ActionExecuted("action_handoff", timestamp=t + 4),
        BotUttered("请拨打12333", timestamp=t + 4),
        user("看不懂", "deny", confidence=0.45, ts=t + 5),
        BotUttered("好的", timestamp=t + 5),
        user("我是技师长", "inform", ts=t + 6),
        SlotSet("skill_grade", "技师长", timestamp=t + 6),
        BotUttered("好的", timestamp=t + 6),
    ]


# ----------------------------------------------------------------------------- broker


def test_broker_stores_rasa_rows_redacted(broker, tmp_path):
    publish_all(broker, "u1", [user(f"我的手机{PHONE}，身份证{ID_NUMBER}", "inform"), BotUttered(f"您说的是{PHONE}吗")])
    with sqlite3.connect(tmp_path / "events.db") as db:
        rows = db.execute("select sender_id, data from events order by id").fetchall()
    assert [r[0] for r in rows] == [stored_sender("u1")] * 2 and json.loads(rows[0][1])["sender_id"] == stored_sender(
        "u1"
    )
    stored = "".join(r[1] for r in rows)
    assert PHONE not in stored and ID_NUMBER not in stored
    assert "[手机号已隐藏]" in stored and "[身份证号已隐藏]" in stored
    assert json.loads(rows[0][1])["event"] == "user"
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("events.db*"))
    assert PHONE.encode() not in raw and ID_NUMBER.encode() not in raw


def test_broken_broker_never_raises_and_tracker_store_saves(domain, tmp_path):
    """The broker's database cannot be opened (its path is a directory): publish still
    returns at once, the tracker store's save (which calls it) succeeds, nothing is lost there."""
    (tmp_path / "events.db").mkdir()
    broken = ReviewEventBroker(dialect="sqlite", db=str(tmp_path / "events.db"))
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broken)
    tracker = DialogueStateTracker("u1", domain.slots)
    for event in [user("我是技师", "inform"), ActionExecuted("action_listen")]:
        tracker.update(event)
    started = time.monotonic()
    asyncio.run(store.save(tracker))
    assert time.monotonic() - started < 2
    assert [e.as_dict()["event"] for e in asyncio.run(store.retrieve("u1")).events] == ["user", "action"]
    assert not broken.flush(1.5)  # still retrying in the background
    assert broken.failures >= 1 and broken.written == 0
    asyncio.run(broken.close())


def test_broker_writes_what_it_kept_once_the_database_is_back(tmp_path):
    folder = tmp_path / "later"
    folder.mkdir()
    (folder / "events.db").mkdir()  # unusable for now
    broker = ReviewEventBroker(dialect="sqlite", db=str(folder / "events.db"))
    broker.publish({"sender_id": "u1", **user("我是技师", "inform").as_dict()})
    time.sleep(0.3)
    (folder / "events.db").rmdir()  # the database can be created again
    assert broker.flush(10)
    assert broker.written == 1
    asyncio.run(broker.close())


def test_full_queue_drops_and_counts(tmp_path):
    broker = ReviewEventBroker(dialect="sqlite", db=str(tmp_path / "dir.db"), queue_size=2)
    (tmp_path / "dir.db").mkdir()
    for _ in range(10):
        broker.publish({"sender_id": "u1", **user("你好", "greet").as_dict()})
    assert broker.dropped >= 6  # 2 queued, at most 2 taken by the (failing) writer
    before = broker.dropped
    broker.publish({"sender_id": "u1", "event": "user", "text": object()})  # not serialisable: skipped
    assert broker.dropped == before + 1
    asyncio.run(broker.close())


# ----------------------------------------------------------------------------- inbox and figures


@pytest.fixture
def log(broker):
    publish_all(broker, "u1", conversation())
    publish_all(
        broker, "u2", [user("你好", "greet", ts=DAY + 7200, channel="wechat"), BotUttered("您好", timestamp=DAY + 7200)]
    )
    log = EventLog(broker.engine)
    log.refresh()
    return log


def test_inbox_reasons_newest_first_with_context(log):
    items = inbox(log, {})
    by_text = {item["text"]: [r["code"] for r in item["reasons"]] for item in items}
    assert by_text == {
        "我是技师长": ["facts_dropped"],
        "看不懂": ["low_confidence", "pushback"],
        "转人工，我电话[手机号已隐藏]": ["handoff"],
        "阿斯顿发生地方": ["fallback"],
        "不对，是四年": ["correction"],
    }
    assert [item["text"] for item in items][0] == "我是技师长"
    dropped = items[0]
    assert dropped["dropped"] == ["skill_grade"] and dropped["sender"] == stored_sender("u1")[:12] == sender_hash(
        stored_sender("u1")
    )
    fallback = next(i for i in items if i["text"] == "阿斯顿发生地方")
    current = [line for line in fallback["context"] if line.get("current")]
    assert current and current[0]["text"] == "阿斯顿发生地方"
    assert any(line["who"] == "bot" and "没太明白" in line["text"] for line in fallback["context"])
    assert PHONE not in json.dumps(items, ensure_ascii=False)
    assert [i["text"] for i in inbox(log, {}, reason="handoff")] == ["转人工，我电话[手机号已隐藏]"]


def test_inbox_follows_new_events_and_annotations(log, broker):
    assert len(inbox(log, {})) == 5
    publish_all(
        broker,
        "u1",
        [
            user("qwerty", "nlu_fallback", confidence=0.3, ts=DAY + 9000),
            ActionExecuted("action_default_fallback", timestamp=DAY + 9000),
        ],
    )
    assert len(inbox(log, {})) == 5  # not read yet
    log.refresh()
    items = inbox(log, {})
    assert items[0]["text"] == "qwerty" and [r["code"] for r in items[0]["reasons"]] == ["fallback"]
    done = {items[0]["id"]: {"intent": "out_of_scope"}}
    assert inbox(log, done)[0]["annotation"] == {"intent": "out_of_scope"}
    assert items[0]["id"] not in [i["id"] for i in inbox(log, done, include_reviewed=False)]


def test_figures_tables(log):
    f = figures(log, "2026-11-25", "2026-11-25")
    t = f["tables"]
    assert t["conversations"]["rows"] == [["2026-11-25", "rest", "baise", 1], ["2026-11-25", "wechat", "unknown", 1]]
    topics = {r[0]: r[2] for r in t["topics"]["rows"]}
    assert topics["inform"] == 2 and topics["nlu_fallback"] == 1 and topics["greet"] == 1
    assert t["decisions"]["rows"] == [["eligible", "可以申报", "regular", 2]]
    assert t["rates"]["rows"][0][1:] == [1, 2, 0.5]  # hand-offs / conversations
    assert t["rates"]["rows"][1][1:] == [1, 7, round(1 / 7, 4)]  # fallbacks / messages
    assert t["first_answer"]["rows"] == [[1, 1], ["no answer", 1]]
    assert to_csv(t["decisions"]).splitlines() == ["outcome,outcome_label,route,answers", "eligible,可以申报,regular,2"]
    empty = figures(log, "2026-11-26", "2026-11-30")["tables"]
    assert empty["conversations"]["rows"] == [] and empty["rates"]["rows"][0][3] is None


# ----------------------------------------------------------------------------- annotations and export


def test_annotation_checked_against_vocabulary_and_text(log, domain):
    event = next(e for e in log.by_id.values() if e.text == "不对，是四年")
    intents = domain.intents
    with pytest.raises(AnnotationError, match="技师长"):
        check(
            {"event_id": event.id, "intent": "inform", "facts": [{"entity": "skill_grade", "value": "技师长"}]},
            event,
            intents,
        )
    with pytest.raises(AnnotationError, match="no_such_intent"):
        check({"event_id": event.id, "intent": "no_such_intent"}, event, intents)
    with pytest.raises(AnnotationError, match="shoe_size"):
        check(
            {"event_id": event.id, "intent": "inform", "facts": [{"entity": "shoe_size", "value": 42}]}, event, intents
        )
    with pytest.raises(AnnotationError, match="skill_years"):
        check(
            {"event_id": event.id, "intent": "inform", "facts": [{"entity": "skill_years", "value": 4}]}, event, intents
        )
    with pytest.raises(AnnotationError, match="999"):
        check({"event_id": 999, "intent": "inform"}, None, intents)
    record = check(
        {"event_id": event.id, "intent": "correct", "facts": [{"entity": "skill_years", "value": 4, "text": "四年"}]},
        event,
        intents,
    )
    assert record["entities"] == [{"entity": "skill_years", "value": 4, "start": 4, "end": 6}]
    grade = next(e for e in log.by_id.values() if e.text.startswith("我是百色"))
    found = check(
        {
            "event_id": grade.id,
            "intent": "inform",
            "facts": [
                {"entity": "skill_grade", "value": "技师"},
                {"entity": "region", "value": "baise", "text": "百色"},
            ],
        },
        grade,
        intents,
    )
    assert [(e["start"], e["end"]) for e in found["entities"]] == [(5, 7), (2, 4)]


def test_export_is_rasa_nlu_yaml(log, broker, tmp_path, domain, monkeypatch):
    store = AnnotationStore(broker.engine)
    assert render(store.all()).endswith("nlu: []\n")
    assert RasaYAMLReader().reads(render([])).training_examples == []
    events = {e.text: e for e in log.by_id.values()}
    store.save(
        check(
            {
                "event_id": events["不对，是四年"].id,
                "intent": "correct",
                "facts": [{"entity": "skill_years", "value": 4, "text": "四年"}],
            },
            events["不对，是四年"],
            domain.intents,
        )
    )
    store.save(
        check({"event_id": events["阿斯顿发生地方"].id, "out_of_scope": True}, events["阿斯顿发生地方"], domain.intents)
    )
    phone = events["转人工，我电话[手机号已隐藏]"]
    store.save(check({"event_id": phone.id, "intent": "human_handoff"}, phone, domain.intents))
    text = render(store.all())
    data = RasaYAMLReader().reads(text)
    examples = {(m.get("text"), m.get("intent")) for m in data.training_examples}
    assert examples == {
        ("不对，是四年", "correct"),
        ("阿斯顿发生地方", "out_of_scope"),
        ("转人工，我电话【手机号已隐藏】", "human_handoff"),
    }
    corrected = next(m for m in data.training_examples if m.get("intent") == "correct")
    assert corrected.get("entities") == [{"start": 4, "end": 6, "value": 4, "entity": "skill_years"}]
    # the command line reads the endpoints file's broker database
    monkeypatch.setenv("EVENT_BROKER_DB", str(tmp_path / "events.db"))
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    out = tmp_path / "reviewed.yml"
    assert export_main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text


# ----------------------------------------------------------------------------- what the store streams


class RecordingBroker:
    def __init__(self):
        self.events = []

    def publish(self, event):
        self.events.append(event)

    def is_ready(self):
        return True


def test_tracker_store_streams_the_events_rasas_diff_finds(domain, tmp_path):
    """Our store finds the new events without Rasa's retrieve-and-diff; the broker gets the
    same events in the same order, turn by turn, across a new session and for a tracker the
    store did not load itself."""
    from rasa.core.tracker_store import SQLTrackerStore

    ours_broker, rasas_broker = RecordingBroker(), RecordingBroker()
    ours = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "ours.db"), event_broker=ours_broker)
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasas.db"), event_broker=rasas_broker)

    def turn(text, ts):
        return [
            user(text, "inform", ts=ts),
            SlotSet("skill_years", 3.0, timestamp=ts),
            BotUttered("好的", timestamp=ts),
            ActionExecuted("action_listen", timestamp=ts),
        ]

    turns = [
        [
            ActionExecuted("action_session_start", timestamp=DAY),
            SessionStarted(timestamp=DAY),
            ActionExecuted("action_listen", timestamp=DAY),
            *turn("我是技师", DAY + 1),
        ],
        turn("拿证三年", DAY + 2),
        [
            ActionExecuted("action_session_start", timestamp=DAY + 9000),
            SessionStarted(timestamp=DAY + 9000),
            ActionExecuted("action_listen", timestamp=DAY + 9000),
            *turn("又来了", DAY + 9001),
        ],
        turn("还在", DAY + 9002),
    ]

    async def play():
        for events in turns:
            for store in (ours, rasas):
                tracker = await store.retrieve("u1") or DialogueStateTracker("u1", domain.slots)
                for event in events:
                    tracker.update(event)
                await store.save(tracker)
        fresh = DialogueStateTracker("u1", domain.slots)  # not loaded by the store: Rasa's way
        for event in (await rasas.retrieve("u1")).events:
            fresh.update(event)
        fresh.update(user("最后一句", "inform", ts=DAY + 9003))
        await ours.save(fresh)
        await rasas.save(fresh)

    retrieves = []
    original_retrieve = ours.retrieve

    async def counted(sender_id):
        retrieves.append(sender_id)
        return await original_retrieve(sender_id)

    ours.retrieve = counted
    asyncio.run(play())
    # 4 turns' own retrieves + Rasa's way for the first save (new sender) and the foreign tracker
    assert len(retrieves) == 4 + 2
    assert len(ours_broker.events) > 20
    assert ours_broker.events == rasas_broker.events
