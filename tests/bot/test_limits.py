"""The per-user question limit."""

from bot.limits import UserRateLimit, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_limit_warns_once_then_drops_then_recovers():
    clock = Clock()
    limit = UserRateLimit(3, 60, clock=clock)
    assert [limit.check(1) for _ in range(6)] == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert limit.check(2) is Verdict.ALLOW  # other users are not affected
    clock.now = 61
    assert limit.check(1) is Verdict.ALLOW


def test_sliding_window():
    clock = Clock()
    limit = UserRateLimit(2, 10, clock=clock)
    limit.check(1)
    clock.now = 6
    limit.check(1)
    clock.now = 11  # the first question left the window, the second has not
    assert limit.check(1) is Verdict.ALLOW
    assert limit.check(1) is Verdict.WARN


def test_no_user_or_no_limit_always_allows():
    assert UserRateLimit(1, 60).check(None) is Verdict.ALLOW
    unlimited = UserRateLimit(0, 60)
    assert all(unlimited.check(1) is Verdict.ALLOW for _ in range(100))
