"""The redacting SQL tracker store's fast paths store and load exactly what Rasa's
`SQLTrackerStore` does: same events back, no event stored twice or skipped, across
sessions, and for trackers it did not load itself."""

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import STORED_EVENTS, RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def stores(domain, tmp_path):
    db = str(tmp_path / "tracker.db")
    ours = RedactingSQLTrackerStore(domain, dialect="sqlite", db=db)
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=db)
    return ours, rasas, db


def run(coro):
    return asyncio.run(coro)


def turn(text, slot=None, value=None):
    events = [UserUttered(text, {"name": "inform", "confidence": 0.9})]
    if slot:
        events.append(SlotSet(slot, value))
    return events + [ActionExecuted("utter_x"), ActionExecuted("action_listen")]


def session_start():
    """In Rasa's order; the action's event is logged after (and stamped no earlier than)
    the SessionStarted it returned, which Rasa's session query relies on."""
    started = SessionStarted()
    return [ActionExecuted("action_session_start"), started, ActionExecuted("action_listen")]


def tracker_with(sender, events, domain):
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event)
    return tracker


def rows(db, sender):
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("select type_name from events where sender_id=? order by id", (sender,))]


def dumped(tracker):
    return [e.as_dict() for e in tracker.events]


def test_turn_by_turn_round_trip_matches_rasa(stores, domain):
    ours, rasas, db = stores
    tracker = tracker_with("a", session_start(), domain)
    run(ours.save(tracker))
    assert getattr(tracker, STORED_EVENTS) == 3
    for i, (slot, value) in enumerate([("region", "baise"), ("skill_grade", "jishi"), ("skill_years", 3)]):
        tracker = run(ours.retrieve("a"))
        assert getattr(tracker, STORED_EVENTS) == len(tracker.events)
        for e in turn(f"第{i}句", slot, value):
            tracker.update(e)
        run(ours.save(tracker))
        again = run(ours.retrieve("a"))
        assert dumped(again) == dumped(run(rasas.retrieve("a"))) == dumped(tracker)
    assert len(rows(db, "a")) == 3 + 3 * 4
    assert run(ours.retrieve("a")).get_slot("skill_years") == 3


def test_new_session_stores_only_new_events_and_loads_the_last_session(stores, domain):
    ours, rasas, db = stores
    tracker = tracker_with("b", session_start() + turn("旧的", "region", "baise"), domain)
    run(ours.save(tracker))
    tracker = run(ours.retrieve("b"))
    for e in session_start() + turn("新的"):
        tracker.update(e)
    run(ours.save(tracker))
    assert len(rows(db, "b")) == 3 + 4 + 3 + 3
    loaded = run(ours.retrieve("b"))
    assert dumped(loaded) == dumped(run(rasas.retrieve("b")))
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["新的"]
    full = run(ours.retrieve_full_tracker("b"))
    assert len(full.events) == 13 and not hasattr(full, STORED_EVENTS)


def test_tracker_not_loaded_here_falls_back_to_counting(stores, domain):
    ours, rasas, db = stores
    tracker = tracker_with("c", session_start() + turn("一"), domain)
    run(rasas.save(tracker))
    copy = DialogueStateTracker.from_dict("c", dumped(tracker), domain.slots)  # never retrieved here
    for e in turn("二"):
        copy.update(e)
    run(ours.save(copy))
    assert len(rows(db, "c")) == 3 + 3 + 3
    assert dumped(run(ours.retrieve("c"))) == dumped(copy)


def count_queries(store):
    """Statements that count a sender's stored events (Rasa's fallback), as executed."""
    import sqlalchemy as sa

    seen = []
    sa.event.listen(
        store.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *rest: seen.append(statement) if "count(" in statement.lower() else None,
    )
    return seen


