"""What a conversation leaves for its next message: the last turn, a question asked back, a /hitung step.

Consecutive messages of one chat may reach different replicas, so this state lives behind one
small interface: in memory for one process (bounded in size and age), in Redis when `REDIS_URL`
is set. Values are Python objects of this project (turns, calculator requests); in Redis they
are pickled and sealed with an HMAC of the installation's secret, so only this bot's own
writes are ever unpickled. Nothing here reaches a disk but Redis's (which keeps nothing by
default), and every entry expires.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

DIGEST_SIZE = 32


class ContextStore(Protocol):
    """Values by key, each for `ttl` seconds (the store's default when not given)."""

    def get(self, key: Hashable) -> Any | None: ...

    def put(self, key: Hashable, value: Any, ttl: float | None = None) -> None: ...

    def pop(self, key: Hashable) -> None: ...


class MemoryContext:
    """Values in memory, at most `max_entries` (least recently used go first), each for `ttl` seconds."""

    def __init__(self, ttl: float, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl, max_entries, clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if self.clock() >= item[0]:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        with self._lock:
            self._items[key] = (self.clock() + (self.ttl if ttl is None else ttl), value)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._items.pop(key, None)


class RedisContext:
    """Values in Redis under `prefix`, shared by every replica; Redis expires them (`SET ... PX`)."""

    def __init__(self, url: str, prefix: str, ttl: float, secret: bytes) -> None:
        import redis

        self.ttl, self.prefix, self._secret = ttl, prefix, secret
        self._redis = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)

    def _key(self, key: Hashable) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        return ":".join([self.prefix, "context", *(str(part) for part in parts)])

    def get(self, key: Hashable) -> Any | None:
        data = self._redis.get(self._key(key))
        if data is None or len(data) <= DIGEST_SIZE:
            return None
        digest, body = data[:DIGEST_SIZE], data[DIGEST_SIZE:]
        if not hmac.compare_digest(digest, hmac.new(self._secret, body, hashlib.sha256).digest()):
            logger.warning("a context entry in Redis is not sealed by this installation; ignored")
            return None
        try:
            return pickle.loads(body)
        except Exception:  # written by another version of the bot: as if it had expired
            return None

    def put(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hmac.new(self._secret, body, hashlib.sha256).digest()
        milliseconds = max(1, int(1000 * (self.ttl if ttl is None else ttl)))
        self._redis.set(self._key(key), digest + body, px=milliseconds)

    def pop(self, key: Hashable) -> None:
        self._redis.delete(self._key(key))

    def close(self) -> None:
        self._redis.close()
