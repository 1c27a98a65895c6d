"""Per-sender token bucket for the public channels.

The buckets live in the shared key-value store (bot/kvstore.py): in this process by
default, in Redis with ``REDIS_URL`` set, so the limit holds across every Rasa instance
behind the load balancer. Each take is one atomic read-modify-write; if Redis is
unreachable the store fails open (a warning is logged) — a rate limit must not take the
assistant down.

Settings (environment): ``RATE_LIMIT_BURST`` (bucket size, default 20 messages) and
``RATE_LIMIT_PER_MINUTE`` (refill, default 60). ``RATE_LIMIT_BURST=0`` disables it.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, List, Optional, Text, Tuple

from bot.kvstore import KeyValueStore, store_from_env

logger = logging.getLogger(__name__)


def _env_float(name: Text, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        logger.warning("%s=%r is not a number; using %s", name, os.environ.get(name), default)
        return default


class TokenBucket:
    """``burst`` messages at once, refilled at ``per_second``; one bucket per key."""

    def __init__(self, store: KeyValueStore, burst: float, per_second: float) -> None:
        self.store, self.burst, self.rate = store, burst, per_second
        # Idle long enough to be full again: the bucket may be forgotten.
        self.ttl = burst / per_second + 60 if per_second > 0 else 3600

    async def allow(self, key: Text, now: Optional[float] = None) -> bool:
        if self.burst <= 0:
            return True
        now = time.time() if now is None else now

        def take(state: Any) -> Tuple[List[float], bool]:
            tokens, last = state if isinstance(state, list) and len(state) == 2 else (self.burst, now)
            tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
            allowed = tokens >= 1
            return [tokens - 1 if allowed else tokens, now], allowed

        return await self.store.update(key, take, self.ttl)


def limiter_from_env() -> TokenBucket:
    burst = _env_float("RATE_LIMIT_BURST", 20)
    per_second = _env_float("RATE_LIMIT_PER_MINUTE", 60) / 60.0
    return TokenBucket(store_from_env("rate limit", "jineng:rl:"), burst, per_second)
