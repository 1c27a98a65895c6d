"""The event broker's rows, read incrementally and kept as small summaries.

Each console request first reads the rows written since the last read (``id > last``), so
a message is in the inbox as soon as the broker's writer has committed it (well under a
second), and old rows are parsed once per server process. A summary keeps only what the
inbox and the figures use (about 200 bytes an event instead of the full JSON).

Conversations are the events of one sender, split into turns at each user message; the
slots set so far are carried along (Rasa carries them over a new session; a restart
clears them), so a turn knows the facts the dialogue held when it was answered.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa

from bot.channels.review.broker import TABLE

READ_BATCH = 5000
# Calendar days are counted in China Standard Time (the office's day), whatever the server's zone.
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))


def sender_hash(sender_id: Optional[str]) -> str:
    """What the console shows for a sender id the broker stored (already its SHA-256,
    bot/channels/review/broker.py): the first 12 hex digits."""
    return (sender_id or "")[:12]


def local_day(ts: float) -> dt.date:
    return dt.datetime.fromtimestamp(ts, CHINA_TIME).date()


def iso_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, CHINA_TIME).isoformat(timespec="seconds")


@dataclass(slots=True)
class Event:
    id: int
    sender: str
    type: str
    ts: float
    text: Optional[str] = None
    intent: Optional[str] = None
    confidence: Optional[float] = None
    channel: Optional[str] = None
    action: Optional[str] = None
    slot: Optional[str] = None
    value: Any = None
    entities: Optional[List[Dict[str, Any]]] = None


def summarise(row_id: int, sender: str, data: Dict[str, Any]) -> Event:
    kind = data.get("event") or ""
    event = Event(row_id, sender, kind, float(data.get("timestamp") or 0.0))
    if kind == "user":
        parse = data.get("parse_data") or {}
        intent = parse.get("intent") or {}
        event.text, event.channel = data.get("text") or "", data.get("input_channel")
        event.intent, event.confidence = intent.get("name"), intent.get("confidence")
        event.entities = [
            {k: e.get(k) for k in ("entity", "value", "start", "end")}
            for e in parse.get("entities") or []
            if isinstance(e, dict)
        ]
    elif kind == "bot":
        event.text = data.get("text") or ""
    elif kind == "action":
        event.action = data.get("name")
    elif kind == "slot":
        event.slot, event.value = data.get("name"), data.get("value")
    return event


@dataclass
class Turn:
    """A user message and what followed it until the next one."""

    user: Event
    after: List[Event] = field(default_factory=list)
    slots_before: Dict[str, Any] = field(default_factory=dict)
    slots_after: Dict[str, Any] = field(default_factory=dict)
    new_session: bool = False

    @property
    def actions(self) -> List[str]:
        return [e.action for e in self.after if e.type == "action" and e.action]

    @property
    def slots_set(self) -> List[str]:
        return [e.slot for e in self.after if e.type == "slot" and e.slot]


def turns_of(events: List[Event]) -> List[Turn]:
    """One sender's events as turns (events before the first user message are dropped)."""
    turns: List[Turn] = []
    slots: Dict[str, Any] = {}
    new_session = True
    for event in events:
        if event.type == "restart":
            slots, new_session = {}, True
        elif event.type == "session_started":
            new_session = True
        elif event.type == "slot" and event.slot:
            slots = {**slots, event.slot: event.value}
        elif event.type == "reset_slots":
            slots = {}
        if event.type == "user":
            if turns:
                turns[-1].slots_after = slots
            turns.append(Turn(event, slots_before=slots, new_session=new_session))
            new_session = False
        elif turns:
            turns[-1].after.append(event)
    if turns:
        turns[-1].slots_after = slots
    return turns


class EventLog:
    """Summaries of every broker row, per sender, refreshed from the database on demand."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self.by_sender: Dict[str, List[Event]] = {}
        self.by_id: Dict[int, Event] = {}
        self.last_id = 0
        # per sender: (event count, inbox items) — bot/channels/review/inbox.py
        self.inbox_memo: Dict[str, Any] = {}
        # per answered turn: (outcome, route) — bot/channels/review/figures.py
        self.decision_memo: Dict[Any, Any] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Reads the rows written since the last call (blocking; call it off the event loop)."""
        with self._lock:
            if not sa.inspect(self.engine).has_table(TABLE.name):
                return
            while True:
                query = (
                    sa.select(TABLE.c.id, TABLE.c.sender_id, TABLE.c.data)
                    .where(TABLE.c.id > self.last_id)
                    .order_by(TABLE.c.id)
                    .limit(READ_BATCH)
                )
                with self.engine.connect() as connection:
                    rows = connection.execute(query).fetchall()
                for row_id, sender, data in rows:
                    self.last_id = row_id
                    try:
                        parsed = json.loads(data)
                    except (TypeError, ValueError):
                        continue
                    if not isinstance(parsed, dict):
                        continue
                    event = summarise(row_id, sender or "", parsed)
                    self.by_sender.setdefault(event.sender, []).append(event)
                    if event.type == "user":
                        self.by_id[row_id] = event
                if len(rows) < READ_BATCH:
                    return

    def conversations(self) -> Iterator[List[Turn]]:
        for events in list(self.by_sender.values()):
            yield turns_of(events)

    def user_event(self, event_id: int) -> Optional[Event]:
        return self.by_id.get(event_id)
