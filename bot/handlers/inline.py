"""Handler for inline mode: `@bot question` in any chat offers quotes to post."""

from __future__ import annotations

import asyncio
import logging
import weakref

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import ContextTypes

from bot.answer import answer_question, clean_question, topics
from bot.handlers.common import user_language
from bot.reply import Reply, answer_text, passage_reply, shorten
from bot.services import services
from bot.texts import t
from index import Retriever
from index.types import Hit

logger = logging.getLogger(__name__)

MAX_RESULTS = 10
MAX_TITLE = 100
MAX_DESCRIPTION = 150


def _content(reply: Reply) -> InputTextMessageContent:
    return InputTextMessageContent(reply.html)  # HTML without a link preview: the application's Defaults


def snippet(hit: Hit) -> str:
    """The hit's answer sentence (or its passage's start), for a description."""
    return shorten(answer_text(hit) or hit.passage.text, MAX_DESCRIPTION)


def question_results(retriever: Retriever, question: str) -> list[InlineQueryResultArticle]:
    """Up to ten answers for a question, or one honest "no confident answer" result.

    The first posts what a private chat gets; the others one hit each, in the same compact form.
    """
    answer = answer_question(retriever, question, logged=False)  # inline queries are not logged
    if not answer.result.answered:
        return [
            InlineQueryResultArticle(
                id="none",
                title=t("inline_none_title", answer.language),
                description=t("inline_none_description", answer.language),
                input_message_content=_content(answer.reply),
            )
        ]
    framing = answer.language if answer.language in ("id", "en") else "id"
    return [
        InlineQueryResultArticle(
            id=hit.passage.id,
            title=shorten(hit.passage.context or hit.passage.title, MAX_TITLE),
            description=snippet(hit),
            input_message_content=_content(answer.reply if n == 0 else passage_reply(answer.question, framing, hit)),
        )
        for n, hit in enumerate(answer.result.hits[:MAX_RESULTS])
    ]


def topic_results(retriever: Retriever, language: str) -> list[InlineQueryResultArticle]:
    """For an empty query: one result per topic, posting the best quote about it."""
    results = []
    for code, label in topics(retriever)[:MAX_RESULTS]:
        question = t("topic_question", language, label=label)
        result = retriever.search(question, k=1)
        if not result.hits:
            continue
        results.append(
            InlineQueryResultArticle(
                id=f"topic-{code}"[:64],
                title=shorten(label, MAX_TITLE),
                description=t("inline_topic", language),
                input_message_content=_content(passage_reply(question, language, result.hits[0])),
            )
        )
    return results


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer an inline query within Telegram's window: quotes for a question, topics when empty."""
    query = update.inline_query
    svc = services(context)
    retriever = svc.live.retriever
    question = clean_question(query.query)
    language = user_language(update)
    cache_time = svc.settings.inline_cache_time
    if retriever is None:
        results = []
    elif not question:
        cached = svc.inline_topics.get(language)
        if cached is None or cached[0]() is not retriever:  # built for an index since replaced
            cached = (weakref.ref(retriever), await asyncio.to_thread(topic_results, retriever, language))
            svc.inline_topics[language] = cached
        results = cached[1]
    else:
        try:
            results = await asyncio.wait_for(asyncio.to_thread(question_results, retriever, question), svc.settings.inline_timeout)
        except TimeoutError:
            logger.warning("inline search took over %.1f s; offering a retry", svc.settings.inline_timeout)
            results = [
                InlineQueryResultArticle(
                    id="busy",
                    title=t("inline_busy_title", language),
                    description=t("inline_busy_description", language),
                    input_message_content=_content(Reply(t("maintenance", language), t("maintenance", language))),
                )
            ]
            cache_time = 0
    await query.answer(results, cache_time=cache_time, is_personal=False)
