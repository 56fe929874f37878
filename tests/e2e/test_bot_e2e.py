"""End to end: the real bot process (`python -m bot run`) against the Bot API emulator.

One bot serves the module, long polling the emulator over loopback with a FakeEncoder index of
`fixtures/corpus`; each test talks to it as its own user and checks what the bot sent. One test
starts a bot of its own, serving a webhook.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from index.build import build_index
from tests.fakes import FakeEncoder
from tests.harness import (
    REPO, BotProcess, Emulator, EmulatorClient, User, assert_telegram_html, callback_data, fake_token, free_port, group_chat,
    message, revoked_token, update,
)

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
JHT_RATE = "3,7% ditanggung pemberi kerja dan 2% dipotong dari upah pekerja"  # fixtures/corpus/jht-iuran.md
JHT_SOURCE = "PP No. 46 Tahun 2015 tentang Penyelenggaraan Program Jaminan Hari Tua"
JHT_URL = "https://www.bpjsketenagakerjaan.go.id/penerima-upah.html"
REPLY_TIMEOUT = 30.0  # generous: the first reply also waits for the bot to start


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FakeEncoder index of the fixture corpus, built once for the module (read-only)."""
    index = tmp_path_factory.mktemp("built") / "index"
    build_index(CORPUS, index, encoder=FakeEncoder())
    return index


@pytest.fixture(scope="module")
def bot(emulator: Emulator, token: str, index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """The real bot, serving a FakeEncoder index of the fixture corpus; stopped after the module."""
    work = tmp_path_factory.mktemp("bot")
    env = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": emulator.bot_api_base(),
        "INDEX_DIR": str(index_dir),
        "DATA_DIR": str(work / "data"),
        "LOG_LEVEL": "DEBUG",  # the most talkative level: the token must still never show
    }
    (work / "cwd").mkdir()  # empty: nothing there can shadow a package or act as .env
    process = BotProcess.start(env, work / "bot.log", cwd=work / "cwd")
    try:
        yield process
    finally:
        process.stop()


async def next_reply(client: EmulatorClient, bot: BotProcess, chat_id: int, after: int = 0) -> dict[str, Any]:
    """The bot's first message to `chat_id` newer than update `after`; fails fast if the bot died."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while loop.time() < deadline:
        assert bot.alive(), f"the bot exited:\n{bot.log()[-3000:]}"
        messages = await client.wait_bot_messages(chat_id, after, timeout=1.0)
        if messages:
            return messages[0]
    pytest.fail(f"no reply in chat {chat_id} within {REPLY_TIMEOUT:.0f} s; bot log:\n{bot.log()[-3000:]}")


async def next_callback_answer(client: EmulatorClient, before: int) -> dict[str, Any]:
    """The first answerCallbackQuery after the `before` ones already recorded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while loop.time() < deadline:
        answers = await client.callback_answers()
        if len(answers) > before:
            return answers[before]
        await asyncio.sleep(0.05)
    pytest.fail(f"the bot did not answer the button within {REPLY_TIMEOUT:.0f} s")


def telegram_html(sent: dict[str, Any]) -> str:
    """The visible text of an HTML message, after checking Telegram would accept its markup."""
    assert sent["parse_mode"] == "HTML"
    return assert_telegram_html(sent["text"])


