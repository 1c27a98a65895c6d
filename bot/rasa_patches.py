"""Speed fixes for Rasa 3.6 internals, installed once at start-up by bot/runtime.py.
Each keeps Rasa's behaviour and is checked against it in tests/test_rasa_patches.py;
each docstring says what it cost before, measured with py-spy on a loaded server.

They are written against Rasa 3.6's internals, so ``enabled()`` allows them only on Rasa
3.6.x (any other version runs plain, with one warning), and ``RASA_PATCHES=off`` runs plain
Rasa on purpose (CONTRACT.md §5). Every replacement goes through ``bot.patching.patch``,
which records the original and can put it back.
"""
from __future__ import annotations

import copy
import logging
import operator
import os
from typing import Any, Dict, FrozenSet, List, Optional, Text, Tuple

from bot.jsonfast import dumps_json
from bot.patching import is_patched, patch

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6."
OFF_VALUES = ("0", "off", "false", "no")
_warned = False


def enabled() -> bool:
    """Whether the speed patches may be installed: not switched off with ``RASA_PATCHES``,
    and the Rasa they were written for (3.6.x); otherwise one warning, and plain Rasa."""
    global _warned
    import rasa

    if os.environ.get("RASA_PATCHES", "on").strip().lower() in OFF_VALUES:
        why = "RASA_PATCHES=off"
    elif not rasa.__version__.startswith(SUPPORTED_RASA):
        why = f"Rasa {rasa.__version__} is not {SUPPORTED_RASA}x, which they were written for"
    else:
        return True
    if not _warned:
        _warned = True
        logger.warning("speed patches not installed (%s): running plain Rasa", why)
    return False


def _cached_validator(schema: Dict[Text, Any]):
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    cls.check_schema(schema)          # once, as jsonschema.validate would on every call
    return cls(schema)


def fast_response_check(schema: Dict[Text, Any]):
    """A check equivalent to Rasa's action-response schema, or None if its shape is new.

    Rasa's event schema says "exactly one of 23 event kinds" (``oneOf``), so every event was
    tried against all 23. Each kind is told apart by its ``event`` constant, which the
    event schema requires: exactly one kind matches iff ``event`` is one of the constants
    and that kind's own schema holds. So we check the response with the events reduced to
    "an object whose ``event`` is one of the constants", then each event against its own
    kind only, each part compiled by fastjsonschema."""
    import fastjsonschema

    try:
        event_schema = schema["properties"]["events"]["items"]
        branches = event_schema["oneOf"]
        consts = [branch["properties"]["event"]["const"] for branch in branches]
    except (KeyError, TypeError):
        return None
    if "event" not in event_schema.get("required", []) or len(set(consts)) != len(consts) \
            or any(key not in ("type", "properties", "required", "oneOf") for key in event_schema):
        return None
    shared = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_kind = {const: fastjsonschema.compile({**shared, "allOf": [branch]})
               for const, branch in zip(consts, branches)}
    skeleton = copy.deepcopy(schema)
    skeleton["properties"]["events"]["items"] = {
        "type": "object", "required": ["event"], "properties": {"event": {"enum": consts}}}
    check_skeleton = fastjsonschema.compile(skeleton)

    def check(result: Any) -> None:
        """Raises fastjsonschema.JsonSchemaException where Rasa's schema would refuse."""
        check_skeleton(result)
        for event in result.get("events") or ():
            by_kind[event["event"]](event)

    return check


