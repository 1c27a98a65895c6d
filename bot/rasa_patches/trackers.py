"""Speed patches on Rasa's trackers: events deserialised and slots copied.
Installed by bot.rasa_patches.install()."""

from __future__ import annotations

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
