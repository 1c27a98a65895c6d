"""What went wrong in the turn being handled, shared without anyone importing the guard.

The channel guard (bot/guard.py) opens a list for each turn it hands to Rasa; the action
watch and the tracker store add to it what failed (an action-server call, a database read
or write), because Rasa itself carries on silently after those (an empty answer, an empty
in-memory tracker). Outside a guarded turn there is no list and nothing is noted."""

from __future__ import annotations

import contextvars
from typing import List, Optional, Text

ACTION_FAILURES: contextvars.ContextVar[Optional[List[Text]]] = contextvars.ContextVar(
    "jineng_action_failures", default=None
)


def note_failure(what: Text) -> None:
    failures = ACTION_FAILURES.get()
    if failures is not None:
        failures.append(what)
