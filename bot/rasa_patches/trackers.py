"""Speed patches on Rasa's trackers: events deserialised, slots and trackers copied, and the
applied events continued from where the last call stopped instead of walked from the start.
Installed by bot.rasa_patches.install()."""

from __future__ import annotations

import copy
import operator
from typing import Any, Dict, List, Text

from bot.patching import is_patched, patch


def install_event_type_cache() -> None:
    """`Event.resolve_by_type` walks every Event subclass for each event it deserialises
    (11% of the server's CPU when loading trackers under load). The type→class map is kept
    and rebuilt on a miss, so event classes defined later are still found."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    if is_patched(Event, "resolve_by_type"):
        return
    original = Event.resolve_by_type
    by_name: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default=None):
        cls = by_name.get(type_name)
        if cls is None:
            by_name.clear()
            by_name.update({c.type_name: c for c in reversed(all_subclasses(Event))})
            cls = by_name.get(type_name)
        if cls is not None:
            return cls
        return original(type_name, default)  # same fallbacks and errors as Rasa

    patch(Event, "resolve_by_type", staticmethod(resolve_by_type))


def install_fast_slot_copy() -> None:
    """Every tracker Rasa builds (each retrieve from the store, each prediction's copy)
    starts with ``copy.copy`` of every domain slot; through copy's generic reduce
    protocol that was 4% of the server's CPU. `Slot.__copy__` does the same shallow copy
    directly: a new object of the same class sharing the attribute values (slots define
    no ``__slots__``, ``__getstate__`` or ``__reduce__`` of their own)."""
    from rasa.shared.core.slots import Slot

    if is_patched(Slot, "__copy__"):
        return

    def __copy__(self):
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        return new

    patch(Slot, "__copy__", __copy__)


def _begins_with(events, prefix) -> bool:
    """Whether ``events`` starts with the very event objects of ``prefix`` (identity, not
    equality: events compare equal across conversations)."""
    return len(prefix) <= len(events) and all(map(operator.is_, prefix, events))


class _Applied:
    """The applied events of a tracker's events, and the loop names those events held."""

    __slots__ = ("events", "applied", "loop_names")

    def __init__(self, events, applied, loop_names) -> None:
        self.events, self.applied, self.loop_names = events, applied, loop_names


def _fold_applied_events(tracker, applied: List[Any], events, loop_names) -> None:
    """Rasa's ``applied_events`` loop (rasa/shared/core/trackers.py, 3.6), from ``applied``
    on over ``events``. ``loop_names`` must be the loops of the whole conversation."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        Restarted,
        SessionStarted,
        UserUttered,
        UserUtteranceReverted,
    )

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def _loop_names(events) -> set:
    from rasa.shared.core.events import ActiveLoop

    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def install_applied_events_memo() -> None:
    """`DialogueStateTracker.applied_events` walks the whole conversation (rewinds, restarts,
    form loops) and is asked for again and again within a turn as events are added:
    session expiry, the states of each prediction, the last user message (5% of the CPU
    per turn). The answer depends only on the events; Rasa's walk is a fold over them,
    except that it first collects the loop names of all of them. So the last answer is kept
    on the tracker with the events it came from: handed out as a new list while the events
    are the same objects, and continued over the new events only when the events grew and
    the new ones name no new loop (else walked again from the start)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if is_patched(DialogueStateTracker, "applied_events"):
        return

    def applied_events(self):
        events = tuple(self.events)
        memo = self.__dict__.get("_jineng_applied")
        if memo is not None and _begins_with(events, memo.events):
            if len(memo.events) == len(events):
                return list(memo.applied)
            new = events[len(memo.events) :]
            if _loop_names(new) <= memo.loop_names:
                applied = list(memo.applied)
                _fold_applied_events(self, applied, new, memo.loop_names)
                self.__dict__["_jineng_applied"] = _Applied(events, list(applied), memo.loop_names)
                return applied
        loop_names = _loop_names(events)
        applied = []
        _fold_applied_events(self, applied, events, loop_names)
        self.__dict__["_jineng_applied"] = _Applied(events, list(applied), loop_names)
        return applied

    patch(DialogueStateTracker, "applied_events", applied_events)


def install_fast_tracker_copy() -> None:
    """`DialogueStateTracker.copy` replays every event of the conversation onto a fresh
    tracker, and Rasa copies the tracker before every action it runs (4% of the CPU per
    turn, growing with the conversation). A tracker's state is by design what replaying
    its events gives, so the copy takes that state directly: the same events, the slots
    as they are, the loop, the latest action and messages; mutable parts are copied so
    the two trackers stay independent. Subclasses keep Rasa's replay."""
    from rasa.shared.constants import DEFAULT_SENDER_ID
    from rasa.shared.core.trackers import DialogueStateTracker

    if is_patched(DialogueStateTracker, "copy"):
        return
    original = DialogueStateTracker.copy

    def copy_tracker(self):
        if type(self) is not DialogueStateTracker:
            return original(self)
        # init_copy() without the slots: it would copy and reset each one, only for us
        # to replace them all below
        clone = DialogueStateTracker(
            self.sender_id or DEFAULT_SENDER_ID, None, self._max_event_history, is_rule_tracker=self.is_rule_tracker
        )
        clone.events.extend(self.events)
        clone.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
        clone._paused = self._paused
        clone.followup_action = self.followup_action
        clone.latest_action = dict(self.latest_action) if self.latest_action is not None else None
        clone.latest_message = self.latest_message
        clone.latest_bot_utterance = self.latest_bot_utterance
        clone.active_loop = copy.copy(self.active_loop)
        return clone

    patch(DialogueStateTracker, "copy", copy_tracker)
