"""A Bot API that never leaves the process, and builders of real Telegram updates for tests."""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

TOKEN = "123456789:AAH-test-token-not-real-0123456789abcd"
BOT = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Tanya BPJS",
    "username": "TanyaBpjsBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "Serikat Pekerja"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


class RecordingRequest(BaseRequest):
    """Records every Bot API call and answers with canned JSON (like PTB's own OfflineRequest)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, list[tuple[int, dict]]] = {}  # method -> queued error replies
        self.urls: list[str] = []
        self._ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def fail_next(self, method: str, status: int, description: str, **parameters: Any) -> None:
        """Make the next call of `method` fail the way Telegram would."""
        body = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.failures.setdefault(method, []).append((status, body))

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 1))
        chat = {"id": chat_id, "type": "private", "first_name": "X"} if chat_id > 0 else dict(GROUP, id=chat_id)
        return {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": BOT, "text": params.get("text", "")}

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **_: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.urls.append(url)
        self.calls.append(Call(name, params))
        queued = self.failures.get(name)
        if queued:
            status, body = queued.pop(0)
            return status, json.dumps(body).encode()
        if name == "getMe":
            result: Any = BOT
        elif name in ("sendMessage", "editMessageText"):
            result = self._message(params)
        elif name == "getUpdates":
            result = []
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of every call of `method`, in order."""
        return [c.params for c in self.calls if c.method == method]


_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = 1001, language: str = "id") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Budi", "language_code": language}


def message(
    text: str | None = None,
    *,
    chat: str = "private",
    user_id: int = 1001,
    language: str = "id",
    reply_to_bot: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A message dict as Telegram sends it; commands and @mentions get their entities."""
    chat_data = {"id": user_id, "type": "private", "first_name": "Budi"} if chat == "private" else GROUP
    data: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat_data,
        "from": user(user_id, language),
        **extra,
    }
    if text is not None:
        data["text"] = text
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        for match in re.finditer(r"@\w+", text):
            entities.append({"type": "mention", "offset": match.start(), "length": len(match.group())})
        if entities:
            data["entities"] = entities
    if reply_to_bot:
        data["reply_to_message"] = {"message_id": 7, "date": int(time.time()), "chat": chat_data, "from": BOT, "text": "jawaban sebelumnya"}
    return data


def bot_message(chat: str = "private", user_id: int = 1001) -> dict[str, Any]:
    chat_data = {"id": user_id, "type": "private", "first_name": "Budi"} if chat == "private" else GROUP
    return {"message_id": 900, "date": int(time.time()), "chat": chat_data, "from": BOT, "text": "jawaban"}


@dataclass
class Harness:
    """An initialised Application with a recording Bot API; sends real Update objects through it."""

    app: Application
    request: RecordingRequest

    async def process(self, data: dict[str, Any]) -> list[Call]:
        """Run one update through the application; returns the Bot API calls it made."""
        start = len(self.request.calls)
        update = Update.de_json({"update_id": next(_update_ids), **data}, self.app.bot)
        await self.app.process_update(update)
        return self.request.calls[start:]

    async def text(self, text: str, **kwargs: Any) -> list[Call]:
        return await self.process({"message": message(text, **kwargs)})

    def seal(self, data: str, *, chat: str = "private", user_id: int = 1001) -> str:
        """`data` sealed as the bot seals buttons it sends to this chat and user."""
        chat_id = user_id if chat == "private" else GROUP["id"]
        return self.app.bot_data["services"].seal.signer(chat_id, user_id)(data)

    async def press(self, data: str, *, chat: str = "private", user_id: int = 1001, language: str = "id", seal: bool = False) -> list[Call]:
        """Press a button carrying `data` (as sent, or first sealed for this chat and user with `seal`)."""
        if seal:
            data = self.seal(data, chat=chat, user_id=user_id)
        query = {"id": str(next(_update_ids)), "from": user(user_id, language), "chat_instance": "42", "data": data, "message": bot_message(chat, user_id)}
        return await self.process({"callback_query": query})

    async def inline(self, query: str, *, language: str = "id") -> list[Call]:
        return await self.process({"inline_query": {"id": str(next(_update_ids)), "from": user(language=language), "query": query, "offset": ""}})


def sends(calls: list[Call]) -> list[dict[str, Any]]:
    """The sendMessage parameters among `calls`."""
    return [c.params for c in calls if c.method == "sendMessage"]


def buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    """All inline keyboard buttons of a sent message."""
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [b for row in markup.get("inline_keyboard", []) for b in row]


_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler"}


def assert_telegram_html(text: str) -> None:
    """Fail unless `text` is well-formed Telegram HTML: known tags, balanced, every & an entity, no stray < or >."""
    stack: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        _check_text(text[position : match.start()])
        closing, tag = match.group(1), match.group(2)
        assert tag in ALLOWED_TAGS, f"tag <{tag}> not allowed"
        if closing:
            assert stack and stack[-1] == tag, f"unbalanced </{tag}> in {text!r}"
            stack.pop()
        else:
            stack.append(tag)
        position = match.end()
    _check_text(text[position:])
    assert not stack, f"unclosed tags {stack}"


def _check_text(piece: str) -> None:
    assert "<" not in piece and ">" not in piece, f"stray angle bracket in {piece!r}"
    stripped = _ENTITY.sub("", piece)
    assert "&" not in stripped, f"unescaped & in {piece!r}"


def _form_or_json(raw: bytes) -> dict[str, Any]:
    """A Bot API request body (PTB posts url-encoded forms of JSON-encoded values)."""
    from urllib.parse import parse_qsl

    if raw.startswith(b"{"):
        return json.loads(raw)
    return dict(parse_qsl(raw.decode("utf-8")))


class FakeBotApi:
    """A Bot API over HTTP on loopback, for tests that run the real `python -m bot run` process."""

    def __init__(self, status: int = 200) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        api = self
        self.calls: list[Call] = []
        self._ids = itertools.count(5000)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = _form_or_json(raw)
                method = self.path.rsplit("/", 1)[-1]
                api.calls.append(Call(method, params))
                if status != 200:
                    body = {"ok": False, "error_code": status, "description": "Unauthorized"}
                elif method == "getMe":
                    body = {"ok": True, "result": BOT}
                elif method == "sendMessage":
                    chat = {"id": int(params.get("chat_id", 1)), "type": "private", "first_name": "X"}
                    result = {"message_id": next(api._ids), "date": int(time.time()), "chat": chat, "from": BOT, "text": params.get("text", "")}
                    body = {"ok": True, "result": result}
                else:
                    body = {"ok": True, "result": True}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/bot"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
