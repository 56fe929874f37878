"""Answering a question in a chat, whatever asked it: a message, /tanya, a program button.

The per-user limit, the conversation (the previous turn, kept in `bot/state.py`), the search off
the event loop, the log, the metrics and the reply with its buttons, in one place.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update
from telegram.ext import ContextTypes

from bot.answer import Answer, answer_message
from bot.conversation import Turn
from bot.handlers.common import admitted, index_loaded, log_question, reply_to, signer, user_language
from bot.handlers.hitung import answer_numeric
from bot.keyboards import answer_keyboard
from bot.privacy import mask_personal_data
from bot.reply import text_reply
from bot.services import services

logger = logging.getLogger(__name__)


def _store_question(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> int | None:
    """Log an answered or refused question; what was searched, and with which topic documents, since
    "Jawaban lain" searches it again."""
    return log_question(
        update,
        context,
        question=answer.understood or answer.question,
        language=answer.language,
        answered=answer.answered,
        confidence=answer.result.confidence,
        passage_ids=tuple(p.id for p in answer.reply.passages),
        topic=answer.topic,
    )


async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, *, language: str | None = None, quote: bool | None = None) -> None:
    """Answer `question` in the update's chat: per-user limit, search off the event loop, log, send.

    A question that carries numbers and asks for a sum (or the number a /hitung step waits for)
    is computed instead (`bot/handlers/hitung.py`); everything else is searched and quoted.
    """
    if await answer_numeric(update, context, question, quote=quote):
        return
    if not await admitted(update, context) or not await index_loaded(update, context):
        return
    svc = services(context)
    key = conversation_key(update)
    started = time.perf_counter()
    try:
        answer, turn = await asyncio.to_thread(_answer_in_context, update, context, key, question, language)
    except Exception:
        svc.metrics.errors.inc()
        logger.exception("answering failed; telling the user the service is under maintenance")
        await reply_to(update, text_reply("maintenance", user_language(update)), quote=quote)
        return
    svc.metrics.count("clarify" if answer.clarify else "answered" if answer.answered else "refused", time.perf_counter() - started)
    question_id = await asyncio.to_thread(_store_question, update, context, answer)
    if question_id is None:
        answer = answer.unlogged()  # never tell the user it was noted when it was not
    logger.info(
        "question %s (%s, %d chars): answered=%s confidence=%.2f",
        question_id, answer.language, len(answer.question), answer.result.answered, answer.result.confidence,
    )
    logger.debug("question %s text: %s", question_id, mask_personal_data(answer.question[:200]))
    sent = await reply_to(update, answer.reply, quote=quote, reply_markup=answer_keyboard(question_id, answer, signer(update, context)))
    if sent is not None:  # a reply to this answer (in a group) carries its topic
        # Directly (one quick write), so that nothing waits between the reply and the update
        # being marked handled (bot/durable.py): a kill in between would answer it twice.
        svc.context.put(("message", sent.chat_id, sent.message_id), turn)


def _answer_in_context(
    update: Update, context: ContextTypes.DEFAULT_TYPE, key: tuple, question: str, language: str | None
) -> tuple[Answer, Turn]:
    """Answer `question` after the conversation's previous turn, and keep this one (off the event loop:
    the conversation state may be in Redis)."""
    svc = services(context)
    now = time.time()
    answer, turn = answer_message(
        svc.live.retriever, question, _previous_turn(update, context, key), passages=svc.settings.answer_passages, language=language, now=now
    )
    svc.context.put(key, turn)
    if turn.asked:  # asked back: a program button answers this message (a typed program too, through `key`)
        svc.context.put(("clarify", *key), turn)
    return answer, turn


def conversation_key(update: Update) -> tuple[int | None, int | None]:
    """One conversation per chat, and per user within a group."""
    chat, user = update.effective_chat, update.effective_user
    return (chat.id if chat else None, user.id if user else None)


def _previous_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, key: tuple) -> Turn | None:
    """The turn a message follows: the answer it replies to, else the user's last turn in this chat."""
    store = services(context).context
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        turn = store.get(("message", replied.chat_id, replied.message_id))
        if turn is not None:
            return turn
    return store.get(key)
