"""Encoder backends: the setting picks one, the manifest records it, and the vectors agree.

The fast tests use the fake encoder with a backend label; the `model` tests export the real
multilingual-e5-small to ONNX (fp32 and int8) with the network refused.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from index.build import build_index, is_up_to_date
from index.encoders import BACKENDS, load_encoder, vector_family
from index.errors import IndexLoadError
from index.search import Retriever
from index.settings import IndexSettings
from index.store import embedding_key, read_manifest
from tests.fakes import FakeEncoder


class LabelledFake(FakeEncoder):
    """The fake encoder, claiming to run on another backend."""

    def __init__(self, backend: str):
        super().__init__()
        self.backend = backend


def test_the_setting_selects_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    assert IndexSettings(_env_file=None).encoder_options()["backend"] == "onnx"  # the default (README: Benchmarks)
    monkeypatch.setenv("EMBEDDING_BACKEND", "onnx-int8")
    monkeypatch.setenv("MODEL_CACHE_DIR", "/tmp/models-here")
    monkeypatch.setenv("EMBEDDING_THREADS", "1")
    assert IndexSettings(_env_file=None).encoder_options() == {"backend": "onnx-int8", "cache_dir": Path("/tmp/models-here"), "threads": 1}
    monkeypatch.setenv("EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(ValidationError):
        IndexSettings(_env_file=None)


def test_load_encoder_takes_its_configuration_as_arguments() -> None:
    assert isinstance(load_encoder("fake", backend="onnx-int8", cache_dir=Path("/nonexistent")), FakeEncoder)
    with pytest.raises(ValueError, match="unknown embedding backend"):
        load_encoder("multilingual-e5-small", backend="tensorflow")


def test_retriever_passes_encoder_options_to_load_encoder(fixture_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake_load(name, **options):
        seen.update(options, name=name)
        return FakeEncoder()

    monkeypatch.setattr("index.search.load_encoder", fake_load)
    Retriever.load(fixture_index, backend="onnx", cache_dir=Path("/models"), threads=1)
    assert seen == {"name": "fake", "backend": "onnx", "cache_dir": Path("/models"), "threads": 1}


def test_the_manifest_records_the_backend(make_corpus, tmp_path: Path) -> None:
    build_index(make_corpus(), tmp_path / "index", LabelledFake("onnx"))
    assert read_manifest(tmp_path / "index")["backend"] == "onnx"


def test_fp32_backends_share_an_index_and_int8_is_refused_in_one_line(make_corpus, tmp_path: Path) -> None:
    out = tmp_path / "index"
    build_index(make_corpus(), out, LabelledFake("torch"))
    onnx = Retriever.load(out, LabelledFake("onnx"))
    assert onnx.search("iuran jht").hits
    with pytest.raises(IndexLoadError, match="EMBEDDING_BACKEND=torch") as err:
        Retriever.load(out, LabelledFake("onnx-int8"))
    assert "\n" not in str(err.value)


def test_an_old_manifest_without_backend_means_torch(fixture_index: Path) -> None:
    manifest = read_manifest(fixture_index)
    manifest.pop("backend", None)
    assert vector_family(manifest.get("backend", "torch")) == vector_family("onnx")
    with pytest.raises(IndexLoadError):  # the fixture index is torch (the fake's label)
        Retriever.load(fixture_index, LabelledFake("onnx-int8"))


def test_embeddings_are_reused_across_agreeing_backends_only(make_corpus, tmp_path: Path) -> None:
    assert embedding_key("m", "t", "torch") == embedding_key("m", "t", "onnx") == embedding_key("m", "t")
    assert embedding_key("m", "t", "onnx-int8") != embedding_key("m", "t", "torch")
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, out, LabelledFake("torch"))
    assert is_up_to_date(corpus, out, "fake", "onnx")
    assert not is_up_to_date(corpus, out, "fake", "onnx-int8")
    assert build_index(corpus, out, LabelledFake("onnx")).reused > 0
    assert build_index(corpus, out, LabelledFake("onnx-int8")).reused == 0


def test_the_onnx_folder_lookup_agrees_with_index_e5(tmp_path: Path) -> None:
    from index.e5 import E5_MODEL_NAME, model_dir
    from index.encoders import _model_folder

    assert _model_folder(E5_MODEL_NAME, tmp_path) == model_dir(tmp_path)


# --- the real model ------------------------------------------------------------------------

SENTENCES = [
    "apa itu jaminan kehilangan pekerjaan",
    "Berapa iuran BPJS Kesehatan untuk peserta mandiri kelas 3?",
    "Jaminan Hari Tua (JHT) dapat dicairkan 100% saat peserta berusia 56 tahun.",
    "How do I claim my old-age savings after resigning?",
    "The recipe needs two eggs, flour and a pinch of salt.",
    "gmn cara klaim jht kalo resign",
]


@pytest.fixture(scope="module")
def offline() -> Iterator[list[object]]:
    """Refuse and record every socket connection made while the model tests run."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError(f"network access refused in tests: {address}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        yield attempts


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def encoders(cache: Path, offline: list[object]) -> dict:
    return {backend: load_encoder("multilingual-e5-small", backend=backend, cache_dir=cache) for backend in BACKENDS}


@pytest.mark.model
def test_export_is_offline_cached_beside_the_model_and_reused(encoders: dict, cache: Path, offline: list[object]) -> None:
    from index.e5 import model_dir
    from index.onnx_backend import FP32_FILE, INT8_FILE, onnx_dir

    assert offline == []
    folder = onnx_dir(model_dir(cache))
    assert folder.parent == cache and encoders["onnx"].path == folder / FP32_FILE
    assert (folder / FP32_FILE).is_file() and (folder / INT8_FILE).is_file()
    stamp = (folder / FP32_FILE).stat().st_mtime_ns
    again = load_encoder("multilingual-e5-small", backend="onnx", cache_dir=cache)
    assert (folder / FP32_FILE).stat().st_mtime_ns == stamp
    assert again.backend == "onnx" and again.dimension == 384


@pytest.mark.model
@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.999), ("onnx-int8", 0.95)])
def test_backends_agree_with_torch(encoders: dict, backend: str, floor: float) -> None:
    torch_q, torch_p = encoders["torch"].encode_queries(SENTENCES), encoders["torch"].encode_passages(SENTENCES)
    other_q, other_p = encoders[backend].encode_queries(SENTENCES), encoders[backend].encode_passages(SENTENCES)
    single = encoders[backend].encode_queries(SENTENCES[:1])  # the bot's path, through the batcher
    for ours, theirs in ((other_q, torch_q), (other_p, torch_p), (single, torch_q[:1])):
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
        assert (ours * theirs).sum(axis=1).min() >= floor


@pytest.mark.model
def test_an_index_built_with_torch_is_searched_with_onnx(encoders: dict, fixture_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index"
    build_index(fixture_corpus, out, encoders["torch"])
    by_torch = Retriever.load(out, encoders["torch"]).search("gmn cara klaim jht kalo resign", k=3)
    by_onnx = Retriever.load(out, encoders["onnx"]).search("gmn cara klaim jht kalo resign", k=3)
    assert [h.passage.id for h in by_onnx.hits] == [h.passage.id for h in by_torch.hits]
    assert abs(by_onnx.confidence - by_torch.confidence) < 0.01
    with pytest.raises(IndexLoadError, match="onnx-int8"):
        Retriever.load(out, encoders["onnx-int8"])
