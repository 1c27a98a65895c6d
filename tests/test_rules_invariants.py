"""Invariants over an exhaustive grid of profiles (tests/rules_invariants.py says which).

The grid is every region × skill grade × years 0–10 × title level × title years × each
award, and every region × grade × years × title × each bar flag: about 45,000 decisions,
evaluated once and shared by the checks below.
"""

from functools import lru_cache

import pytest

import rules_invariants as inv
from rules_engine import evaluate, vocabulary


@lru_cache(maxsize=1)
def decisions():
    return {key: (p, evaluate(p)) for key, p in inv.grid()}


def _report(found):
    assert not found, inv.first([f"{k}: {v}" for k, vs in found for v in vs])


def test_the_grid_is_exhaustive_on_its_axes():
    keys = decisions().keys()
    assert {k[0] for k in keys} == set(vocabulary.REGIONS)
    assert {k[5] for k in keys} - {None} == set(vocabulary.awards())
    assert {k[6] for k in keys} == set(inv.BAR_FLAGS)
    assert {k[2] for k in keys} == set(inv.YEARS)
    assert len(keys) > 40000


def test_every_decision_keeps_the_invariants():
    """Held levels never offered; eligible options quote their article verbatim; not_yet
    names a later year; blockers name their article and end; highest level first."""
    found = []
    for key, (p, d) in decisions().items():
        v = inv.check_decision(p, d)
        if v:
            found.append((key, v))
    _report(found)


def test_one_more_year_never_removes_an_option():
    found = []
    table = decisions()
    for key, (_p, d) in table.items():
        years = key[2]
        if years is None or years == 10:
            continue
        nxt = table[key[:2] + (years + 1,) + key[3:]][1]
        v = inv.check_one_more_year(d, nxt)
        if v:
            found.append((key, v))
    _report(found)


def test_a_higher_grade_never_opens_fewer_title_levels():
    found = []
    table = decisions()
    grades = inv.GRADES
    for key, (_p, d) in table.items():
        grade = key[1]
        if grade is None or grade == grades[-1]:
            continue
        higher = table[key[:1] + (grades[grades.index(grade) + 1],) + key[2:]][1]
        v = inv.check_higher_grade(d, higher)
        if v:
            found.append((key, v))
    _report(found)


def test_local_regions_answer_national_articles_as_the_national_rules_do():
    found = []
    table = decisions()
    for key, (_p, d) in table.items():
        region = key[0]
        if region == "national" or key[6] != "none":
            continue  # local bars are meant to differ
        national = table[("national",) + key[1:]][1]
        v = inv.check_layering(region, d, national)
        if v:
            found.append((key, v))
    _report(found)


@pytest.mark.parametrize("region", ["nei_mongol", "baise"])
def test_the_layers_in_force_are_what_they_declare(region):
    assert inv.layering_declared(region) == []
