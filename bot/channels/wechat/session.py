"""What the channel remembers between WeChat's deliveries: which deliveries are being or
have been answered (WeChat retries a message up to three times with the same MsgId), and
which followers have unsubscribed (their pending pushes are dropped).

Both live in the shared key-value store (bot/kvstore.py): this process's memory, or Redis
(``WECHAT_DEDUP_REDIS_URL``) when several Rasa processes share the webhook.
"""

from __future__ import annotations

import time
from typing import Callable, Dict, Optional, Text

from bot.kvstore import KeyValueStore, MemoryStore, RedisStore

DEFAULT_DEDUP_TTL = 600
DEFAULT_PROCESSING_TTL = 120
#: An unsubscribed follower's pushes stay dropped this long (pushes wait minutes at most).
UNSUBSCRIBED_TTL = 24 * 3600
PROCESSING = "__processing__"


class DedupStore:
    """Remembers which deliveries are in progress / answered.

    ``claim`` is atomic: exactly one delivery of a key gets ``True`` and runs the bot; the
    others ``wait_result`` for the answer it stores. An abandoned claim expires after
    ``processing_ttl``, an answer after ``ttl``.
    """

    def __init__(
        self, store: KeyValueStore, ttl: float = DEFAULT_DEDUP_TTL, processing_ttl: float = DEFAULT_PROCESSING_TTL
    ) -> None:
        self.store, self.ttl, self.processing_ttl = store, ttl, processing_ttl

    def __len__(self) -> int:
        return len(self.store)  # type: ignore[arg-type]  # memory stores only

    async def claim(self, key: Text) -> bool:
        return await self.store.add("dedup:" + key, PROCESSING, self.processing_ttl)

    async def get_result(self, key: Text) -> Optional[Dict[Text, Text]]:
        value = await self.store.get("dedup:" + key)
        return value if isinstance(value, dict) else None

    async def set_result(self, key: Text, result: Dict[Text, Text]) -> None:
        await self.store.set("dedup:" + key, result, self.ttl)

    async def wait_result(self, key: Text, timeout: float) -> Optional[Dict[Text, Text]]:
        value = await self.store.wait("dedup:" + key, lambda v: v is None or isinstance(v, dict), timeout)
        return value if isinstance(value, dict) else None

    async def close(self) -> None:
        await self.store.close()


class MemoryDedupStore(DedupStore):
    """Single-process store (the default)."""

    def __init__(
        self,
        ttl: float = DEFAULT_DEDUP_TTL,
        processing_ttl: float = DEFAULT_PROCESSING_TTL,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(MemoryStore("wechat dedup", "wechat:", max_keys=max_entries, clock=clock), ttl, processing_ttl)


class RedisDedupStore(DedupStore):
    """Store shared by several Rasa processes; Redis failures fail open (the message is
    processed: answering twice is better than never answering)."""

    def __init__(
        self, url: Text, ttl: float = DEFAULT_DEDUP_TTL, processing_ttl: float = DEFAULT_PROCESSING_TTL
    ) -> None:
        super().__init__(RedisStore(url, "wechat dedup", "wechat:", socket_timeout=2.0), ttl, processing_ttl)


class Unsubscribed:
    """Followers who unsubscribed: nothing more is pushed to them until they come back."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    async def add(self, openid: Text) -> None:
        await self.store.set("gone:" + openid, 1, UNSUBSCRIBED_TTL)

    async def discard(self, openid: Text) -> None:
        await self.store.delete("gone:" + openid)

    async def contains(self, openid: Text) -> bool:
        return await self.store.get("gone:" + openid) is not None
