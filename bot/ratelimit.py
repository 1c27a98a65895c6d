"""Per-sender token bucket for the public channels.

In-process by default; with ``REDIS_URL`` set the bucket lives in Redis (one Lua script,
atomic), so the limit holds across every Rasa instance behind the load balancer. If Redis
is unreachable the limiter fails open (logs a warning) — a rate limit must not take the
assistant down.

Settings (environment): ``RATE_LIMIT_BURST`` (bucket size, default 20 messages) and
``RATE_LIMIT_PER_MINUTE`` (refill, default 60). ``RATE_LIMIT_BURST=0`` disables it.
"""
from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Optional, Text, Tuple

logger = logging.getLogger(__name__)


def _env_float(name: Text, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        logger.warning("%s=%r is not a number; using %s", name, os.environ.get(name), default)
        return default


class MemoryTokenBucket:
    """One bucket per key, kept in an LRU of at most ``max_keys`` senders."""

    def __init__(self, burst: float, per_second: float, max_keys: int = 100_000) -> None:
        self.burst, self.rate, self.max_keys = burst, per_second, max_keys
        self._buckets: "OrderedDict[Text, Tuple[float, float]]" = OrderedDict()

    async def allow(self, key: Text, now: Optional[float] = None) -> bool:
        if self.burst <= 0:
            return True
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed


# KEYS[1] bucket key; ARGV: burst, rate per second, now (s), ttl (s)
_LUA = """
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local burst, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens, ts = tonumber(b[1]), tonumber(b[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return allowed
"""


class RedisTokenBucket:
    def __init__(self, url: Text, burst: float, per_second: float, prefix: Text = "jineng:rl:") -> None:
        self.url, self.burst, self.rate, self.prefix = url, burst, per_second, prefix
        self._redis = None
        self._script = None

    def _client(self):
        if self._redis is None:
            import redis.asyncio as redis_asyncio

            self._redis = redis_asyncio.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
            self._script = self._redis.register_script(_LUA)
        return self._redis

    async def allow(self, key: Text, now: Optional[float] = None) -> bool:
        if self.burst <= 0:
            return True
        try:
            self._client()
            ttl = int(self.burst / self.rate) + 60 if self.rate > 0 else 3600
            result = await self._script(keys=[self.prefix + key],
                                        args=[self.burst, self.rate, time.time() if now is None else now, ttl])
            return bool(int(result))
        except Exception as exc:  # Redis down: fail open
            logger.warning("rate limit: redis unavailable (%s); allowing", type(exc).__name__)
            return True


def limiter_from_env():
    burst = _env_float("RATE_LIMIT_BURST", 20)
    per_second = _env_float("RATE_LIMIT_PER_MINUTE", 60) / 60.0
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisTokenBucket(url, burst, per_second)
    return MemoryTokenBucket(burst, per_second)
