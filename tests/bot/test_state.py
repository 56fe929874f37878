"""Conversation state between messages: in memory (bounded) and in Redis (shared by replicas, sealed)."""

from __future__ import annotations

import datetime
import time

import pytest

from bot.conversation import Turn
from bot.state import MemoryContext, RedisContext
from bot.hitung import Request
from tests import servers


def test_memory_context_forgets_after_its_window_and_beyond_its_size():
    now = [0.0]
    store = MemoryContext(ttl=60, max_entries=2, clock=lambda: now[0])
    store.put("a", Turn("apa itu JKP?", "JKP", 0.0))
    store.put("b", Turn("apa itu JHT?", "JHT", 0.0))
    assert store.get("a").program == "JKP"  # "a" is now the most recent
    store.put("c", Turn("apa itu JKN?", "JKN", 0.0))
    assert store.get("b") is None and store.get("a") is not None  # the least recently used went
    now[0] = 61.0
    assert store.get("a") is None and store.get("c") is None  # expired


def test_memory_context_honours_a_value_of_its_own_ttl():
    now = [0.0]
    store = MemoryContext(ttl=60, clock=lambda: now[0])
    store.put(("hitung", 1, 2), {"asked": "gaji"}, ttl=600)
    now[0] = 300.0
    assert store.get(("hitung", 1, 2)) == {"asked": "gaji"}


@pytest.fixture
def redis_context(redis_prefix: str) -> RedisContext:
    context = RedisContext(servers.REDIS_URL, redis_prefix, ttl=60, secret=b"s" * 32)
    yield context
    context.close()


def test_redis_context_is_shared_by_replicas_and_expires(redis_context: RedisContext, redis_prefix: str):
    other_replica = RedisContext(servers.REDIS_URL, redis_prefix, ttl=60, secret=b"s" * 32)
    key = (-1001, 77)
    redis_context.put(key, Turn("apa itu JKP?", "JKP", time.time(), subject="apa itu JKP?"))
    assert other_replica.get(key) == Turn("apa itu JKP?", "JKP", redis_context.get(key).at, subject="apa itu JKP?")
    other_replica.pop(key)
    assert redis_context.get(key) is None
    redis_context.put(("clarify", 1, 2), Turn("syaratnya apa?", "", 0.0), ttl=0.2)
    time.sleep(0.4)
    assert redis_context.get(("clarify", 1, 2)) is None
    step = {"request": Request("jkn", amount=6_000_000, on=datetime.date(2026, 12, 1)), "asked": "gaji 6 juta"}
    redis_context.put(("hitung", 1, 2), step, ttl=600)
    assert other_replica.get(("hitung", 1, 2)) == step  # a /hitung step survives the hop to another replica
    other_replica.close()


def test_redis_context_ignores_what_this_installation_did_not_seal(redis_context: RedisContext, redis_prefix: str):
    stranger = RedisContext(servers.REDIS_URL, redis_prefix, ttl=60, secret=b"x" * 32)
    stranger.put("k", Turn("apa itu JKP?", "JKP", 0.0))
    assert redis_context.get("k") is None  # never unpickled
    stranger.close()
