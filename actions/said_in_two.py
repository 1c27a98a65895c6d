"""An award said over two messages in the chat (dialogue.said_over_two): the ``awards`` slot
event when the latest message's medal completes the contest of the message before (dev20
d20c43: the 世赛铜牌 that opens 正高级 by 《内蒙古通知》二（四） had been lost)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from dialogue.profile_slots import merge_awards
from dialogue.said_over_two import awards_said_over_two


def award_said_over_two_messages(tracker: Tracker) -> List[Dict[str, Any]]:
    text = tracker.latest_message.get("text") or ""
    read = any(e.get("entity") == "awards" for e in tracker.latest_message.get("entities", []))
    new = awards_said_over_two(_previous_user_text(tracker), text, read)
    return [SlotSet("awards", merge_awards(tracker.get_slot("awards"), new))] if new else []


def _previous_user_text(tracker: Tracker) -> Optional[str]:
    said = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return said[-2] if len(said) > 1 else None
