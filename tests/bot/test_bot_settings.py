"""Bot settings from the environment: token, admin ids, webhook."""

import pytest
from pydantic import ValidationError

from bot.settings import TELEGRAM_API_BASE_URL, Settings


def test_defaults(monkeypatch):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_USER_IDS", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.token == "" and settings.telegram_api_base_url == TELEGRAM_API_BASE_URL
    assert settings.admin_user_ids == frozenset() and settings.webhook_url is None


def test_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", " 123:abc ")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("ADMIN_USER_IDS", "111, 222;333")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/hooks/tanya")
    monkeypatch.setenv("WEBHOOK_SECRET", "abc_DEF-123")
    settings = Settings(_env_file=None)
    assert settings.token == "123:abc"
    assert "123:abc" not in repr(settings)  # the token is a SecretStr
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.admin_user_ids == frozenset({111, 222, 333})
    assert settings.webhook_path == "hooks/tanya"


def test_blank_values_count_as_unset(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("ADMIN_USER_IDS", "")
    monkeypatch.setenv("WEBHOOK_URL", "")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is None and settings.admin_user_ids == frozenset() and settings.webhook_url is None


def test_bad_webhook_secret_is_refused(monkeypatch):
    monkeypatch.setenv("WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_dotenv_file(tmp_path, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=999:from-dotenv\nADMIN_USER_IDS=5\n", encoding="utf-8")
    settings = Settings(_env_file=env_file)
    assert settings.token == "999:from-dotenv" and settings.admin_user_ids == frozenset({5})


def test_replica_settings(monkeypatch):
    monkeypatch.setenv("REPLICA_NAME", "")
    monkeypatch.setenv("DATABASE_URL", "postgresql://tanya:pw@db/tanya")
    monkeypatch.setenv("REDIS_URL", "")
    settings = Settings(_env_file=None)
    assert settings.replica_name and settings.database == "postgresql://tanya:pw@db/tanya" and settings.redis == ""
    monkeypatch.setenv("REDIS_URL", "http://not-redis")
    with pytest.raises(ValueError, match="REDIS_URL must start with"):
        Settings(_env_file=None)