def install_fast_action_result_validation() -> None:
    """Every action-server response is checked against Rasa's schema. jsonschema 4.17
    re-checked the schema itself on every call (42% of the server's CPU under load), and
    even with the validator built once, trying each event against all 23 event kinds cost
    about 0.3 ms per event (10% of the CPU of a turn that answers). A response is now first
    checked by ``fast_response_check``; only when that refuses it does Rasa's own
    validation run, to raise Rasa's exact error."""
    import fastjsonschema
    from jsonschema.exceptions import ValidationError, best_match
    from rasa.core.actions import action as rasa_action
    from rasa.shared.constants import DOCS_BASE_URL

    remote = rasa_action.RemoteAction
    if is_patched(remote, "_validate_action_result"):
        return
    schema = remote.action_response_format_spec()
    validator = _cached_validator(schema)
    fast_check = fast_response_check(schema) or validator.validate

    def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
        try:
            fast_check(result)
            return True
        except (fastjsonschema.JsonSchemaException, ValidationError):
            pass
        error = best_match(validator.iter_errors(result))   # what jsonschema.validate raises
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    patch(remote, "_validate_action_result", _validate_action_result)


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
        return original(type_name, default)      # same fallbacks and errors as Rasa

    patch(Event, "resolve_by_type", staticmethod(resolve_by_type))


def install_unique_entity_mapping_cache() -> None:
    """`ActionExtractSlots` builds a new `FormAction` for every from_entity mapping of every
    slot on every turn, and each one recomputes which mappings are unique from
    `domain.as_dict()` (8% of the server's CPU under load). The answer depends only on the
    form and the domain, so it is kept per form for the domain object it was computed from
    (a new model brings a new domain object, which recomputes it)."""
    from rasa.core.actions.forms import FormAction

    if is_patched(FormAction, "_create_unique_entity_mappings"):
        return
    original = FormAction._create_unique_entity_mappings
    by_form: Dict[Text, Tuple[Any, FrozenSet[Text]]] = {}

    def _create_unique_entity_mappings(self, domain):
        hit = by_form.get(self.name())
        if hit is None or hit[0] is not domain:
            hit = (domain, frozenset(original(self, domain)))
            by_form[self.name()] = hit
        return hit[1]

    patch(FormAction, "_create_unique_entity_mappings", _create_unique_entity_mappings)


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


def install_domain_is_empty_cache() -> None:
    """`Domain.is_empty()` compares `as_dict()` of the domain with that of an empty one —
    the whole domain rebuilt as dicts — and Rasa asks it on every parsed message (2% of
    the server's CPU). A loaded domain does not change, so the answer is kept on it."""
    from rasa.shared.core.domain import Domain

    if is_patched(Domain, "is_empty"):
        return
    original = Domain.is_empty

    def is_empty(self) -> bool:
        if "_jineng_is_empty" not in self.__dict__:
            self.__dict__["_jineng_is_empty"] = original(self)
        return self.__dict__["_jineng_is_empty"]

    patch(Domain, "is_empty", is_empty)


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
                replay, states, start = snap.tracker.copy(), last.states[:snap.states], snap.position
                snapshots = usable
    if replay is None:
        replay, states, start, snapshots = tracker.init_copy(), [], 0, []
    forms = domain.form_names
    for position, event in enumerate(applied[start:], start + 1):
        if isinstance(event, ActionExecuted):
            states.append(domain._clean_state(domain.get_active_state(replay, omit_unset_slots=omit_unset_slots)))
        replay.update(event)
        if isinstance(event, ActionExecuted) and event.action_name in forms:
            snapshots = snapshots[-(SNAPSHOTS_KEPT - 1):] + [_Snapshot(position, len(states), replay.copy())]
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
        if (memo is not None and memo[0] == key and memo[1] == rule_only_data and memo[2] is domain
                and len(memo[4]) == len(events) and _begins_with(events, memo[4])):
            return _copy_states(memo[3])
        if ignore_rule_only_turns:
            states = original(self, domain, omit_unset_slots=omit_unset_slots,
                              ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data=rule_only_data)
        else:
            states = states_by_replay(self, domain, omit_unset_slots)
        self.__dict__["_jineng_past_states"] = (key, copy.deepcopy(rule_only_data), domain, _copy_states(states),
                                                events)
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
    from rasa.shared.core.events import (ActionExecuted, ActionReverted, Restarted, SessionStarted,
                                         UserUttered, UserUtteranceReverted)

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
              and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
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
            new = events[len(memo.events):]
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
        clone = DialogueStateTracker(self.sender_id or DEFAULT_SENDER_ID, None, self._max_event_history,
                                     is_rule_tracker=self.is_rule_tracker)
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


