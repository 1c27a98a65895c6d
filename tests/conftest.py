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


@pytest.fixture(autouse=True)
def _pinned_today():
    from rules_engine import clock
    with clock.pinned(PINNED_TODAY):
        yield
