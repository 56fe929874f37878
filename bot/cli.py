"""`python -m bot`: run the Telegram bot, or ask the index from the console.

The CLI only parses arguments and calls the library; user mistakes (no token, no index) end
with one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot.answer import answer_question
from bot.dialogues import Conversation
from bot.keyboards import button_labels, buttons_text
from bot.live_index import LiveIndex, Reload
from bot.logs import setup_logging
from bot.reply import stats_reply
from bot.settings import Settings
from bot.store import Store, StoreError
from index import IndexLoadError
from index.console import UserError, run

logger = logging.getLogger(__name__)

SAMPLE_QUESTION = "apa itu JKP?"
EXIT_WORDS = frozenset({"exit", "quit", "keluar", "q"})

SETTINGS_HELP = """\
settings (environment variables or .env):
  TELEGRAM_BOT_TOKEN      bot token from @BotFather (needed by run)
  TELEGRAM_API_BASE_URL   Bot API base URL (default https://api.telegram.org/bot)
  ADMIN_USER_IDS          comma-separated Telegram user ids allowed /reload and /stats
  WEBHOOK_URL             serve a webhook at this public URL instead of long polling
  WEBHOOK_SECRET          secret token Telegram sends with each webhook request
  WEBHOOK_LISTEN, WEBHOOK_PORT   address of the webhook server (127.0.0.1:8443); it also serves
                          /healthz and /metrics
  DATABASE_URL            PostgreSQL for the question log and inbox (default: SQLite in DATA_DIR)
  REDIS_URL               Redis for per-user limits and conversations (default: in memory)
  REPLICA_NAME            this replica's name (default: the host name)
  INDEX_DIR, DATA_DIR     built index (var/index) and bot data: question log (var/data)
  LOG_LEVEL               INFO by default
  ...and the load, rate-limit and inline settings: every one is listed in .env.example
"""


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())).upper()
        raise UserError(f"invalid setting {field}: {first.get('msg')}") from None


def _live_index(settings: Settings) -> LiveIndex:
    """The index, loaded; a missing or corrupt one is a one-line error."""
    live = LiveIndex(settings.index_dir, encoder_options=settings.encoder_options())
    try:
        live.load()
    except IndexLoadError as exc:
        raise UserError(str(exc)) from None
    return live


def _store(settings: Settings) -> Store:
    """The question store; an unreachable or newer database is a one-line error."""
    try:
        # A connection for every thread that may use one: no update waits for the pool.
        return Store(settings.data_dir, settings.database, pool_size=settings.worker_threads)
    except StoreError as exc:
        raise UserError(str(exc)) from None


def print_answer(live: LiveIndex, settings: Settings, question: str, as_json: bool) -> None:
    """Answer one question on stdout, as the private chat would get it (or as JSON)."""
    answer = answer_question(live.retriever, question, passages=settings.answer_passages, logged=False)
    if as_json:
        print(json.dumps(answer.to_json() | {"buttons": button_labels(answer)}, ensure_ascii=False, indent=2))
    else:
        print(answer.reply.plain, buttons_text(answer), sep="\n\n")


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question."""
    settings = _settings()
    setup_logging(settings.log_level)
    print_answer(_live_index(settings), settings, " ".join(args.question), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A conversation in the console, as one user's private chat: follow-ups are read in context.

    Interactive: until "keluar", Ctrl-C or end of input. With --json: one message per line of
    standard input, one JSON object per message on standard output; an empty line starts a new
    conversation.
    """
    settings = _settings()
    setup_logging(settings.log_level)
    live = _live_index(settings)
    conversation = Conversation(live.retriever, settings.context_window, passages=settings.answer_passages)
    if args.json:
        for line in sys.stdin:
            message = line.strip()
            if not message:
                conversation = Conversation(live.retriever, settings.context_window, passages=settings.answer_passages)
                continue
            answer = conversation.ask(message)
            print(json.dumps(answer.to_json() | {"buttons": button_labels(answer)}, ensure_ascii=False), flush=True)
        return 0
    print("Tanya BPJS: ketik pertanyaan (\"keluar\" untuk berhenti) / type a question (\"exit\" to stop).")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question.lower() in EXIT_WORDS:
            return 0
        if question:
            if live.reload_if_changed() is Reload.RELOADED:
                conversation.retriever = live.retriever
            print()
            answer = conversation.ask(question, at=time.monotonic())
            print(answer.reply.plain, buttons_text(answer), sep="\n\n")


def cmd_eval(args: argparse.Namespace) -> int:
    """Score a dialogue set: each dialogue played as one user's conversation."""
    from bot.dialogues import evaluate_dialogues, read_dialogues

    if not args.file.is_file():
        raise UserError(f"no such file: {args.file}")
    settings = _settings()
    setup_logging(settings.log_level)
    turns = read_dialogues(args.file)
    report = evaluate_dialogues(turns, _live_index(settings).retriever, settings.context_window)
    for miss in report.misses:
        print(f"miss: {miss}")
    print(report.summary())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the question log's statistics."""
    settings = _settings()
    setup_logging(settings.log_level)
    store = _store(settings)
    try:
        print(stats_reply(store.stats(top=args.top), "en" if args.english else "id").plain)
    finally:
        store.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run the Telegram bot (long polling, or a webhook server when WEBHOOK_URL is set)."""
    import asyncio

    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from bot.web import WEBHOOK_REGISTRATION, serve_webhook

    settings = _settings()
    if not settings.token:
        raise UserError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in .env or the environment")
    webhook_secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if settings.webhook_url and settings.database and not webhook_secret:
        raise UserError(
            "WEBHOOK_SECRET must be set when replicas share DATABASE_URL: each replica would otherwise"
            " register a random secret of its own and Telegram would reach only the last one"
        )
    generated = bool(settings.webhook_url and not webhook_secret)
    if generated:
        webhook_secret = secrets.token_urlsafe(32)
    passwords = [urlsplit(url).password or "" for url in (settings.database, settings.redis) if url]
    setup_logging(settings.log_level, secrets=[settings.token, webhook_secret, settings.database, settings.redis, *passwords])
    if generated:
        logger.info("WEBHOOK_SECRET not set: using a random secret for this run")
    live = _live_index(settings)
    store = _store(settings)
    application = build_application(settings, live, store)
    logger.info("index %s loaded; starting the bot", settings.index_dir)
    try:
        if settings.webhook_url:
            asyncio.run(serve_webhook(application, webhook_secret))
        else:
            store.swap_value(WEBHOOK_REGISTRATION, None)  # polling removes any webhook: register again next time
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        raise UserError("Telegram rejected TELEGRAM_BOT_TOKEN: check the token from @BotFather") from None
    except NetworkError as exc:
        raise UserError(f"cannot reach the Bot API at {settings.telegram_api_base_url}: {exc.message}") from None
    finally:
        store.close()
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    """`make run`: the bot if a token is configured, else a console demo and how to set the token."""
    if _settings().token:
        return cmd_run(args)
    cmd_ask(argparse.Namespace(question=[SAMPLE_QUESTION], json=False))
    print(
        "\n(No TELEGRAM_BOT_TOKEN set, so this was the console demo of the question "
        f"\"{SAMPLE_QUESTION}\".)\nTo run the Telegram bot: get a token from @BotFather, put "
        "TELEGRAM_BOT_TOKEN=... in .env (see .env.example), then run `make run` again."
    )
    return 0


def cmd_hitung(args: argparse.Namespace) -> int:
    """Compute contributions or benefits from the rates table, as Telegram does."""
    from bot import hitung

    return hitung.cmd_hitung(args, None if args.corpus else _settings())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Tanya BPJS: a Telegram bot that answers BPJS questions by quoting sourced documents.",
        epilog=SETTINGS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser("run", help="run the Telegram bot (long polling; a webhook server if WEBHOOK_URL is set)")
    run.set_defaults(func=cmd_run)

    start = commands.add_parser("start", help="what `make run` calls: `run` with a token, else a console demo")
    start.set_defaults(func=cmd_start)

    ask = commands.add_parser("ask", help="answer one question in the console, as a private chat would get it")
    ask.add_argument("question", nargs="+", metavar="QUESTION", help="the question (quotes optional)")
    ask.add_argument(
        "--json",
        action="store_true",
        help='print {"question", "language", "answered", "answer_sentence", "passages": [...], "reply", "buttons": [[label, ...], ...]}',
    )
    ask.set_defaults(func=cmd_ask)

    chat = commands.add_parser("chat", help="a conversation in the console (follow-ups in context); --json for scripts")
    chat.add_argument(
        "--json",
        action="store_true",
        help="read one message per line from stdin (an empty line starts a new conversation); print one JSON object"
        " per message: the keys of `ask --json`",
    )
    chat.set_defaults(func=cmd_chat)

    evaluate = commands.add_parser("eval", help="score a dialogue set (dialogue<TAB>message<TAB>regex, '?' or '-')")
    evaluate.add_argument("file", type=Path, metavar="FILE.tsv", help="the dialogues, e.g. tests/data/dialogues.tsv")
    evaluate.set_defaults(func=cmd_eval)

    stats = commands.add_parser("stats", help="questions asked, answered share, feedback, top unanswered questions")
    stats.add_argument("--top", type=int, default=10, metavar="N", help="unanswered questions to list (default 10)")
    stats.add_argument("--english", action="store_true", help="print the labels in English")
    stats.set_defaults(func=cmd_stats)

    from bot.hitung import add_arguments as hitung_arguments

    hitung = commands.add_parser("hitung", help='compute from the rates table, as Telegram does: "gaji 6 juta", "kelas 2 4 orang"')
    hitung_arguments(hitung)
    hitung.set_defaults(func=cmd_hitung)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(lambda: args.func(args))
