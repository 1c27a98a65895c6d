"""Reads the per-document YAML, checks it, and layers local documents over national.

Everything checkable about the data is checked here, at load time, so that a bad edit
fails the first test run instead of giving a wrong answer: every citation resolves to an
article, every quote stands verbatim in it, every override names an existing item, and
no two rules in force disagree about the same case.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, TypeVar

import yaml

from . import articles, vocabulary
from .model import (
    Bar,
    Citation,
    Condition,
    EducationEquivalent,
    Item,
    Knowledge,
    Layer,
    Presumption,
    Route,
    RuleSet,
    YearFormula,
)
from .profile import schema

LAYER_ORDER = vocabulary.REGIONS  # national underneath, then each local document
CONDITION_OPS = ("in", "not_in", "equals", "at_least", "at_most", "has_any", "known", "within_years")
_VALUE_REFS = {"$bridging_series": vocabulary.bridging_series}


class RuleDataError(ValueError):
    """The rule data is inconsistent; the message names the file and item."""


# ── parsing ──────────────────────────────────────────────────────────────────────


def _citation(doc: str, spec: dict, where: str) -> Citation:
    cite = Citation(spec.get("doc", doc), spec["article"])
    if articles.resolve(cite.doc, cite.article) is None:
        raise RuleDataError(f"{where}: citation {cite.doc} {cite.article} names no article of the document")
    return cite


def _condition(doc: str, spec: dict, where: str) -> Condition:
    ops = [op for op in CONDITION_OPS if op in spec]
    if len(ops) != 1:
        raise RuleDataError(f"{where}: a condition needs exactly one of {CONDITION_OPS}, got {spec}")
    op = ops[0]
    value = spec[op]
    if isinstance(value, str) and value.startswith("$"):
        if value not in _VALUE_REFS:
            raise RuleDataError(f"{where}: unknown value list {value}")
        value = tuple(_VALUE_REFS[value]())
    fact = spec.get("fact")
    if fact not in schema():
        raise RuleDataError(f"{where}: condition on unknown fact {fact!r}")
    _check_condition_values(fact, op, value, where)
    return Condition(fact, op, tuple(value) if isinstance(value, list) else value, _citation(doc, spec, where))


def _check_condition_values(fact: str, op: str, value, where: str) -> None:
    spec = schema()[fact]
    if op in ("in", "not_in", "has_any"):
        allowed = vocabulary.VALUE_LISTS[spec["values"]]()
        bad = [v for v in value if v not in allowed]
        if bad:
            raise RuleDataError(f"{where}: {fact} values {bad} are not canonical")


def _our_text(text: Optional[str]) -> Optional[str]:
    """A text the assistant says in its own words (an answer, a why-not): ``{hotline}`` in
    it is the 人社服务热线 (vocabulary.HOTLINE, its one source). Quotes are the documents'
    words and are never filled."""
    return None if text is None else text.replace("{hotline}", vocabulary.HOTLINE)


def _check_verbatim(cite: Citation, quote: str, where: str) -> None:
    text = articles.normalise(articles.load_documents()[cite.doc].full_text(cite.article))
    if articles.normalise(quote) not in text:
        raise RuleDataError(f"{where}: quote is not verbatim in {cite.doc} {cite.article}: {quote}")


def _presumption(doc: str, spec: dict, where: str) -> Presumption:
    """A presumed condition with no profile fact: its words, and the article that sets it."""
    cite = _citation(doc, spec, where)
    _check_verbatim(cite, spec["quote"], where)
    return Presumption(spec["text"], cite)


def _common(doc: str, spec: dict, where: str) -> dict:
    if "article" not in spec or "quote" not in spec:
        raise RuleDataError(f"{where}: every item needs an article and a verbatim quote")
    citations = [_citation(doc, spec, where)] + [_citation(doc, c, where) for c in spec.get("also_cite", [])]
    quote = spec["quote"]
    _check_verbatim(citations[0], quote, where)
    replaces = tuple(spec.get("replaces", ()))
    adds = spec.get("adds_route", spec.get("adds"))
    return dict(
        doc=doc,
        citations=citations,
        quote=quote,
        interpretation=spec.get("interpretation"),
        replaces=replaces,
        adds=adds,
        when=[_condition(doc, c, where) for c in spec.get("when", [])],
    )


def _routes(doc: str, spec: dict) -> List[Route]:
    where = f"{doc}.yaml route {spec.get('id')}"
    common = _common(doc, spec, where)
    base_grade = None
    if spec.get("also_higher_grades"):
        common["when"], base_grade = _with_higher_grades(common["when"], where)
    fields = dict(
        base_grade=base_grade,
        presumes_text=[_presumption(doc, c, where) for c in spec.get("presumes_text", [])],
        kind=spec["kind"],
        path=spec["path"],
        outcome=spec.get("outcome"),
        why_not=_our_text(spec.get("why_not")),
        next_grade=bool(spec.get("next_grade")),
        requires=[_condition(doc, c, where) for c in spec.get("requires", [])],
        presumes=[_condition(doc, c, where) for c in spec.get("presumes", [])],
    )
    if fields["kind"] not in vocabulary.KINDS or fields["path"] not in vocabulary.PATHS:
        raise RuleDataError(f"{where}: kind must be one of {vocabulary.KINDS}, path one of {vocabulary.PATHS}")
    if "award_levels" not in spec:
        levels = tuple(spec.get("levels", ()))
        if not levels and not fields["next_grade"]:
            raise RuleDataError(f"{where}: a route needs levels, award_levels or next_grade")
        _check_levels(fields["kind"], levels, where)
        return [Route(id=f"{doc}:{spec['id']}", levels=levels, **common, **fields)]
    # One route per award, so that a local document can replace a single award's rule.
    out = []
    for award, levels in spec["award_levels"].items():
        if award not in vocabulary.awards():
            raise RuleDataError(f"{where}: unknown award {award}")
        _check_levels(fields["kind"], levels, where)
        award_when = Condition("awards", "has_any", (award,), common["citations"][0])
        per_award = dict(common, when=[award_when, *common["when"]])
        out.append(Route(id=f"{doc}:{spec['id']}/{award}", levels=tuple(levels), **per_award, **fields))
    return out


def _with_higher_grades(when: List[Condition], where: str) -> Tuple[List[Condition], str]:
    """`also_higher_grades: true`: the route's one grade and every grade above it."""
    grade_conds = [c for c in when if c.fact == "skill_grade" and c.op == "in" and len(c.value) == 1]
    if len(grade_conds) != 1:
        raise RuleDataError(f"{where}: also_higher_grades needs exactly one `skill_grade in [one grade]` trigger")
    cond = grade_conds[0]
    base = cond.value[0]
    grades = vocabulary.skill_grades()
    widened = Condition(cond.fact, "in", grades[grades.index(base) :], cond.citation)
    return [widened if c is cond else c for c in when], base