async def test_start_greets(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(101)
    await client.send_text(user, "/start")
    reply = await next_reply(client, bot, user.id)
    text = telegram_html(reply["message"])
    assert "Tanya BPJS" in text and "/help" in text


async def test_question_is_answered_with_a_sourced_quote(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(102)
    await client.send_text(user, "berapa iuran JHT?")
    reply = await next_reply(client, bot, user.id)
    raw, text = reply["message"]["text"], telegram_html(reply["message"])
    assert JHT_RATE in text  # the fixture passage, quoted word for word
    assert re.match(r"<blockquote><b>[^<]*3,7%[^<]*</b>", raw)  # the answer sentence first, in bold
    assert "📄 Iuran Jaminan Hari Tua (JHT) · per 30 Juni 2015" in text and f'href="{JHT_URL}"' in raw
    assert text.count("📄") == raw.count("<blockquote>")  # one source line a quote
    assert {"Jawaban lain", "Sumber", "👍", "👎", "☎️ Hubungi petugas"} <= set(callback_data(reply["message"]))
    assert len(await client.bot_messages(user.id)) == 1  # one question, one message


async def test_more_button_sends_other_quotes(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(103)
    await client.send_text(user, "berapa iuran JHT?")
    first = await next_reply(client, bot, user.id)
    await client.press(user, first, callback_data(first["message"])["Jawaban lain"])
    second = await next_reply(client, bot, user.id, after=first["updateId"])
    text = telegram_html(second["message"])
    assert "Kutipan lain" in text and JHT_RATE not in text  # the next passages, not the first again
    assert "<blockquote>" in second["message"]["text"]
    assert any(a["callback_query_id"] for a in await client.callback_answers())  # the spinner stopped


async def test_feedback_button_is_thanked_and_counted(bot: BotProcess, client: EmulatorClient, token: str) -> None:
    user = User(104)
    await client.send_text(user, "apa manfaat JKP?")
    reply = await next_reply(client, bot, user.id)
    before = len(await client.callback_answers())
    await client.press(user, reply, callback_data(reply["message"])["👍"])
    answer = await next_callback_answer(client, before)
    assert answer.get("text", "").startswith("Terima kasih")
    stats = _bot_stats(bot)
    assert re.search(r"👍 1\b", stats), stats


def _bot_stats(bot: BotProcess) -> str:
    """`python -m bot stats` on the running bot's data directory."""
    work = bot.log_path.parent
    env = {**os.environ, "DATA_DIR": str(work / "data"), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--english"],
        cwd=work / "cwd", env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_sources_button_details_the_document(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(105)
    await client.send_text(user, "berapa iuran JHT?")
    reply = await next_reply(client, bot, user.id)
    await client.press(user, reply, callback_data(reply["message"])["Sumber"])
    details = await next_reply(client, bot, user.id, after=reply["updateId"])
    text = telegram_html(details["message"])
    assert "Iuran Jaminan Hari Tua (JHT)" in text and JHT_SOURCE in text and "JHT" in text


async def test_out_of_scope_question_offers_topics(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(106)
    await client.send_text(user, "resep nasi goreng enak")
    refusal = await next_reply(client, bot, user.id)
    text = telegram_html(refusal["message"])
    assert "<blockquote>" not in refusal["message"]["text"]  # nothing quoted when nothing fits
    assert "Maaf" in text
    topics = callback_data(refusal["message"])
    assert "Jaminan Kehilangan Pekerjaan" in topics
    await client.press(user, refusal, topics["Jaminan Kehilangan Pekerjaan"])
    answer = await next_reply(client, bot, user.id, after=refusal["updateId"])
    assert "uang tunai, akses informasi pasar kerja, dan pelatihan kerja" in telegram_html(answer["message"])


async def test_sticker_gets_a_hint_to_type(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(107)
    await client.send_sticker(user)
    hint = await next_reply(client, bot, user.id)
    assert "teks" in telegram_html(hint["message"])


async def test_group_answers_only_when_addressed(bot: BotProcess, client: EmulatorClient) -> None:
    user, group = User(108), group_chat(-1001)
    await client.send_text(user, "berapa iuran JHT ya teman-teman?", chat=group)  # chatter: not for the bot
    await client.send_text(user, "/tanya berapa iuran JHT?", chat=group)
    reply = await next_reply(client, bot, group["id"])
    assert JHT_RATE in telegram_html(reply["message"])
    await client.send_text(user, "/tanya apa manfaat JKP?", chat=group)
    await next_reply(client, bot, group["id"], after=reply["updateId"])
    assert len(await client.bot_messages(group["id"])) == 2  # the chatter got no answer


async def test_odd_input_leaves_the_bot_running(bot: BotProcess, client: EmulatorClient) -> None:
    user = User(109)
    after = 0
    for text in ("🙂🙂🙂", "jht " * 2500, "/perintahaneh"):
        await client.send_text(user, text)
        reply = await next_reply(client, bot, user.id, after)
        telegram_html(reply["message"])
        assert len(reply["message"]["text"]) <= 4096
        after = reply["updateId"]
    await client.press(user, reply, "tombol-lama-tak-dikenal")
    await client.send_text(user, "apa manfaat JKP?")
    assert "pelatihan kerja" in telegram_html((await next_reply(client, bot, user.id, after))["message"])
    assert bot.alive()


async def test_webhook_server_checks_the_secret_token_header(emulator: Emulator, index_dir: Path, tmp_path: Path) -> None:
    token, port, secret = fake_token(), free_port(), "s3cret-Webhook_token"
    env = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": emulator.bot_api_base(),
        "INDEX_DIR": str(index_dir),
        "DATA_DIR": str(tmp_path / "data"),
        "WEBHOOK_URL": "https://bot.example.org/tanya-hook",
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_PORT": str(port),
        "LOG_LEVEL": "DEBUG",  # the most verbose logs must not leak the token either
    }
    (tmp_path / "cwd").mkdir()
    bot = BotProcess.start(env, tmp_path / "bot.log", cwd=tmp_path / "cwd")
    client = EmulatorClient(emulator.url, token)
    try:
        await bot.wait_healthy(port)  # setWebhook comes before the server listens
        registered = next((c for c in await client.webhook_calls() if c["method"] == "setWebhook"), None)
        assert registered is not None, "the bot never registered its webhook"
        assert registered["url"] == env["WEBHOOK_URL"] and registered["secret_token"] == secret
        hook = f"http://127.0.0.1:{port}/tanya-hook"
        question = update(message=message("apa itu JKP?", user=User(31337)))
        async with httpx.AsyncClient(trust_env=False, timeout=10) as http:

            async def post(secret_header: str | None) -> int:
                headers = {} if secret_header is None else {"X-Telegram-Bot-Api-Secret-Token": secret_header}
                return (await http.post(hook, json=question, headers=headers)).status_code

            assert await post(None) == 403
            assert await post("wrong-secret") == 403
            assert await post(secret) == 200
        answer = await next_reply(client, bot, 31337)
        assert "<blockquote>" in answer["message"]["text"]
        assert [str(m["message"]["chat_id"]) for m in await client.bot_messages()] == ["31337"]
    finally:
        await client.aclose()
        code = bot.stop(grace=30.0, signum=signal.SIGINT)
    log = bot.log()
    assert token not in log and secret not in log
    assert code == 0, log[-2000:]  # stopped cleanly by the signal


def test_a_rejected_token_is_one_clear_line_without_the_token(emulator: Emulator, index_dir: Path, tmp_path: Path) -> None:
    token = revoked_token()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": emulator.bot_api_base(),
           "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    env.pop("WEBHOOK_URL", None)
    done = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in done.stderr.strip().splitlines()[-1]
    assert token not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_stops_cleanly_and_never_logs_the_token(bot: BotProcess, token: str) -> None:
    """Last in the module: stops the bot (SIGTERM, as a service manager would) and reads its log."""
    assert bot.alive(), bot.log()[-3000:]
    assert bot.stop() == 0, bot.log()[-3000:]
    log = bot.log()
    assert "Application started" in log  # the log is the bot's, at DEBUG
    assert token not in log and token.split(":")[1] not in log
    assert not re.search(r"\bERROR\b|Traceback", log), log[-3000:]