def install_rule_lookup_shortcut() -> None:
    """`RulePolicy._get_possible_keys` filters every rule against every state of the whole
    conversation, newest first, although a rule can only fail on its own length of states:
    past that, `_is_rule_applicable` returns True for every rule left. That loop (and the
    reversed copy of each rule's states it makes per check) was 7% of the server's CPU per
    turn, growing with the conversation. We stop once the states are older than the longest
    rule still possible, and check the newest state only against the rules that can match
    the action it follows; the same answer."""
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
    from rasa.shared.nlu.constants import ACTION_NAME

    if is_patched(RulePolicy, "_get_possible_keys"):
        return
    lengths: Dict[Text, int] = {}

    def _get_possible_keys(self, lookup, states):
        possible_keys = set(lookup.keys())
        for i, state in enumerate(reversed(states)):
            if i == 0:
                possible_keys = _able_to_match_last_state(self, lookup, state)
            longest = 0
            for key in possible_keys:
                length = lengths.get(key)
                if length is None:
                    length = lengths[key] = len(self._rule_key_to_state(key))
                longest = max(longest, length)
            if i >= longest:            # every key left applies trivially from here on
                break
            possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, i, state)}
        return possible_keys

    indexes: Dict[int, Tuple[Any, int, set, Dict[Text, set], set]] = {}

    def _able_to_match_last_state(self, lookup, state) -> set:
        """The rules that `_is_rule_applicable(key, 0, state)` does not refuse outright: a
        rule whose last state follows action X matches only a state that follows X, and
        a rule that starts a conversation only a state that follows no action."""
        index = indexes.get(id(lookup))
        if index is None or index[0] is not lookup or index[1] != len(lookup):
            starters, by_name, others = set(), {}, set()
            for key in lookup:
                rule_states = self._rule_key_to_state(key)
                previous = rule_states[-1].get(PREVIOUS_ACTION) if rule_states else None
                name = previous.get(ACTION_NAME) if isinstance(previous, dict) else None
                if rule_states and not previous:
                    starters.add(key)
                elif list(previous or ()) == [ACTION_NAME] and isinstance(name, str) and name \
                        and name != SHOULD_NOT_BE_SET:
                    by_name.setdefault(name, set()).add(key)
                else:
                    others.add(key)          # checked as usual
            index = indexes[id(lookup)] = (lookup, len(lookup), starters, by_name, others)
        _, _, starters, by_name, others = index
        current = state.get(PREVIOUS_ACTION)
        if not current:
            return starters | others
        return by_name.get(current.get(ACTION_NAME), set()) | others

    patch(RulePolicy, "_get_possible_keys", _get_possible_keys)


def run_graph_in_order(graph: Dict[Text, Any], targets: List[Text]) -> Tuple[Any, ...]:
    """What `dask.get(graph, targets)` returns for Rasa's graphs, computed by a plain
    depth-first walk. Rasa's graph tasks are ``(GraphNode, *names of the nodes it
    needs)``; inputs are literal ``(name, value)`` tuples. Each node runs once."""
    results: Dict[Text, Any] = {}

    def value(key: Text) -> Any:
        if key not in results:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                args = [value(arg) if isinstance(arg, str) and arg in graph else arg for arg in task[1:]]
                results[key] = task[0](*args)
            else:
                results[key] = task
        return results[key]

    return tuple(value(target) for target in targets)


