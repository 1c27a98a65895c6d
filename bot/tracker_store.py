"""SQL tracker store that never writes a 身份证号 or 手机号 (defence in depth: the guarded
channels already redact, but WeChat and the assist API build their own messages).

Also: ``pool_pre_ping`` so that after the database restarts the first turn does not fail
on a dead pooled connection, and ``SQL_POOL_SIZE`` is honoured as usual by Rasa.

Speed paths (profiled: Rasa's retrieve + save were 30% of the server's CPU per turn). They
replace Rasa's own code to save time, with the same results, so they belong with the speed
patches, not with what this store is for: ``RASA_PATCHES=off`` is there to run Rasa's own
code (the baseline of ``make bench``, the fallback should a speed path be wrong). With the
patches off (``RASA_PATCHES=off`` or a Rasa other than 3.6.x) bot/runtime.py turns them off
too (``speed_paths``), and the store runs ``SQLTrackerStore``'s code — its ORM query, its
count query, ``json.dumps``, its engine, its event-broker diff — with only the redaction,
the failure notes, ``pool_pre_ping`` and the guard's rewind added:
- events are read as plain ``data`` strings, not ORM objects (same query, same order),
  and decoded/encoded with orjson (UTF-8 text instead of ``\\u`` escapes: the same JSON);
  reads and inserts go through a plain connection, not an ORM session (half the cost);
- the number of stored events is remembered on the retrieved tracker, so ``save`` does
  not count them again with a second query. This is exact because Rasa holds the
  conversation's lock from retrieve to save (and the guard's rewind takes the same lock).
  A new conversation's tracker is not the retrieved one (Rasa creates it when retrieve
  finds nothing): the sender found without events is remembered until its first save,
  which then starts from 0. Any other tracker falls back to Rasa's count query;
- the tracker just saved is kept in memory (the last ``MAX_KEPT_TRACKERS`` conversations)
  and handed back by the next retrieve of that conversation if the database still holds
  exactly the data strings it was saved as, and the tracker has not changed since: then
  decoding those strings would rebuild the same tracker. Anything else (another instance
  wrote or rewound the conversation, a new session, a turn that failed before its save, a
  new model, PII redacted on save so that the stored text differs) decodes as usual;
- SQLite runs in WAL mode with ``synchronous=NORMAL`` on one kept connection per thread:
  a commit no longer waits for fsync, and a killed process still loses nothing that was
  committed (only a power cut could lose the last turns, which a laptop default accepts);
- the event broker gets the events after those known to be stored, without Rasa's
  retrieve-and-diff (``stream_events``).

endpoints file::

    tracker_store:
      type: bot.tracker_store.RedactingSQLTrackerStore
      dialect: sqlite            # or postgresql (+ host/port/db/username/password)
      db: build/tracker.db
"""

from __future__ import annotations

import itertools
import json
import logging
import operator
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text, Tuple

import orjson
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy import redact_deep
from bot.turn_state import note_failure
from bot.jsonfast import dumps_json

logger = logging.getLogger(__name__)

# Attribute set on trackers this store retrieved or saved: how many of the tracker's
# events (since its session start) are already in the database.
STORED_EVENTS = "_jineng_stored_events"
# ... and the stored ``data`` strings of those events, in order (None when the count
# came from Rasa's count query).
STORED_DATA = "_jineng_stored_data"
# Senders whose retrieve found no event and that were not saved since (bounded, oldest out).
MAX_SENDERS_WITHOUT_EVENTS = 10_000
# Trackers kept in memory after their save, for the next turn of the same conversation.
MAX_KEPT_TRACKERS = 200


class _Kept:
    """A saved tracker, the data strings its events were stored as, and the events it had."""

    __slots__ = ("tracker", "data", "events", "domain")

    def __init__(self, tracker: DialogueStateTracker, data: List[Text], domain: Any) -> None:
        self.tracker, self.data, self.domain = tracker, data, domain
        self.events = tuple(tracker.events)

    def still_matches(self, data: List[Text], domain: Any) -> bool:
        """The database holds exactly what was saved, and the tracker was not changed since."""
        events = self.tracker.events
        return (
            domain is self.domain
            and data == self.data
            and len(events) == len(self.events)
            and all(map(operator.is_, events, self.events))
        )


