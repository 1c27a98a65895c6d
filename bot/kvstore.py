"""One key-value store with expiry, in this process or in Redis: the pattern the rate limit
(bot/ratelimit.py), the guard's pending turns (bot/guard.py) and WeChat's delivery
de-duplication (bot/channels/wechat/session.py) all need, written once.

Why one helper: each of them needs the same few things — a value per key that expires, an
atomic "set if absent" or read-modify-write, and the choice between a dict (one process)
and Redis (several instances behind a load balancer) made by a URL. Values are anything
JSON can hold.

Redis failures fail *open*, by one rule: while Redis is unreachable every key reads as
absent and writes are dropped, with a warning naming the store (never a key or a value:
keys hold sender ids). So a rate limit lets the message through, a claim succeeds (better
answered twice than never), a pending queue reads empty — nothing takes the assistant down.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional, Text, Tuple, TypeVar

logger = logging.getLogger(__name__)

R = TypeVar("R")
#: ``update``'s function: old value (None when absent) -> (new value, result to return).
Updater = Callable[[Any], Tuple[Any, R]]


class KeyValueStore:
    """The interface; ``name`` appears in warnings, ``prefix`` namespaces the keys."""

    def __init__(self, name: Text, prefix: Text) -> None:
        self.name, self.prefix = name, prefix

    async def get(self, key: Text) -> Any:
        raise NotImplementedError

    async def set(self, key: Text, value: Any, ttl: float) -> None:
        raise NotImplementedError

    async def add(self, key: Text, value: Any, ttl: float) -> bool:
        """Sets only when the key is absent; True when this call set it (a claim)."""
        raise NotImplementedError

    async def delete(self, key: Text) -> None:
        raise NotImplementedError

    async def update(self, key: Text, fn: Updater, ttl: float) -> R:
        """Atomic read-modify-write: stores ``fn(old)[0]`` and returns ``fn(old)[1]``."""
        raise NotImplementedError

    async def wait(self, key: Text, ready: Callable[[Any], bool], timeout: float) -> Any:
        """The key's value once ``ready(value)``, or whatever it holds after ``timeout``."""
        raise NotImplementedError

    async def close(self) -> None:
        """Releases connections, if any."""


