"""PII redaction: 身份证号 and 手机号 never reach the tracker store or the logs.

One function, ``redact``, used by the guarded channels (before the ``UserMessage`` is
built), by the redacting tracker store (defence in depth: WeChat and the assist API build
their own messages) and by a logging filter.

- 身份证号: 18 characters (17 digits + digit/X/x) or 15 digits, not part of a longer run
  of digits → ``[身份证号已隐藏]``.
- 手机号: 1[3-9] + 9 digits, optionally ``+86``/``86``/``0086`` in front and a space or
  hyphen after the 3rd and 7th digit (``138-1234-5678``), not part of a longer run of
  digits → ``[手机号已隐藏]``.
Full-width digits (１３８…) count as digits. Years, counts and other short numbers are
never touched.
"""

from __future__ import annotations

import logging
import operator
import re
from typing import Any

ID_MASK = "[身份证号已隐藏]"
PHONE_MASK = "[手机号已隐藏]"

_D = "[0-9０-９]"
_NOT_DIGIT_BEFORE = r"(?<![0-9０-９])"
_NOT_DIGIT_AFTER = r"(?![0-9０-９])"

ID_RE = re.compile(
    _NOT_DIGIT_BEFORE + "(?:" + _D + "{17}[0-9０-９XxＸｘ]" + "|" + _D + "{15})" + r"(?![0-9０-９XxＸｘ])"
)
PHONE_RE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:(?:\+|＋)?(?:00)?86[ \-]?)?"
    + "[1１][3-9３-９]"
    + _D
    + r"[ \-]?"
    + _D
    + "{4}"
    + r"[ \-]?"
    + _D
    + "{4}"
    + _NOT_DIGIT_AFTER
)


def redact(text: Any) -> Any:
    """``text`` with every 身份证号 and 手机号 masked; non-strings are returned unchanged."""
    if not isinstance(text, str) or len(text) < 11:
        return text
    # Cheap pre-check: at least 11 digits somewhere, else nothing can match.
    if sum(ch.isdigit() for ch in text) < 11:
        return text
    redacted = PHONE_RE.sub(PHONE_MASK, ID_RE.sub(ID_MASK, text))
    return text if redacted == text else redacted


def contains_pii(text: Any) -> bool:
    return isinstance(text, str) and redact(text) != text


def redact_deep(value: Any) -> Any:
    """Redacts every string inside dicts/lists (event dicts, parse data). What holds
    nothing to redact is returned as the same object, so callers can tell."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        redacted = {k: redact_deep(v) for k, v in value.items()}
        return value if all(map(operator.is_, redacted.values(), value.values())) else redacted
    if isinstance(value, (list, tuple)):
        redacted = [redact_deep(v) for v in value]
        if all(map(operator.is_, redacted, value)):
            return value
        return redacted if isinstance(value, list) else tuple(redacted)
    return value


class PIIRedactingFilter(logging.Filter):
    """Rewrites a record's message so no 身份证号/手机号 reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = PIIRedactingFilter()


def install_log_filter(logger: logging.Logger = None) -> None:
    """Adds the filter to every handler of ``logger`` (the root logger by default) and to
    the logger itself. Idempotent; call again after handlers are reconfigured."""
    logger = logger or logging.getLogger()
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    for handler in logger.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
