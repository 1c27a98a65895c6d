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
    validate(result, RemoteAction.action_response_format_spec())  # Rasa's own check agrees
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
    assert first == original and original  # same answer, and not trivially empty
    assert FormAction("eligibility_form", None)._create_unique_entity_mappings(domain) is first
    assert FormAction("eligibility_form", None)._create_unique_entity_mappings(other) is not first
    for mapping_text in original:  # the public check agrees
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

    graph = {
        "input": ("input", [{"text": "技师"}]),
        "a": (node("a"), "input"),
        "b": (node("b"), "a"),
        "c": (node("c"), "a", "input"),
        "d": (node("d"), "b", "c"),
    }
    ours = run_graph_in_order(graph, ["d", "b"])
    assert sorted(calls) == ["a", "b", "c", "d"]  # every node once
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
            predictions.append(
                (prediction.policy_name, prediction.max_confidence_index, round(prediction.max_confidence, 6))
            )
        return [(p["intent"], p["entities"]) for p in parsed], predictions

    original = DaskGraphRunner.run
    with_dask = asyncio.run(answers())
    install_in_order_graph_runner()
    try:
        assert DaskGraphRunner.run is not original
        assert asyncio.run(answers()) == with_dask
    finally:
        DaskGraphRunner.run = original


def test_domain_is_empty_is_kept_and_unchanged():
    from pathlib import Path
    from rasa.shared.core.domain import Domain
    from bot.rasa_patches import install_domain_is_empty_cache

    path = str(Path(__file__).resolve().parents[1] / "domain.yml")
    rasas = getattr(Domain.is_empty, "_jineng_original", Domain.is_empty)  # even if installed earlier
    before = (rasas(Domain.load(path)), rasas(Domain.empty()))
    install_domain_is_empty_cache()
    domain = Domain.load(path)
    assert (domain.is_empty(), Domain.empty().is_empty()) == before == (False, True)
    assert domain.is_empty() is False  # second call, from the cache


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


# ---- the fast check (each event checked against its own kind only) agrees with Rasa's schema ----


def _real_events():
    """One of each event kind as Rasa itself serialises it."""
    from rasa.shared.core import events as ev

    return [
        e.as_dict()
        for e in [
            ev.UserUttered(
                "我是技师",
                {"name": "inform", "confidence": 0.9},
                [{"entity": "skill_grade", "value": "技师", "start": 2, "end": 4}],
                parse_data={
                    "intent_ranking": [{"name": "inform", "confidence": 0.9}],
                    "response_selector": {"all_retrieval_intents": []},
                },
            ),
            ev.ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
            ev.SlotSet("region", "baise"),
            ev.SlotSet("awards", ["a", "b"]),
            ev.SlotSet("x", None),
            ev.EntitiesAdded([{"entity": "region", "value": "百色"}]),
            ev.ReminderCancelled(name="r"),
            ev.ActionExecutionRejected("a"),
            ev.LoopInterrupted(True),
            ev.ActiveLoop("eligibility_form"),
            ev.ActiveLoop(None),
            ev.AllSlotsReset(),
            ev.ConversationResumed(),
            ev.ConversationPaused(),
            ev.FollowupAction("utter_x"),
            ev.StoryExported(),
            ev.Restarted(),
            ev.ActionReverted(),
            ev.UserUtteranceReverted(),
            ev.BotUttered("你好", {"custom": {"a": 1}}),
            ev.SessionStarted(),
            ev.AgentUttered("x"),
        ]
    ]


def _mutations(event):
    """The event with one field broken in each way the schema can notice."""
    for key in list(event) + [
        "event",
        "timestamp",
        "metadata",
        "name",
        "value",
        "entities",
        "text",
        "parse_data",
        "policy",
        "confidence",
        "hide_rule_turn",
    ]:
        for wrong in (None, True, 1, 1.5, "s", [], {}, [1], {"a": 1}):
            yield {**event, key: wrong}
        if key in event:
            yield {k: v for k, v in event.items() if k != key}


def _fast_and_full():
    from jsonschema.validators import validator_for
    from bot.rasa_patches import fast_response_check

    schema = RemoteAction.action_response_format_spec()
    return fast_response_check(schema), validator_for(schema)(schema)


def _fast_ok(fast, result):
    import fastjsonschema

    try:
        fast(result)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def test_fast_check_accepts_and_refuses_what_rasa_does_for_every_event_kind():
    fast, full = _fast_and_full()
    cases = [{"events": [event]} for real in _real_events() for event in [real, *_mutations(real)]]
    cases += [{"events": [{"event": kind}]} for kind in ("no_such", "", 3, None)]
    cases += [{"responses": r} for r in ([{"text": "x"}], ["x"], [None], {}, [{}])] + [[], "x", {"events": {}}]
    verdicts = [(full.is_valid(case), _fast_ok(fast, case)) for case in cases]
    assert len(cases) > 2000 and any(ok for ok, _ in verdicts) and not all(ok for ok, _ in verdicts)
    disagreements = [case for case, (ok, fast_ok) in zip(cases, verdicts) if ok != fast_ok]
    assert disagreements == []


