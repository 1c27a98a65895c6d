"""Speed fixes for Rasa 3.6 internals, applied once when the channels load (bot/guard.py).
Each keeps Rasa's behaviour and is checked against it in tests/test_rasa_patches.py.

`RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` on every
action-server response. With jsonschema 4.17 that call first checks the schema itself
against the meta-schema and builds a new validator each time: profiled under load it was
42% of the Rasa server's CPU (py-spy, 10 concurrent conversations). We build the
validator once per schema and validate the same way, with the same error message.
"""
from __future__ import annotations

from typing import Any, Dict, Text


def _cached_validator(schema: Dict[Text, Any]):
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    cls.check_schema(schema)          # once, as jsonschema.validate would on every call
    return cls(schema)


def install_fast_action_result_validation() -> None:
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as rasa_action
    from rasa.shared.constants import DOCS_BASE_URL

    remote = rasa_action.RemoteAction
    if getattr(remote._validate_action_result, "_jineng_cached", False):
        return
    validator = _cached_validator(remote.action_response_format_spec())

    def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
        error = best_match(validator.iter_errors(result))   # what jsonschema.validate raises
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    _validate_action_result._jineng_cached = True
    remote._validate_action_result = _validate_action_result


def install_event_type_cache() -> None:
    """`Event.resolve_by_type` walks every Event subclass for each event it deserialises
    (11% of the server's CPU when loading trackers under load). The type→class map is kept
    and rebuilt on a miss, so event classes defined later are still found."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    if getattr(Event.resolve_by_type, "_jineng_cached", False):
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
        return original(type_name, default)      # same fallbacks and errors as Rasa

    resolve_by_type._jineng_cached = True
    Event.resolve_by_type = staticmethod(resolve_by_type)


def install() -> None:
    install_fast_action_result_validation()
    install_event_type_cache()
