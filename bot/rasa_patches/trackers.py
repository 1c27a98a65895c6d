"""Speed patches on Rasa's trackers: events deserialised, slots and trackers copied.
Installed by bot.rasa_patches.install()."""

from __future__ import annotations

import copy
from typing import Any, Dict, Text

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
