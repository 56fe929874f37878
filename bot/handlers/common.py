"""What every handler shares: the user's language, sending into the chat, sealed buttons, and
the guards written once (the per-user limit, and "no index loaded yet")."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.keyboards import Signer
from bot.limits import Verdict
from bot.reply import Reply, text_reply
from bot.sending import send_reply
from bot.services import services
from bot.texts import t, ui_language

logger = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def user_language(update: Update) -> str:
    """The language of the bot's own texts for this user, from their Telegram settings."""
    return ui_language(update.effective_user.language_code if update.effective_user else None)


def _ids(update: Update) -> tuple[int | None, int | None]:
    chat, user = update.effective_chat, update.effective_user
    return (chat.id if chat else None), (user.id if user else None)


def signer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Signer:
    """Seals callback data for buttons sent in reply to this update (this chat, this user)."""
    return services(context).seal.signer(*_ids(update))


def opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, list[str]]:
    """The kind and fields of a pressed button, ("", []) unless sealed for this chat and user."""
    return services(context).seal.open(update.callback_query.data, *_ids(update))


def log_question(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    question: str,
    language: str,
    answered: bool,
    confidence: float,
    passage_ids: tuple[str, ...],
    topic: tuple[str, ...] = (),
) -> int | None:
    """Log a question (masked, user id hashed) and return its id; a storage failure must not cost the answer."""
    user, chat = update.effective_user, update.effective_chat
    try:
        return services(context).store.log_question(
            user_id=user.id if user else None,
            chat_type=chat.type if chat else "unknown",
            language=language,
            question=question,
            answered=answered,
            confidence=confidence,
            passage_ids=passage_ids,
            topic=topic,
        )
    except Exception:
        logger.exception("could not store a question")
        return None


async def reply_to(update: Update, reply: Reply, *, quote: bool | None = None, **kwargs: object) -> Message | None:
    """Send `reply` into the update's chat; in groups it quotes the message it answers."""
    message = update.effective_message
    if message is None:
        return None
    if quote is None:
        quote = message.chat.type != ChatType.PRIVATE
    return await send_reply(message.reply_text, reply, do_quote=quote, **kwargs)


async def _tell(update: Update, key: str, **values: object) -> None:
    """A short notice: an alert on a button press, a message otherwise."""
    language = user_language(update)
    if update.callback_query:
        await update.callback_query.answer(t(key, language, **values), show_alert=True)
    else:
        await reply_to(update, text_reply(key, language, **values))


async def admitted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Count one search or send against the user's limit; False (after telling them once) when over it."""
    limiter = services(context).limiter
    user = update.effective_user
    verdict = await asyncio.to_thread(limiter.check, user.id if user else None)
    if verdict is Verdict.WARN:
        await _tell(update, "rate_limited", limit=limiter.limit, window=int(limiter.window))
    elif verdict is Verdict.DROP and update.callback_query:
        await update.callback_query.answer()  # stop the spinner, say nothing more
    return verdict is Verdict.ALLOW


async def index_loaded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether an index is loaded; if not, the user is told the service is under maintenance."""
    if services(context).live.retriever is None:
        await _tell(update, "maintenance")
        return False
    return True


def needs_index(handler: Handler) -> Handler:
    """Run `handler` only when an index is loaded (`index_loaded`)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await index_loaded(update, context):
            await handler(update, context)

    return guarded
