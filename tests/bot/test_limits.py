"""The per-user question limit, in memory and in Redis (shared by replicas)."""

import time

import pytest

from bot.limits import UserRateLimit, Verdict


def test_limit_warns_once_then_drops_then_recovers(limit_storage):
    limit = UserRateLimit(3, 1, storage_uri=limit_storage.uri, prefix=limit_storage.prefix)
    assert [limit.check(1) for _ in range(6)] == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert limit.check(2) is Verdict.ALLOW  # other users are not affected
    time.sleep(1.1)
    assert limit.check(1) is Verdict.ALLOW


def test_replicas_share_one_allowance(limit_storage):
    if limit_storage.uri == "memory://":
        pytest.skip("memory is per process: only Redis is shared")
    first, second = (UserRateLimit(2, 60, storage_uri=limit_storage.uri, prefix=limit_storage.prefix) for _ in range(2))
    assert first.check(7) is Verdict.ALLOW and second.check(7) is Verdict.ALLOW
    assert first.check(7) is Verdict.WARN and second.check(7) is Verdict.DROP


def test_no_user_or_no_limit_always_allows():
    assert UserRateLimit(1, 60).check(None) is Verdict.ALLOW
    unlimited = UserRateLimit(0, 60)
    assert all(unlimited.check(1) is Verdict.ALLOW for _ in range(100))


def test_an_unreachable_redis_admits_rather_than_refuses():
    limit = UserRateLimit(1, 60, storage_uri="redis://127.0.0.1:1")  # nothing listens on port 1
    assert [limit.check(1) for _ in range(3)] == [Verdict.ALLOW] * 3
