"""The sign-off sheets in docs/answers/ are what the rules answer today: a change to a rule
shows up in review as a diff of answers, and a stale sheet fails here."""

import subprocess
import sys

import pytest

from rules_engine import vocabulary
from rules_engine.sheet import ROOT_HINT, outcomes, render, sheet_path

ROOT = sheet_path("baise").parents[2]


@pytest.mark.parametrize("region", vocabulary.REGIONS)
def test_committed_sheet_is_current(region):
    path = sheet_path(region)
    assert path.exists(), f"{path} is missing: {ROOT_HINT}"
    assert path.read_text(encoding="utf-8") == render(region), f"{path} is stale: {ROOT_HINT}"


@pytest.mark.parametrize("region", vocabulary.REGIONS)
def test_every_outcome_has_one_representative_and_every_answer_cites(region):
    rows = outcomes(region)
    assert len(rows) > 50
    for profile, decision in rows:
        assert profile["region"] == region
        for o in decision["options"]:
            assert "《" in o["explanation"] and o["citations"]


def test_the_command_writes_plain_chinese_and_refuses_an_unknown_region():
    ok = subprocess.run(
        [sys.executable, "-m", "rules_engine", "sheet", "--region", "nei_mongol"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("# 答复核对表：内蒙古自治区")
    assert "《内蒙古通知》二（四）" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "rules_engine", "sheet", "--region", "guangxi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "guangxi" in bad.stderr
