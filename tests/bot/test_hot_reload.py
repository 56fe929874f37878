"""Hot reload: a rebuilt index is served within seconds, without restart or failed questions."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from bot.live_index import LiveIndex, Reload
from bot.settings import Settings
from index.build import build_index
from tests.bot.offline import TOKEN, sends
from tests.fakes import FakeEncoder

NEW_SECTION = """
## Kartu peserta zamrud

Kartu peserta Jaminan Hari Tua (JHT) edisi zamrud dicetak di kantor cabang BPJS Ketenagakerjaan tanpa biaya.
"""
NEW_QUESTION = "kartu peserta zamrud dicetak di mana?"
NEW_TEXT = "edisi zamrud dicetak di kantor cabang"


@pytest.fixture
def own_index(corpus: Path, tmp_path: Path) -> Path:
    """An index this test may rebuild, corrupt or delete."""
    index_dir = tmp_path / "var" / "index"
    build_index(corpus, index_dir, encoder=FakeEncoder())
    return index_dir


@pytest.fixture
def settings(own_index: Path, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, telegram_bot_token=TOKEN, index_dir=own_index, data_dir=tmp_path / "data", reload_interval=0.05)


def add_new_section(corpus: Path) -> None:
    with open(corpus / "jht.md", "a", encoding="utf-8") as fh:
        fh.write(NEW_SECTION)


def test_rebuilt_index_is_loaded_and_the_old_one_keeps_answering(own_index: Path, corpus: Path):
    live = LiveIndex(own_index, encoder=FakeEncoder())
    old = live.load()
    assert live.reload_if_changed() is Reload.UNCHANGED
    assert NEW_TEXT not in old.search(NEW_QUESTION).hits[0].passage.text
    add_new_section(corpus)
    build_index(corpus, own_index, encoder=FakeEncoder())
    assert live.reload_if_changed() is Reload.RELOADED
    assert live.retriever is not old and live.retriever.encoder is old.encoder  # the model is reused
    assert NEW_TEXT in live.retriever.search(NEW_QUESTION).hits[0].passage.text
    assert old.search("apa itu JKP?").answered  # a question still holding the old index finishes


def test_broken_or_vanished_index_keeps_the_old_one_serving(own_index: Path, corpus: Path):
    live = LiveIndex(own_index, encoder=FakeEncoder())
    serving = live.load()
    manifest = own_index / "manifest.json"
    manifest.write_text("{ not json", encoding="utf-8")
    assert live.reload_if_changed() is Reload.FAILED
    assert live.retriever is serving and "python -m index build" in live.last_error
    assert live.reload_if_changed() is Reload.FAILED  # reported once, not reloaded every tick
    own_index.unlink()  # the index link vanishes
    assert live.reload_if_changed() is Reload.FAILED
    assert live.retriever is serving and serving.search("apa itu JKP?").answered
    build_index(corpus, own_index, encoder=FakeEncoder())
    assert live.reload_if_changed() is Reload.RELOADED


def test_a_build_damaged_after_writing_is_not_served(own_index: Path, corpus: Path):
    # Rotated passages still load, and would quote the wrong passage for every question.
    live = LiveIndex(own_index, encoder=FakeEncoder())
    serving = live.load()
    add_new_section(corpus)
    build_index(corpus, own_index, encoder=FakeEncoder())
    passages = own_index.resolve() / "passages.jsonl"
    lines = passages.read_text("utf-8").splitlines(keepends=True)
    passages.write_text("".join(lines[1:] + lines[:1]), "utf-8")
    assert live.reload_if_changed() is Reload.FAILED
    assert live.retriever is serving and "corrupt" in live.last_error


async def test_running_bot_serves_the_rebuilt_index_without_failing_questions(harness, corpus: Path, settings: Settings):
    live = harness.app.bot_data["services"].live
    before = live.retriever
    add_new_section(corpus)
    # Questions keep arriving while the index is rebuilt and swapped underneath them.
    questions = [harness.text("berapa iuran JHT?", user_id=7000 + i) for i in range(10)]
    await asyncio.gather(asyncio.to_thread(build_index, corpus, settings.index_dir, encoder=FakeEncoder()), *questions)
    deadline = time.monotonic() + 30  # generous: CI machines may be loaded
    while live.retriever is before and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert live.retriever is not before, "the watcher did not pick up the new build"
    in_flight = [p["text"] for p in harness.request.sent()]
    assert len(in_flight) == 10 and all("5,7% dari upah" in text for text in in_flight)
    answer = sends(await harness.text(NEW_QUESTION, user_id=7100))[0]["text"]
    assert NEW_TEXT in answer


async def test_reload_command_reports_a_failed_reload(harness, settings: Settings):
    from tests.bot.conftest import ADMIN_ID

    harness.app.bot_data["services"].settings.admin_user_ids = frozenset({ADMIN_ID})
    shutil.rmtree(settings.index_dir.resolve())
    reply = sends(await harness.text("/reload", user_id=ADMIN_ID))[0]["text"]
    assert reply.startswith("⚠️ Gagal memuat indeks baru; indeks lama tetap dipakai.")
    assert "<blockquote>" in sends(await harness.text("apa itu JKP?"))[0]["text"]


def test_the_model_is_loaded_as_the_settings_say(built_index, monkeypatch):
    """Settings flow down: LiveIndex hands the encoder options to the load (nothing reads settings sideways)."""
    seen = {}

    def load(model, **options):
        seen.update(options, model=model)
        return FakeEncoder()

    monkeypatch.setattr("index.search.load_encoder", load)
    LiveIndex(built_index, encoder_options={"backend": "onnx", "threads": 1}).load()
    assert seen == {"model": "fake", "backend": "onnx", "threads": 1}
