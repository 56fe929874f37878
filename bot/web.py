"""Webhook mode: the bot behind an HTTP server of its own (python-telegram-bot's custom-webhook pattern).

Starlette routes and uvicorn serves:
- `POST /<path of WEBHOOK_URL>`: an update from Telegram, checked against the secret-token header.
  It is answered 200 only once the durable queue has stored it (so a replica that dies after
  that loses nothing), 503 when the database cannot store it (Telegram retries), and 200 for an
  update this version cannot read (logged by id: retrying it would only stall the ones behind).
- `GET /healthz`: 200 when the index is loaded and the database answers, else 503.
- `GET /metrics`: the counters of `bot/metrics.py`, in Prometheus's text format.

Several replicas may run behind one load balancer: they share the database (the inbox, so an
update is answered once), Redis (limits, conversations) and a fixed WEBHOOK_SECRET. Only the
replica that finds the registration changed calls setWebhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import signal
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.services import KEY, Services

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000  # Telegram's updates are a few kB; anything larger is not one
WEBHOOK_REGISTRATION = "webhook"  # the shared value recording which URL and secret were registered
MAX_CONNECTIONS = 40  # concurrent webhook connections Telegram may open (its default)


def web_app(application: Application, secret: str) -> Starlette:
    """The HTTP routes of one replica."""
    svc: Services = application.bot_data[KEY]

    async def webhook(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response(status_code=413)
        data: object = None
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot)
        except Exception as exc:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            logger.warning("webhook update %s cannot be read (%s); acknowledged and skipped", update_id, type(exc).__name__)
            return Response(status_code=200)
        try:
            await application.update_queue.put(update)
        except Exception:
            svc.metrics.errors.inc()
            logger.exception("update %d could not be stored; Telegram will send it again", update.update_id)
            return Response(status_code=503)
        return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        loaded = svc.live.retriever is not None
        database = await asyncio.to_thread(svc.store.ping)
        manifest = svc.live.retriever.manifest if loaded else {}
        body = {"index": "loaded" if loaded else "missing", "built_at": manifest.get("built_at"), "database": "ok" if database else "unreachable"}
        return JSONResponse(body, status_code=200 if loaded and database else 503)

    async def metrics(_: Request) -> Response:
        return Response(svc.metrics.render(), media_type=svc.metrics.content_type)

    return Starlette(
        routes=[
            Route(f"/{svc.settings.webhook_path}", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    )


def registration(url: str, secret: str) -> str:
    """What identifies a webhook registration, without revealing the secret."""
    return hashlib.sha256(f"{url}\n{secret}".encode()).hexdigest()


async def register_webhook(application: Application, url: str, secret: str) -> bool:
    """Call setWebhook unless another replica already registered this URL and secret; True if this one did."""
    svc: Services = application.bot_data[KEY]
    fingerprint = registration(url, secret)
    if not await asyncio.to_thread(svc.store.swap_value, WEBHOOK_REGISTRATION, fingerprint):
        logger.info("webhook already registered by a replica")
        return False
    try:
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES, max_connections=MAX_CONNECTIONS)
    except BaseException:
        await asyncio.to_thread(svc.store.swap_value, WEBHOOK_REGISTRATION, None)  # the next replica or start tries again
        raise
    logger.info("webhook registered")
    return True


class _Server(uvicorn.Server):
    """uvicorn, with the signals left to `serve_webhook` (uvicorn re-raises them on exit, which would
    end the process before the bot has stopped)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_webhook(application: Application, secret: str) -> None:
    """Run the bot and its HTTP server until SIGTERM or SIGINT, then stop both cleanly."""
    svc: Services = application.bot_data[KEY]
    settings = svc.settings
    config = uvicorn.Config(
        web_app(application, secret),
        host=settings.webhook_listen,
        port=settings.webhook_port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=10,
    )
    server = _Server(config)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: setattr(server, "should_exit", True))
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await register_webhook(application, settings.webhook_url, secret)
        await application.start()
        logger.info("webhook server listening on %s:%d", settings.webhook_listen, settings.webhook_port)
        await server.serve()
        await application.stop()
    finally:
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()
