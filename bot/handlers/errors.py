"""The error handler: log what failed (never the token or the user's text) and keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import reply_to, user_language
from bot.reply import text_reply
from bot.services import services
from bot.texts import t

logger = logging.getLogger(__name__)


def describe(update: object) -> str:
    """A short, personal-data-free description of an update for the log."""
    if not isinstance(update, Update):
        return type(update).__name__ if update is not None else "no update"
    kind = next((name for name in ("message", "callback_query", "inline_query", "edited_message") if getattr(update, name)), "other")
    chat = update.effective_chat.type if update.effective_chat else "-"
    return f"update {update.update_id} ({kind}, {chat} chat)"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the user something went wrong (a private chat, or the button they pressed)."""
    error = context.error
    if isinstance(error, Forbidden):
        logger.warning("%s: the bot may not write there (%s)", describe(update), error.message)
        return
    logger.error("%s failed", describe(update), exc_info=error)
    services(context).metrics.errors.inc()
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:  # any press gets an answer, or its spinner never stops
            await update.callback_query.answer(t("error", user_language(update)), show_alert=True)
        elif update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            await reply_to(update, text_reply("error", user_language(update)))
    except TelegramError:
        logger.warning("could not tell the user about the error")
