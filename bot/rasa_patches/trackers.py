"""Speed patches on Rasa's trackers: events deserialised, slots and trackers copied, and the
applied events and past states continued from where the last call stopped instead of
replayed from the start. Installed by bot.rasa_patches.install()."""

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


def _copy_states(states: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """States are lists of ``{sub-state name: {feature: str | tuple}}``; Rasa's callers
    delete features from the sub-states (e.g. the last user intent), never deeper."""
    return [{name: dict(sub) for name, sub in state.items()} for state in states]


class _Replay:
    """Where the last state computation of a tracker stopped: the applied events it had
    replayed (kept, so their identities stay valid), the replayed copy after them, the
    states before each action among them, and copies of the replay just after the last
    few form runs (``_Snapshot``)."""

    __slots__ = ("domain", "omit_unset_slots", "events", "tracker", "states", "snapshots")

    def __init__(self, domain, omit_unset_slots, events, tracker, states, snapshots) -> None:
        self.domain, self.omit_unset_slots = domain, omit_unset_slots
        self.events, self.tracker, self.states, self.snapshots = events, tracker, states, snapshots


class _Snapshot:
    """The replay after the first ``position`` applied events, which held ``states`` states."""

    __slots__ = ("position", "states", "tracker")

    def __init__(self, position: int, states: int, tracker) -> None:
        self.position, self.states, self.tracker = position, states, tracker


# Form runs after which the replay is copied: a form's next run drops the user turn that
# followed its previous run from the applied events (Rasa's loop compaction), so the next
# replay restarts from the latest copy before what was dropped instead of from the start.
SNAPSHOTS_KEPT = 3


def _common_prefix(a, b) -> int:
    """How many leading items of ``a`` and ``b`` are the very same objects."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not y:
            return i
    return min(len(a), len(b))


def states_by_replay(tracker, domain, omit_unset_slots: bool = False) -> List[Dict[Text, Any]]:
    """``domain.states_for_tracker_history(tracker, omit_unset_slots)`` (rule-only turns
    kept), continuing the replay of the tracker's last call from the longest start its
    applied events then and now share: to its end when nothing was dropped, else from the
    latest copy taken after a form run within that start (a form's compaction); from the
    very start for a new tracker, a rewind or a restart, as Rasa does."""
    from rasa.shared.core.events import ActionExecuted

    applied = tracker.applied_events()
    last = tracker.__dict__.get("_jineng_replay")
    replay = None
    if last is not None and last.domain is domain and last.omit_unset_slots == omit_unset_slots:
        shared = _common_prefix(applied, last.events)
        if shared == len(last.events):
            replay, states, start, snapshots = last.tracker, last.states, shared, last.snapshots
        else:
            usable = [snap for snap in last.snapshots if snap.position <= shared]
            if usable:
                snap = usable[-1]
                replay, states, start = snap.tracker.copy(), last.states[: snap.states], snap.position
                snapshots = usable
    if replay is None:
        replay, states, start, snapshots = tracker.init_copy(), [], 0, []
    forms = domain.form_names
    for position, event in enumerate(applied[start:], start + 1):
        if isinstance(event, ActionExecuted):
            states.append(domain._clean_state(domain.get_active_state(replay, omit_unset_slots=omit_unset_slots)))
        replay.update(event)
        if isinstance(event, ActionExecuted) and event.action_name in forms:
            snapshots = snapshots[-(SNAPSHOTS_KEPT - 1) :] + [_Snapshot(position, len(states), replay.copy())]
    tracker.__dict__["_jineng_replay"] = _Replay(domain, omit_unset_slots, applied, replay, states, snapshots)
    final = domain._clean_state(domain.get_active_state(replay, omit_unset_slots=omit_unset_slots))
    return _copy_states(states) + [final]


def install_past_states_memo() -> None:
    """`DialogueStateTracker.past_states` replays the whole conversation from its first
    event, and RulePolicy asks for it twice per prediction and three or four predictions
    per turn (9% of the server's CPU per turn, growing with the conversation). Within a
    turn the tracker only grows, so the replay is continued where the last call stopped
    (``states_by_replay``) instead of started over; the exact same answer is also kept
    with the events it came from, and handed out as a copy while they are the same objects. The rare
    call that hides rule-only turns is Rasa's own."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if is_patched(DialogueStateTracker, "past_states"):
        return
    original = DialogueStateTracker.past_states

    def past_states(self, domain, omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None):
        events = tuple(self.events)
        key = (omit_unset_slots, ignore_rule_only_turns)
        memo = self.__dict__.get("_jineng_past_states")
        if (
            memo is not None
            and memo[0] == key
            and memo[1] == rule_only_data
            and memo[2] is domain
            and len(memo[4]) == len(events)
            and _begins_with(events, memo[4])
        ):
            return _copy_states(memo[3])
        if ignore_rule_only_turns:
            states = original(
                self,
                domain,
                omit_unset_slots=omit_unset_slots,
                ignore_rule_only_turns=ignore_rule_only_turns,
                rule_only_data=rule_only_data,
            )
        else:
            states = states_by_replay(self, domain, omit_unset_slots)
        self.__dict__["_jineng_past_states"] = (
            key,
            copy.deepcopy(rule_only_data),
            domain,
            _copy_states(states),
            events,
        )
        return states

    patch(DialogueStateTracker, "past_states", past_states)


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
