"""Shared test set-up: today's date is pinned so that answers about years and windows
are reproducible (the product reads it from rules_engine.clock)."""

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PINNED_TODAY = dt.date(2026, 11, 21)
os.environ.setdefault("JINENG_TODAY", PINNED_TODAY.isoformat())


# ---- what a test patches in Rasa (bot.patching), it puts back ---------------------------


@pytest.fixture(autouse=True, scope="module")
def _rasa_restored_after_module():
    from bot import patching

    before = patching.applied()
    yield
    patching.undo_all(since=before)


@pytest.fixture(autouse=True)
def _rasa_restored_after_test():
    from bot import patching

    before = patching.applied()
    yield
    patching.undo_all(since=before)


@pytest.fixture(autouse=True)
def _pinned_today():
    from rules_engine import clock

    with clock.pinned(PINNED_TODAY):
        yield


# ---- slow tests: `make test-fast` leaves them out ---------------------------------------
# One rule instead of a mark in each file: a test module that starts real servers (a stack or
# the cluster, tests/servers.py) or a browser is slow, whoever writes the next one.
SLOW_HELPERS = ("running_stack", "running_cluster", "sync_playwright")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and any(hasattr(module, name) for name in SLOW_HELPERS):
            item.add_marker(pytest.mark.slow)


# ---- counts of the reliability tests, printed at the end of `make test` ------------------
# pytest -q captures what a passing test prints; these lines are shown in the summary and
# written to build/test-artifacts/reliability.txt, so every run reports them.


def pytest_configure(config):
    config._jineng_counts = []


@pytest.fixture
def report_counts(request):
    """``report_counts("what", "figures")``: one line for the end-of-run summary."""

    def report(what, figures):
        request.config._jineng_counts.append(f"{what}: {figures}")

    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = getattr(config, "_jineng_counts", [])
    if not lines:
        return
    terminalreporter.section("reliability counts")
    for line in lines:
        terminalreporter.write_line(line)
    out = ROOT / "build" / "test-artifacts" / "reliability.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- the trained model, for tests that parse through the whole NLU pipeline ------------


@pytest.fixture(scope="module")
def agent():
    """The trained model (skipped before `make train`), loaded once per module."""
    from rasa.core.agent import Agent

    model = os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz")
    if not os.path.exists(model):
        pytest.skip("no trained model (make test trains it)")
    return Agent.load(model)
