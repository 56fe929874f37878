"""Fixtures of the end-to-end tests: the Bot API emulator on loopback and a user's client for it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.harness import Emulator, EmulatorClient, emulator_missing, fake_token

logger = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """An emulator child process for the test module (about 0.3 s to start), ended after it."""
    reason = emulator_missing()
    if reason:
        pytest.skip(reason)
    emu = Emulator.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def token() -> str:
    """The bot token of the module's bot: random, so logs can be searched for it."""
    return fake_token()


@pytest.fixture
async def client(emulator: Emulator, token: str) -> AsyncIterator[EmulatorClient]:
    """Acts as users in the emulator, for the bot holding `token`."""
    c = EmulatorClient(emulator.url, token)
    try:
        yield c
    finally:
        await c.aclose()
