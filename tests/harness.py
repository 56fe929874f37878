"""Run the Bot API emulator and the real bot as child processes on loopback, and talk as users.

The one harness of the process tests (`tests/e2e/`) and the bot benchmark (`bench/bot_load.py`).
The emulator is `tests/e2e/emulator.js`: telegram-test-api with the mends python-telegram-bot
needs. Bots in webhook mode get their updates from `Telegram` (as Telegram delivers them: POSTed
with the secret token, retried until answered 200), through a `LoadBalancer` when there are
several replicas.
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import logging
import os
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
E2E_DIR = REPO / "tests" / "e2e"
EMULATOR_SCRIPT = E2E_DIR / "emulator.js"
EMULATOR_PACKAGE = E2E_DIR / "node_modules" / "telegram-test-api" / "package.json"
EMULATOR_BOT_ID = 666  # the id emulator.js gives the bot in getMe
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


class HarnessError(RuntimeError):
    """A child process did not start, died, or the emulator did not answer as expected."""


def emulator_missing() -> str | None:
    """Why the emulator cannot run here (no node, or `npm ci --prefix tests/e2e` not run), or None."""
    if shutil.which("node") is None:
        return "node is not installed (the end-to-end emulator runs on Node.js 18+)"
    if not EMULATOR_PACKAGE.is_file():
        return "telegram-test-api is not installed: run `npm ci --prefix tests/e2e` (or `make e2e-deps`)"
    return None


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_token() -> str:
    """A token shaped like BotFather's, random so a test can search logs for it."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}:{secrets.token_urlsafe(26)[:35]}"


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it if the test or bench dies (no orphans)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the stdin lifeline and teardown still apply
        pass


def _stop_group(process: subprocess.Popen, grace: float) -> int | None:
    """SIGTERM the process group, wait `grace` seconds, then SIGKILL it; returns the exit code."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            logger.warning("pid %d ignored SIGTERM for %.0f s; killing it", process.pid, grace)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # also reaps anything the child left behind
    except ProcessLookupError:
        pass
    return process.wait()


@dataclass
class Emulator:
    """The emulator child process and the loopback URL it listens on."""

    process: subprocess.Popen
    url: str

    @classmethod
    def start(cls, timeout: float = 15.0) -> Emulator:
        """Start `emulator.js` on a free loopback port and wait for its READY line."""
        reason = emulator_missing()
        if reason:
            raise HarnessError(reason)
        # Nothing but the READY line and a start-up failure is printed (DEBUG would make the
        # package trace every request), so the pipe, unread after start-up, never fills.
        env = {k: v for k, v in os.environ.items() if k != "DEBUG"} | {"NODE_ENV": "production"}
        process = subprocess.Popen(
            ["node", str(EMULATOR_SCRIPT), "--port", "0", "--exit-with-stdin"],
            cwd=E2E_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        line = _read_line(process.stdout, timeout)
        if not line.startswith("READY "):
            _stop_group(process, 1.0)
            rest = process.stdout.read() if process.stdout else ""
            raise HarnessError(f"the emulator did not start: {(line + rest).strip()[-2000:]!r}")
        return cls(process, line.split()[1])

    def bot_api_base(self) -> str:
        """The value for the bot's TELEGRAM_API_BASE_URL."""
        return f"{self.url}/bot"

    def stop(self) -> None:
        """End the emulator and its process group."""
        if self.process.stdin:
            self.process.stdin.close()
        _stop_group(self.process, 5.0)
        if self.process.stdout:
            self.process.stdout.close()


def _read_line(stream: IO[str] | None, timeout: float) -> str:
    """One line from a child's stdout, or "" after `timeout` seconds."""
    if stream is None:
        return ""
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        if not sel.select(timeout):
            return ""
    return stream.readline()


