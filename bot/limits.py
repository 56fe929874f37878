"""A per-user question limit, so one user's flood cannot crowd out everyone else.

The counting is the `limits` library's moving window, kept in memory or, when several replicas
answer one bot, in Redis (`REDIS_URL`), so that a user gets the same allowance however their
messages are spread over the replicas.
"""

from __future__ import annotations

import enum
import logging
import math

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first refused question in a window: tell the user politely
    DROP = "drop"  # already told: stay quiet rather than add to the flood


class UserRateLimit:
    """At most `limit` questions per user in any `window` seconds (whole seconds, at least one)."""

    def __init__(self, limit: int, window: float, storage_uri: str = "memory://", prefix: str = "tanya") -> None:
        self.limit, self.window = limit, max(1, math.ceil(window))
        options = {"key_prefix": f"{prefix}:limits"} if storage_uri.startswith(("redis", "unix")) else {}
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))
        self._questions = RateLimitItemPerSecond(max(limit, 1), self.window)
        self._warnings = RateLimitItemPerSecond(1, self.window)  # one polite note per window

    def check(self, user_id: int | None) -> Verdict:
        """Count one question for `user_id` and say whether to answer it (blocking: call off the event loop)."""
        if user_id is None or self.limit <= 0:
            return Verdict.ALLOW
        try:
            if self._limiter.hit(self._questions, "questions", str(user_id)):
                return Verdict.ALLOW
            return Verdict.WARN if self._limiter.hit(self._warnings, "warnings", str(user_id)) else Verdict.DROP
        except Exception as exc:  # Redis away: answering beats refusing everyone
            logger.warning("the rate limit store failed (%s); question admitted", exc)
            return Verdict.ALLOW
