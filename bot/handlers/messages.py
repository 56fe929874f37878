"""Handlers for messages: questions in private chats and groups, and everything that is not text."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.answer import Answer, answer_question
from bot.handlers.common import admitted, reply_to, signer, user_language
from bot.handlers.hitung import answer_numeric
from bot.keyboards import answer_keyboard
from bot.privacy import mask_personal_data
from bot.reply import text_reply
from bot.services import services

logger = logging.getLogger(__name__)


def _store_question(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> int | None:
    """Log the question (masked, user id hashed); a storage failure must not cost the answer."""
    user, chat = update.effective_user, update.effective_chat
    try:
        return services(context).store.log_question(
            user_id=user.id if user else None,
            chat_type=chat.type if chat else "unknown",
            language=answer.language,
            question=answer.question,
            answered=answer.result.answered,
            confidence=answer.result.confidence,
            passage_ids=tuple(p.id for p in answer.reply.passages),
        )
    except Exception:
        logger.exception("could not store a question")
        return None


async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, *, language: str | None = None, quote: bool | None = None) -> None:
    """Answer `question` in the update's chat: per-user limit, search off the event loop, log, send.

    A question that carries numbers and asks for a sum (or the number a /hitung step waits for)
    is computed instead (`bot/handlers/hitung.py`); everything else is searched and quoted.
    """
    if await answer_numeric(update, context, question, quote=quote):
        return
    if not await admitted(update, context):
        return
    svc = services(context)
    retriever = svc.live.retriever
    if retriever is None:
        await reply_to(update, text_reply("maintenance", user_language(update)), quote=quote)
        return
    try:
        answer = await asyncio.to_thread(answer_question, retriever, question, passages=svc.settings.answer_passages, language=language)
    except Exception:
        logger.exception("answering failed; telling the user the service is under maintenance")
        await reply_to(update, text_reply("maintenance", user_language(update)), quote=quote)
        return
    question_id = await asyncio.to_thread(_store_question, update, context, answer)
    if question_id is None:
        answer = answer.unlogged()  # never tell the user it was noted when it was not
    logger.info(
        "question %s (%s, %d chars): answered=%s confidence=%.2f",
        question_id, answer.language, len(answer.question), answer.result.answered, answer.result.confidence,
    )
    logger.debug("question %s text: %s", question_id, mask_personal_data(answer.question[:200]))
    await reply_to(update, answer.reply, quote=quote, reply_markup=answer_keyboard(question_id, answer, signer(update, context)))


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
