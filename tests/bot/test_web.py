"""Webhook mode's HTTP server: the secret, durable acceptance, bad updates, /healthz, /metrics, registration."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.web import SECRET_HEADER, register_webhook, web_app
from tests.harness import message

SECRET = "s3cret-token"
URL = "https://bot.example.org/tg/hook"


@pytest.fixture
async def web(harness):
    svc = harness.app.bot_data["services"]
    svc.settings = svc.settings.model_copy(update={"webhook_url": URL})
    transport = httpx.ASGITransport(app=web_app(harness.app, SECRET))
    async with httpx.AsyncClient(transport=transport, base_url="http://replica") as client:
        yield client


def _post(web: httpx.AsyncClient, body: object, secret: str = SECRET):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return web.post("/tg/hook", content=raw, headers={SECRET_HEADER: secret, "Content-Type": "application/json"})


async def test_an_update_is_stored_before_telegram_hears_200(web, harness):
    response = await _post(web, {"update_id": 501, "message": message("apa itu JKP?")})
    assert response.status_code == 200
    assert [uid for uid, _ in harness.app.update_queue.store.pending()] == [501]
    assert harness.app.update_queue.qsize() == 1
    assert (await _post(web, {"update_id": 501, "message": message("apa itu JKP?")})).status_code == 200
    assert harness.app.update_queue.qsize() == 1  # Telegram's retry is acknowledged, not queued again


async def test_a_wrong_or_missing_secret_is_refused(web, harness):
    assert (await _post(web, {"update_id": 502, "message": message("x")}, secret="guess")).status_code == 403
    assert (await web.post("/tg/hook", json={"update_id": 503})).status_code == 403
    assert harness.app.update_queue.store.pending() == []


async def test_an_unreadable_update_is_acknowledged_and_skipped(web, harness):
    for body in (b"{not json", {"update_id": 504, "message": {"text": "no chat, no date"}}, [1, 2]):
        assert (await _post(web, body)).status_code == 200
    assert harness.app.update_queue.qsize() == 0


async def test_an_update_the_database_cannot_store_is_left_for_telegram_to_retry(web, harness, monkeypatch):
    def down(*_):
        raise OSError("database away")

    monkeypatch.setattr(harness.app.update_queue.store, "accept", down)
    assert (await _post(web, {"update_id": 505, "message": message("apa itu JKP?")})).status_code == 503


async def test_healthz_says_whether_the_index_and_database_serve(web, harness, monkeypatch):
    response = await web.get("/healthz")
    assert response.status_code == 200 and response.json()["index"] == "loaded" and response.json()["database"] == "ok"
    monkeypatch.setattr(harness.app.bot_data["services"].store, "ping", lambda: False)
    response = await web.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


async def test_metrics_count_questions_by_outcome(web, harness):
    await harness.text("apa itu JKP?")
    await harness.text("resep rendang padang")
    text = (await web.get("/metrics")).text
    assert 'tanya_questions_total{outcome="answered"} 1.0' in text
    assert 'tanya_questions_total{outcome="refused"} 1.0' in text
    assert "tanya_answer_seconds_count 2.0" in text and "tanya_answered_share 0.5" in text
    assert "tanya_index_loaded 1.0" in text


async def test_only_a_changed_registration_calls_set_webhook(harness):
    assert await register_webhook(harness.app, URL, SECRET)
    assert not await register_webhook(harness.app, URL, SECRET)  # a second replica, the same registration
    assert await register_webhook(harness.app, URL, "a-new-secret")
    calls = harness.request.sent("setWebhook")
    assert [c["secret_token"] for c in calls] == [SECRET, "a-new-secret"] and calls[0]["url"] == URL


async def test_a_failed_registration_is_tried_again(harness):
    harness.request.fail_next("setWebhook", 400, "Bad Request: bad webhook")
    with pytest.raises(Exception):
        await register_webhook(harness.app, URL, SECRET)
    assert await register_webhook(harness.app, URL, SECRET)