def test_new_conversation_is_stored_from_its_first_event_without_counting(stores, domain):
    """As Rasa does for a sender it has never seen: retrieve finds nothing, a fresh tracker
    is created and saved (here through Rasa's own get_or_create_tracker)."""
    ours, rasas, db = stores
    counted = count_queries(ours)
    tracker = run(ours.get_or_create_tracker("new"))
    for e in session_start() + turn("你好"):
        tracker.update(e)
    run(ours.save(tracker))
    assert counted == []
    assert len(rows(db, "new")) == 1 + 3 + 3 == len(tracker.events)
    assert dumped(run(rasas.retrieve_full_tracker("new"))) == dumped(tracker)
    assert "new" not in ours._senders_without_events  # used once, then forgotten


def test_sender_seen_without_events_but_stored_since_is_counted(stores, domain):
    """The memory of an empty retrieve is dropped by the next retrieve that finds events
    and by the first save; a tracker made elsewhere after it is still counted."""
    ours, rasas, db = stores
    assert run(ours.retrieve("late")) is None and "late" in ours._senders_without_events
    run(rasas.save(tracker_with("late", session_start(), domain)))  # another writer
    assert run(ours.retrieve("late")) is not None and "late" not in ours._senders_without_events
    counted = count_queries(ours)
    copy = tracker_with("late", session_start() + turn("一"), domain)  # not retrieved here
    run(ours.save(copy))
    assert len(counted) == 1 and len(rows(db, "late")) == 3 + 3


def test_memory_of_senders_without_events_is_bounded(stores, monkeypatch):
    import bot.tracker_store as module

    ours, _, _ = stores
    monkeypatch.setattr(module, "MAX_SENDERS_WITHOUT_EVENTS", 3)
    for i in range(5):
        run(ours.retrieve(f"none{i}"))
    assert list(ours._senders_without_events) == ["none2", "none3", "none4"]


def test_redaction_and_wal(stores, domain):
    ours, _, db = stores
    tracker = tracker_with("d", session_start() + turn("电话13812345678，身份证110101199003071234"), domain)
    run(ours.save(tracker))
    with sqlite3.connect(db) as conn:
        data = " ".join(json.loads(r[0]).get("text") or "" for r in conn.execute("select data from events"))
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "13812345678" not in data and "110101199003071234" not in data
    assert "电话" in data


def saved_turns(store, sender, domain, turns):
    """Each turn as Rasa runs it: retrieve (or create), add the turn's events, save."""
    trackers = []
    for events in turns:
        tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, domain.slots)
        for event in events:
            tracker.update(event)
        run(store.save(tracker))
        trackers.append(tracker)
    return trackers


def test_saved_tracker_is_handed_back_while_the_database_holds_what_it_saved(stores, domain):
    """The kept tracker is the one decoding the rows would give (same events, same slots),
    turn after turn, from a new conversation's first save on."""
    ours, rasas, db = stores
    trackers = saved_turns(
        ours,
        "k",
        domain,
        [
            session_start() + turn("你好"),
            turn("技师", "skill_grade", "技师"),
            turn("三年", "skill_years", 3),
            turn("赤峰", "region", "赤峰市"),
        ],
    )
    assert trackers[3] is trackers[2] is trackers[1] is trackers[0]
    decoded = run(rasas.retrieve("k"))
    assert dumped(trackers[3]) == dumped(decoded) and trackers[3].current_state() == decoded.current_state()
    assert run(ours.retrieve("k")) is trackers[3]


def test_kept_tracker_is_not_handed_back_when_the_rows_or_the_tracker_changed(stores, domain):
    ours, rasas, db = stores
    kept = saved_turns(ours, "w", domain, [session_start() + turn("一"), turn("二")])[-1]
    other = run(rasas.retrieve("w"))  # another instance adds a turn
    for e in turn("三", "region", "包头"):
        other.update(e)
    run(rasas.save(other))
    again = run(ours.retrieve("w"))
    assert again is not kept and dumped(again) == dumped(other) and again.get_slot("region") == "包头"

    kept = saved_turns(ours, "w", domain, [turn("四")])[-1]
    assert run(ours.forget_last_turn("w"))  # the guard rewinds a failed turn
    assert run(ours.retrieve("w")) is not kept

    kept = saved_turns(ours, "w", domain, [turn("五")])[-1]
    assert run(ours.retrieve("w")) is kept
    kept.update(UserUttered("六"))  # a turn that failed before its save
    run(ours.save(saved_turns(ours, "v", domain, [session_start()])[-1]))
    assert run(ours.retrieve("w")) is not kept


