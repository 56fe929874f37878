"""Logging for the bot's entry points: quiet HTTP logs, and secrets never written out.

httpx logs every request URL at INFO, and a Bot API URL contains the bot token; PTB's
InvalidToken message quotes the token too. A filter on every handler replaces them, after
network errors (expected, not bugs) are shortened to one line. The same filter masks personal
data: at DEBUG, python-telegram-bot logs raw updates (names, texts, user ids).
"""

from __future__ import annotations

import logging
import re

from telegram.error import InvalidToken, NetworkError

from bot.privacy import mask_log_text

REDACTED = "[REDACTED]"
QUIET_LOGGERS = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler")
# Any Bot API token shape, even one not configured here (e.g. from a pasted URL).
_TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b")


class RedactSecrets(logging.Filter):
    """Rewrites each record's message and traceback with the secrets replaced and personal data masked."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = sorted((s for s in secrets if s), key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return mask_log_text(_TOKEN_SHAPE.sub(REDACTED, text))

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class OneLineNetworkErrors(logging.Filter):
    """Network failures are expected events, not bugs: log them as one line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (NetworkError, InvalidToken)):
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = None
        return True


def setup_logging(level: str = "INFO", secrets: list[str] | None = None) -> None:
    """Configure the root logger once for a command (the only place basicConfig is called)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(OneLineNetworkErrors())
    install_redaction(secrets or [])
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def install_redaction(secrets: list[str]) -> RedactSecrets:
    """Attach a redacting filter to every root handler."""
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor
