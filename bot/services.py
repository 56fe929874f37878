"""What every handler needs, kept in `application.bot_data` under one key."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.keyboards import Seal
from bot.limits import UserRateLimit
from bot.live_index import LiveIndex
from bot.metrics import Metrics
from bot.settings import Settings
from bot.state import ContextStore
from bot.store import Store

KEY = "services"


@dataclass
class Services:
    """Settings, the live index, the question store, the per-user limit, the button seal, the
    conversation state and the metrics of one bot."""

    settings: Settings
    live: LiveIndex
    store: Store
    limiter: UserRateLimit
    seal: Seal  # signs and checks the callback data of buttons
    context: ContextStore  # each conversation's last turn (follow-ups), questions asked back, /hitung steps
    metrics: Metrics
    tasks: list[asyncio.Task] = field(default_factory=list)  # background tasks: index watcher, housekeeping
    # Inline results for an empty query, per language, with the retriever they were made from.
    inline_topics: dict[str, tuple[Any, list[Any]]] = field(default_factory=dict)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_user_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The bot's services from a handler's context."""
    return context.bot_data[KEY]
