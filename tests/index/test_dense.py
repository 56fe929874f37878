"""The dense side: exact search against brute force, HNSW recall, vectors, save and load."""

from __future__ import annotations

import numpy as np
import pytest

import index.dense
from index.dense import HNSW_EF_SEARCH, DenseIndex


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(4))
def test_flat_search_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    vectors, queries = _unit(rng, 300, 32), _unit(rng, 5, 32)
    dense = DenseIndex.build(vectors, "flat")
    assert dense.kind == "flat" and len(dense) == 300
    for q in queries:
        ids, scores = dense.search(q, 10)
        exact = vectors @ q
        assert list(ids) == list(np.argsort(-exact)[:10])
        assert np.allclose(scores, exact[ids], atol=1e-5)


def test_hnsw_recall_against_exact_search():
    rng = np.random.default_rng(7)
    vectors, queries = _unit(rng, 5000, 32), _unit(rng, 50, 32)
    hnsw = DenseIndex.build(vectors, "hnsw")
    assert hnsw.kind == "hnsw"
    recall = []
    for q in queries:
        ids, _ = hnsw.search(q, 10)
        recall.append(len(set(ids) & set(np.argsort(-(vectors @ q))[:10])) / 10)
    assert np.mean(recall) >= 0.9


def test_auto_picks_hnsw_above_the_threshold(monkeypatch):
    monkeypatch.setattr(index.dense, "HNSW_THRESHOLD", 10)
    rng = np.random.default_rng(0)
    assert DenseIndex.build(_unit(rng, 10, 8)).kind == "flat"
    assert DenseIndex.build(_unit(rng, 11, 8)).kind == "hnsw"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown dense index kind"):
        DenseIndex.build(np.zeros((2, 4), np.float32), "ivf")


def test_k_larger_than_the_index_and_k_zero():
    vectors = _unit(np.random.default_rng(1), 4, 8)
    dense = DenseIndex.build(vectors, "flat")
    ids, scores = dense.search(vectors[0], 50)
    assert sorted(ids) == [0, 1, 2, 3] and ids[0] == 0 and len(scores) == 4
    ids, scores = dense.search(vectors[0], 0)
    assert len(ids) == len(scores) == 0


def test_empty_index():
    dense = DenseIndex.build(np.zeros((0, 8), np.float32), "flat")
    assert len(dense) == 0
    assert len(dense.search(np.ones(8, np.float32), 5)[0]) == 0
    assert dense.vectors().shape == (0, 8)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_vectors_round_trip_through_save_and_load(tmp_path, kind):
    vectors = _unit(np.random.default_rng(2), 50, 16)
    dense = DenseIndex.build(vectors, kind)
    assert np.allclose(dense.vectors(), vectors, atol=1e-6)
    assert np.allclose(dense.vectors(np.array([7, 3, 49])), vectors[[7, 3, 49]], atol=1e-6)
    dense.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.kind == kind and len(loaded) == 50
    assert np.allclose(loaded.vectors(), vectors, atol=1e-6)
    if kind == "hnsw":
        assert loaded.index.hnsw.efSearch == HNSW_EF_SEARCH
    ids, _ = loaded.search(vectors[5], 1)
    assert ids[0] == 5