def install_in_order_graph_runner() -> None:
    """Rasa runs the NLU and policy graphs through dask's synchronous scheduler on every
    message and every action prediction; its bookkeeping (ordering, queues, task
    batching) was 7% of the server's CPU for graphs of about fifteen nodes that run in
    one thread anyway. Same nodes, same results, same error wrapping."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    if is_patched(DaskGraphRunner, "run"):
        return

    def run(self, inputs=None, targets=None):
        run_targets = targets if targets else self._graph_schema.target_names
        minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
        run_graph = self._build_dask_graph(minimal_schema)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(run_graph_in_order(run_graph, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    patch(DaskGraphRunner, "run", run)


# Shorter than Sanic's 5 s keep-alive on the action server, so that the client does not
# reuse a connection the server is just closing.
KEEPALIVE_SECONDS = 4.0


def install_kept_alive_endpoint_requests() -> None:
    """`EndpointConfig.request` opens a new aiohttp session, hence a new TCP connection,
    for every action-server call, and encodes the tracker with the standard json module:
    9% of the server's CPU. This keeps one session per endpoint and event loop with
    kept-alive connections and encodes with orjson; everything else is Rasa's code path
    (headers, params, auth, errors). A call over a kept connection that the server had
    already closed (server restarted) is sent once more on a fresh connection; our
    actions compute answers without side effects, so a repeat is harmless."""
    import asyncio
    import ssl

    import aiohttp
    import orjson
    from aiohttp import ContentTypeError
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, FileNotFoundException

    from bot import turn_gate

    if is_patched(EndpointConfig, "request"):
        return

    def kept_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self.__dict__.get("_jineng_session")
        if session is None or session.closed or session._loop is not loop:
            auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                    if self.basic_auth else None)
            session = aiohttp.ClientSession(
                headers=self.headers, auth=auth, json_serialize=dumps_json,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS, ttl_dns_cache=300))
            self.__dict__["_jineng_session"] = session
        return session

    async def request(self, method: Text = "post", subpath: Optional[Text] = None,
                      content_type: Optional[Text] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Optional[Any]:
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        headers.update(kwargs.pop("headers", None) or {})
        if self.headers:
            headers.update(self.headers)
        url = concat_url(self.url, subpath)
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile) if self.cafile else None
        except FileNotFoundError as e:
            raise FileNotFoundException(f"Failed to find certificate file, '{self.cafile}' does not exist.") from e
        params = self.combine_parameters(kwargs)
        for attempt in (1, 2):
            try:
                async with turn_gate.outside_gate(), kept_session(self).request(
                        method, url, headers=headers, params=params, compress=compress, ssl=sslcontext,
                        **kwargs) as response:
                    if response.status >= 400:
                        raise ClientResponseError(response.status, response.reason, await response.content.read())
                    try:
                        return await response.json(loads=orjson.loads)
                    except ContentTypeError:
                        return None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                if attempt == 2:
                    raise

    patch(EndpointConfig, "request", request)


class _DeepcopyOnlyWhenDebugging:
    """Stands in for the ``copy`` module inside Rasa modules whose every ``deepcopy`` is an
    argument of a debug log (rasa.core.processor, rasa.core.actions.forms,
    rasa.core.policies.rule_policy: checked by tests/test_rasa_patches.py). Python
    evaluates those arguments even when debug logs are off: deep copies of events, the
    latest message and the rule states, 2% of the server's CPU per turn. With debug logs
    on, they are Rasa's own deep copies."""

    def __init__(self, logger_name: Text) -> None:
        self._logger = logging.getLogger(logger_name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        return copy.deepcopy(value, memo) if self._logger.isEnabledFor(logging.DEBUG) else value

    def __getattr__(self, name: Text) -> Any:
        return getattr(copy, name)


DEBUG_ONLY_DEEPCOPY_MODULES = ("rasa.core.processor", "rasa.core.actions.forms", "rasa.core.policies.rule_policy")


def install_debug_only_deepcopy() -> None:
    import importlib

    for name in DEBUG_ONLY_DEEPCOPY_MODULES:
        module = importlib.import_module(name)
        if module.copy is copy:
            patch(module, "copy", _DeepcopyOnlyWhenDebugging(name))


def install_shallow_active_loop_state() -> None:
    """`DialogueStateTracker.current_state`, which Rasa sends to the action server on every
    call, turns the active loop into a dict with ``dataclasses.asdict``, which deep-copies
    the loop's trigger message (its whole parse data): 1.5% of the server's CPU per turn.
    Callers serialise the state at once and never change it, so this is Rasa's method
    with the loop's four fields given as they are."""
    from rasa.shared.core.constants import ACTIVE_LOOP, FOLLOWUP_ACTION
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    if is_patched(DialogueStateTracker, "current_state"):
        return

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE) -> Dict[Text, Any]:
        events = self._events_for_verbosity(event_verbosity)
        loop = self.active_loop
        return {
            "sender_id": self.sender_id,
            "slots": self.current_slot_values(),
            "latest_message": self._latest_message_data(),
            "latest_event_time": self.events[-1].timestamp if len(self.events) > 0 else None,
            FOLLOWUP_ACTION: self.followup_action,
            "paused": self.is_paused(),
            "events": [e.as_dict() for e in events] if events is not None else None,
            "latest_input_channel": self.get_latest_input_channel(),
            ACTIVE_LOOP: ({"name": loop.name, "is_interrupted": loop.is_interrupted, "rejected": loop.rejected,
                           "trigger_message": loop.trigger_message} if loop else {}),
            "latest_action": self.latest_action,
            "latest_action_name": self.latest_action_name,
        }

    patch(DialogueStateTracker, "current_state", current_state)


