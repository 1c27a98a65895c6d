"""The cached action-result validation accepts and refuses exactly what Rasa's does."""
import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches import install_fast_action_result_validation

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "region", "value": "baise"}], "responses": [{"text": "好"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "slot", "name": "x", "value": [1]}]},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},
    {"responses": ["text"]},
    {"events": [{"event": "no_such_event"}]},
]


@pytest.fixture(scope="module")
def action():
    install_fast_action_result_validation()
    return RemoteAction("action_x", None)


@pytest.mark.parametrize("result", GOOD)
def test_valid_results_pass(action, result):
    validate(result, RemoteAction.action_response_format_spec())       # Rasa's own check agrees
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_results_raise_the_same_error(action, result):
    with pytest.raises(ValidationError) as original:
        validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    assert ours.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_event_type_lookup_is_unchanged():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
    from bot.rasa_patches import install_event_type_cache
    before = {name: Event.resolve_by_type(name) for name in ("slot", "user", "action", "active_loop")}
    install_event_type_cache()
    assert {name: Event.resolve_by_type(name) for name in before} == before
    assert Event.resolve_by_type("slot") is SlotSet and Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nope", default=ActionExecuted) is ActionExecuted
    with pytest.raises(ValueError):
        Event.resolve_by_type("nope")
    assert isinstance(Event.from_parameters({"event": "slot", "name": "a", "value": 1}), SlotSet)