def _check_levels(kind: str, levels: Iterable[str], where: str) -> None:
    allowed = vocabulary.title_levels() if kind == "title" else vocabulary.skill_grades()
    bad = [lv for lv in levels if lv not in allowed]
    if bad:
        raise RuleDataError(f"{where}: levels {bad} are not {kind} levels")


def _bar(doc: str, spec: dict) -> Bar:
    where = f"{doc}.yaml bar {spec.get('id')}"
    until = spec.get("until_year")
    applies_to = tuple(spec["applies_to"])
    if not set(applies_to) <= set(vocabulary.KINDS):
        raise RuleDataError(f"{where}: applies_to must name {vocabulary.KINDS}")
    return Bar(
        id=f"{doc}:{spec['id']}",
        code=spec["code"],
        applies_to=applies_to,
        until_year=YearFormula(until["fact"], until["plus"], _citation(doc, until, where)) if until else None,
        why_not=_our_text(spec.get("why_not")),
        **_common(doc, spec, where),
    )


def _knowledge(doc: str, spec: dict) -> Knowledge:
    where = f"{doc}.yaml knowledge {spec.get('id')}"
    return Knowledge(
        id=f"{doc}:{spec['id']}",
        topics=tuple(spec.get("topics", ())),
        step_for=tuple(spec.get("step_for", ())),
        answer=_our_text(spec["answer"]),
        fees=dict(spec.get("fees", {})),
        window_months=tuple(spec.get("window_months", ())),
        skip_when=[_condition(doc, c, where) for c in spec.get("skip_when", [])],
        only_if_any=[_condition(doc, c, where) for c in spec.get("only_if_any", [])],
        **_common(doc, spec, where),
    )