def test_fast_check_agrees_on_random_events():
    from hypothesis import given, settings, strategies as st

    fast, full = _fast_and_full()
    kinds = st.sampled_from(
        ["user", "action", "slot", "entities", "bot", "active_loop", "rewind", "session_started", "nope"]
    )
    leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3)
    value = st.recursive(
        leaf,
        lambda inner: st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "entity", "value", "text", "x"]), inner, max_size=3),
        max_leaves=6,
    )
    event = st.fixed_dictionaries(
        {"event": kinds},
        optional={
            k: value
            for k in (
                "name",
                "value",
                "timestamp",
                "metadata",
                "entities",
                "text",
                "parse_data",
                "policy",
                "confidence",
                "hide_rule_turn",
            )
        },
    )

    @settings(max_examples=1500, deadline=None)
    @given(st.lists(event, max_size=3))
    def agree(events):
        assert full.is_valid({"events": events}) == _fast_ok(fast, {"events": events})

    agree()


def test_rule_lookup_shortcut_finds_the_same_rules_on_every_story_prefix():
    """The trained RulePolicy, on every prefix of the training stories and rules (and of
    those stories repeated, to reach past the longest rule): the same possible rules."""
    import os
    from rasa.core.agent import Agent
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
    from rasa.core.training import load_data
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker
    from bot.rasa_patches import install_rule_lookup_shortcut

    model = os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz")
    if not os.path.exists(model):
        pytest.skip("no trained model (make test trains it)")
    agent = Agent.load(model)
    domain = agent.domain
    policy = next(
        node._component
        for node in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(node._component, RulePolicy)
    )
    install_rule_lookup_shortcut()
    shortcut, original = RulePolicy._get_possible_keys, RulePolicy._get_possible_keys._jineng_original
    trackers = [
        t for path in ("data/stories.yml", "data/rules.yml") for t in load_data(path, domain, augmentation_factor=0)
    ]
    checked = found = long = 0
    for story in trackers:
        events = list(story.events)
        events = (
            events + [e for e in events[1:] if not isinstance(e, ActionExecuted) or e.action_name != "action_listen"]
            if len(events) > 4
            else events
        )
        for end, event in enumerate(events):
            if not isinstance(event, ActionExecuted):
                continue
            tracker = DialogueStateTracker.from_events(story.sender_id, events[:end], domain.slots)
            states = policy._prediction_states(tracker, domain, False, rule_only_data=policy._get_rule_only_data())
            for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
                ours = shortcut(policy, policy.lookup[table], states)
                assert ours == original(policy, policy.lookup[table], states)
                found += bool(ours)
            checked += 1
            long += len(states) > max(len(policy._rule_key_to_state(k)) for k in policy.lookup[RULES])
    assert checked > 200 and found > 50 and long > 20


def test_rule_lookup_shortcut_on_rules_of_every_shape():
    """Conversation starters, rules after an action text, `should_not_be_set`, empty and
    mixed previous actions: shapes our trained rules happen not to have."""
    import itertools
    import json
    from rasa.core.policies.rule_policy import RulePolicy
    from bot.rasa_patches import install_rule_lookup_shortcut

    install_rule_lookup_shortcut()
    shortcut, original = RulePolicy._get_possible_keys, RulePolicy._get_possible_keys._jineng_original
    policy = RulePolicy.__new__(RulePolicy)
    listen, greet = {"action_name": "action_listen"}, {"intent": "greet"}
    rules = [
        [],
        [{"user": greet}],
        [{"prev_action": {}, "user": greet}],
        [{"prev_action": listen, "user": greet}],
        [{"prev_action": {"action_name": "should_not_be_set"}}],
        [{"prev_action": {"action_text": "hi"}}],
        [{"prev_action": {"action_name": "a", "action_text": "b"}}],
        [{"user": greet}, {"prev_action": listen, "user": greet}],
        [{"prev_action": {"action_name": "a"}}],
    ]
    lookup = {json.dumps(rule, sort_keys=True): f"action_{i}" for i, rule in enumerate(rules)}
    states = [
        {},
        {"user": greet},
        {"prev_action": listen},
        {"prev_action": listen, "user": greet},
        {"prev_action": {"action_text": "hi"}},
        {"prev_action": {"action_name": "a", "action_text": "b"}},
        {"prev_action": {"action_name": "a"}},
    ]
    seen = set()
    for history in itertools.chain.from_iterable(itertools.product(states, repeat=n) for n in (1, 2, 3)):
        ours = shortcut(policy, lookup, list(history))
        assert ours == original(policy, lookup, list(history))
        seen.add(frozenset(ours))
    assert len(seen) > 5
