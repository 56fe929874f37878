"""Handlers for commands: /start, /help, /tanya, /topik, /tentang, and the admins' /reload and /stats."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.answer import topics as user_topics
from bot.handlers.common import needs_index, reply_to, signer, user_language
from bot.handlers.answering import respond
from bot.keyboards import topic_buttons
from bot.live_index import Reload
from bot.reply import about_reply, format_timestamp, stats_reply, text_reply
from bot.services import services

logger = logging.getLogger(__name__)


def _mention(context: ContextTypes.DEFAULT_TYPE) -> str:
    return html.escape(f"@{context.bot.username}")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user with what the bot does and example questions."""
    await reply_to(update, text_reply("start", user_language(update)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask in private chats, groups and inline mode."""
    await reply_to(update, text_reply("help", user_language(update), mention=_mention(context)))


def command_argument(text: str | None) -> str:
    """What follows the command word ("/tanya@bot apa itu JKP?" -> "apa itu JKP?")."""
    parts = (text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/tanya <question>` answers the question; `/tanya` alone explains how to use it."""
    question = command_argument(update.effective_message.text)
    if not question:
        await reply_to(update, text_reply("usage_tanya", user_language(update)))
        return
    await respond(update, context, question)


@needs_index
async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the topics the index covers, as buttons that show quotes on each."""
    language = user_language(update)
    retriever = services(context).live.retriever
    keyboard = InlineKeyboardMarkup(topic_buttons(user_topics(retriever), language, signer(update, context), per_row=2))
    await reply_to(update, text_reply("topics", language), reply_markup=keyboard)


@needs_index
async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the index holds and when it was built."""
    retriever = services(context).live.retriever
    await reply_to(update, about_reply(retriever.manifest, user_topics(retriever), user_language(update)))


async def _refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Tell non-admins the command is not theirs; True when refused."""
    user = update.effective_user
    if services(context).is_admin(user.id if user else None):
        return False
    logger.info("admin command refused for a non-admin user")
    await reply_to(update, text_reply("admin_only", user_language(update)))
    return True


async def reload_index(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admin: load the index from disk now, keeping the old one if the new one fails."""
    if await _refuse_non_admin(update, context):
        return
    language = user_language(update)
    live = services(context).live
    outcome = await asyncio.to_thread(live.reload_if_changed, True)
    if outcome is Reload.FAILED:
        await reply_to(update, text_reply("reload_failed", language, error=html.escape(live.last_error or "?")))
        return
    manifest = live.retriever.manifest
    await reply_to(
        update,
        text_reply(
            "reload_done",
            language,
            documents=manifest.get("documents"),
            passages=manifest.get("passages"),
            built_at=html.escape(format_timestamp(manifest.get("built_at"), language)),
        ),
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admin: questions asked, answered share, feedback and top unanswered questions."""
    if await _refuse_non_admin(update, context):
        return
    summary = await asyncio.to_thread(services(context).store.stats)
    await reply_to(update, stats_reply(summary, user_language(update)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown command gets a pointer to /help in private chats (groups stay quiet)."""
    if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        await reply_to(update, text_reply("unknown_command", user_language(update)))
