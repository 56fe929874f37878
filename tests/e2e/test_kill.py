"""Killed mid-flood: the real bot is SIGKILLed while questions are queued, then restarted.

Every question must be answered: none lost (the update was acknowledged to the Bot API before it
was handled), and none answered twice but a reply in flight at the instant of the kill (Telegram
delivers unacknowledged updates again after a restart, and handled ones must not be answered again). The figures are printed for the closing note of issue 8.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from tests.harness import BotProcess, Emulator, EmulatorClient, User
from index.build import build_index
from tests.fakes import FakeEncoder

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
USERS = 120  # one question each, so each private chat must end with exactly one answer
KILL_AFTER = (0.5, 2.0, 5.0)  # seconds after the flood is sent
MAX_TWICE = 2  # replies in flight at the instant of the kill may go out twice (seen: 0 or 1 per kill)
SETTLE = 60.0  # seconds the restarted bot gets to answer what is left


async def _ready(client: EmulatorClient, bot: BotProcess, user: User) -> None:
    """Wait until the bot answers a first question: it is polling and its index is loaded."""
    await client.send_text(user, "apa itu JKP?")
    for _ in range(60):
        assert bot.alive(), bot.log()[-3000:]
        if await client.wait_bot_messages(user.id, timeout=1.0):
            return
    pytest.fail(f"the bot did not start:\n{bot.log()[-3000:]}")


async def test_a_killed_bot_loses_nothing_and_answers_nothing_twice(emulator: Emulator, token: str, client: EmulatorClient, tmp_path: Path):
    build_index(CORPUS, tmp_path / "index", encoder=FakeEncoder())
    env = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": emulator.bot_api_base(),
        "INDEX_DIR": str(tmp_path / "index"),
        "DATA_DIR": str(tmp_path / "data"),  # the same for every run: the restart finds the inbox
        "SEND_RATE_LIMIT": "10",  # a flood takes about 12 s to answer, so the kill lands in it
        "USER_RATE_LIMIT": "0",
    }
    (tmp_path / "cwd").mkdir()
    report = []
    for round_, delay in enumerate(KILL_AFTER):
        users = [User(700_000 + 1000 * round_ + i) for i in range(USERS)]
        bot = BotProcess.start(env, tmp_path / f"bot-{round_}.log", cwd=tmp_path / "cwd")
        try:
            await _ready(client, bot, User(690_000 + round_))
            await asyncio.gather(*(client.send_text(u, f"apa itu JKP? ({u.id})") for u in users))
            await asyncio.sleep(delay)
            os.killpg(bot.process.pid, signal.SIGKILL)
            bot.process.wait(10)
        finally:
            bot.stop()
        before = sum((await client.replies_per_chat({u.id for u in users})).values())
        restarted = BotProcess.start(env, tmp_path / f"bot-{round_}-restart.log", cwd=tmp_path / "cwd")
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + SETTLE
            while loop.time() < deadline and len(await client.replies_per_chat({u.id for u in users})) < USERS:
                assert restarted.alive(), restarted.log()[-3000:]
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # anything answered twice shows up by now
            counts = await client.replies_per_chat({u.id for u in users})
        finally:
            restarted.stop()
        lost = USERS - len(counts)
        twice = sum(1 for n in counts.values() if n > 1)
        report.append(f"kill after {delay:.1f} s: {before} of {USERS} answered before the kill, {lost} lost, {twice} answered twice")
    print("\n" + "\n".join(report))
    # At least once: nothing is lost. A reply already sent by the killed process whose update it
    # had no time to mark handled (the last step, one write) goes out again after the restart.
    assert all(" 0 lost," in line for line in report), report
    assert all(int(line.rsplit(", ", 1)[1].split()[0]) <= MAX_TWICE for line in report), report
