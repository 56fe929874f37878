"""Test doubles shared by the tests: `FakeEncoder`, a tiny deterministic stand-in for the model.

`from tests.fakes import FakeEncoder` in tests. An index built with it records the model "fake",
and `index.encoders.load_encoder("fake")` loads this class, so that the CLI and the real bot
(tests/e2e, `python -m bench bot --fake`) can serve such an index from a checkout.
"""

from __future__ import annotations

import hashlib

import numpy as np

from index.encoders import FAKE_MODEL
from index.fusion import FusionParams
from index.normalize import words


class FakeEncoder:
    """Hashes words and character trigrams into a small vector: offline, instant, deterministic.

    Texts that share words land close together, which is all the tests need of an encoder.
    """

    name = FAKE_MODEL
    backend = "torch"  # its vectors are the same whatever EMBEDDING_BACKEND says
    # Its cosines have their own scale: the answer decision's parameters for it (Retriever.params).
    fusion_params = FusionParams(dense_floor=0.1, dense_ceiling=0.6, coverage_weight=0.4, threshold=0.35, disagreement_penalty=0.0)

    def __init__(self, dimension: int = 64):
        self.dimension = dimension

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in words(text):
            grams = [word] + [word[i : i + 3] for i in range(max(1, len(word) - 2))]
            for gram in grams:
                h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")
                vec[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)