def _sqlite_fast_durable(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _note_failure(what: Text) -> None:
    """Rasa wraps every tracker store in ``FailSafeTrackerStore``, which on a database
    error silently continues the conversation in an empty in-memory tracker (the facts
    seem forgotten, the turn is lost). The channel guard must know: it then apologises
    and keeps the turn pending instead (bot/turn_state.py)."""
    note_failure(what)


class RedactingSQLTrackerStore(SQLTrackerStore):
    # Whether the speed paths of the module docstring are used; bot/runtime.py sets it, before
    # Rasa builds the store, to whether the speed patches are in (one decision for both).
    speed_paths: bool = True

    def __init__(self, *args: Any, host: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, host=host, **kwargs)
        url = self.engine.url
        if url.drivername.startswith("postgresql"):
            engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        elif self.speed_paths and url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
            engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)
            sa.event.listen(engine, "connect", _sqlite_fast_durable)
        else:
            engine = None
        if engine is not None:
            self.engine.dispose()
            self.engine = engine
            self.sessionmaker = sa.orm.session.sessionmaker(bind=engine)
        self._statements = self._build_statements()
        self._senders_without_events: "OrderedDict[Text, None]" = OrderedDict()
        self._kept: "OrderedDict[Text, _Kept]" = OrderedDict()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except Exception:
            _note_failure("tracker_store.retrieve")
            raise

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """As Rasa's (same rows, same order), reading only the ``data`` column with a
        statement built once instead of ORM objects from a query built per call."""
        if not self.speed_paths:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        statement = self._statements["all_sessions" if fetch_events_from_all_sessions else "last_session"]
        with self.engine.connect() as connection:
            rows = connection.execute(statement, {"sender_id": sender_id}).fetchall()
        self._senders_without_events.pop(sender_id, None)
        if not rows:
            self._senders_without_events[sender_id] = None
            if len(self._senders_without_events) > MAX_SENDERS_WITHOUT_EVENTS:
                self._senders_without_events.popitem(last=False)
        kept = None if fetch_events_from_all_sessions else self._kept.pop(sender_id, None)
        if not (self.domain and rows):
            return None
        data = [text for (text,) in rows]
        if kept is not None and kept.still_matches(data, self.domain):
            return kept.tracker
        tracker = DialogueStateTracker.from_dict(sender_id, [orjson.loads(text) for text in data], self.domain.slots)
        if not fetch_events_from_all_sessions and len(tracker.events) == len(data):
            setattr(tracker, STORED_EVENTS, len(data))
            setattr(tracker, STORED_DATA, data)
        return tracker

    def _build_statements(self) -> Dict[Text, Any]:
        """Rasa's `_event_query` as Core statements: events of one sender in id order, all
        of them or those stamped at or after the latest ``session_started``."""
        events = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        data = sa.select(events.c.data).where(events.c.sender_id == sender).order_by(events.c.id)
        return {
            "all_sessions": data,
            "last_session": data.where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None))),
            "insert": events.insert(),
        }

    def _new_events(self, tracker: DialogueStateTracker) -> Tuple[List[Any], Optional[List[Text]]]:
        """The tracker's events not yet in the database (Rasa counts them with a query),
        and the data strings of those already there, if known."""
        stored = getattr(tracker, STORED_EVENTS, None)
        stored_data = getattr(tracker, STORED_DATA, None)
        if sender_had_no_events := tracker.sender_id in self._senders_without_events:
            del self._senders_without_events[tracker.sender_id]
        if stored is None and sender_had_no_events:
            stored, stored_data = 0, []
        if stored is None or stored > len(tracker.events) or tracker.events.maxlen is not None:
            with self.session_scope() as session:
                return list(super()._additional_events(session, tracker)), None
        return list(itertools.islice(tracker.events, stored, len(tracker.events))), stored_data

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """As Rasa's (new events to the event broker, bot/channels/review/broker.py), without
        retrieving and decoding the stored conversation to diff against: when this store knows
        how many of the tracker's events are stored, the new ones are those after them, the
        same events Rasa's diff finds. Otherwise Rasa's way. (Paired runs: the retrieve was
        about 0.4 ms of the broker's ~0.6-1 ms CPU per turn.)"""
        if self.event_broker is None:
            return
        if not self.speed_paths:
            await super().stream_events(tracker)
            return
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None or stored > len(tracker.events) or tracker.events.maxlen is not None:
            await super().stream_events(tracker)
            return
        await self._stream_new_events(
            self.event_broker, list(itertools.islice(tracker.events, stored, None)), tracker.sender_id
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._save(tracker)
        except Exception:
            _note_failure("tracker_store.save")
            raise

    @staticmethod
    def _row(sender_id: Text, event: Any, dumps: Any) -> Tuple[Dict[Text, Any], bool]:
        """The event's database row, every string redacted; and whether nothing was."""
        plain = event.as_dict()
        data = redact_deep(plain)
        row = dict(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=((data.get("parse_data") or {}).get("intent") or {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=dumps(data),
        )
        return row, data is plain

    async def _save(self, tracker: DialogueStateTracker) -> None:
        """As ``SQLTrackerStore.save``, with every string of each event redacted."""
        if not self.speed_paths:
            await self._save_as_rasa(tracker)
            return
        await self.stream_events(tracker)
        rows = []
        new_events, stored_data = self._new_events(tracker)
        all_unredacted = True
        for event in new_events:
            row, unredacted = self._row(tracker.sender_id, event, dumps_json)
            rows.append(row)
            all_unredacted = all_unredacted and unredacted
        if rows:  # one executemany, in order, in one transaction
            with self.engine.begin() as connection:
                connection.execute(self._statements["insert"], rows)
        if tracker.events.maxlen is None:
            # set together, so that the strings, when known, are always those of the count
            stored_data = None if stored_data is None else stored_data + [row["data"] for row in rows]
            setattr(tracker, STORED_EVENTS, len(tracker.events))
            setattr(tracker, STORED_DATA, stored_data)
            if stored_data is not None and all_unredacted:
                self._keep(tracker, stored_data)
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)

    async def _save_as_rasa(self, tracker: DialogueStateTracker) -> None:
        """``SQLTrackerStore.save`` as Rasa 3.6 writes it (the event broker first, Rasa's count
        of stored events, ORM objects in a session, ``json.dumps``), each event redacted."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                session.add(self.SQLEvent(**self._row(tracker.sender_id, event, json.dumps)[0]))
            session.commit()
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)

    def _keep(self, tracker: DialogueStateTracker, data: List[Text]) -> None:
        self._kept.pop(tracker.sender_id, None)
        self._kept[tracker.sender_id] = _Kept(tracker, data, self.domain)
        if len(self._kept) > MAX_KEPT_TRACKERS:
            self._kept.popitem(last=False)

    async def forget_last_turn(self, sender_id: Text) -> bool:
        """Deletes the conversation's last user turn (the ``user`` event and everything
        after it), restoring the stored state from before that turn. Used by the channel
        guard (bot/guard.py) when a turn failed half-way because the action server was
        unreachable; the user's text is kept in the guard's pending queue and replayed.
        (Rasa's ``UserUtteranceReverted`` does not do this reliably inside a form: the
        form-loop compaction of ``applied_events`` makes it rewind past the form's start.)"""
        with self.session_scope() as session:
            last_user = (
                session.query(sa.func.max(self.SQLEvent.id))
                .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.type_name == "user")
                .scalar()
            )
            if last_user is None:
                return False
            (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id >= last_user)
                .delete(synchronize_session=False)
            )
            session.commit()
        return True
