"""Nothing accepted is lost: an update is stored before Telegram is told it arrived, and handled once.

python-telegram-bot acknowledges updates as soon as they are queued: the updater asks for the
next batch with a higher offset, and the webhook server answers 200, before any handler has run.
A process killed then used to lose every queued question. Here the queue itself stores each
update (in the store's inbox) before it takes it, the application marks it handled when its
handlers are done, and a restart puts whatever was left back in the queue. An update seen before
(handled, or already queued) is not queued again, so Telegram's redelivery answers nothing twice.

With several replicas on one PostgreSQL database, each stored update is held by the replica that
accepted it. Replicas say they are alive every few seconds (`keep_alive`); the updates of one
that has been silent for a lease are taken over by the others, so a replica killed mid-load loses
nothing that reached the database. One that restarts under the same name takes its own back at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.store import Store

logger = logging.getLogger(__name__)


def is_durable(update: object) -> bool:
    """Inline queries are not kept: an answer after a restart would come too late to be shown."""
    return isinstance(update, Update) and not (update.inline_query or update.chosen_inline_result)


class DurableQueue(asyncio.Queue):
    """The application's update queue, storing each update before it is queued."""

    def __init__(self, store: Store, replica: str = "", lease: float = 30.0) -> None:
        super().__init__()
        self.store, self.replica, self.lease = store, replica, lease

    async def put(self, item: object) -> None:
        if is_durable(item):
            payload = json.dumps(item.to_dict(), ensure_ascii=False)
            if not await asyncio.to_thread(self.store.accept, item.update_id, payload, self.replica):
                logger.info("update %d was already accepted: not queued again", item.update_id)
                return
        await super().put(item)

    async def requeue_pending(self, bot: Bot) -> int:
        """Queue what this replica (a previous run of it) and silent replicas left unhandled; returns how many."""
        await asyncio.to_thread(self.store.heartbeat, self.replica)
        return await self._take(bot, own=True)

    async def keep_alive(self, bot: Bot) -> None:
        """Forever (cancel to stop): say this replica is alive, and take over the updates of silent ones."""
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await asyncio.to_thread(self.store.heartbeat, self.replica)
                await self._take(bot, own=False)
            except Exception:  # the database may be away for a moment: try again next round
                logger.exception("replica heartbeat failed")

    async def _take(self, bot: Bot, *, own: bool) -> int:
        claimed = await asyncio.to_thread(self.store.claim, self.replica, self.lease, own=own)
        for update_id, payload in claimed:
            try:
                update = Update.de_json(json.loads(payload), bot)
            except Exception:  # stored by an older version, or damaged: drop it rather than stall
                logger.exception("pending update %d cannot be read again; dropped", update_id)
                await asyncio.to_thread(self.store.finish, update_id)
                continue
            await super().put(update)
        if claimed:
            logger.info("%d accepted updates left unhandled (a restart, or a silent replica) are handled now", len(claimed))
        return len(claimed)


class DurableApplication(Application):
    """An Application that marks each stored update handled once its handlers have run."""

    async def process_update(self, update: object) -> None:
        await super().process_update(update)  # handler errors are reported there, not raised
        if is_durable(update) and isinstance(self.update_queue, DurableQueue):
            # At once, on the event loop (one short write): behind the searches waiting for a
            # worker thread it could wait seconds, and a process killed meanwhile answers twice.
            self.update_queue.store.finish(update.update_id)


def updates_request(inner: BaseRequest | None = None) -> BaseRequest:
    """The request object for getUpdates: python-telegram-bot's default (one connection), made tolerant."""
    return ReadableUpdates(inner or HTTPXRequest(connection_pool_size=1))


class ReadableUpdates(BaseRequest):
    """The getUpdates connection: an update this version cannot parse becomes its bare id.

    python-telegram-bot parses a batch of updates as a whole, so one update it cannot read (a
    malformed poll, a field of a newer Bot API) failed the batch, was fetched again, and stalled
    every update behind it. Replaced by `{"update_id": N}`, it is acknowledged like any other,
    matches no handler, and is logged (by id only).
    """

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        return await self._inner.do_request(*args, **kwargs)

    async def post(self, url: str, request_data: RequestData | None = None, **kwargs: Any) -> Any:
        result = await self._inner.post(url, request_data, **kwargs)
        if url.rsplit("/", 1)[-1] == "getUpdates" and isinstance(result, list):
            result = [_readable(data) for data in result]
        return result


def _readable(data: Any) -> Any:
    try:
        Update.de_json(data, None)
        return data
    except Exception as exc:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        logger.warning("update %s cannot be read (%s); skipped", update_id, type(exc).__name__)
        return {"update_id": update_id} if isinstance(update_id, int) else data
