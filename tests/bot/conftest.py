"""Fixtures for the bot's tests: a tiny index built with the fake encoder, and an offline bot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import build_application
from bot.live_index import LiveIndex
from bot.settings import Settings
from bot.store import Store
from index.build import build_index
from tests.bot.offline import TOKEN, Harness, RecordingRequest
from tests.fakes import FakeEncoder

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
ADMIN_ID = 4242


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture corpus built once per session (read-only for tests)."""
    index_dir = tmp_path_factory.mktemp("built") / "index"
    build_index(FIXTURE_CORPUS, index_dir, encoder=FakeEncoder())
    return index_dir


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the fixture corpus that a test may change."""
    return Path(shutil.copytree(FIXTURE_CORPUS, tmp_path / "corpus"))


@pytest.fixture
def settings(built_index: Path, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        index_dir=built_index,
        data_dir=tmp_path / "data",
        admin_user_ids=str(ADMIN_ID),
        user_rate_limit=5,
        user_rate_window=60,
        reload_interval=0.05,
    )


@pytest.fixture
def store(settings: Settings):
    store = Store(settings.data_dir)
    yield store
    store.close()


@pytest.fixture
def live(settings: Settings) -> LiveIndex:
    live = LiveIndex(settings.index_dir, encoder=FakeEncoder())
    live.load()
    return live


@pytest.fixture
async def harness(settings: Settings, live: LiveIndex, store: Store):
    """The real Application (handlers, rate limiter, post_init) over a recording Bot API."""
    request = RecordingRequest()
    app = build_application(settings, live, store, request=request)
    await app.initialize()
    await app.post_init(app)
    yield Harness(app, request)
    await app.post_shutdown(app)
    await app.shutdown()