def _equivalent(doc: str, spec: dict) -> EducationEquivalent:
    where = f"{doc}.yaml education_equivalent {spec.get('id')}"
    classes = dict(spec["classes"])
    if not set(classes) <= set(vocabulary.skill_school_classes()) or not set(classes.values()) <= set(
        vocabulary.degrees()
    ):
        raise RuleDataError(f"{where}: classes must map skill_school_class values to degree values")
    return EducationEquivalent(id=f"{doc}:{spec['id']}", classes=classes, **_common(doc, spec, where))


def _unique(items: Sequence[Item], doc: str) -> None:
    seen = set()
    for item in items:
        if item.id in seen:
            raise RuleDataError(f"{doc}.yaml: duplicate id {item.id}")
        seen.add(item.id)


@lru_cache(maxsize=None)
def load_layer(doc: str) -> Layer:
    path = vocabulary.DATA_DIR / f"{doc}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("doc") != doc:
        raise RuleDataError(f"{path.name}: doc must be {doc!r}")
    routes = [r for spec in data.get("routes", []) for r in _routes(doc, spec)]
    layer = Layer(
        doc=doc,
        name=data["name"],
        short_name=data["short_name"],
        refines=data.get("refines"),
        routes=routes,
        bars=[_bar(doc, s) for s in data.get("bars", [])],
        knowledge=[_knowledge(doc, s) for s in data.get("knowledge", [])],
        equivalents=[_equivalent(doc, s) for s in data.get("education_equivalents", [])],
        excluded_articles=dict(data.get("excluded_articles", {})),
    )
    for group in (layer.routes, layer.bars, layer.knowledge, layer.equivalents):
        _unique(group, doc)
    for art in layer.excluded_articles:
        if articles.resolve(doc, art) is None:
            raise RuleDataError(f"{doc}.yaml: excluded article {art} does not exist")
    _check_no_disagreement(layer.routes, f"{doc}.yaml")
    return layer


# ── layering ─────────────────────────────────────────────────────────────────────

T = TypeVar("T", bound=Item)


def _base_ids(items: Sequence[Item]) -> set:
    """Ids an override may name: each item, and the rule an award route was expanded from."""
    ids = {i.id for i in items}
    ids |= {i.id.split("/")[0] for i in items}
    return ids


def _group(item: Item) -> str:
    """Award routes expanded from one YAML rule form one group, replaced and placed together."""
    return item.id.split("/")[0]


def _layer_items(base: List[T], local: List[T], where: str) -> List[T]:
    """Local items replace the base items they name and stand beside the ones they add to."""
    base_ids = _base_ids(base)
    groups: Dict[str, List[T]] = {}
    for item in local:
        groups.setdefault(_group(item), []).append(item)
    replaced_by: Dict[str, str] = {}
    after: Dict[str, List[str]] = {}
    appended: List[str] = []
    for group_id, members in groups.items():
        item = members[0]
        if bool(item.replaces) == bool(item.adds):
            raise RuleDataError(f"{where} {group_id}: a local item needs exactly one of replaces / adds_route / adds")
        for target in item.replaces:
            if target not in base_ids:
                raise RuleDataError(f"{where} {group_id}: replaces {target}, which does not exist")
            if target in replaced_by:
                raise RuleDataError(f"{where}: {target} is replaced by both {replaced_by[target]} and {group_id}")
            replaced_by[target] = group_id
        if item.adds == "new" or item.replaces:
            appended.append(group_id)
        elif item.adds not in base_ids:
            raise RuleDataError(f"{where} {group_id}: adds to {item.adds}, which does not exist")
        else:
            after.setdefault(item.adds, []).append(group_id)
    out: List[T] = []
    emitted = set()

    def emit(group_id: str) -> None:
        if group_id not in emitted:
            emitted.add(group_id)
            out.extend(groups[group_id])

    for item in base:
        if item.id in replaced_by:
            emit(replaced_by[item.id])
        else:
            out.append(item)
        for anchor in dict.fromkeys((item.id, _group(item))):
            for group_id in after.pop(anchor, []):
                emit(group_id)
    for group_id in appended:
        emit(group_id)
    return out


