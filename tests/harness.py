"""The tests' one Telegram harness: the bot's identity, builders of what Telegram sends, one check
of Telegram HTML, and the Bot API emulator and the real bot as child processes on loopback.

Handler tests (`tests/bot/`, over `tests.bot.offline`'s in-process Bot API), the process tests
(`tests/e2e/`) and the bot benchmark (`bench/bot_load.py`) all build users, chats, messages and
updates here, so each sees the same bot (`BOT`, the identity the emulator's getMe gives).
The emulator is `tests/e2e/emulator.js`: telegram-test-api with the mends python-telegram-bot
needs. Bots in webhook mode get their updates from `Telegram` (as Telegram delivers them: POSTed
with the secret token, retried until answered 200), through a `LoadBalancer` when there are
several replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import html
import itertools
import json
import logging
import os
import re
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
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
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


class HarnessError(RuntimeError):
    """A child process did not start, died, or the emulator did not answer as expected."""


# -- What Telegram sends: the bot, users, chats, messages, updates ------------------------------

# The bot as getMe describes it: what emulator.js answers, and what the in-process fake answers.
BOT: dict[str, Any] = {
    "id": 666,
    "is_bot": True,
    "first_name": "Tanya BPJS",
    "username": "TanyaBpjsTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
SUPERGROUP_IDS_BELOW = -10**12  # Telegram's supergroup ids are -100xxxxxxxxxx; basic groups' are small
# Update ids start from the clock, so they differ from run to run (a bot's inbox remembers ids for a day).
_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)
_message_ids = itertools.count(1)
_query_ids = itertools.count(1)


@dataclass(frozen=True)
class User:
    """A Telegram user; their private chat with the bot has the user's id."""

    id: int
    first_name: str = "Budi"
    language_code: str = "id"

    def as_from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


def group_chat(chat_id: int, title: str = "Serikat Pekerja") -> dict[str, Any]:
    """A group chat (ids are negative; a supergroup's, -100..., are below `SUPERGROUP_IDS_BELOW`)."""
    return {"id": chat_id, "type": "supergroup" if chat_id <= SUPERGROUP_IDS_BELOW else "group", "title": title}


GROUP = group_chat(-1001234567890)
DEFAULT_USER = User(1001)


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram marks in a user's text: a leading /command and @mentions (UTF-16 offsets)."""

    def units(piece: str) -> int:
        return len(piece.encode("utf-16-le")) // 2

    found = []
    command = text.split()[0] if text.startswith("/") else ""  # "/tanya@Bot" is one command, no mention
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": units(command)})
    for match in re.finditer(r"@\w+", text[len(command) :]):
        start = len(command) + match.start()
        found.append({"type": "mention", "offset": units(text[:start]), "length": units(match.group())})
    return found


def message(
    text: str | None = None,
    *,
    user: User = DEFAULT_USER,
    chat: dict[str, Any] | None = None,
    reply_to_bot: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A message from `user` in `chat` (default: their private chat) as Telegram sends it: a leading
    /command and @mentions get their entities; `reply_to_bot` makes it a reply to the bot's message."""
    chat = chat or user.as_chat()
    data: dict[str, Any] = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat, "from": user.as_from(), **extra}
    if text is not None:
        data["text"] = text
        if entities := _entities(text):
            data["entities"] = entities
    if reply_to_bot:
        data["reply_to_message"] = bot_message(chat, message_id=7, text="jawaban sebelumnya")
    return data


def bot_message(
    chat: dict[str, Any], *, message_id: int = 900, text: str = "jawaban", date: int | None = None, reply_markup: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A message the bot sent to `chat`, as Telegram shows it in replies and button presses."""
    data: dict[str, Any] = {"message_id": message_id, "date": date or int(time.time()), "chat": chat, "from": BOT, "text": text}
    if reply_markup:
        data["reply_markup"] = reply_markup
    return data


def callback_query(user: User, on: dict[str, Any], data: str) -> dict[str, Any]:
    """`user` presses the button carrying `data` under the bot's message `on`."""
    return {"id": str(next(_query_ids)), "from": user.as_from(), "chat_instance": str(on["chat"]["id"]), "data": data, "message": on}


def inline_query(user: User, query: str) -> dict[str, Any]:
    """`user` types `@<bot> query` in any chat."""
    return {"id": str(next(_query_ids)), "from": user.as_from(), "query": query, "offset": ""}


def update(**content: Any) -> dict[str, Any]:
    """An update with a fresh id: `update(message=...)`, `update(callback_query=...)`, ..."""
    return {"update_id": next(_update_ids), **content}


# -- Checks of what the bot sends ----------------------------------------------------------------


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline keyboard buttons of a message or of sendMessage parameters (markup as JSON or dict)."""
    markup = sent.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def callback_data(sent: dict[str, Any]) -> dict[str, str]:
    """The message's callback buttons, text -> callback data."""
    return {b["text"]: b["callback_data"] for b in buttons(sent) if "callback_data" in b}


# Telegram HTML (core.telegram.org/bots/api#html-style): each tag, the attributes it may carry.
TELEGRAM_HTML_TAGS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "pre"), frozenset()),
    "span": frozenset({"class"}),  # only class="tg-spoiler"
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),  # class="language-..." in <pre>
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ATTRIBUTE = re.compile(r"([a-z-]+)(?:=\"([^\"<>]*)\")?")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def assert_telegram_html(text: str) -> str:
    """Fail unless Telegram would parse `text` as HTML: known tags with their attributes, balanced,
    every & an entity Telegram knows, no stray < or >. Returns the visible text."""
    stack: list[str] = []
    visible: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        visible.append(_checked_text(text[position : match.start()]))
        closing, tag, attributes = match.groups()
        assert tag in TELEGRAM_HTML_TAGS, f"tag <{tag}> is not Telegram HTML in {text!r}"
        if closing:
            assert not attributes.strip(), f"attributes on </{tag}> in {text!r}"
            assert stack and stack[-1] == tag, f"unbalanced </{tag}> in {text!r}"
            stack.pop()
        else:
            _check_attributes(tag, dict(_ATTRIBUTE.findall(attributes)), text)
            stack.append(tag)
        position = match.end()
    visible.append(_checked_text(text[position:]))
    assert not stack, f"unclosed tags {stack} in {text!r}"
    return "".join(visible)


