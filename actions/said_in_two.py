"""An award said over two messages: “我参加过世界技能大赛” … “拿的铜牌”.

The NLU reads one message at a time: a medal alone names no award (which contest?), and a
contest alone is no award either (taking part wins nothing). Said one after the other they
are one fact, so the medal message is read again together with the user's message before
it; the award found only that way fills the ``awards`` slot (dev20 d20c43: the 世赛铜牌 that
opens 正高级 by 《内蒙古通知》二（四） had been lost, and the reply was “没太明白”).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.nlu.lexicon import CONTEST_RESULT
from bot.nlu.normalise import extract_facts
from dialogue.profile_slots import merge_awards
from rules_engine import clock


def award_said_over_two_messages(tracker: Tracker) -> List[Dict[str, Any]]:
    """The ``awards`` slot event for a medal completing the contest of the message before."""
    text = tracker.latest_message.get("text") or ""
    if not CONTEST_RESULT.search(text) or any(
        e.get("entity") == "awards" for e in tracker.latest_message.get("entities", [])
    ):
        return []
    before = _previous_user_text(tracker)
    if not before:
        return []
    today = clock.today()
    alone = {a for part in (before, text) for a in _awards(part, today)}
    together = [a for a in _awards(f"{before}，{text}", today) if a not in alone]
    if not together:
        return []
    return [SlotSet("awards", merge_awards(tracker.get_slot("awards"), together))]


def _awards(text: str, today) -> List[str]:
    return [f["value"] for f in extract_facts(text, today=today) if f["entity"] == "awards" and not f.get("role")]


def _previous_user_text(tracker: Tracker) -> Optional[str]:
    said = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return said[-2] if len(said) > 1 else None
