"""Accepted updates are stored before they are acknowledged, handled once, and one bad update stalls nothing."""

from __future__ import annotations

import json
import sqlite3

from telegram import Update

from bot.durable import DurableQueue, ReadableUpdates
from bot.store import Store
from tests.bot.offline import RecordingRequest, sends
from tests.harness import message


def _update(update_id: int, text: str = "apa itu JKP?", bot=None) -> Update:
    return Update.de_json({"update_id": update_id, "message": message(text)}, bot)


async def test_an_update_is_stored_before_it_is_queued_and_queued_once(tmp_path):
    store = Store(tmp_path)
    queue = DurableQueue(store)
    await queue.put(_update(10))
    assert [uid for uid, _ in store.pending()] == [10]
    await queue.put(_update(10))  # delivered again by Telegram
    assert queue.qsize() == 1
    store.finish(10)
    assert store.pending() == []
    await queue.put(_update(10))  # handled already: never again
    assert queue.qsize() == 1


async def test_a_restart_queues_what_was_left(tmp_path):
    store = Store(tmp_path)
    await DurableQueue(store).put(_update(11, "nama saya Siti"))
    store.close()
    again = DurableQueue(Store(tmp_path))  # a new process over the same data
    assert await again.requeue_pending(None) == 1
    update = again.get_nowait()
    assert update.update_id == 11 and update.message.text == "nama saya Siti"


async def test_handled_updates_keep_no_content(tmp_path):
    store = Store(tmp_path)
    await DurableQueue(store).put(_update(12, "nik saya 3201234567890001"))
    store.finish(12)
    store.close()
    rows = sqlite3.connect(tmp_path / "bot.sqlite3").execute("SELECT payload, done FROM inbox").fetchall()
    assert rows == [(None, 1)]


async def test_the_application_marks_updates_handled(harness):
    queue = harness.app.update_queue
    assert isinstance(queue, DurableQueue)
    update = _update(13, bot=harness.app.bot)
    await queue.put(update)
    await harness.app.process_update(await queue.get())
    assert queue.store.pending() == []
    assert sends(harness.request.calls)  # and it was answered


async def test_an_unreadable_update_becomes_its_bare_id():
    inner = RecordingRequest()
    good = {"update_id": 21, "message": message("apa itu JHT?")}
    bad = {"update_id": 20, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "poll": {"id": "x", "question": 5}}}
    inner.do_request = _answering([bad, good])
    result = await ReadableUpdates(inner).post("https://example.invalid/botTOKEN/getUpdates")
    assert result[0] == {"update_id": 20} and result[1] == good
    updates = Update.de_list(result, None)
    assert [u.update_id for u in updates] == [20, 21]  # the batch parses: polling moves past the bad one


def _answering(result):
    async def do_request(*args, **kwargs):
        return 200, json.dumps({"ok": True, "result": result}).encode()

    return do_request