_FROZEN = False


def freeze_loaded_objects(agent: Any) -> None:
    """Moves everything alive after the model has loaded (spaCy and jieba dictionaries,
    the domain, the policies: ~570k objects) out of the garbage collector's reach.
    Measured under load before this: every few seconds a full collection walked them all
    and stopped the server for ~270 ms, stalling every conversation in flight; after it,
    a full collection takes ~3 ms. Once per process, and only when a model is loaded."""
    global _FROZEN
    import gc

    if _FROZEN or agent is None or not agent.is_ready():
        return
    _FROZEN = True
    gc.collect()
    gc.freeze()
    logger.info("model loaded: %d objects kept out of garbage collection",
                                     gc.get_freeze_count())


# Installed in this order; RASA_PATCHES_SKIP names some to leave out (paired runs per patch).
PATCHES = {
    "fast_action_result_validation": install_fast_action_result_validation,
    "event_type_cache": install_event_type_cache,
    "unique_entity_mapping_cache": install_unique_entity_mapping_cache,
    "in_order_graph_runner": install_in_order_graph_runner,
    "fast_slot_copy": install_fast_slot_copy,
    "kept_alive_endpoint_requests": install_kept_alive_endpoint_requests,
    "domain_is_empty_cache": install_domain_is_empty_cache,
    "past_states_memo": install_past_states_memo,
    "rule_lookup_shortcut": install_rule_lookup_shortcut,
    "applied_events_memo": install_applied_events_memo,
    "fast_tracker_copy": install_fast_tracker_copy,
    "debug_only_deepcopy": install_debug_only_deepcopy,
    "shallow_active_loop_state": install_shallow_active_loop_state,
}


def skipped() -> List[Text]:
    """The patches ``RASA_PATCHES_SKIP`` (comma-separated names of ``PATCHES``) leaves out, so
    that a paired run can measure what one patch earns; an unknown name is an error."""
    names = [n.strip() for n in os.environ.get("RASA_PATCHES_SKIP", "").split(",") if n.strip()]
    unknown = [n for n in names if n not in PATCHES]
    if unknown:
        raise ValueError(f"RASA_PATCHES_SKIP: unknown patch(es) {unknown}; known: {', '.join(PATCHES)}")
    return names


def install() -> bool:
    """Installs every speed patch (but those in ``RASA_PATCHES_SKIP``) if ``enabled()``;
    True when they are in."""
    if not enabled():
        return False
    skip = skipped()
    if skip:
        logger.warning("speed patches left out (RASA_PATCHES_SKIP): %s", ", ".join(skip))
    for name, install_patch in PATCHES.items():
        if name not in skip:
            install_patch()
    return True
