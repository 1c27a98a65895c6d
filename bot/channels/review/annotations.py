"""Reviewers' annotations: the right intent and facts of a message, or "out of scope".

Stored in the event broker's database (table ``review_annotations``), so every Rasa
instance of the cluster sees the same ones, keyed by the broker row id of the message.

A request::

    {"event_id": 42, "intent": "inform",
     "facts": [{"entity": "skill_grade", "value": "技师"},
               {"entity": "skill_years", "value": 3, "text": "三年"}]}
    {"event_id": 42, "out_of_scope": true}

Each fact is checked by the rules engine's validator (canonical values from the
vocabulary: an unknown value is refused with an error naming it), and must be findable in
the message so the export can mark it: ``text`` (the words stating it) if given, else the
span the NLU found for that fact, else the value itself if the message contains it.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from bot.channels.review.events import Event
from rules_engine import ProfileError, validate
from rules_engine.profile import schema

METADATA = sa.MetaData()
ANNOTATIONS = sa.Table(
    "review_annotations",
    METADATA,
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("intent", sa.String(64), nullable=False),
    sa.Column("entities", sa.Text, nullable=False),  # JSON [{"entity","value","start","end"}]
    sa.Column("out_of_scope", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
OUT_OF_SCOPE_INTENT = "out_of_scope"
MAX_FACTS = 20


class AnnotationError(ValueError):
    """Refused annotation; the message names the offending field or value."""


def _span(event: Event, entity: str, value: Any, words: Optional[str]) -> Dict[str, Any]:
    text = event.text or ""
    if words is not None:
        if not isinstance(words, str) or not words or words not in text:
            raise AnnotationError(f"“{words}”不在原文中（{entity}）")
        start = text.index(words)
        return {"entity": entity, "value": value, "start": start, "end": start + len(words)}
    for found in event.entities or []:
        if found.get("entity") == entity and isinstance(found.get("start"), int) and isinstance(found.get("end"), int):
            return {"entity": entity, "value": value, "start": found["start"], "end": found["end"]}
    if isinstance(value, str) and value in text:
        start = text.index(value)
        return {"entity": entity, "value": value, "start": start, "end": start + len(value)}
    raise AnnotationError(f"原文中找不到 {entity}={value!r} 的说法：请用 text 给出原文里表达它的词")


def check(body: Any, event: Optional[Event], intents: Iterable[str]) -> Dict[str, Any]:
    """The annotation to store, or AnnotationError naming what is wrong."""
    if not isinstance(body, dict):
        raise AnnotationError(
            '请求体应为 JSON 对象 {"event_id", "intent", "facts"} 或 {"event_id", "out_of_scope": true}'
        )
    if event is None:
        raise AnnotationError(f"未知的消息 event_id {body.get('event_id')!r}")
    intents = list(intents)
    out_of_scope = body.get("out_of_scope", False)
    if not isinstance(out_of_scope, bool):
        raise AnnotationError(f"out_of_scope 应为 true 或 false，收到 {out_of_scope!r}")
    if out_of_scope:
        return {
            "event_id": event.id,
            "text": event.text or "",
            "intent": OUT_OF_SCOPE_INTENT,
            "entities": [],
            "out_of_scope": True,
        }
    intent = body.get("intent")
    if intent not in intents:
        raise AnnotationError(f"未知的意图 {intent!r}；可接受的意图：{'、'.join(intents)}")
    facts = body.get("facts", [])
    if not isinstance(facts, list) or len(facts) > MAX_FACTS or not all(isinstance(f, dict) for f in facts):
        raise AnnotationError(f'facts 应为最多{MAX_FACTS}项的列表 [{{"entity", "value", "text"?}}]')
    profile: Dict[str, Any] = {}
    for fact in facts:
        key, value = fact.get("entity"), fact.get("value")
        if key not in schema():
            raise AnnotationError(f"未知的信息项 {key!r}；可接受的信息项：{'、'.join(schema())}")
        if schema()[key]["type"] == "list":
            profile.setdefault(key, []).append(value)
        elif key in profile:
            raise AnnotationError(f"{key} 出现了两次")
        else:
            profile[key] = value
    try:
        validate(profile)
    except ProfileError as err:
        raise AnnotationError(str(err)) from err
    entities = [_span(event, f["entity"], f["value"], f.get("text")) for f in facts]
    return {
        "event_id": event.id,
        "text": event.text or "",
        "intent": intent,
        "entities": entities,
        "out_of_scope": False,
    }


class AnnotationStore:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self._ready = False

    def _ensure(self) -> None:
        if not self._ready:
            METADATA.create_all(self.engine)
            self._ready = True

    def save(self, record: Dict[str, Any]) -> Dict[str, Any]:
        self._ensure()
        row = {**record, "entities": json.dumps(record["entities"], ensure_ascii=False), "updated_at": time.time()}
        with self.engine.begin() as connection:
            connection.execute(ANNOTATIONS.delete().where(ANNOTATIONS.c.event_id == record["event_id"]))
            connection.execute(ANNOTATIONS.insert(), [row])
        return self._public(row)

    def delete(self, event_id: int) -> bool:
        self._ensure()
        with self.engine.begin() as connection:
            return connection.execute(ANNOTATIONS.delete().where(ANNOTATIONS.c.event_id == event_id)).rowcount > 0

    def all(self) -> List[Dict[str, Any]]:
        if not self._ready and not sa.inspect(self.engine).has_table(ANNOTATIONS.name):
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(ANNOTATIONS).order_by(ANNOTATIONS.c.event_id)).mappings().all()
        return [self._public(dict(row)) for row in rows]

    def by_event(self) -> Dict[int, Dict[str, Any]]:
        return {a["event_id"]: a for a in self.all()}

    @staticmethod
    def _public(row: Dict[str, Any]) -> Dict[str, Any]:
        entities = row["entities"]
        return {
            "event_id": row["event_id"],
            "text": row["text"],
            "intent": row["intent"],
            "entities": json.loads(entities) if isinstance(entities, str) else entities,
            "out_of_scope": bool(row["out_of_scope"]),
            "updated_at": row["updated_at"],
        }
