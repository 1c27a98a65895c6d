"""Properties every decision must have, whatever the (valid) profile."""

from hypothesis import given, settings

from rules_engine import evaluate, vocabulary
from rules_engine.articles import resolve
from rules_engine.profile import schema

from rules_strategies import profiles

DECISION_KEYS = {"region", "options", "blockers", "missing", "next_steps"}
OPTION_KEYS = {"kind", "level", "status", "path", "earliest_year", "citations", "explanation", "assumptions"}
BLOCKER_KEYS = {"code", "applies_to", "until_year", "citations", "explanation"}


def _check_citations(citations):
    assert citations, "a conclusion without a source"
    for c in citations:
        assert set(c) == {"doc", "article"}
        assert resolve(c["doc"], c["article"]) is not None, c


def check_schema(d: dict, profile: dict):
    assert DECISION_KEYS <= set(d) <= DECISION_KEYS | {"education_equivalent"}
    assert d["region"] == profile.get("region", "national")
    year = profile.get("application_year", 2026)
    for o in d["options"]:
        assert set(o) == OPTION_KEYS
        assert o["kind"] in vocabulary.KINDS and o["path"] in vocabulary.PATHS
        assert o["status"] in vocabulary.STATUSES
        levels = vocabulary.title_levels() if o["kind"] == "title" else vocabulary.skill_grades()
        assert o["level"] in levels
        if o["status"] == "eligible":
            assert o["earliest_year"] == year
        elif o["status"] == "not_yet":
            assert o["earliest_year"] > year
        else:
            assert o["earliest_year"] is None
        assert isinstance(o["explanation"], str) and "《" in o["explanation"]
        _check_citations(o["citations"])
        for a in o["assumptions"]:
            assert a["fact"] in schema()
            _check_citations(a["citations"])
    for b in d["blockers"]:
        assert set(b) == BLOCKER_KEYS
        assert set(b["applies_to"]) <= set(vocabulary.KINDS)
        assert b["until_year"] is None or b["until_year"] > year
        _check_citations(b["citations"])
    for s in d["next_steps"]:
        assert set(s) == {"text", "citations"} and s["text"]
        _check_citations(s["citations"])
    if "education_equivalent" in d:
        assert d["education_equivalent"]["level"] in vocabulary.degrees()
        _check_citations(d["education_equivalent"]["citations"])
    assert all(f in schema() and f not in profile for f in d["missing"])
    assert len(d["missing"]) == len(set(d["missing"]))


@settings(max_examples=400, deadline=None)
@given(profiles())
def test_any_valid_profile_gives_a_decision_matching_the_contract(profile):
    check_schema(evaluate(profile), profile)


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_no_eligible_option_coexists_with_a_blocker_of_its_kind(profile):
    d = evaluate(profile)
    barred = {k for b in d["blockers"] for k in b["applies_to"]}
    assert not [o for o in d["options"] if o["status"] == "eligible" and o["kind"] in barred]


def _eligible(d):
    return {(o["kind"], o["level"], o["path"]) for o in d["options"] if o["status"] == "eligible"}


@settings(max_examples=300, deadline=None)
@given(profiles(), __import__("hypothesis").strategies.integers(1, 10))
def test_more_years_never_remove_an_eligible_option(profile, extra):
    before = evaluate(profile)
    for key in ("skill_years", "professional_years", "title_years"):
        if key in profile:
            profile = {**profile, key: min(60, profile[key] + extra)}
    after = evaluate(profile)
    assert _eligible(before) <= _eligible(after)


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_evaluation_is_deterministic_and_does_not_touch_its_input(profile):
    snapshot = repr(profile)
    assert evaluate(profile) == evaluate(profile)
    assert repr(profile) == snapshot
