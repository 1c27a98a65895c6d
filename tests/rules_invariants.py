"""Invariants every decision must satisfy, whatever the profile (checked over the grid of
rules_engine/grid.py by tests/test_rules_invariants.py).

Each check returns a list of violations (strings) instead of asserting, so that one run
reports every broken profile, not only the first.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from rules_engine import articles, loader, vocabulary
from rules_engine.explain import cite
from rules_engine.grid import APPLICATION_YEAR, BAR_FLAGS, YEARS, grid, profile  # noqa: F401 (re-exported)
from rules_engine.model import Citation

GRADES = vocabulary.skill_grades()
TITLES = vocabulary.title_levels()
YEAR = APPLICATION_YEAR


# ── checks on one decision ───────────────────────────────────────────────────────

_QUOTE = re.compile(r"依据(《[^》]+》[^：]+)：“([^”]+)”")


def _verbatim_in(quote: str, citations: List[Dict[str, str]]) -> bool:
    docs = articles.load_documents()
    for c in citations:
        text = docs[c["doc"]].full_text(c["article"])
        if articles.normalise(quote) in articles.normalise(text):
            return True
    return False


def check_decision(p: Dict[str, Any], d: Dict[str, Any]) -> List[str]:
    out: List[str] = []
    held = {"title": p.get("title_level"), "skill": p.get("skill_grade")}
    barred = {k for b in d["blockers"] for k in b["applies_to"]}
    for o in d["options"]:
        tag = f"{o['kind']}/{o['level']}/{o['status']}"
        h = held[o["kind"]]
        if h is not None and vocabulary.level_rank(o["kind"], o["level"]) <= vocabulary.level_rank(o["kind"], h):
            out.append(f"{tag}: a level held (or below it) is offered")
        if o["status"] == "eligible":
            m = _QUOTE.search(o["explanation"])
            if not m or not _verbatim_in(m.group(2), o["citations"]):
                out.append(f"{tag}: the eligible option does not quote its article verbatim")
            if o["kind"] in barred:
                out.append(f"{tag}: eligible although a blocker bars its kind")
        if o["status"] == "not_yet":
            if not (o["earliest_year"] and o["earliest_year"] > p.get("application_year", YEAR)):
                out.append(f"{tag}: not_yet without a later year")
            elif f"{o['earliest_year']}年" not in o["explanation"]:
                out.append(f"{tag}: not_yet does not name its year in words")
        for c in o["citations"]:
            if articles.resolve(c["doc"], c["article"]) is None:
                out.append(f"{tag}: cites a missing article {c}")
    out += _check_order(d["options"])
    for b in d["blockers"]:
        if not b["citations"] or any(articles.resolve(c["doc"], c["article"]) is None for c in b["citations"]):
            out.append(f"blocker {b['code']}: no valid article")
        elif cite(Citation(**b["citations"][0])) not in b["explanation"]:
            out.append(f"blocker {b['code']}: the explanation does not name its article")
        if b["code"] == "fraud_ban" and "fraud_year" in p and b["until_year"] != p["fraud_year"] + 3:
            out.append(f"blocker fraud_ban: until_year {b['until_year']} though the text gives an end")
    return out


def _check_order(options: List[Dict[str, Any]]) -> List[str]:
    """Open options first, and within a kind and status the highest level first."""
    out = []
    for kind in vocabulary.KINDS:
        for status in vocabulary.STATUSES:
            ranks = [
                vocabulary.level_rank(kind, o["level"]) for o in options if o["kind"] == kind and o["status"] == status
            ]
            if ranks != sorted(ranks, reverse=True):
                out.append(f"{kind}/{status}: levels not highest first")
    return out


# ── checks on pairs of decisions ─────────────────────────────────────────────────


def _options(d) -> Dict[Tuple[str, str, str], Dict[str, Any]]:
    return {(o["kind"], o["level"], o["path"]): o for o in d["options"]}


def _open_above(d, kind: str, level: str) -> bool:
    return any(
        o["kind"] == kind
        and o["status"] == "eligible"
        and vocabulary.level_rank(kind, o["level"]) > vocabulary.level_rank(kind, level)
        for o in d["options"]
    )


def check_one_more_year(before: Dict[str, Any], after: Dict[str, Any]) -> List[str]:
    """One more year never removes an option: an open one stays open, a later one comes
    no later; an option may only give way to a higher open level of its kind."""
    out = []
    later = _options(after)
    for key, o in _options(before).items():
        if o["status"] not in ("eligible", "not_yet"):
            continue
        n = later.get(key)
        if n is None:
            if not _open_above(after, key[0], key[1]):
                out.append(f"{key}: {o['status']} option disappears with one more year")
        elif o["status"] == "eligible" and n["status"] != "eligible":
            out.append(f"{key}: eligible becomes {n['status']} with one more year")
        elif o["status"] == "not_yet" and n["status"] == "not_yet" and n["earliest_year"] > o["earliest_year"]:
            out.append(f"{key}: earliest year moves later with one more year")
        elif o["status"] == "not_yet" and n["status"] not in ("eligible", "not_yet"):
            out.append(f"{key}: not_yet becomes {n['status']} with one more year")
    return out


def eligible_title_levels(d) -> set:
    return {o["level"] for o in d["options"] if o["kind"] == "title" and o["status"] == "eligible"}


def check_higher_grade(lower: Dict[str, Any], higher: Dict[str, Any]) -> List[str]:
    """A higher grade never opens fewer title levels (the same other facts)."""
    missing = eligible_title_levels(lower) - eligible_title_levels(higher)
    return [f"title levels {sorted(missing)} open for the lower grade only"] if missing else []


def check_layering(region: str, local: Dict[str, Any], national: Dict[str, Any]) -> List[str]:
    """An option a local region gives on a national article is the national rule's answer:
    the local layer did not replace that rule, so it must not change it."""
    out = []
    theirs = _options(national)
    for key, o in _options(local).items():
        if o["citations"][0]["doc"] != "national":
            continue
        n = theirs.get(key)
        if n is None:
            out.append(f"{region} {key}: national-cited option absent from the national decision")
        elif (n["status"], n["earliest_year"]) != (o["status"], o["earliest_year"]):
            out.append(
                f"{region} {key}: {o['status']}/{o['earliest_year']} on a national article, "
                f"national says {n['status']}/{n['earliest_year']}"
            )
    return out


def layering_declared(region: str) -> List[str]:
    """The items in force are the national ones minus those the layer replaces, plus its own."""
    out = []
    local = loader.load_layer(region)
    national = loader.load_layer("national")
    in_force = loader.rules_for(region)
    for attr in ("routes", "bars", "knowledge", "equivalents"):
        replaced = {t for item in getattr(local, attr) for t in item.replaces}
        ids = {i.id for i in getattr(in_force, attr)}
        for item in getattr(national, attr):
            gone = item.id in replaced or item.id.split("/")[0] in replaced
            if gone and item.id in ids:
                out.append(f"{region}: {item.id} is replaced but still in force")
            if not gone and item.id not in ids:
                out.append(f"{region}: {item.id} is not replaced but missing")
        for item in getattr(local, attr):
            if item.id not in ids:
                out.append(f"{region}: own item {item.id} not in force")
    return out


def first(violations: List[str], profile: Optional[Dict[str, Any]] = None, limit: int = 8) -> str:
    head = f"{len(violations)} violations" + (f" (e.g. profile {profile})" if profile else "")
    return head + ":\n  " + "\n  ".join(violations[:limit])
