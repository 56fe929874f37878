"""A Bot API that never leaves the process, and a harness that sends real updates through the bot.

The bot, users, chats and updates are `tests.harness`'s, the same the process tests use.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from tests.harness import BOT, GROUP, User, bot_message, callback_query, group_chat, inline_query, message, update

TOKEN = "123456789:AAH-test-token-not-real-0123456789abcd"


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
        chat = User(chat_id).as_chat() if chat_id > 0 else group_chat(chat_id)
        return bot_message(chat, message_id=next(self._ids), text=params.get("text", ""))

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


def _chat(chat: str, user: User) -> dict[str, Any]:
    """The handler tests' shorthand: "private" is the user's own chat, "group" is `GROUP`."""
    return GROUP if chat == "group" else user.as_chat()


@dataclass
class Harness:
    """An initialised Application with a recording Bot API; sends real Update objects through it."""

    app: Application
    request: RecordingRequest

    async def process(self, data: dict[str, Any]) -> list[Call]:
        """Run one update (`{"message": ...}`, ...) through the application; returns the Bot API calls it made."""
        start = len(self.request.calls)
        await self.app.process_update(Update.de_json(update(**data), self.app.bot))
        return self.request.calls[start:]

    async def text(
        self, text: str, *, chat: str = "private", user_id: int = 1001, language: str = "id", reply_to_bot: bool = False
    ) -> list[Call]:
        """`user_id` types `text` in their private chat or in `GROUP` (optionally replying to the bot)."""
        user = User(user_id, language_code=language)
        return await self.process({"message": message(text, user=user, chat=_chat(chat, user), reply_to_bot=reply_to_bot)})

    def seal(self, data: str, *, chat: str = "private", user_id: int = 1001) -> str:
        """`data` sealed as the bot seals buttons it sends to this chat and user."""
        chat_id = user_id if chat == "private" else GROUP["id"]
        return self.app.bot_data["services"].seal.signer(chat_id, user_id)(data)

    async def press(self, data: str, *, chat: str = "private", user_id: int = 1001, language: str = "id", seal: bool = False) -> list[Call]:
        """Press a button carrying `data` (as sent, or first sealed for this chat and user with `seal`)."""
        if seal:
            data = self.seal(data, chat=chat, user_id=user_id)
        user = User(user_id, language_code=language)
        return await self.process({"callback_query": callback_query(user, bot_message(_chat(chat, user)), data)})

    async def inline(self, query: str, *, language: str = "id") -> list[Call]:
        return await self.process({"inline_query": inline_query(User(1001, language_code=language), query)})


def sends(calls: list[Call]) -> list[dict[str, Any]]:
    """The sendMessage parameters among `calls`."""
    return [c.params for c in calls if c.method == "sendMessage"]
