"""Speed patches on Rasa's prediction: the NLU and policy graphs run in order, the rule
lookup shortened, and the form's entity mappings and the domain's emptiness kept.
Installed by bot.rasa_patches.install()."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Text, Tuple

from bot.patching import is_patched, patch


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
            if i >= longest:  # every key left applies trivially from here on
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
                elif (
                    list(previous or ()) == [ACTION_NAME]
                    and isinstance(name, str)
                    and name
                    and name != SHOULD_NOT_BE_SET
                ):
                    by_name.setdefault(name, set()).add(key)
                else:
                    others.add(key)  # checked as usual
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
