"""An award said over two messages in the chat (dialogue.said_over_two): the ``awards`` slot
event when the latest message's medal completes the contest of the message before (dev20
d20c43: the 世赛铜牌 that opens 正高级 by 《内蒙古通知》二（四） had been lost)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from dialogue.profile_slots import merge_awards
from dialogue.said_over_two import awards_said_over_two

from .actions import previous_user_text


def award_said_over_two_messages(tracker: Tracker) -> List[Dict[str, Any]]:
    text = tracker.latest_message.get("text") or ""
    read = any(e.get("entity") == "awards" for e in tracker.latest_message.get("entities", []))
    new = awards_said_over_two(previous_user_text(tracker), text, read)
    return [SlotSet("awards", merge_awards(tracker.get_slot("awards"), new))] if new else []
