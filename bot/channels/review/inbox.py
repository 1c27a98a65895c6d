"""Which messages are worth a reviewer's look, and why.

A user message enters the inbox for any of these reasons (codes as in the API):

- ``fallback``: the NLU fell back (``nlu_fallback``) or the dialogue answered with
  ``action_default_fallback`` / ``utter_default`` (没太明白);
- ``low_confidence``: the intent's confidence is under ``REVIEW_LOW_CONFIDENCE`` (0.5; the
  FallbackClassifier's own threshold is 0.3, so these are the near misses);
- ``handoff``: the user asked for a person (``human_handoff`` / ``action_handoff``);
- ``correction``: the user corrects the assistant (不对 / 不是 / 说错了, or intent ``correct``);
- ``pushback``: the user pushes back on the reply before (没用 / 看不懂 …);
- ``facts_dropped``: a fact this message set was dropped as unacceptable by the rules
  engine's validator (dialogue.profile_slots.profile_from_slots, as the actions do).
"""

from __future__ import annotations

import os
import re
from typing import Any, Dict, List, Optional

from dialogue.profile_slots import PROFILE_KEYS, profile_from_slots
from bot.channels.review.events import EventLog, Turn, iso_time, sender_hash, turns_of

LOW_CONFIDENCE = float(os.environ.get("REVIEW_LOW_CONFIDENCE", "0.5"))
CORRECTION = re.compile(r"不对|不是|说错了|搞错了|弄错了")
PUSHBACK = re.compile(r"没用|没有用|看不懂|没看懂|听不懂|看不明白|答非所问")
FALLBACK_ACTIONS = {"action_default_fallback", "utter_default"}
CONTEXT_BEFORE, CONTEXT_AFTER = 4, 4

REASONS = {
    "fallback": "没听懂（兜底回复）",
    "low_confidence": "意图把握不大",
    "handoff": "要求转人工",
    "correction": "用户在纠正助手",
    "pushback": "用户对答复不满意",
    "facts_dropped": "信息被判为无效而丢弃",
}


def dropped_facts(turn: Turn) -> List[str]:
    """Profile facts this turn set that the validator refuses."""
    set_here = [key for key in dict.fromkeys(turn.slots_set) if key in PROFILE_KEYS]
    if not set_here:
        return []
    try:
        _, dropped = profile_from_slots(turn.slots_after)
    except Exception:  # a profile the validator cannot even read: all of them
        return set_here
    return [key for key in set_here if key in dropped]


def reasons_for(turn: Turn) -> List[str]:
    user, actions = turn.user, turn.actions
    text = user.text or ""
    codes: List[str] = []
    fallback = user.intent == "nlu_fallback" or any(a in FALLBACK_ACTIONS for a in actions)
    if fallback:
        codes.append("fallback")
    elif user.confidence is not None and user.confidence < LOW_CONFIDENCE:
        codes.append("low_confidence")
    if user.intent == "human_handoff" or "action_handoff" in actions:
        codes.append("handoff")
    if user.intent == "correct" or CORRECTION.search(text):
        codes.append("correction")
    if PUSHBACK.search(text):
        codes.append("pushback")
    if dropped_facts(turn):
        codes.append("facts_dropped")
    return codes


def _line(event) -> Dict[str, Any]:
    return {
        "id": event.id,
        "who": "user" if event.type == "user" else "bot",
        "text": event.text or "",
        "time": iso_time(event.ts),
    }


def context_of(turns: List[Turn], index: int) -> List[Dict[str, Any]]:
    """The messages around turn ``index`` (user and bot lines), the turn's own marked."""
    lines: List[Dict[str, Any]] = []
    for i, turn in enumerate(turns):
        line = _line(turn.user)
        line["current"] = i == index
        lines.append(line)
        lines.extend(_line(e) for e in turn.after if e.type == "bot")
    here = next(i for i, line in enumerate(lines) if line.get("current"))
    return lines[max(0, here - CONTEXT_BEFORE) : here + 1 + CONTEXT_AFTER]


def _items_of(turns: List[Turn]) -> List[Dict[str, Any]]:
    items: List[Dict[str, Any]] = []
    for index, turn in enumerate(turns):
        codes = reasons_for(turn)
        if not codes:
            continue
        user = turn.user
        items.append(
            {
                "id": user.id,
                "time": iso_time(user.ts),
                "ts": user.ts,
                "sender": sender_hash(user.sender),
                "channel": user.channel or "",
                "text": user.text or "",
                "intent": user.intent or "",
                "confidence": user.confidence,
                "entities": user.entities or [],
                "reasons": [{"code": c, "label": REASONS[c]} for c in codes],
                "dropped": dropped_facts(turn),
                "reply": [e.text for e in turn.after if e.type == "bot"],
                "context": context_of(turns, index),
            }
        )
    return items


def inbox(
    log: EventLog,
    annotations: Dict[int, Dict[str, Any]],
    limit: int = 200,
    reason: Optional[str] = None,
    include_reviewed: bool = True,
) -> List[Dict[str, Any]]:
    """The messages to review, newest first. A sender's items are recomputed only when the
    sender has new events (the console asks every few seconds)."""
    memo = log.inbox_memo
    items: List[Dict[str, Any]] = []
    for sender, events in list(log.by_sender.items()):
        count = len(events)
        cached = memo.get(sender)
        if cached is None or cached[0] != count:
            cached = memo[sender] = (count, _items_of(turns_of(events[:count])))
        for item in cached[1]:
            if reason and reason not in [r["code"] for r in item["reasons"]]:
                continue
            annotation = annotations.get(item["id"])
            if annotation and not include_reviewed:
                continue
            items.append({**item, "annotation": annotation})
    items.sort(key=lambda item: (item["ts"], item["id"]), reverse=True)
    return items[:limit]
