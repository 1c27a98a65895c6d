"""The one place that knows today's date.

Years since a certificate and this year's application window depend on it; tests pin
it with the JINENG_TODAY environment variable (YYYY-MM-DD) or `pinned()`.
"""

from __future__ import annotations

import datetime as _dt
import os
from contextlib import contextmanager
from typing import Iterator, Optional

ENV_VAR = "JINENG_TODAY"
_pinned: Optional[_dt.date] = None


def today() -> _dt.date:
    if _pinned is not None:
        return _pinned
    value = os.environ.get(ENV_VAR)
    if value:
        return _dt.date.fromisoformat(value)
    return _dt.date.today()


def current_year() -> int:
    return today().year


@contextmanager
def pinned(date: _dt.date) -> Iterator[None]:
    global _pinned
    previous, _pinned = _pinned, date
    try:
        yield
    finally:
        _pinned = previous
