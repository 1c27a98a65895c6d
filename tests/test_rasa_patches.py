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


def test_unique_entity_mappings_are_cached_per_domain_object():
    from pathlib import Path
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.domain import Domain
    from bot.rasa_patches import install_unique_entity_mapping_cache

    path = str(Path(__file__).resolve().parents[1] / "domain.yml")
    domain, other = Domain.load(path), Domain.load(path)
    original = FormAction("eligibility_form", None)._create_unique_entity_mappings(domain)
    install_unique_entity_mapping_cache()
    first = FormAction("eligibility_form", None)._create_unique_entity_mappings(domain)
    assert first == original and original            # same answer, and not trivially empty
    assert FormAction("eligibility_form", None)._create_unique_entity_mappings(domain) is first
    assert FormAction("eligibility_form", None)._create_unique_entity_mappings(other) is not first
    for mapping_text in original:                     # the public check agrees
        import json
        assert FormAction("eligibility_form", None).entity_mapping_is_unique(json.loads(mapping_text), domain)


def test_in_order_graph_run_matches_dask_on_a_graph_with_shared_parents():
    import dask
    from bot.rasa_patches import run_graph_in_order

    calls = []

    def node(name):
        def run(*inputs):
            calls.append(name)
            return name, [name, *[value for _, value in inputs]]
        return run

    graph = {"input": ("input", [{"text": "技师"}]), "a": (node("a"), "input"), "b": (node("b"), "a"),
             "c": (node("c"), "a", "input"), "d": (node("d"), "b", "c")}
    ours = run_graph_in_order(graph, ["d", "b"])
    assert sorted(calls) == ["a", "b", "c", "d"]                 # every node once
    assert ours == tuple(dask.get(graph, ["d", "b"]))


def test_in_order_graph_runner_gives_rasas_answers_on_the_trained_model():
    """NLU parse and next-action prediction of the real model, with dask and without."""
    import asyncio
    import os
    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner
    from bot.rasa_patches import install_in_order_graph_runner

    model = os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz")
    if not os.path.exists(model):
        pytest.skip("no trained model (make test trains it)")
    texts = ["你好", "我是百色的技师，拿证五年了", "评职称要交多少钱", "转人工", "我在通辽，高级工2019年考的"]

    async def answers():
        agent = Agent.load(model)
        parsed = [await agent.parse_message(t) for t in texts]
        tracker = await agent.processor.fetch_tracker_with_initial_session("graph-check")
        predictions = []
        for text in texts[:3]:
            from rasa.core.channels.channel import UserMessage
            await agent.processor._handle_message_with_tracker(UserMessage(text, sender_id="graph-check"), tracker)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            predictions.append((prediction.policy_name, prediction.max_confidence_index,
                                round(prediction.max_confidence, 6)))
        return [(p["intent"], p["entities"]) for p in parsed], predictions

    original = DaskGraphRunner.run
    with_dask = asyncio.run(answers())
    install_in_order_graph_runner()
    try:
        assert DaskGraphRunner.run is not original
        assert asyncio.run(answers()) == with_dask
    finally:
        DaskGraphRunner.run = original


def test_slot_copy_is_the_same_shallow_copy():
    import copy
    from pathlib import Path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.slots import Slot
    from bot.rasa_patches import install_fast_slot_copy

    slots = Domain.load(str(Path(__file__).resolve().parents[1] / "domain.yml")).slots
    for slot in slots:
        slot.value = ["x"] if slot.type_name == "list" else slot.initial_value
    before = [copy.copy(s) for s in slots]                  # Python's generic copy
    install_fast_slot_copy()
    assert "__copy__" in Slot.__dict__
    after = [copy.copy(s) for s in slots]
    assert len({type(s) for s in slots}) > 2                # several slot classes checked
    for original, generic, fast in zip(slots, before, after):
        assert type(fast) is type(original) and fast is not original
        assert vars(fast) == vars(generic) == vars(original)
        assert all(vars(fast)[k] is vars(original)[k] for k in vars(original))   # shallow


def test_domain_is_empty_is_kept_and_unchanged():
    from pathlib import Path
    from rasa.shared.core.domain import Domain
    from bot.rasa_patches import install_domain_is_empty_cache

    path = str(Path(__file__).resolve().parents[1] / "domain.yml")
    rasas = getattr(Domain.is_empty, "_jineng_original", Domain.is_empty)    # even if installed earlier
    before = (rasas(Domain.load(path)), rasas(Domain.empty()))
    install_domain_is_empty_cache()
    domain = Domain.load(path)
    assert (domain.is_empty(), Domain.empty().is_empty()) == before == (False, True)
    assert domain.is_empty() is False                          # second call, from the cache


def test_past_states_memo_gives_rasas_states_and_private_copies():
    from pathlib import Path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from bot.rasa_patches import install_past_states_memo

    domain = Domain.load(str(Path(__file__).resolve().parents[1] / "domain.yml"))
    tracker = DialogueStateTracker("memo", domain.slots)
    for event in [ActionExecuted("action_listen"), UserUttered("技师", {"name": "inform", "confidence": 1.0}),
                  SlotSet("skill_grade", "jishi"), ActionExecuted("eligibility_form"), ActionExecuted("action_listen"),
                  UserUttered("多少钱", {"name": "faq_fee", "confidence": 1.0})]:
        tracker.update(event)
    rule_only = {"rule_only_slots": [], "rule_only_loops": []}
    variants = [dict(), dict(omit_unset_slots=True), dict(ignore_rule_only_turns=True, rule_only_data=rule_only)]
    original = getattr(DialogueStateTracker.past_states, "_jineng_original", DialogueStateTracker.past_states)
    rasas = [original(tracker, domain, **v) for v in variants]
    install_past_states_memo()
    for _ in range(2):                                         # first computed, then from the memo
        assert [tracker.past_states(domain, **v) for v in variants] == rasas
    mine = tracker.past_states(domain)
    mine[-1]["user"].pop("intent")                             # what Rasa's featurizer does to its copy
    assert tracker.past_states(domain) == rasas[0]
    tracker.update(ActionExecuted("action_answer_faq"))       # a new event: computed again
    assert len(tracker.past_states(domain)) == len(rasas[0]) + 1


def test_objects_are_frozen_once_and_only_with_a_loaded_model():
    import gc
    from bot import rasa_patches

    class Agent:
        def __init__(self, ready):
            self.ready = ready

        def is_ready(self):
            return self.ready

    saved = rasa_patches._FROZEN
    rasa_patches._FROZEN = False
    try:
        gc.unfreeze()
        rasa_patches.freeze_loaded_objects(None)
        rasa_patches.freeze_loaded_objects(Agent(False))
        assert gc.get_freeze_count() == 0
        rasa_patches.freeze_loaded_objects(Agent(True))
        assert gc.get_freeze_count() > 1000
        assert rasa_patches._FROZEN
    finally:
        gc.unfreeze()
        rasa_patches._FROZEN = saved