def _route_signatures(route: Route) -> List[Tuple]:
    """The cases a route speaks about: kind, path and each combination of its trigger
    values. A route widened to higher grades speaks for its own grade only: for the higher
    ones it offers a lower level beside theirs, it does not decide their case."""
    choices = []
    for cond in route.when:
        values = cond.value
        if route.base_grade and cond.fact == "skill_grade":
            values = (route.base_grade,)
        if cond.op in ("in", "has_any"):
            choices.append([(cond.fact, v) for v in values])
        elif cond.op == "equals":
            choices.append([(cond.fact, cond.value)])
    return [(route.kind, route.path, frozenset(combo)) for combo in itertools.product(*choices)]


def _check_no_disagreement(routes: Sequence[Route], where: str) -> None:
    """Two rules in force that speak about the same case contradict each other, or at best
    repeat each other: either way the data must say which one holds (`replaces:`)."""
    owner: Dict[Tuple, Route] = {}
    for route in routes:
        for sig in _route_signatures(route):
            other = owner.get(sig)
            if other is not None:
                raise RuleDataError(
                    f"{where}: {other.id} and {route.id} both decide {sig[0]}/{sig[1]} for {sorted(sig[2])}"
                )
            owner[sig] = route


@lru_cache(maxsize=None)
def rules_for(region: str) -> RuleSet:
    if region not in vocabulary.REGIONS:
        raise RuleDataError(f"unknown region {region}")
    base = load_layer("national")
    if region == "national":
        rs = RuleSet(region, list(base.routes), list(base.bars), list(base.knowledge), list(base.equivalents))
    else:
        local = load_layer(region)
        where = f"{region}.yaml"
        rs = RuleSet(
            region,
            _layer_items(base.routes, local.routes, where),
            _layer_items(base.bars, local.bars, where),
            _layer_items(base.knowledge, local.knowledge, where),
            _layer_items(base.equivalents, local.equivalents, where),
        )
    _check_no_disagreement(rs.routes, f"rules in force in {region}")
    return rs


def all_layers() -> List[Layer]:
    return [load_layer(doc) for doc in LAYER_ORDER]


def short_name(doc: str) -> str:
    return load_layer(doc).short_name


def all_citations() -> List[Citation]:
    """Every citation the data makes — for the coverage test and the data lint."""
    out: List[Citation] = []
    for layer in all_layers():
        for item in [*layer.routes, *layer.bars, *layer.knowledge, *layer.equivalents]:
            out.extend(item.citations)
            for cond in item.when + getattr(item, "requires", []) + getattr(item, "presumes", []):
                out.append(cond.citation)
            out.extend(p.citation for p in getattr(item, "presumes_text", []))
            if isinstance(item, Bar) and item.until_year:
                out.append(item.until_year.citation)
    return out


def find_item(qualified_id: str) -> Optional[Item]:
    doc = qualified_id.split(":")[0]
    layer = load_layer(doc)
    for item in [*layer.routes, *layer.bars, *layer.knowledge, *layer.equivalents]:
        if item.id == qualified_id or item.id.split("/")[0] == qualified_id:
            return item
    return None
