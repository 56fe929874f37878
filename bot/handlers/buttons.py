"""Handlers for the buttons under answers: more quotes, feedback, sources, and topic buttons.

Every press is opened with the seal of the chat and user it was sent to (`keyboards.Seal`); a
press that does not carry it gets the same "no longer available" notice as an expired one.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.answer import more_answers, topics
from bot.handlers.common import admitted, needs_index, opened, reply_to, signer, user_language
from bot.conversation import for_program
from bot.handlers.answering import conversation_key, respond
from bot.keyboards import CONTACT, FEEDBACK, MORE, PROGRAM, SOURCES, TOPIC, answer_keyboard, number
from bot.reply import contact_reply, sources_reply
from bot.services import services
from bot.texts import t

logger = logging.getLogger(__name__)


async def _expired(update: Update) -> None:
    await update.callback_query.answer(t("expired", user_language(update)), show_alert=True)


@needs_index
async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Jawaban lain": the next quotes for the same question, as a new message."""
    query = update.callback_query
    kind, fields = opened(update, context)
    question_id, start = (number(fields[0]), number(fields[1])) if kind == MORE and len(fields) == 2 else (None, None)
    if question_id is None or start is None:
        await _expired(update)
        return
    if not await admitted(update, context):
        return
    svc = services(context)
    logged = await asyncio.to_thread(svc.store.question, question_id)
    if logged is None:
        await _expired(update)
        return
    answer = await asyncio.to_thread(
        more_answers, svc.live.retriever, logged.question, logged.language, start, passages=svc.settings.answer_passages, topic=logged.topic
    )
    if answer is None:
        await query.answer(t("no_more", logged.language))
        return
    await query.answer()
    await reply_to(update, answer.reply, quote=True, reply_markup=answer_keyboard(question_id, answer, signer(update, context)))


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎: store the user's verdict on an answer and thank them."""
    query = update.callback_query
    kind, fields = opened(update, context)
    question_id = number(fields[0]) if kind == FEEDBACK and len(fields) == 2 and fields[1] in ("+", "-") else None
    stored = False
    if question_id is not None:
        user = update.effective_user
        stored = await asyncio.to_thread(services(context).store.record_feedback, question_id, user.id if user else None, fields[1] == "+")
    await query.answer(t("feedback_thanks" if stored else "expired", user_language(update)))


@needs_index
async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Sumber": the details of the documents the quotes come from."""
    kind, passage_ids = opened(update, context)
    if kind != SOURCES or not passage_ids:
        await _expired(update)
        return
    if not await admitted(update, context):
        return
    retriever = services(context).live.retriever
    await update.callback_query.answer()
    await reply_to(update, sources_reply([retriever.passage(pid) for pid in passage_ids], user_language(update)), quote=True)


@needs_index
async def topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button: answer "apa itu <topic>?" as if the user had asked it."""
    kind, fields = opened(update, context)
    labels = dict(topics(services(context).live.retriever))
    if kind != TOPIC or len(fields) != 2 or fields[1] not in labels:
        await _expired(update)
        return
    language, code = fields
    await update.callback_query.answer()
    await respond(update, context, t("topic_question", language, label=labels[code]), language=language, quote=False)


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Hubungi petugas": the official channels of the answer's program, to reach a person."""
    kind, fields = opened(update, context)
    if kind != CONTACT or len(fields) != 2:
        await _expired(update)
        return
    if not await admitted(update, context):
        return
    language, keys = fields
    await update.callback_query.answer()
    await reply_to(update, contact_reply(keys.split("."), language), quote=True)


@needs_index
async def program(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A program button under a question back: answer the pending message for that program."""
    kind, fields = opened(update, context)
    svc = services(context)
    pending = await asyncio.to_thread(svc.context.get, ("clarify", *conversation_key(update)))
    retriever = svc.live.retriever
    if kind != PROGRAM or len(fields) != 1 or pending is None:
        await _expired(update)
        return
    await asyncio.to_thread(svc.context.pop, ("clarify", *conversation_key(update)))
    await update.callback_query.answer()
    await respond(update, context, for_program(pending.understood, fields[0], retriever), quote=False)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons from older versions of the bot, or forged data: just stop the spinner."""
    await update.callback_query.answer()