def test_tracker_whose_text_was_redacted_on_save_is_not_kept(stores, domain):
    """Its stored text differs from what it holds: the next turn gets the stored, redacted text."""
    ours, _, db = stores
    trackers = saved_turns(ours, "p", domain, [session_start() + turn("你好"), turn("电话13812345678")])
    again = run(ours.retrieve("p"))
    assert again is not trackers[-1]
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["你好", "电话[手机号已隐藏]"]


def test_full_tracker_reads_neither_use_nor_drop_the_kept_tracker(stores, domain):
    ours, _, _ = stores
    kept = saved_turns(ours, "f", domain, [session_start() + turn("一"), turn("二")])[-1]
    full = run(ours.retrieve_full_tracker("f"))
    assert full is not kept and dumped(full) == dumped(kept)
    assert run(ours.retrieve("f")) is kept


def test_kept_trackers_are_bounded(stores, domain, monkeypatch):
    import bot.tracker_store as module

    ours, _, _ = stores
    monkeypatch.setattr(module, "MAX_KEPT_TRACKERS", 2)
    kept = {s: saved_turns(ours, s, domain, [session_start() + turn("一"), turn("二")])[-1] for s in "abc"}
    assert list(ours._kept) == ["b", "c"]
    assert run(ours.retrieve("a")) is not kept["a"] and run(ours.retrieve("c")) is kept["c"]


@pytest.fixture
def plain(domain, tmp_path, monkeypatch):
    """The store as it runs with RASA_PATCHES=off (bot/runtime.py turns its speed paths off)."""
    monkeypatch.setattr(RedactingSQLTrackerStore, "speed_paths", False)
    db = str(tmp_path / "plain.db")
    return (
        RedactingSQLTrackerStore(domain, dialect="sqlite", db=db),
        SQLTrackerStore(domain, dialect="sqlite", db=db),
        db,
    )


def test_without_its_speed_paths_the_store_runs_rasas_code_and_still_redacts(plain, domain):
    ours, rasas, db = plain
    trackers = saved_turns(
        ours,
        "q",
        domain,
        [session_start() + turn("你好"), turn("技师", "skill_grade", "技师"), turn("电话13812345678")],
    )
    assert trackers[0] is not trackers[1] is not trackers[2]  # each turn decodes: no kept tracker
    assert not any(hasattr(t, STORED_EVENTS) for t in trackers)  # and no remembered count
    assert ours._kept == {} and not ours._senders_without_events
    again = run(ours.retrieve("q"))
    assert dumped(again) == dumped(run(rasas.retrieve("q")))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["你好", "技师", "电话[手机号已隐藏]"]
    with sqlite3.connect(db) as conn:
        stored = [r[0] for r in conn.execute("select data from events where sender_id='q' order by id")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal"  # Rasa's engine, not ours
    # written as Rasa writes it (json.dumps: \u escapes), the phone number redacted
    assert stored == [json.dumps(json.loads(text)) for text in stored] and "\\u6280\\u5e08" in "".join(stored)
    assert "13812345678" not in "".join(stored)


def test_without_its_speed_paths_the_broker_gets_rasas_diff(plain, domain, monkeypatch):
    """Rasa's ``stream_events`` reads the stored conversation to find the new events: one more
    retrieve per save than the turn's own."""
    ours, _, _ = plain
    sent, retrieves = [], []

    class Broker:
        def publish(self, event):
            sent.append(event["event"])

    ours.event_broker = Broker()
    read = ours._retrieve
    monkeypatch.setattr(ours, "_retrieve", lambda *a, **k: retrieves.append(a) or read(*a, **k))
    saved_turns(ours, "b", domain, [session_start() + turn("一"), turn("二", "region", "baise")])
    assert len(retrieves) == 4
    assert sent == ["action", "session_started", "action"] + ["user", "action", "action"] + [
        "user",
        "slot",
        "action",
        "action",
    ]
