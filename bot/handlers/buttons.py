"""Handlers for the buttons under answers: more quotes, feedback, sources, and topic buttons."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.answer import more_answers, topics
from bot.handlers.messages import reply_to, respond, user_language
from bot.keyboards import answer_keyboard, parse
from bot.reply import sources_reply
from bot.services import services
from bot.texts import t

logger = logging.getLogger(__name__)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Jawaban lain": the next quotes for the same question, as a new message."""
    query = update.callback_query
    _, fields = parse(query.data)
    svc = services(context)
    question_id, start = (_int(fields[0]), _int(fields[1])) if len(fields) == 2 else (None, None)
    logged = await asyncio.to_thread(svc.store.question, question_id) if question_id is not None else None
    retriever = svc.live.retriever
    if logged is None or start is None:
        await query.answer(t("expired", user_language(update)), show_alert=True)
        return
    if retriever is None:
        await query.answer(t("maintenance", logged.language), show_alert=True)
        return
    answer = await asyncio.to_thread(more_answers, retriever, logged.question, logged.language, start, passages=svc.settings.answer_passages)
    if answer is None:
        await query.answer(t("no_more", logged.language))
        return
    await query.answer()
    await reply_to(update, answer.reply, quote=True, reply_markup=answer_keyboard(question_id, answer))


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎: store the user's verdict on an answer and thank them."""
    query = update.callback_query
    _, fields = parse(query.data)
    question_id = _int(fields[0]) if len(fields) == 2 and fields[1] in ("+", "-") else None
    stored = False
    if question_id is not None:
        user = update.effective_user
        stored = await asyncio.to_thread(services(context).store.record_feedback, question_id, user.id if user else None, fields[1] == "+")
    await query.answer(t("feedback_thanks" if stored else "expired", user_language(update)))


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Sumber": the details of the documents the quotes come from."""
    query = update.callback_query
    _, passage_ids = parse(query.data)
    language = user_language(update)
    retriever = services(context).live.retriever
    if retriever is None or not passage_ids:
        await query.answer(t("maintenance" if retriever is None else "expired", language), show_alert=True)
        return
    await query.answer()
    await reply_to(update, sources_reply([retriever.passage(pid) for pid in passage_ids], language), quote=True)


async def topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button: answer "apa itu <topic>?" as if the user had asked it."""
    query = update.callback_query
    _, fields = parse(query.data)
    retriever = services(context).live.retriever
    labels = dict(topics(retriever)) if retriever else {}
    if len(fields) != 2 or fields[1] not in labels:
        await query.answer(t("expired", user_language(update)))
        return
    language, code = fields
    await query.answer()
    await respond(update, context, t("topic_question", language, label=labels[code]), language=language, quote=False)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons from older versions of the bot: just stop the spinner."""
    await update.callback_query.answer()
