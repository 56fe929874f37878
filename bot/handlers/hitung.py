"""Handlers for Hitung: `/hitung` with a guided flow, and numeric questions answered before the search.

`/hitung` alone shows sealed buttons (what to compute); a press asks for the number as the next
message, remembered in the conversation state (`bot/state.py`) for a few minutes. `/hitung <text>` and natural
questions that carry numbers ("gaji 6 juta potong bpjs berapa?") are computed at once, or get a
question back when a number is missing. A computed answer is logged like any question (masked,
so /stats counts it) and gets 👍/👎. When the rates table cannot be loaded, numeric questions
fall back to the quoting answer.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.handlers.common import admitted, log_question, reply_to, signer, user_language
from bot.hitung import (
    KINDS,
    Request,
    compute,
    error_reply,
    find_rule,
    kind_label,
    menu_text,
    numeric_request,
    prepare,
    question_reply,
    rates_file,
    render,
    sector_reply,
)
from bot.keyboards import Signer, computed_keyboard
from bot.privacy import mask_personal_data
from bot.reply import Reply, to_plain
from bot.services import services
from bot.texts import t
from index.hitung import HitungError, RatesError, RateTable, load_rates

logger = logging.getLogger(__name__)

HITUNG = "h"  # callback data: h:<kind>, sealed like every other button
PENDING_TTL = 600.0  # seconds a guided step waits for its answer
RATES_KEY = "hitung_rates"  # bot_data: ((path, mtime), RateTable)
_UNIT_FOR = {"kelas": "kelas {}", "bulan": "{} bulan", "orang": "{} orang"}


def menu_keyboard(sign: Signer, language: str = "id") -> InlineKeyboardMarkup:
    """One sealed button per computation, two per row."""
    buttons = [InlineKeyboardButton(kind_label(kind, language), callback_data=sign(f"{HITUNG}:{kind}")) for kind in KINDS]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _load(path) -> RateTable:
    return load_rates(path)


async def rates(context: ContextTypes.DEFAULT_TYPE) -> RateTable | None:
    """The rates table (shipped with the index, else the corpus's), reloaded when the file changes; None if unusable."""
    svc = services(context)
    path = rates_file(svc.settings.corpus_dir, svc.live.index_dir)
    try:
        stamp = (str(path.resolve()), path.stat().st_mtime_ns)
    except OSError:
        logger.warning("rates table %s not found; numeric questions fall back to quotes", path)
        return None
    cached = context.bot_data.get(RATES_KEY)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        table = await asyncio.to_thread(_load, path)
    except RatesError as exc:
        logger.warning("rates table %s unusable (%s); numeric questions fall back to quotes", path, exc)
        return None
    context.bot_data[RATES_KEY] = (stamp, table)
    return table


def _pending_key(update: Update) -> tuple:
    chat, user = update.effective_chat, update.effective_user
    return ("hitung", chat.id if chat else None, user.id if user else None)


def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Request | None:
    """The guided step waiting in this chat for this user, if it has not expired."""
    data = services(context).context.get(_pending_key(update))
    return data["request"] if data else None


def _remember(update: Update, context: ContextTypes.DEFAULT_TYPE, request: Request, asked: str) -> None:
    # `asked`: what the user wrote so far, logged with the answer
    services(context).context.put(_pending_key(update), {"request": replace(request, error=""), "asked": asked}, PENDING_TTL)


def _asked_before(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    data = services(context).context.get(_pending_key(update))
    return data.get("asked", "") if data else ""


def _forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services(context).context.pop(_pending_key(update))


def _log(update: Update, context: ContextTypes.DEFAULT_TYPE, asked: str, request: Request, passage_ids: tuple[str, ...]) -> int | None:
    """Log a computed answer like any answered question."""
    services(context).metrics.count("computed")
    return log_question(update, context, question=asked, language=request.language, answered=True, confidence=1.0, passage_ids=passage_ids)


async def _settle(update: Update, context: ContextTypes.DEFAULT_TYPE, table: RateTable, request: Request, quote: bool | None, asked: str) -> None:
    """Send the result (with the passage that states the rule, logged, with 👍/👎), or ask for what is missing and wait."""
    request = prepare(table, request)
    if request.error or request.missing:
        if request.missing:
            _remember(update, context, request, asked)
        else:
            _forget(update, context)
        await reply_to(update, question_reply(request), quote=quote)
        return
    _forget(update, context)
    try:
        calc = compute(table, request)
    except HitungError as exc:
        await reply_to(update, error_reply(str(exc)), quote=quote)
        return
    rule = await asyncio.to_thread(find_rule, services(context).live.retriever, request, calc)
    reply = render(calc, request, rule=rule)
    passage_ids = tuple(p.id for p in reply.passages)
    question_id = await asyncio.to_thread(_log, update, context, asked, request, passage_ids)
    logger.info("numeric question %s (%s, %s): total %d", question_id, request.language, request.kind, calc.total)
    logger.debug("numeric question %s text: %s", question_id, mask_personal_data(asked[:200]))
    keyboard = computed_keyboard(question_id, reply.passages, request.language, signer(update, context))
    await reply_to(update, reply, quote=quote, reply_markup=keyboard)


def _reply_text(waiting: Request, text: str) -> str:
    """A bare answer to the bot's question ("2", "delapan") read with the unit that was asked for."""
    if waiting.missing == "sektor":
        return sector_reply(text) or text
    template = _UNIT_FOR.get(waiting.missing)
    if template and re.fullmatch(r"\s*[\w,.]+\s*", text) and not re.search(r"kelas|kls|bulan|orang", text, re.I):
        return template.format(text.strip())
    return text


async def answer_numeric(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, quote: bool | None = None, forced: bool = False) -> bool:
    """Answer `text` if it is a numeric question or the number a guided step waits for; True when answered.

    The message handler calls it first; False leaves the question to the quoting answer.
    """
    waiting = pending(update, context)
    asked = text
    fresh = numeric_request(text, forced=forced) if waiting is not None else None
    if fresh is not None and not fresh.missing and not fresh.error:
        waiting = None  # a complete new question replaces the step that was waiting
    if waiting is not None:
        kind = waiting.kind if waiting.kind not in ("", "jkn") else ""
        reply = numeric_request(_reply_text(waiting, text), forced=True, kind=kind)
        merged = waiting.merge(reply)
        if merged == replace(waiting, error=reply.error) and not reply.error:
            if not re.search(r"\d", text):  # a new question, not an answer: forget the step
                _forget(update, context)
                return await answer_numeric(update, context, text, quote=quote, forced=forced)
            merged = replace(merged, error=t("hitung_unusable_number", waiting.language))
        request = merged
        asked = " → ".join(part for part in (_asked_before(update, context), text) if part)
    else:
        request = numeric_request(text, forced=forced)
        if request is None:
            return False
    table = await rates(context)
    if table is None:
        _forget(update, context)
        return False
    if not await admitted(update, context):
        return True
    await _settle(update, context, table, request, quote, asked)
    return True


def _argument(text: str | None) -> str:
    parts = (text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def hitung_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/hitung` shows what can be computed; `/hitung <text>` computes it at once."""
    text = _argument(update.effective_message.text)
    if text:
        _forget(update, context)
        if not await answer_numeric(update, context, text, forced=True):
            await reply_to(update, error_reply(to_plain(t("hitung_unavailable", user_language(update)))))
        return
    _forget(update, context)
    language = user_language(update)
    message = menu_text(language)
    await reply_to(update, Reply(message, to_plain(message)), reply_markup=menu_keyboard(signer(update, context), language))


def pressed_kind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The computation a Hitung button asks for, if the press carries this chat's and user's seal."""
    data = update.callback_query.data or ""
    payload = data.rpartition(":")[0]
    kind = payload.removeprefix(f"{HITUNG}:")
    if not payload.startswith(f"{HITUNG}:") or kind not in KINDS:
        return None
    expected = signer(update, context)(payload)
    return kind if hmac.compare_digest(expected.encode(), data.encode()) else None


async def hitung_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A Hitung menu button: ask for the number the chosen computation needs (JKM needs none)."""
    query = update.callback_query
    kind = pressed_kind(update, context)
    if kind is None:
        await query.answer(t("expired", user_language(update)), show_alert=True)
        return
    table = await rates(context)
    if table is None:
        await query.answer(to_plain(t("hitung_unavailable", user_language(update))), show_alert=True)
        return
    await query.answer()
    language = user_language(update)
    await _settle(update, context, table, Request(kind=kind, language=language), False, f"/hitung {kind_label(kind, language)}")
