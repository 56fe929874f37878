"""Builds the Telegram Application: settings, rate limiter, services and handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import language
from bot.durable import DurableApplication, DurableQueue, updates_request
from bot.handlers import buttons, commands, errors, hitung, inline, messages
from bot.keyboards import CONTACT, FEEDBACK, MORE, PROGRAM, SOURCES, TOPIC, Seal
from bot.limits import UserRateLimit
from bot.live_index import LiveIndex
from bot.metrics import Metrics
from bot.sending import NO_PREVIEW
from bot.services import KEY, Services
from bot.settings import Settings
from bot.state import ContextStore, MemoryContext, RedisContext
from bot.store import Store

logger = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL = 3600.0  # seconds between retention purges

COMMANDS = {
    "id": [
        BotCommand("tanya", "Ajukan pertanyaan tentang BPJS"),
        BotCommand("hitung", "Hitung iuran, JKP, denda JKN, klaim JHT"),
        BotCommand("topik", "Daftar topik"),
        BotCommand("tentang", "Isi indeks dan kapan dibangun"),
        BotCommand("help", "Cara bertanya"),
        BotCommand("start", "Mulai"),
    ],
    "en": [
        BotCommand("tanya", "Ask a question about BPJS"),
        BotCommand("hitung", "Compute contributions and benefits"),
        BotCommand("topik", "Topics"),
        BotCommand("tentang", "What the index holds"),
        BotCommand("help", "How to ask"),
        BotCommand("start", "Start"),
    ],
}
NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.CONTACT
)


def _warm_up(svc: Services) -> None:
    """Pay the first-question costs (language profiles, the model's first pass) before users do."""
    language.warm_up()
    if svc.live.retriever is not None:
        svc.live.retriever.search("apa itu JKP?")


async def _housekeeping(svc: Services) -> None:
    """Apply the retention setting now and every HOUSEKEEPING_INTERVAL seconds, forever (cancel to stop)."""
    while True:
        try:
            await asyncio.to_thread(svc.store.purge, svc.settings.question_retention_days)
        except Exception:  # housekeeping must outlive any surprise
            logger.exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_INTERVAL)


async def _post_init(application: Application) -> None:
    """Load the index, advertise the commands, queue what a previous run left, start the background tasks."""
    svc: Services = application.bot_data[KEY]
    # asyncio's default pool has cpu_count + 4 threads (6 here): it capped the searches in flight,
    # and with them the query batches. Give every concurrent update a thread, plus some for the store.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(svc.settings.worker_threads, thread_name_prefix="answer"))
    if svc.live.retriever is None:
        await asyncio.to_thread(svc.live.load)
    await asyncio.to_thread(_warm_up, svc)
    for code, commands_ in COMMANDS.items():
        try:
            await application.bot.set_my_commands(commands_, language_code=None if code == "id" else code)
        except TelegramError as exc:  # commands are a convenience: never a reason not to start
            logger.warning("could not set the command list (%s)", exc)
    svc.tasks = [
        asyncio.create_task(svc.live.watch(svc.settings.reload_interval), name="index-watcher"),
        asyncio.create_task(_housekeeping(svc), name="housekeeping"),
    ]
    if isinstance(application.update_queue, DurableQueue):
        await application.update_queue.requeue_pending(application.bot)
        svc.tasks.append(asyncio.create_task(application.update_queue.keep_alive(application.bot), name="replica-heartbeat"))


async def _post_shutdown(application: Application) -> None:
    """Stop the background tasks."""
    svc: Services = application.bot_data[KEY]
    for task in svc.tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    svc.tasks = []


def register_handlers(application: Application) -> None:
    """Route each kind of update to its handler."""
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    new_message = filters.UpdateType.MESSAGE
    application.add_handlers(
        [
            CommandHandler("start", commands.start, filters=new_message),
            CommandHandler("help", commands.help_command, filters=new_message),
            CommandHandler("tanya", commands.ask, filters=new_message),
            CommandHandler("topik", commands.topics, filters=new_message),
            CommandHandler("tentang", commands.about, filters=new_message),
            CommandHandler("reload", commands.reload_index, filters=new_message),
            CommandHandler("stats", commands.stats, filters=new_message),
            CommandHandler("hitung", hitung.hitung_command, filters=new_message),
            MessageHandler(filters.COMMAND & private & new_message, commands.unknown_command),
            MessageHandler(filters.TEXT & ~filters.COMMAND & private & new_message, messages.private_text),
            MessageHandler(filters.TEXT & ~filters.COMMAND & groups & new_message, messages.group_text),
            MessageHandler(NON_TEXT & private & new_message, messages.private_non_text),
            CallbackQueryHandler(buttons.more, pattern=f"^{MORE}:"),
            CallbackQueryHandler(buttons.feedback, pattern=f"^{FEEDBACK}:"),
            CallbackQueryHandler(buttons.sources, pattern=f"^{SOURCES}:"),
            CallbackQueryHandler(buttons.topic, pattern=f"^{TOPIC}:"),
            CallbackQueryHandler(buttons.contact, pattern=f"^{CONTACT}:"),
            CallbackQueryHandler(buttons.program, pattern=f"^{PROGRAM}:"),
            CallbackQueryHandler(hitung.hitung_button, pattern=f"^{hitung.HITUNG}:"),
            CallbackQueryHandler(buttons.unknown_button),
            InlineQueryHandler(inline.inline_query),
        ]
    )
    application.add_error_handler(errors.on_error)


def conversation_state(settings: Settings, store: Store) -> ContextStore:
    """Where conversations are kept between messages: Redis when replicas share it, else memory."""
    if settings.redis:
        return RedisContext(settings.redis, settings.redis_prefix, settings.context_window, store.secret("context"))
    return MemoryContext(settings.context_window)


def build_application(
    settings: Settings,
    live: LiveIndex,
    store: Store,
    *,
    request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> Application:
    """The bot, ready for `run_polling`/`run_webhook` (or `process_update` in tests)."""
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .update_queue(DurableQueue(store, settings.replica_name, settings.replica_lease))
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .concurrent_updates(settings.concurrent_updates)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=settings.send_rate_limit, max_retries=2)
        )
    builder = builder.get_updates_request(updates_request(request))
    if request is not None:
        builder = builder.request(request)
    application = builder.build()
    application.bot_data[KEY] = Services(
        settings=settings,
        live=live,
        store=store,
        limiter=UserRateLimit(
            settings.user_rate_limit, settings.user_rate_window, storage_uri=settings.redis or "memory://", prefix=settings.redis_prefix
        ),
        seal=Seal(store.secret("callback-data")),
        context=conversation_state(settings, store),
        metrics=Metrics(live),
    )
    register_handlers(application)
    return application

