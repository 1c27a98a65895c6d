"""An award said over two messages: “我参加过世界技能大赛” … “拿的铜牌”.

The NLU reads one message at a time: a medal alone names no award (which contest?), and a
contest alone is no award either (taking part wins nothing). Said one after the other they
are one fact, so the medal message is read again together with the message before it; the
awards found only that way are the ones said over two messages (the dialogue's form and
the agent-assist console both use this).
"""

from __future__ import annotations

from typing import List, Optional

from bot.nlu.lexicon import CONTEST_RESULT
from bot.nlu.normalise import extract_facts
from rules_engine import clock


def awards_said_over_two(before: Optional[str], text: str, already_read: bool = False) -> List[str]:
    """The awards ``text`` completes with ``before`` (none when ``text`` names its own award:
    ``already_read``, or has no contest result in it)."""
    if not before or already_read or not CONTEST_RESULT.search(text):
        return []
    today = clock.today()
    alone = {a for part in (before, text) for a in _awards(part, today)}
    return [a for a in _awards(f"{before}，{text}", today) if a not in alone]


def _awards(text: str, today) -> List[str]:
    return [f["value"] for f in extract_facts(text, today=today) if f["entity"] == "awards" and not f.get("role")]