def _check_attributes(tag: str, attributes: dict[str, str], text: str) -> None:
    unknown = set(attributes) - TELEGRAM_HTML_TAGS[tag]
    assert not unknown, f"<{tag}> cannot carry {sorted(unknown)} in {text!r}"
    required = {"a": "href", "span": "class", "tg-emoji": "emoji-id"}.get(tag)
    assert required is None or attributes.get(required), f"<{tag}> needs {required} in {text!r}"
    if tag == "span":
        assert attributes["class"] == "tg-spoiler", f'<span> needs class="tg-spoiler" in {text!r}'
    if tag == "code" and "class" in attributes:
        assert attributes["class"].startswith("language-"), f"<code class> names a language-... in {text!r}"
    if tag == "blockquote" and "expandable" in attributes:
        assert attributes["expandable"] == "", f"<blockquote expandable> takes no value in {text!r}"


def _checked_text(piece: str) -> str:
    """`piece` (text between tags) unescaped, after checking it has no stray < > or &."""
    assert "<" not in piece and ">" not in piece, f"stray angle bracket in {piece!r}"
    assert "&" not in _ENTITY.sub("", piece), f"unescaped & in {piece!r}"
    return html.unescape(piece)


# -- Child processes: the emulator and the bot ---------------------------------------------------


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


def revoked_token() -> str:
    """A token the emulator's getMe answers 401 Unauthorized, as Telegram answers a revoked one."""
    return "0:" + fake_token().split(":", 1)[1]


def fake_token() -> str:
    """A token shaped like BotFather's, random so a test can search logs for it."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}:{secrets.token_urlsafe(26)[:35]}"


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it if the test or bench dies (no orphans)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the stdin lifeline and teardown still apply
        pass


def _stop_group(process: subprocess.Popen, grace: float, signum: int = signal.SIGTERM) -> int | None:
    """Send `signum` to the process group, wait `grace` seconds, then SIGKILL it; returns the exit code."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            logger.warning("pid %d ignored signal %d for %.0f s; killing it", process.pid, signum, grace)
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

        Telegram and webhook variables of the calling shell are dropped, so the bot reaches only
        the Bot API `env` names, and polls it unless `env` sets WEBHOOK_URL.
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

    async def wait_healthy(self, port: int, timeout: float = 90.0) -> None:
        """Wait until the bot's webhook server on `port` answers GET /healthz with 200."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with httpx.AsyncClient(trust_env=False) as http:
            while loop.time() < deadline:
                if not self.alive():
                    raise HarnessError(f"the bot exited:\n{self.log()[-3000:]}")
                try:
                    if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise HarnessError(f"the webhook server on port {port} never became healthy:\n{self.log()[-3000:]}")

    def stop(self, grace: float = 10.0, signum: int = signal.SIGTERM) -> int | None:
        """Stop the bot with `signum` (PTB shuts down cleanly on SIGTERM and SIGINT), SIGKILL after
        `grace` seconds; returns its exit code."""
        code = _stop_group(self.process, grace, signum)
        self._log.close()
        return code


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

    async def send_text(self, user: User, text: str, chat: dict[str, Any] | None = None) -> None:
        """The user types `text` to the bot (a leading "/word" is a command); `chat` defaults to theirs."""
        # The emulator numbers the message itself and stores the rest as given.
        await self._post("sendMessage", {"botToken": self.token, **message(text, user=user, chat=chat)})

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
        await self._post("sendMessage", {"botToken": self.token, **message(user=user, chat=chat, sticker=sticker)})

    async def press(self, user: User, sent: dict[str, Any], data: str) -> None:
        """The user presses the inline button with callback `data` under `sent`, a stored bot message."""
        stored = sent["message"]
        chat_id = int(stored["chat_id"])
        chat = user.as_chat() if chat_id == user.id else group_chat(chat_id)
        on = bot_message(chat, message_id=sent["messageId"], text=stored.get("text", ""), date=sent["time"] // 1000, reply_markup=stored.get("reply_markup"))
        # The emulator gives the query its own id and chat_instance.
        await self._post("sendCallback", {"botToken": self.token, **callback_query(user, on, data)})

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

    async def replies_per_chat(self, chat_ids: set[int]) -> Counter:
        """How many messages the bot has sent to each of `chat_ids` (chats it never answered are absent)."""
        return Counter(int(m["message"]["chat_id"]) for m in await self.bot_messages() if int(m["message"]["chat_id"]) in chat_ids)

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
        await self.deliver(update(message=message(text, user=user, chat=chat)))
