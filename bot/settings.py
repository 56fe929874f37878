"""Settings of the Telegram bot, read from the environment and `.env`.

They extend the engine's settings (`INDEX_DIR`, `DATA_DIR`, `LOG_LEVEL`, ...), so one `.env`
configures both `python -m index` and `python -m bot`.
"""

from __future__ import annotations

import re
import socket
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from index.settings import IndexSettings

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


class Settings(IndexSettings):
    # Telegram
    telegram_bot_token: SecretStr | None = None  # from @BotFather; never logged
    telegram_api_base_url: str = TELEGRAM_API_BASE_URL  # python-telegram-bot's base_url form
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()  # "123,456": may /reload, /stats
    # Webhook mode (long polling when webhook_url is empty)
    webhook_url: str | None = None  # public HTTPS URL Telegram posts updates to
    webhook_secret: SecretStr | None = None  # checked against Telegram's secret-token header
    webhook_listen: str = "127.0.0.1"  # address the webhook server binds
    webhook_port: int = 8443
    # Load and behaviour
    concurrent_updates: int = 16  # updates processed at once
    send_rate_limit: float = 30.0  # messages/s the bot sends overall (Telegram allows about 30)
    user_rate_limit: int = 8  # questions one user may ask per window ...
    user_rate_window: float = 60.0  # ... of this many seconds
    answer_passages: int = 3  # passages quoted in one answer (1-3)
    context_window: float = 600.0  # seconds a message is read with the chat's previous topic
    reload_interval: float = 2.0  # seconds between checks for a rebuilt index
    inline_cache_time: int = 30  # seconds Telegram may cache inline results
    inline_timeout: float = 2.5  # seconds an inline search may take before giving up
    # Replicas: shared state for several bot processes (all unset: one process, SQLite and memory)
    database_url: SecretStr | None = None  # postgresql://user:password@host/db: questions, feedback, inbox
    redis_url: SecretStr | None = None  # redis://host:6379/0: per-user limits and conversation context
    redis_prefix: str = "tanya"  # prefix of every Redis key (several bots may share one server)
    replica_name: str = Field(default_factory=socket.gethostname)  # unique per replica, stable across its restarts
    replica_lease: float = 30.0  # seconds of silence after which a replica's accepted updates are taken over
    # Privacy
    question_retention_days: int = 180  # logged questions and feedback older than this are deleted; 0 keeps them

    @field_validator("telegram_bot_token", "webhook_secret", "webhook_url", "database_url", "redis_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        """Treat `TELEGRAM_BOT_TOKEN=` (as in `.env.example`) like an unset variable."""
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: Any) -> Any:
        """Accept "123, 456" (or a JSON-ish "[123,456]") as well as a list."""
        if isinstance(value, str):
            return frozenset(int(part) for part in re.split(r"[\s,;\[\]]+", value) if part)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_TOKEN.match(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ or -")
        return value

    @field_validator("replica_name", mode="before")
    @classmethod
    def _blank_is_host_name(cls, value: Any) -> Any:
        return socket.gethostname() if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", "redis_url")
    @classmethod
    def _check_scheme(cls, value: SecretStr | None, info: Any) -> SecretStr | None:
        schemes = {"database_url": ("postgresql://", "postgres://"), "redis_url": ("redis://", "rediss://", "unix://")}[info.field_name]
        if value is not None and not value.get_secret_value().startswith(schemes):
            raise ValueError(f"{info.field_name.upper()} must start with {' or '.join(schemes)}")
        return value

    @field_validator("answer_passages")
    @classmethod
    def _one_to_three(cls, value: int) -> int:
        return min(max(value, 1), 3)

    @property
    def token(self) -> str:
        """The bot token, or "" when none is configured."""
        return self._reveal(self.telegram_bot_token)

    @staticmethod
    def _reveal(value: SecretStr | None) -> str:
        return value.get_secret_value() if value else ""

    @property
    def worker_threads(self) -> int:
        """Threads that answer (searches, the store): one per concurrent update, and some for the store."""
        return self.concurrent_updates + 4

    @property
    def database(self) -> str:
        """The PostgreSQL URL, or "" for the SQLite file under DATA_DIR."""
        return self._reveal(self.database_url)

    @property
    def redis(self) -> str:
        """The Redis URL, or "" to keep limits and context in memory."""
        return self._reveal(self.redis_url)

    @property
    def webhook_path(self) -> str:
        """The URL path the webhook server listens on: the path of `webhook_url`."""
        return urlsplit(self.webhook_url or "").path.strip("/")
