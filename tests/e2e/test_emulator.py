"""The emulator's mends hold: a small python-telegram-bot v22 bot round-trips through it.

This proves the harness independently of the project's bot: each step below fails on the
unmended telegram-test-api 4.2.1 (getMe without is_bot, dates in milliseconds, callback queries
without chat_instance, null results of edits and answers).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import AsyncIterator, Callable

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from tests.harness import BOT, Emulator, EmulatorClient, User

logger = logging.getLogger(__name__)

pytestmark = pytest.mark.e2e


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text in bold with one button, and keep what the Bot API returned."""
    sent = await update.effective_message.reply_text(
        f"<b>{html.escape(update.effective_message.text)}</b>",
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Lagi", callback_data="again")]]),
    )
    context.bot_data.setdefault("results", []).append(sent)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button and replace the message's text (which drops its keyboard)."""
    query = update.callback_query
    answered = await query.answer("oke")
    edited = await query.edit_message_text(f"ditekan: {query.data} ({query.chat_instance})")
    context.bot_data.setdefault("results", []).extend([answered, edited])


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the bot's first message in this chat."""
    first = context.bot_data["results"][0]
    deleted = await context.bot.delete_message(update.effective_chat.id, first.message_id)
    context.bot_data.setdefault("results", []).append(deleted)


@pytest.fixture
async def echo_bot(emulator: Emulator, token: str) -> AsyncIterator[Application]:
    """The echo bot, long polling the emulator from this test's event loop."""
    app = ApplicationBuilder().token(token).base_url(emulator.bot_api_base()).build()
    app.add_handler(CommandHandler("hapus", delete))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(press))
    async with app:  # initialize() calls getMe
        await app.start()
        await app.updater.start_polling(timeout=5, poll_interval=0.0)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `condition` every 20 ms until it holds or `timeout` seconds pass."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_ptb_round_trip(echo_bot: Application, client: EmulatorClient) -> None:
    user = User(4242)
    assert echo_bot.bot.bot.is_bot and echo_bot.bot.username == BOT["username"]
    assert echo_bot.bot.bot.to_dict() == BOT  # the in-process fake answers getMe as the emulator does

    await client.send_text(user, "halo & selamat")
    [reply] = await client.wait_bot_messages(chat_id=user.id, timeout=10)
    assert reply["message"]["text"] == "<b>halo &amp; selamat</b>"
    assert reply["message"]["parse_mode"] == "HTML"
    assert reply["message"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "again"
    results = echo_bot.bot_data.setdefault("results", [])
    assert await _until(lambda: len(results) >= 1)  # the bot got sendMessage's answer
    sent = results[0]
    assert isinstance(sent, Message) and sent.message_id == reply["messageId"]
    assert abs(sent.date - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)

    await client.press(user, reply, "again")
    assert await _until(lambda: len(results) >= 3)
    answered, edited = results[1], results[2]
    assert answered is True
    assert isinstance(edited, Message) and edited.text == f"ditekan: again ({user.id})"
    [stored] = await client.bot_messages(user.id)
    assert stored["message"]["text"] == edited.text
    assert "reply_markup" not in stored["message"]  # an edit without a keyboard removes it
    assert [a["text"] for a in await client.callback_answers()] == ["oke"]

    await client.send_text(user, "/hapus")
    assert await _until(lambda: len(results) >= 4)
    assert results[3] is True
    assert await client.bot_messages(user.id) == []
