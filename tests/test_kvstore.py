"""The one in-memory/Redis key-value store (bot/kvstore.py) and its three users' shared
semantics: rate-limit buckets (bot/ratelimit.py), the guard's pending turns
(bot/guard.py) and WeChat's delivery claims (bot/channels/wechat/session.py). Every
scenario runs against the memory store and, when redis-server is installed, Redis."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from bot.channels.wechat.session import DedupStore
from bot.guard import PENDING_MAX, PendingTurns
from bot.kvstore import MemoryStore, RedisStore, store_for
from bot.ratelimit import TokenBucket
from wechat_support import redis_url  # noqa: F401  (fixture)


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """A factory of fresh stores sharing one backend (two stores on one Redis stand for
    two Rasa processes)."""
    if request.param == "memory":
        shared = MemoryStore("test", "t:")
        yield lambda: shared
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"test:{uuid.uuid4().hex}:"
    yield lambda: RedisStore(url, "test", prefix)


def run(coro):
    return asyncio.run(coro)


def test_get_set_add_delete(make_store) -> None:
    async def scenario() -> None:
        a, b = make_store(), make_store()
        assert await a.get("k") is None
        await a.set("k", {"x": [1, "二"]}, 30)
        assert await b.get("k") == {"x": [1, "二"]}
        assert await b.add("k", "other", 30) is False
        await b.delete("k")
        assert await a.add("k", "mine", 30) is True
        assert await b.add("k", "theirs", 30) is False
        assert await b.get("k") == "mine"
        await a.close()
        await b.close()

    run(scenario())


def test_update_is_atomic_under_concurrency(make_store) -> None:
    async def scenario() -> None:
        stores = [make_store() for _ in range(4)]

        def increment(old):
            new = (old or 0) + 1
            return new, new

        results = await asyncio.gather(*(s.update("n", increment, 30) for s in stores for _ in range(10)))
        assert sorted(results) == list(range(1, 41))  # no lost update
        assert await stores[0].get("n") == 40
        assert await stores[0].update("n", lambda old: (None, old), 30) == 40  # None deletes
        assert await stores[1].get("n") is None
        for s in stores:
            await s.close()

    run(scenario())


def test_wait_returns_when_ready_or_at_timeout(make_store) -> None:
    async def scenario() -> None:
        a, b = make_store(), make_store()
        await a.set("w", "busy", 30)

        async def later() -> None:
            await asyncio.sleep(0.1)
            await b.set("w", "done", 30)

        started = time.monotonic()
        value, _ = await asyncio.gather(a.wait("w", lambda v: v == "done", 3.0), later())
        assert value == "done" and time.monotonic() - started < 2.0
        assert await a.wait("w", lambda v: v == "never", 0.05) == "done"
        await a.close()
        await b.close()

    run(scenario())


def test_memory_store_expires_and_stays_bounded() -> None:
    now = [100.0]
    store = MemoryStore("test", clock=lambda: now[0], max_keys=3)

    async def scenario() -> None:
        await store.set("a", 1, 10)
        now[0] += 11
        assert await store.get("a") is None
        assert await store.add("a", 2, 10) is True
        for key in "bcde":
            await store.set(key, key, 10)
        assert len(store) == 3 and await store.get("a") is None  # oldest written went first

    run(scenario())


def test_redis_down_reads_absent_and_fails_open(caplog) -> None:
    store = RedisStore("redis://127.0.0.1:1/0", "unreachable", socket_timeout=0.2)

    async def scenario() -> None:
        assert await store.get("k") is None
        await store.set("k", 1, 10)  # dropped, no exception
        assert await store.add("k", 1, 10) is True  # a claim succeeds
        assert await store.update("k", lambda old: ([old], "fresh" if old is None else "old"), 10) == "fresh"
        await store.close()

    run(scenario())
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings and all("unreachable: redis" in w for w in warnings)


def test_store_for_chooses_by_url() -> None:
    assert isinstance(store_for(None, "x", "x:"), MemoryStore)
    assert isinstance(store_for("redis://127.0.0.1:1/0", "x", "x:"), RedisStore)


# ------------------------------------------------------------------ the three users


def test_token_bucket_limits_one_key_and_refills(make_store) -> None:
    async def scenario() -> None:
        one, two = TokenBucket(make_store(), 3, 1.0), TokenBucket(make_store(), 3, 1.0)
        t = 1000.0
        assert [await (one if i % 2 else two).allow("wechat:A", t) for i in range(4)] == [True, True, True, False]
        assert await one.allow("wechat:B", t) is True  # another follower is served
        assert await two.allow("wechat:A", t + 1.0) is True  # one token back after 1 s
        assert await two.allow("wechat:A", t + 1.0) is False
        assert await TokenBucket(make_store(), 0, 1.0).allow("x") is True  # burst 0: off

    run(scenario())


def test_pending_turns_keep_the_last_few(make_store) -> None:
    async def scenario() -> None:
        pending = PendingTurns(make_store())
        assert await pending.get("s") == []
        await pending.set("s", [f"消息{i}" for i in range(PENDING_MAX + 2)])
        assert await PendingTurns(make_store()).get("s") == [f"消息{i}" for i in range(2, PENDING_MAX + 2)]
        await pending.set("s", [])
        assert await pending.get("s") == []

    run(scenario())


def test_dedup_claims_once_and_shares_the_answer(make_store) -> None:
    async def scenario() -> None:
        first, retry = DedupStore(make_store(), ttl=30), DedupStore(make_store(), ttl=30)
        assert await first.claim("m") is True
        assert await retry.claim("m") is False
        assert await retry.wait_result("m", 0.05) is None  # still being answered

        async def answer() -> None:
            await asyncio.sleep(0.1)
            await first.set_result("m", {"kind": "text", "content": "答案"})

        result, _ = await asyncio.gather(retry.wait_result("m", 3.0), answer())
        assert result == {"kind": "text", "content": "答案"}
        assert await retry.wait_result("never-seen", 3.0) is None  # nothing to wait for

    run(scenario())
