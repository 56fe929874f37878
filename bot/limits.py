"""A per-user question limit, so one user's flood cannot crowd out everyone else."""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable

MAX_TRACKED_USERS = 10_000


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first refused question in a window: tell the user politely
    DROP = "drop"  # already told: stay quiet rather than add to the flood


class UserRateLimit:
    """At most `limit` questions per user in any `window` seconds (sliding window)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._asked: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int | None) -> Verdict:
        """Count one question for `user_id` and say whether to answer it."""
        if user_id is None or self.limit <= 0:
            return Verdict.ALLOW
        now = self._clock()
        if len(self._asked) > MAX_TRACKED_USERS:
            self._forget_idle(now)
        times = self._asked.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            return Verdict.ALLOW
        if now - self._warned.get(user_id, -self.window) >= self.window:
            self._warned[user_id] = now
            return Verdict.WARN
        return Verdict.DROP

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, times in self._asked.items() if not times or now - times[-1] >= self.window]:
            del self._asked[user_id]
            self._warned.pop(user_id, None)
