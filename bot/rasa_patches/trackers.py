"""Speed patch on Rasa's trackers: the class of each event deserialised found in a kept map.
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
