"""The interpreter: a validated profile and the rules in force in its region → a decision.

Each route is a small program of typed conditions:
  when      — what makes the route speak at all (the grade held, the award won);
  requires  — facts the decision needs; unknown → `undecided`, time-short → `not_yet`;
  presumes  — what most applicants meet; unknown → listed in `assumptions`.
Bars work on a whole direction (title / skill) and become `blockers`.

How options combine (docs/interpretations.md): a level already held is never offered;
lower levels that are open now are offered beside the highest, which is the usual choice;
a lower level that is not open yet is left out once a higher one of its kind is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import clock, explain, vocabulary
from .conditions import check
from .drafts import ActiveBar, Draft
from .loader import rules_for
from .model import Bar, Condition, Knowledge, Route
from .profile import facts_for_evaluation, schema, validate

STATUS_ORDER = {s: i for i, s in enumerate(vocabulary.STATUSES)}
# What an applicant does first comes first: when, where, how much, then the rest.
STEP_TOPIC_ORDER = (
    "window",
    "when",
    "where",
    "fee",
    "continuing_education",
    "materials",
    "procedure",
    "eligibility",
    "evaluation",
)
ENTRY_FACTS = ("skill_grade", "title_level")


@dataclass
class _Missing:
    """Facts to ask about, most decisive first: those an option waits for, the region
    (local rules may change everything), the presumed ones, then those that could open
    a further route."""

    undecided: List[str] = field(default_factory=list)
    partial: List[Tuple[str, Route]] = field(default_factory=list)
    presumed: List[str] = field(default_factory=list)

    def forget_routes(self, useless: Callable[[str, Route], bool]) -> None:
        """Drop the facts of further routes that no answer could open."""
        self.partial = [(fact, route) for fact, route in self.partial if not useless(fact, route)]

    def ordered(self, facts: Dict[str, Any], has_options: bool, region_known: bool) -> List[str]:
        out = list(self.undecided)
        if not has_options and not out and not self.partial:
            out.extend(ENTRY_FACTS)
        if not region_known:
            out.append("region")
        ranks = schema()
        out.extend(sorted(self.presumed, key=lambda f: ranks[f].get("presumption_rank", 99)))
        out.extend(fact for fact, _ in self.partial)
        return [f for f in dict.fromkeys(out) if f not in facts]


def evaluate(profile: Dict[str, Any]) -> Dict[str, Any]:
    """The public API: a profile (CONTRACT.md §3) → a decision (CONTRACT.md §4)."""
    checked = validate(profile)
    return evaluate_valid(checked)


def evaluate_valid(checked: Dict[str, Any]) -> Dict[str, Any]:
    facts = facts_for_evaluation(checked)
    region = checked.get("region", "national")
    rules = rules_for(region)
    missing = _Missing()
    lower_hints: List[Draft] = []  # lower levels that may be open already (see _apply_route)

    drafts = [d for route in rules.routes for d in _apply_route(route, facts, missing, lower_hints)]
    active, presumed = _apply_bars(rules.bars, facts, drafts, missing)
    active_all = list(active)
    drafts += _open_when_the_ban_ends(lower_hints, active, presumed)
    all_drafts = _best_per_level(drafts)
    drafts = _worth_offering(all_drafts, facts)
    title_held_only = any(d.kind == "title" for d in all_drafts) and not any(d.kind == "title" for d in drafts)
    _attach_lower_hints(drafts, lower_hints, facts)
    for d in drafts:
        if d.status == "undecided":
            missing.undecided.extend(c.fact for c in d.unknown)
        if d.status in ("eligible", "not_yet", "undecided"):
            missing.presumed.extend(d.assumptions)
    # A bar on a direction the applicant is not asking about is noise, unless nothing
    # else is known yet — then it is the most useful thing to say.
    # A title holder told where a higher title comes from (the held-title note) hears the
    # title bars too: “再往上晋升，按一般条件申报” beside a bar unsaid would mislead.
    asked_kinds = {d.kind for d in drafts} | ({"title"} if title_held_only else set())
    active = [a for a in active if not drafts or any(kind in a.bar.applies_to for kind in asked_kinds)]
    missing.forget_routes(lambda fact, route: _cannot_help(fact, route, active_all, all_drafts, facts))

    decision: Dict[str, Any] = {
        "region": region,
        "options": [explain.option_json(d, facts) for d in _sorted(drafts)],
        "blockers": [explain.blocker_json(a, facts, active) for a in active],
    }
    equivalent = _education_equivalent(rules.equivalents, facts)
    if equivalent:
        decision["education_equivalent"] = equivalent
    decision["missing"] = missing.ordered(facts, bool(drafts), "region" in checked)
    held_note = _held_title_note(rules.knowledge, facts) if title_held_only else []
    decision["next_steps"] = held_note + _next_steps(rules.knowledge, drafts, facts)
    return decision


# ── routes ───────────────────────────────────────────────────────────────────────


def _apply_route(route: Route, facts: Dict[str, Any], missing: _Missing, lower_hints: List[Draft]) -> List[Draft]:
    triggers = [(c, check(c, facts)) for c in route.when]
    if any(r.value is False for _, r in triggers):
        return []
    unknown_triggers = [c.fact for c, r in triggers if r.value is None]
    if unknown_triggers:
        # The first trigger says whom the route is for (the award holder, the title
        # holder); only when that is known do its other triggers become worth asking.
        if triggers[0][1].value is True:
            missing.partial.extend((fact, route) for fact in unknown_triggers)
        return []
    levels = route.levels
    if route.next_grade:
        nxt = vocabulary.next_grade(facts["skill_grade"])
        levels = (nxt,) if nxt else ()
    via_higher = route.base_grade is not None and facts.get("skill_grade") != route.base_grade
    if via_higher:
        # Years since the higher grade are only a lower bound of the years since the
        # route's grade: offer the level when they already suffice, say nothing otherwise
        # (the applicant's own grade's route asks for what is missing).
        drafts = [_decide(route, level, facts, via_higher=True) for level in levels]
        lower_hints.extend(d for d in drafts if d.status == "not_yet")
        return [d for d in drafts if d.status == "eligible"]
    return [_decide(route, level, facts) for level in levels]


def _decide(route: Route, level: str, facts: Dict[str, Any], via_higher: bool = False) -> Draft:
    draft = Draft(route, level, via_higher_grade=via_higher)
    if route.outcome == "ineligible":
        draft.status = "ineligible"
        return draft
    for cond in route.requires:
        result = check(cond, facts)
        if result.value is None:
            draft.unknown.append(cond)
        elif result.waits:
            draft.waiting.append((cond, result.years_short))
        elif result.value is False:
            draft.failing.append(cond)
    for cond in route.presumes:
        result = check(cond, facts)
        if result.value is None:
            draft.assumptions.setdefault(cond.fact, []).append(cond.citation)
        elif result.value is False:
            draft.failing.append(cond)
    year = facts["application_year"]
    if draft.failing:
        draft.status = "ineligible"
    elif draft.unknown:
        draft.status = "undecided"
    elif draft.waiting:
        draft.status = "not_yet"
        draft.earliest_year = year + max(short for _, short in draft.waiting)
    else:
        draft.earliest_year = year
    return draft


# ── bars ─────────────────────────────────────────────────────────────────────────


def _apply_bars(
    bars: List[Bar], facts: Dict[str, Any], drafts: List[Draft], missing: _Missing
) -> Tuple[List[ActiveBar], List[Tuple[Bar, List[Condition]]]]:
    """The bars in force (each draft of their kind blocked), and those presumed absent for
    want of facts, with those facts (each said as a premise of the drafts they would close)."""
    active: List[ActiveBar] = []
    presumed: List[Tuple[Bar, List[Condition]]] = []
    year = facts["application_year"]
    for bar in bars:
        results = [(c, check(c, facts)) for c in bar.when]
        if any(r.value is False for _, r in results):
            continue
        unknown = [c for c, r in results if r.value is None]
        if unknown:
            _presume_not_barred(bar, unknown, drafts)
            presumed.append((bar, unknown))
            continue
        entry = ActiveBar(bar, None)
        if bar.until_year:
            start = facts.get(bar.until_year.fact)
            if start is None:
                entry.until_unknown = True
                missing.undecided.append(bar.until_year.fact)
            else:
                entry.until_year = start + bar.until_year.plus
                if entry.until_year <= year:
                    continue  # the ban is over by the application year
        active.append(entry)
        for d in drafts:
            # (a route that only explains a “no”, or whose own conditions fail (a 中级工's
            # award), stays a no: “受…限制，2027年起方可申报” would promise it when the ban ends)
            if d.kind in bar.applies_to and d.route.outcome != "ineligible" and not d.failing:
                _block(d, entry)
    return active, presumed


def _presume_not_barred(bar: Bar, unknown: List[Condition], drafts: List[Draft]) -> None:
    """A bar whose facts are not known is presumed absent: said as a premise of each option it
    would close."""
    for d in drafts:
        if d.kind in bar.applies_to:
            for c in unknown:
                d.assumptions.setdefault(c.fact, []).append(c.citation)


def _open_when_the_ban_ends(
    hints: List[Draft], active: List[ActiveBar], presumed: List[Tuple[Bar, List[Condition]]]
) -> List[Draft]:
    """A lower level reached through a higher grade whose years will have sufficed by the
    year a temporary ban ends opens that year for certain (百色 高级技师 this year, 弄虚作假
    found this year: 中级 in 2029, when the ban ends — not only 副高级 in 2030)."""
    out = []
    for h in hints:
        bars = [a for a in active if h.kind in a.bar.applies_to]
        if not bars or any(a.permanent or a.until_unknown or not a.until_year for a in bars):
            continue
        if h.earliest_year is not None and h.earliest_year <= max(a.until_year for a in bars):
            for a in bars:
                _block(h, a)
            out.append(h)
    for bar, unknown in presumed:  # the premises the other options carry (考核, 退休, 处分 … not known)
        _presume_not_barred(bar, unknown, out)
    return out


def _block(draft: Draft, bar: ActiveBar) -> None:
    """Options of a barred kind are never eligible; a ban that ends makes them `not_yet`."""
    draft.blockers.append(bar)
    if draft.status == "ineligible":
        return
    if bar.permanent:
        draft.status, draft.earliest_year = "ineligible", None
    elif bar.until_unknown:
        draft.status, draft.earliest_year = "undecided", None
    elif draft.status in ("eligible", "not_yet"):
        draft.status = "not_yet"
        draft.earliest_year = max(draft.earliest_year or 0, bar.until_year)


# ── assembling the decision ──────────────────────────────────────────────────────


def _best_per_level(drafts: List[Draft]) -> List[Draft]:
    """One option per (kind, level, path): the most favourable route that leads there."""
    best: Dict[Tuple[str, str, str], Draft] = {}
    for d in drafts:
        key = (d.kind, d.level, d.route.path)
        if key not in best or _favour(d) < _favour(best[key]):
            best[key] = d
    return list(best.values())


def _cannot_help(fact: str, route: Route, active: List[ActiveBar], drafts: List[Draft], facts: Dict[str, Any]) -> bool:
    """A further route's fact is not worth a question when a bar with no known end closes its
    kind, or when each of its levels is held already or open by another route
    (rules review 6 G4: 百色 海外人才 asked their degree under an open-ended bar). A grade or
    a title opens routes of both kinds: it is kept unless such bars close both (review 7 F2:
    a 百色 助理级 on the 诚信档案 list may still reach 中级 by a grade)."""
    closed = {kind for a in active if a.until_year is None for kind in a.bar.applies_to}
    if fact in ENTRY_FACTS:
        return {"title", "skill"} <= closed
    if route.kind in closed:
        return True
    if route.next_grade or not route.levels:
        return False
    held = facts.get("title_level" if route.kind == "title" else "skill_grade")
    open_levels = {d.level for d in drafts if d.kind == route.kind and d.status == "eligible"}

    def settled(level: str) -> bool:
        at_or_below_held = held is not None and vocabulary.level_rank(route.kind, level) <= vocabulary.level_rank(
            route.kind, held
        )
        return at_or_below_held or level in open_levels

    return all(settled(level) for level in route.levels)


def _worth_offering(drafts: List[Draft], facts: Dict[str, Any]) -> List[Draft]:
    """Never a level the applicant holds or one below it, nor a lower grade's level that a
    bar closes; at or below an open level, only the open ones (a "not yet" or "no" there
    says nothing useful). The highest open level is the usual choice; lower ones say so."""
    held = {"title": facts.get("title_level"), "skill": facts.get("skill_grade")}
    kept = [
        d
        for d in drafts
        if (
            held[d.kind] is None or vocabulary.level_rank(d.kind, d.level) > vocabulary.level_rank(d.kind, held[d.kind])
        )
        and not (d.via_higher_grade and d.status == "ineligible")
    ]  # barred: the own grade's option says why
    best: Dict[str, str] = {}
    for d in kept:
        if d.status == "eligible":
            top = best.get(d.kind)
            if top is None or vocabulary.level_rank(d.kind, d.level) > vocabulary.level_rank(d.kind, top):
                best[d.kind] = d.level
    out = []
    for d in kept:
        top = best.get(d.kind)
        if top is not None and vocabulary.level_rank(d.kind, d.level) <= vocabulary.level_rank(d.kind, top):
            if d.status != "eligible":
                continue  # open already, at this level or above, by another route
            if d.level != top:
                d.below_best = top
        out.append(d)
    for d in out:
        d.lower_open = d.status == "eligible" and any(o.below_best == d.level and o.kind == d.kind for o in out)
    return out


def _attach_lower_hints(drafts: List[Draft], hints: List[Draft], facts: Dict[str, Any]) -> None:
    """A lower level that may be open already goes, as a hint, on the regular option of
    the applicant's own grade when that one is not open and the lower level is not offered
    — nor held: a 中级 holder is not told to apply for 中级 first."""
    held = facts.get("title_level")
    offered = {(d.kind, d.level) for d in drafts}
    if held:
        hints = [
            h
            for h in hints
            if h.kind != "title" or vocabulary.level_rank("title", h.level) > vocabulary.level_rank("title", held)
        ]
    for d in drafts:
        if (
            d.route.path == "regular"
            and d.status in ("not_yet", "undecided")
            and not d.blockers
            and not d.via_higher_grade
            and d.kind == "title"
        ):
            d.lower_hints = [
                h
                for h in hints
                if h.kind == d.kind
                and (h.kind, h.level) not in offered
                and vocabulary.level_rank(h.kind, h.level) < vocabulary.level_rank(d.kind, d.level)
            ]


def _favour(d: Draft) -> Tuple[int, int]:
    return STATUS_ORDER[d.status], d.earliest_year or 9999


def _sorted(drafts: List[Draft]) -> List[Draft]:
    return sorted(
        drafts,
        key=lambda d: (
            vocabulary.KINDS.index(d.kind),
            STATUS_ORDER[d.status],
            -vocabulary.level_rank(d.kind, d.level),
            d.earliest_year or 0,  # one level by two routes: the sooner leads
            vocabulary.PATHS.index(d.route.path),
        ),
    )


def _education_equivalent(equivalents, facts: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    cls = facts.get("skill_school_class")
    for eq in equivalents:
        if any(check(c, facts).value is False for c in eq.when):
            continue  # e.g. 内蒙古 二（二） speaks of 毕业的高技能人才 only
        if cls in eq.classes:
            return {"level": eq.classes[cls], "citations": [c.to_json() for c in eq.citations]}
    return None


def _next_steps(knowledge: List[Knowledge], drafts: List[Draft], facts: Dict[str, Any]) -> List[Dict[str, Any]]:
    open_levels = {
        kind: [d.level for d in _sorted(drafts) if d.kind == kind and d.status != "ineligible"]
        for kind in vocabulary.KINDS
    }
    steps = []
    # a step said because of what they told (“您提到受过处分…”) comes first: the reply shows
    # only the first few
    for entry in sorted(knowledge, key=lambda entry: (not entry.only_if_any, _step_rank(entry))):
        kinds = [k for k in entry.step_for if open_levels[k]]
        if not kinds or any(check(c, facts).value is False for c in entry.when):
            continue
        if entry.skip_when and all(check(c, facts).value is True for c in entry.skip_when):
            continue
        if entry.only_if_any and not any(check(c, facts).value is True for c in entry.only_if_any):
            continue
        text = explain.step_text(entry, open_levels[kinds[0]], facts, clock.today())
        steps.append({"text": text, "citations": [c.to_json() for c in entry.citations]})
    return steps


PROMOTION_TOPIC = "promotion_after_title"


def _held_title_note(knowledge: List[Knowledge], facts: Dict[str, Any]) -> List[Dict[str, Any]]:
    """A skilled worker whose 贯通 title levels are all at or below the title held: where
    the next level comes from instead (the series' ordinary conditions)."""
    held = facts["title_level"]
    for entry in knowledge:
        if PROMOTION_TOPIC in entry.topics:
            return [{"text": explain.promotion_text(entry, held), "citations": [c.to_json() for c in entry.citations]}]
    return []


def _step_rank(entry: Knowledge) -> int:
    ranks = [STEP_TOPIC_ORDER.index(t) for t in entry.topics if t in STEP_TOPIC_ORDER]
    return min(ranks, default=len(STEP_TOPIC_ORDER))
