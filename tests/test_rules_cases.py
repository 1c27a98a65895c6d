"""The table of cases in tests/rules/cases.yaml, each checked against the engine."""

from pathlib import Path

import pytest
import yaml

from rules_engine import evaluate
from rules_engine.articles import base_article

CASES = yaml.safe_load((Path(__file__).parent / "rules" / "cases.yaml").read_text(encoding="utf-8"))


def _cites(citations, expected: str) -> bool:
    doc, article = expected.split()
    return any(
        c["doc"] == doc and (c["article"] == article or base_article(c["article"]) == article) for c in citations
    )


def _matches(item: dict, spec: dict) -> bool:
    for key, want in spec.items():
        if key == "cite":
            if not _cites(item["citations"], want):
                return False
        elif key == "assumes":
            if want not in [a["fact"] for a in item.get("assumptions", [])]:
                return False
        elif key == "says":
            if any(text not in item["explanation"] for text in ([want] if isinstance(want, str) else want)):
                return False
        elif item.get(key) != want:
            return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    d = evaluate(case["profile"])
    for spec in case.get("options", []):
        assert any(_matches(o, spec) for o in d["options"]), f"no option matches {spec}: {d['options']}"
    for spec in case.get("no_option", []):
        hits = [o for o in d["options"] if _matches(o, spec)]
        assert not hits, f"unexpected option {spec}: {hits}"
    for spec in case.get("blockers", []):
        assert any(_matches(b, spec) for b in d["blockers"]), f"no blocker matches {spec}: {d['blockers']}"
    if case.get("no_blockers"):
        assert d["blockers"] == []
    for fact in case.get("missing_has", []):
        assert fact in d["missing"]
    for fact in case.get("missing_lacks", []):
        assert fact not in d["missing"]
    if "missing_first" in case:
        assert d["missing"] and d["missing"][0] == case["missing_first"], d["missing"]
    steps = " ".join(s["text"] for s in d["next_steps"])
    for text in case.get("steps_mention", []):
        assert text in steps, f"{text!r} not in next steps: {steps}"
    for text in case.get("steps_lack", []):
        assert text not in steps, f"{text!r} should not be in next steps: {steps}"
    if "education" in case:
        if case["education"] is None:
            assert "education_equivalent" not in d
        else:
            assert d["education_equivalent"]["level"] == case["education"]
            if "education_cite" in case:
                assert _cites(d["education_equivalent"]["citations"], case["education_cite"])
