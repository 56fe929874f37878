"""Step 4b: the dense side, FAISS inner product over unit vectors (cosine similarity).

Small corpora get an exact flat index; large ones an HNSW graph, whose recall against exact
search is measured by `bench/scale.py`.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 50_000  # passages; above this "auto" builds HNSW
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128  # at least the candidates asked for: FAISS does not raise it to k


class DenseIndex:
    def __init__(self, index: faiss.Index):
        self.index = index
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = HNSW_EF_SEARCH

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSW) else "flat"

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "auto") -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if kind == "auto":
            kind = "hnsw" if n > HNSW_THRESHOLD else "flat"
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        elif kind == "flat":
            index = faiss.IndexFlatIP(dim)
        else:
            raise ValueError(f"unknown dense index kind {kind!r} (flat, hnsw or auto)")
        if n:
            index.add(vectors)
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and cosine similarities of the k nearest passages, best first."""
        k = min(k, self.index.ntotal)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors(self, ids: np.ndarray | None = None) -> np.ndarray:
        """Stored vectors of the given rows (all rows when ids is None)."""
        if ids is None:
            return self.index.reconstruct_n(0, self.index.ntotal) if self.index.ntotal else np.zeros((0, self.index.d), np.float32)
        return self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
