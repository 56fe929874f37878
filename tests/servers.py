"""The PostgreSQL and Redis servers a replica deployment uses, as the tests and benchmarks reach them.

This project's machines run both on loopback (PostgreSQL at 127.0.0.1:5432 with trust
authentication and a database `test`; Redis at 127.0.0.1:6379); `TEST_POSTGRES_URL` and
`TEST_REDIS_URL` point elsewhere. Each test run gets a database and a key prefix of its own,
removed afterwards. Where a server is missing (a user's laptop), the tests that need it skip
with the one-line reason given here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def postgres_missing() -> str | None:
    """Why PostgreSQL cannot be used here, or None."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=2, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except Exception as exc:
        return f"PostgreSQL is not reachable at {POSTGRES_URL} (set TEST_POSTGRES_URL): {str(exc).strip().splitlines()[0][:120]}"
    return None


def redis_missing() -> str | None:
    """Why Redis cannot be used here, or None."""
    try:
        import redis

        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
            client.ping()
    except Exception as exc:
        return f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL): {exc}"
    return None


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty database on the test server; yields its URL and drops it afterwards."""
    import psycopg

    name = f"tanya_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(POSTGRES_URL)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_prefix() -> Iterator[str]:
    """A Redis key prefix of its own; yields it and deletes every key under it afterwards."""
    import redis

    prefix = f"tanya-test-{secrets.token_hex(6)}"
    try:
        yield prefix
    finally:
        with redis.Redis.from_url(REDIS_URL) as client:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