@dataclass
class BotProcess:
    """The real bot (`python -m bot run`) as a child process whose log goes to a file."""

    process: subprocess.Popen
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    @classmethod
    def start(cls, env: Mapping[str, str], log_path: Path, cwd: Path) -> BotProcess:
        """Start `python -m bot run` in `cwd` (away from the checkout's `.env`) with `env` added.

        Telegram and webhook variables of the calling shell are dropped, so the bot can only
        reach the emulator, by long polling.
        """
        child_env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        child_env.update({"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)})
        child_env.update(env)
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        return cls(process, log_path, log)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        """Everything the bot wrote to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM the bot (PTB shuts down cleanly on it), SIGKILL after `grace` seconds."""
        code = _stop_group(self.process, grace)
        self._log.close()
        return code


@dataclass(frozen=True)
class User:
    """A Telegram user in a private chat with the bot (chat id = user id)."""

    id: int
    first_name: str = "Pengguna"
    language_code: str = "id"

    def as_from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


def group_chat(chat_id: int, title: str = "Grup Pekerja") -> dict[str, Any]:
    """A group chat for `EmulatorClient.send_text(..., chat=...)`; group ids are negative."""
    return {"id": chat_id, "type": "group", "title": title}


class EmulatorClient:
    """The emulator's client API: act as users and read what the bot sent."""

    def __init__(self, url: str, token: str, http: httpx.AsyncClient | None = None):
        self.url = url
        self.token = token
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(70.0, connect=5.0), trust_env=False)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _post(self, route: str, body: dict[str, Any], timeout: float | None = None) -> Any:
        kwargs = {"timeout": timeout + 10} if timeout is not None else {}
        response = await self.http.post(f"{self.url}/{route}", json=body, **kwargs)
        if response.status_code != 200:
            raise HarnessError(f"emulator {route} answered HTTP {response.status_code}: {response.text[:300]}")
        data = response.json()
        if not data.get("ok"):
            raise HarnessError(f"emulator {route} failed: {data}")
        return data.get("result")

    async def _send(self, user: User, content: dict[str, Any], chat: dict[str, Any] | None) -> None:
        message = {"botToken": self.token, "from": user.as_from(), "chat": chat or user.as_chat(), "date": int(time.time())}
        await self._post("sendMessage", {**message, **content})

    async def send_text(self, user: User, text: str, chat: dict[str, Any] | None = None) -> None:
        """The user types `text` to the bot (a leading "/word" is a command); `chat` defaults to theirs."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        await self._send(user, content, chat)

    async def send_sticker(self, user: User, chat: dict[str, Any] | None = None) -> None:
        """The user sends a sticker (no text at all)."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAEStickerFileId",
            "file_unique_id": "AgADStickerUnique",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        await self._send(user, {"sticker": sticker}, chat)

    async def press(self, user: User, bot_message: dict[str, Any], data: str) -> None:
        """The user presses the inline button with callback `data` under one of the bot's messages."""
        stored = bot_message["message"]
        chat_id = int(stored["chat_id"])
        message = {
            "message_id": bot_message["messageId"],
            "date": bot_message["time"] // 1000,
            "chat": user.as_chat() if chat_id == user.id else group_chat(chat_id),
            "from": {"id": EMULATOR_BOT_ID, "is_bot": True, "first_name": "Tanya BPJS"},
            "text": stored.get("text", ""),
        }
        if stored.get("reply_markup"):
            message["reply_markup"] = stored["reply_markup"]
        callback = {"botToken": self.token, "from": user.as_from(), "message": message, "data": data}
        await self._post("sendCallback", callback)

    async def wait_bot_messages(
        self, chat_id: int | None = None, after_update_id: int = 0, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """The bot's messages (to `chat_id`) newer than `after_update_id`; [] after `timeout` s."""
        body: dict[str, Any] = {"token": self.token, "afterUpdateId": after_update_id, "timeout": timeout}
        if chat_id is not None:
            body["chatId"] = chat_id
        return await self._post("waitBotMessages", body, timeout=timeout)

    async def history(self) -> list[dict[str, Any]]:
        """Every stored update of this bot, user's and bot's, oldest first."""
        return await self._post("getUpdatesHistory", {"token": self.token})

    async def bot_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The bot's messages (to `chat_id`) as stored now, edits applied, oldest first."""
        items = [u for u in await self.history() if "chat_id" in u.get("message", {})]
        return [u for u in items if chat_id is None or str(u["message"]["chat_id"]) == str(chat_id)]

    async def callback_answers(self) -> list[dict[str, Any]]:
        """What the bot passed to answerCallbackQuery, oldest first."""
        return await self._post("getCallbackAnswers", {"token": self.token})

    async def webhook_calls(self) -> list[dict[str, Any]]:
        """The bot's setWebhook and deleteWebhook calls, oldest first."""
        return await self._post("getWebhookCalls", {"token": self.token})


class LoadBalancer:
    """A round-robin TCP proxy on loopback: each connection goes to the next replica that accepts it
    (a replica that is down is skipped, as nginx's `proxy_next_upstream error` does)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = list(ports)
        self._next = 0
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> LoadBalancer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = None
        for _ in range(len(self.ports)):
            port = self.ports[self._next % len(self.ports)]
            self._next += 1
            try:
                upstream = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                continue
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


class Telegram:
    """Delivers updates to a webhook as Telegram does: POSTed with the secret token, one connection
    each, and retried (for `patience` seconds) until the bot answers 200."""

    def __init__(self, url: str, secret: str, patience: float = 60.0) -> None:
        self.url, self.secret, self.patience = url, secret, patience
        self.retries = 0  # deliveries that failed and were sent again
        self._update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)
        self._message_ids = itertools.count(1)
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0), trust_env=False, limits=httpx.Limits(max_keepalive_connections=0))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def deliver(self, update: dict[str, Any]) -> None:
        """POST `update` until it is acknowledged; HarnessError if it never is."""
        deadline = time.monotonic() + self.patience
        while True:
            try:
                response = await self.http.post(self.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": self.secret})
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise HarnessError(f"update {update['update_id']} was never acknowledged")
            self.retries += 1
            await asyncio.sleep(0.5)

    async def send_text(self, user: User, text: str, chat: dict[str, Any] | None = None) -> None:
        """The user types `text` to the bot (as `EmulatorClient.send_text`, but through the webhook)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or user.as_chat(),
            "from": user.as_from(),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        await self.deliver({"update_id": next(self._update_ids), "message": message})
