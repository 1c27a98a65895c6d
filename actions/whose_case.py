"""Whose case the conversation is on: the user's own, or someone they ask about.

“我是百色的技师，拿证4年” … “我老婆也是技师，刚拿证一年，她能评吗” … “那我呢？”: the
wife's facts fill the same slots as the user's (the dialogue has one profile), so without
this the user's own facts were overwritten and “那我呢” got the wife's answer. When a
message states facts of someone else (bot.nlu.subjects.whose) while the user's own facts
are known, those are put aside in the slot ``own_profile`` and the other person's case is
answered on its own (the region is kept: people ask about those near them); “那我自己呢”,
or facts the user states of themself again, bring them back.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

import re

from bot.nlu.clauses import classify_mentions
from bot.nlu.lexicon import SKILL_GRADE, TITLE, TITLE_LEVEL, lexicon_matches
from bot.nlu.normalise import extract_facts
from bot.nlu.subjects import BACK_TO_SELF, whose
from dialogue.profile_slots import PROFILE_KEYS

from .general import slots_before_this_message

OWN_PROFILE = "own_profile"
# facts the other person most likely shares with the user (asked in the same place)
SHARED = ("region", "application_year")


def switch_case(tracker: Tracker) -> List[Dict[str, Any]]:
    """Slot events that put the user's own facts aside, or bring them back; the tracker's
    slots are updated too, so the calling action decides on the right profile."""
    text = tracker.latest_message.get("text") or ""
    stated = [
        e for e in tracker.latest_message.get("entities", []) if e.get("entity") in PROFILE_KEYS and not e.get("role")
    ]
    owners = {whose(text, int(e.get("start") or 0)) for e in stated}
    saved = tracker.get_slot(OWN_PROFILE)
    events: List[Dict[str, Any]] = []
    if stated and owners == {"other"}:
        own = saved
        if own is None:  # (nothing known of the user yet: {} — “那我呢？我是…” starts afresh)
            before = slots_before_this_message(tracker)
            own = {k: v for k, v in before.items() if k in PROFILE_KEYS and v not in (None, [])}
            events.append(SlotSet(OWN_PROFILE, own))
        set_now = {e["entity"] for e in stated}  # (not the slots the form set again after it)
        # (again in each action of the turn: the form re-sets what it had on activation)
        events += [
            SlotSet(k, None)
            for k in own or {}
            if k not in set_now and k not in SHARED and tracker.get_slot(k) not in (None, [])
        ]
    elif saved is not None and (BACK_TO_SELF.search(text.strip()) or "self" in owners):
        # (“那我呢 百色 高级工 4年”: facts said with no subject after “那我呢” are the user's own —
        # explore12 W1, they had been wiped with the other person's)
        told = {e["entity"]: e.get("value") for e in stated if whose(text, int(e.get("start") or 0)) != "other"}
        for key in PROFILE_KEYS:
            value = told.get(key, saved.get(key))
            if tracker.get_slot(key) != value:
                events.append(SlotSet(key, value))
        events.append(SlotSet(OWN_PROFILE, None))
    for event in events:
        tracker.slots[event["name"]] = event["value"]
    return events


# “那她呢”, “我老婆呢”, “他能评啥”: the other person of the message before, asked about now
_THEM = r"(?:他|她|[我俺](?:的)?(?:老婆|老公|爱人|媳妇|妻子|丈夫|哥哥?|姐姐?|弟弟?|妹妹?|爸爸?|妈妈?|同事|师傅|徒弟))"
THEIR_CASE_ASKED = re.compile(
    r"^(那|那么|那个)?" + _THEM + r"(的)?(呢|的呢|能评(什么|啥)|能申报(什么|啥)|怎么样|咋样)[？?。]*$"
)
_SUBJECT_WORD = re.compile(_THEM)
_SELF_AGAIN = re.compile(r"[我俺](是|在|干|拿|考|有|自己|本人)|本人")


def other_persons_facts(text: str) -> Dict[str, Any]:
    """The facts a message told of another person beside the speaker's own (“我是高级工2023年的
    她是技师2019年的”): their clauses read as if said by that person. {} when none."""
    mentions = classify_mentions(text, lexicon_matches(text, None))
    theirs = [m for m in mentions if m.someone_else and m.term.label in (SKILL_GRADE, TITLE, TITLE_LEVEL)]
    if not theirs:
        return {}
    subject = next(reversed(list(_SUBJECT_WORD.finditer(text, 0, theirs[0].start))), None)
    start = subject.start() if subject else theirs[0].start
    again = _SELF_AGAIN.search(text, theirs[0].end)
    said = "我" + text[subject.end() if subject else start : again.start() if again else len(text)]
    return {f["entity"]: f["value"] for f in extract_facts(said) if not f.get("role")}