class MemoryStore(KeyValueStore):
    """A dict with expiry, bounded to ``max_keys`` (least recently written go first).

    Atomic without locks: no method awaits between reading and writing, and each
    Sanic worker runs on one event loop."""

    def __init__(
        self,
        name: Text = "store",
        prefix: Text = "",
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name, prefix)
        self.max_keys, self._clock = max_keys, clock
        self._items: "OrderedDict[Text, Tuple[float, Text]]" = OrderedDict()
        self._changed: Dict[Text, asyncio.Event] = {}
        self._next_purge = 0.0

    def __len__(self) -> int:
        return len(self._items)

    def _read(self, key: Text) -> Any:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= self._clock():
            del self._items[key]
            return None
        return json.loads(item[1])

    def _write(self, key: Text, value: Any, ttl: float) -> None:
        self._purge()
        self._items.pop(key, None)
        self._items[key] = (self._clock() + ttl, json.dumps(value, ensure_ascii=False))
        while len(self._items) > self.max_keys:
            self._items.popitem(last=False)
        event = self._changed.pop(key, None)
        if event is not None:
            event.set()

    def _purge(self) -> None:
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + 10.0
        for key in [k for k, (expires, _) in self._items.items() if expires <= now]:
            del self._items[key]

    async def get(self, key: Text) -> Any:
        return self._read(key)

    async def set(self, key: Text, value: Any, ttl: float) -> None:
        self._write(key, value, ttl)

    async def add(self, key: Text, value: Any, ttl: float) -> bool:
        if self._read(key) is not None:
            return False
        self._write(key, value, ttl)
        return True

    async def delete(self, key: Text) -> None:
        self._items.pop(key, None)

    async def update(self, key: Text, fn: Updater, ttl: float) -> R:
        new, result = fn(self._read(key))
        if new is None:
            self._items.pop(key, None)
        else:
            self._write(key, new, ttl)
        return result

    async def wait(self, key: Text, ready: Callable[[Any], bool], timeout: float) -> Any:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            value = self._read(key)
            remaining = deadline - time.monotonic()
            if ready(value) or remaining <= 0:
                return value
            event = self._changed.setdefault(key, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                return self._read(key)


class RedisStore(KeyValueStore):
    """The same store in Redis (``SET … NX EX``; ``WATCH``/``MULTI`` for ``update``)."""

    def __init__(
        self,
        url: Text,
        name: Text = "store",
        prefix: Text = "jineng:",
        poll_interval: float = 0.05,
        socket_timeout: float = 1.0,
    ) -> None:
        super().__init__(name, prefix)
        self.url, self.poll_interval, self.socket_timeout = url, poll_interval, socket_timeout
        self._redis: Any = None
        self._locks: Dict[Text, asyncio.Lock] = {}

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as redis_asyncio  # only needed with a Redis URL

            self._redis = redis_asyncio.from_url(
                self.url,
                decode_responses=True,
                socket_timeout=self.socket_timeout,
                socket_connect_timeout=self.socket_timeout,
            )
        return self._redis

    def _unavailable(self, what: Text, exc: Exception) -> None:
        logger.warning("%s: redis %s failed (%s); failing open", self.name, what, type(exc).__name__)

    @staticmethod
    def _ex(ttl: float) -> int:
        return max(1, int(round(ttl)))

    async def get(self, key: Text) -> Any:
        try:
            raw = await self._client().get(self.prefix + key)
        except Exception as exc:
            self._unavailable("get", exc)
            return None
        try:
            return None if raw is None else json.loads(raw)
        except ValueError:
            return None

    async def set(self, key: Text, value: Any, ttl: float) -> None:
        try:
            await self._client().set(self.prefix + key, json.dumps(value, ensure_ascii=False), ex=self._ex(ttl))
        except Exception as exc:
            self._unavailable("set", exc)

    async def add(self, key: Text, value: Any, ttl: float) -> bool:
        try:
            return bool(
                await self._client().set(
                    self.prefix + key, json.dumps(value, ensure_ascii=False), ex=self._ex(ttl), nx=True
                )
            )
        except Exception as exc:
            self._unavailable("add", exc)
            return True

    async def delete(self, key: Text) -> None:
        try:
            await self._client().delete(self.prefix + key)
        except Exception as exc:
            self._unavailable("delete", exc)

    async def update(self, key: Text, fn: Updater, ttl: float) -> R:
        # Writers in this process take turns (a per-key lock); writers in other processes
        # are caught by WATCH, and the loser reads again after a short random pause.
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                return await self._watched_update(key, fn, ttl)
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]

    async def _watched_update(self, key: Text, fn: Updater, ttl: float) -> R:
        from redis.exceptions import WatchError

        full = self.prefix + key
        try:
            async with self._client().pipeline(transaction=True) as pipe:
                for attempt in range(50):
                    try:
                        await pipe.watch(full)
                        raw = await pipe.get(full)
                        new, result = fn(None if raw is None else json.loads(raw))
                        pipe.multi()
                        if new is None:
                            pipe.delete(full)
                        else:
                            pipe.set(full, json.dumps(new, ensure_ascii=False), ex=self._ex(ttl))
                        await pipe.execute()
                        return result
                    except WatchError:
                        await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                raise RuntimeError("too much contention")
        except Exception as exc:
            self._unavailable("update", exc)
            return fn(None)[1]

    async def wait(self, key: Text, ready: Callable[[Any], bool], timeout: float) -> Any:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            value = await self.get(key)
            remaining = deadline - time.monotonic()
            if ready(value) or remaining <= 0:
                return value
            await asyncio.sleep(min(self.poll_interval, remaining))

    async def close(self) -> None:
        if self._redis is not None:
            try:
                await self._redis.close()
            except Exception as exc:
                self._unavailable("close", exc)
            self._redis = None


def store_for(url: Optional[Text], name: Text, prefix: Text, **memory_options: Any) -> KeyValueStore:
    """Redis when ``url`` is given, else this process's memory."""
    return RedisStore(url, name=name, prefix=prefix) if url else MemoryStore(name, prefix, **memory_options)


def store_from_env(name: Text, prefix: Text, env: Text = "REDIS_URL", **memory_options: Any) -> KeyValueStore:
    """``store_for`` with the URL from the environment variable ``env``."""
    return store_for(os.environ.get(env) or None, name, prefix, **memory_options)
