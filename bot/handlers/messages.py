"""Handlers for messages: questions in private chats and groups, and everything that is not text."""

from __future__ import annotations

import html

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.handlers.answering import respond
from bot.handlers.common import reply_to, user_language
from bot.reply import text_reply


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    await respond(update, context, update.effective_message.text or "")


def addressed_question(message: Message, bot_id: int, bot_username: str) -> str | None:
    """The question in a group message meant for the bot (it mentions or replies to the bot), else None."""
    text = message.text or ""
    mentions = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    ours = [
        value
        for entity, value in mentions.items()
        if (entity.type == MessageEntity.MENTION and value.lower() == f"@{bot_username}".lower())
        or (entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id)
    ]
    replied = message.reply_to_message
    to_bot = bool(replied and replied.from_user and replied.from_user.id == bot_id)
    if not ours and not to_bot:
        return None
    for value in ours:
        text = text.replace(value, " ", 1)
    return " ".join(text.split())


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only messages that mention the bot or reply to it; ignore other chatter."""
    message = update.effective_message
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is None:
        return
    if not question:
        mention = html.escape(f"@{context.bot.username}")
        await reply_to(update, text_reply("usage_mention", user_language(update), mention=mention))
        return
    await respond(update, context, question)


async def private_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes and files in a private chat get a short hint to type instead."""
    await reply_to(update, text_reply("non_text", user_language(update)))
