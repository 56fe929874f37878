"""Sending a reply so that Telegram's hiccups do not lose it.

HTML is tried first (the application's `Defaults`: HTML, no link previews); "can't parse
entities" falls back to the plain-text rendering; a flood wait (when the rate limiter's own
retries are used up) and a timeout are retried once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import LinkPreviewOptions
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.reply import Reply

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_FLOOD_WAIT = 30.0  # seconds; a longer wait is not worth holding the handler for
TIMEOUT_PAUSE = 1.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def wait_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB gives an int or a timedelta depending on settings)."""
    with warnings.catch_warnings():  # reading it as an int is deprecated in v22; both forms work
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def is_entity_error(exc: BadRequest) -> bool:
    return "parse entities" in exc.message.lower() or "unsupported start tag" in exc.message.lower()


async def _retrying(call: Callable[[], Awaitable[T]]) -> T:
    """Run `call`, retrying once after a flood wait or a timeout."""
    try:
        return await call()
    except RetryAfter as exc:
        seconds = wait_seconds(exc)
        if seconds > MAX_FLOOD_WAIT:
            raise
        logger.warning("flood wait of %.0f s, retrying once", seconds)
        await asyncio.sleep(seconds)
    except TimedOut:
        logger.warning("Telegram timed out, retrying once")
        await asyncio.sleep(TIMEOUT_PAUSE)
    return await call()


async def send_reply(send: Callable[..., Awaitable[T]], reply: Reply, **kwargs: Any) -> T:
    """Send `reply` with `send` (e.g. bot.send_message bound to a chat) as HTML, plain text if need be."""
    try:
        return await _retrying(lambda: send(text=reply.html, **kwargs))
    except BadRequest as exc:
        if not is_entity_error(exc):
            raise
        logger.warning("Telegram rejected the HTML (%s); sending plain text", exc.message)
    return await _retrying(lambda: send(text=reply.plain, parse_mode=None, **kwargs))
