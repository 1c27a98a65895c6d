"""The review console's data source: Rasa's SQL event broker, written off the hot path.

Rasa's ``SQLEventBroker`` inserts and commits each event synchronously inside the tracker
store's ``save`` (one session and one commit per event, in the event loop), and a database
that is down raises there, so a turn would fail with it. This subclass keeps Rasa's table
(``events``: id, sender_id, data) and its configuration keys, and changes only *when* the
rows are written:

- ``publish`` redacts every string of the event (bot.privacy: no 身份证号 or 手机号 is ever
  stored, whatever channel built the message), replaces the sender id by its SHA-256 (a
  REST client may use a phone number as sender id; the console needs only to group by it),
  serialises the event and puts it on a bounded queue; it never raises and never touches
  the database;
- one writer thread inserts what is queued in batches (what arrives within half a second,
  one transaction for all), creating the table on its first success; when the database is unreachable it keeps the batch and
  retries with a growing pause, and when the queue is full new events are dropped and
  counted (a conversation is never slowed or broken by the review data);
- ``close`` (Rasa calls it on shutdown) flushes what is queued, for a few seconds at most.

endpoints.yml::

    event_broker:
      type: bot.channels.review.broker.ReviewEventBroker
      dialect: sqlite          # db: from EVENT_BROKER_DB, default build/events.db
      # or dialect: postgresql + url/port/db/username/password (deploy/endpoints.cluster.yml);
      # login_db: a database to log in to first and create `db` from, as Rasa's SQL tracker store

The database must not be the tracker store's: both use a table named ``events``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import queue
import threading
import time
from asyncio import AbstractEventLoop
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.privacy import redact_deep
from bot.jsonfast import dumps_json

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DB = "build/events.db"
QUEUE_SIZE = int(os.environ.get("EVENT_BROKER_QUEUE", "20000"))
BATCH_SIZE = 500
# How long the writer gathers events before it writes them (the inbox is read seconds later).
LINGER = float(os.environ.get("EVENT_BROKER_LINGER", "0.5"))
MAX_RETRY_PAUSE = 30.0
CLOSE_TIMEOUT = 5.0
_STOP = object()

TABLE: sa.Table = SQLEventBroker.SQLBrokerEvent.__table__


def stored_sender(sender_id: Any) -> Text:
    """What the broker stores as sender id: the SHA-256 (hex) of the real one."""
    return hashlib.sha256(str(sender_id or "").encode("utf-8")).hexdigest()


def default_sqlite_db() -> Text:
    """EVENT_BROKER_DB, else events.db next to the tracker store's SQLite file (so each
    test stack keeps its own), else build/events.db."""
    if os.environ.get("EVENT_BROKER_DB"):
        return os.environ["EVENT_BROKER_DB"]
    tracker_db = os.environ.get("TRACKER_DB")
    if tracker_db:
        return str(Path(tracker_db).with_name("events.db"))
    return DEFAULT_DB


def make_engine(
    dialect: Text = "sqlite",
    host: Optional[Text] = None,
    port: Optional[int] = None,
    db: Optional[Text] = None,
    username: Optional[Text] = None,
    password: Optional[Text] = None,
) -> sa.engine.Engine:
    """An engine on the broker's database (Rasa's URL rules); SQLite in WAL mode, so the
    console reads while the writer writes."""
    from rasa.core.tracker_store import SQLTrackerStore

    if dialect == "sqlite":
        db = db or default_sqlite_db()
        if db != ":memory:" and not os.path.isabs(db):
            db = str(ROOT / db)
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    url = SQLTrackerStore.get_db_url(dialect, host, port, db or "events", username, password)
    if dialect != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

    @sa.event.listens_for(engine, "connect")
    def _wal(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


CONFIG_KEYS = ("dialect", "port", "db", "username", "password", "login_db", "queue_size")


def engine_from_endpoints(path: Text = "endpoints.yml") -> Optional[sa.engine.Engine]:
    """The broker database named in an endpoints file (for `make review-export`), or None."""
    from rasa.core.utils import read_endpoints_from_path

    endpoints = read_endpoints_from_path(str(ROOT / path) if not os.path.isabs(path) else path)
    config = endpoints.event_broker
    if config is None:
        return None
    kwargs = {k: v for k, v in config.kwargs.items() if k in CONFIG_KEYS[:5]}
    return make_engine(host=config.url, **kwargs)


class ReviewEventBroker(SQLEventBroker):
    """Rasa's SQL event broker with redaction and a background writer (see module doc)."""

    def __init__(
        self,
        dialect: Text = "sqlite",
        host: Optional[Text] = None,
        port: Optional[int] = None,
        db: Optional[Text] = None,
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        login_db: Optional[Text] = None,
        queue_size: int = QUEUE_SIZE,
    ) -> None:
        # Not SQLEventBroker.__init__: it connects and creates the table right away, which
        # would stop the server from starting while the database is down.
        self.engine = make_engine(dialect, host, port, db, username, password)
        # PostgreSQL: where to log in first to create the database if it is missing (writer thread)
        self._login = (
            (make_engine(dialect, host, port, login_db, username, password), db)
            if login_db and dialect == "postgresql"
            else None
        )
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self.dropped = 0
        self.written = 0
        self.failures = 0
        self._queue: "queue.Queue[Any]" = queue.Queue(maxsize=queue_size)
        self._table_ready = False
        self._writer = threading.Thread(target=self._write_loop, name="review-event-broker", daemon=True)
        self._writer.start()

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> "ReviewEventBroker":
        kwargs = {k: v for k, v in broker_config.kwargs.items() if k in CONFIG_KEYS}
        return cls(host=broker_config.url, **kwargs)

    # ------------------------------------------------------------------ the hot path

    def publish(self, event: Dict[Text, Any]) -> None:
        """Queues the redacted event; never raises, never waits."""
        try:
            sender = stored_sender(event.get("sender_id"))
            row = {"sender_id": sender, "data": dumps_json({**redact_deep(event), "sender_id": sender})}
            self._queue.put_nowait(row)
        except queue.Full:
            self.dropped += 1
            if self.dropped in (1, 10, 100) or self.dropped % 1000 == 0:
                logger.warning("review event broker: queue full, %d events dropped so far", self.dropped)
        except Exception as exc:  # an event that cannot be serialised: skip it, not the turn
            self.dropped += 1
            logger.warning("review event broker: event not queued (%s: %s)", type(exc).__name__, exc)

    # ------------------------------------------------------------------ the writer

    def _take_batch(self, first: Any) -> List[Any]:
        """What arrives within LINGER seconds of the first event, one transaction for all:
        a commit costs about 1 ms of CPU (measured), a row a few µs."""
        batch = [first]
        deadline = time.monotonic() + LINGER
        while len(batch) < BATCH_SIZE and first is not _STOP:
            try:
                batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
            if batch[-1] is _STOP:
                break
        return batch

    def _insert(self, rows: List[Dict[Text, Any]]) -> None:
        if not self._table_ready:
            if self._login is not None:
                from rasa.core.tracker_store import SQLTrackerStore

                login_engine, name = self._login
                SQLTrackerStore._create_database(login_engine, name)
                login_engine.dispose()
                self._login = None
            TABLE.create(self.engine, checkfirst=True)
            self._table_ready = True
        with self.engine.begin() as connection:
            connection.execute(TABLE.insert(), rows)

    def _write_loop(self) -> None:
        pause = 0.5
        pending: List[Dict[Text, Any]] = []
        stopping = False
        while True:
            if not pending:
                if stopping and self._queue.empty():
                    return
                batch = self._take_batch(self._queue.get())
                stopping = stopping or any(item is _STOP for item in batch)
                pending = [item for item in batch if item is not _STOP]
                for _ in range(len(batch) - len(pending)):
                    self._queue.task_done()
                if not pending:
                    continue
            try:
                self._insert(pending)
                self.written += len(pending)
                for _ in pending:
                    self._queue.task_done()
                pending, pause = [], 0.5
            except Exception as exc:
                self.failures += 1
                if self.failures in (1, 10) or self.failures % 100 == 0:
                    logger.warning(
                        "review event broker: database write failed (%s: %s); keeping %d events, " "retrying",
                        type(exc).__name__,
                        str(exc)[:200],
                        len(pending),
                    )
                if stopping:
                    return
                time.sleep(pause)
                pause = min(pause * 2, MAX_RETRY_PAUSE)

    def flush(self, timeout: float = CLOSE_TIMEOUT) -> bool:
        """Waits until everything queued so far is written (tests); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    async def close(self) -> None:
        try:
            self._queue.put_nowait(_STOP)
        except queue.Full:
            pass
        await asyncio.get_running_loop().run_in_executor(None, self._writer.join, CLOSE_TIMEOUT)
        self.engine.dispose()
