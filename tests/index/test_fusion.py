"""Score fusion against the weighted formula computed by hand, and the confidence's shape."""

from __future__ import annotations

import numpy as np
import pytest

from index.fusion import DEFAULT_PARAMS, FusionParams, confidence, fuse, params_for
from index.search import Retriever
from tests.fakes import FakeEncoder


def _expected(dense: np.ndarray, lexical: np.ndarray, w: float) -> np.ndarray:
    """w * BM25 scaled from zero + (1 - w) * cosine scaled min-max, element by element."""
    top = max(lexical)
    lo, hi = min(dense), max(dense)
    return np.array(
        [
            w * (lx / top if top > 0 else 0.0) + (1 - w) * ((d - lo) / (hi - lo) if hi > lo else 0.0)
            for d, lx in zip(dense.tolist(), lexical.tolist())
        ]
    )


def _inputs(seed: int, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dense = rng.uniform(-0.2, 0.95, n).astype(np.float32)
    lexical = np.where(rng.random(n) < 0.4, 0.0, rng.exponential(5.0, n)).astype(np.float32)
    return dense, lexical


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("w", [0.0, 0.2, 0.3, 0.5, 0.8, 1.0])
def test_fuse_equals_the_weighted_formula(seed, w):
    dense, lexical = _inputs(seed)
    fused, scaled = fuse(dense, lexical, FusionParams(lexical_weight=w))
    expected = _expected(dense, lexical, w)
    assert np.allclose(fused, expected, atol=1e-5)
    assert list(np.argsort(-fused, kind="stable")[:10]) == list(np.argsort(-expected, kind="stable")[:10])
    assert np.allclose(scaled, lexical / lexical.max(), atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_single_side_weights_reproduce_that_side(seed):
    dense, lexical = _inputs(seed)
    only_dense, _ = fuse(dense, lexical, FusionParams(lexical_weight=0.0))
    only_lexical, _ = fuse(dense, lexical, FusionParams(lexical_weight=1.0))
    assert list(np.argsort(-only_dense, kind="stable")) == list(np.argsort(-dense, kind="stable"))
    assert list(np.argsort(-only_lexical, kind="stable")) == list(np.argsort(-lexical, kind="stable"))


def test_fused_scores_lie_in_the_unit_interval():
    for seed in range(5):
        fused, scaled = fuse(*_inputs(seed), FusionParams())
        assert fused.min() >= 0 and fused.max() <= 1 + 1e-6
        assert scaled.min() >= 0 and scaled.max() <= 1 + 1e-6


def test_degenerate_inputs_give_no_nan():
    fused, scaled = fuse(np.full(5, 0.4, np.float32), np.zeros(5, np.float32), FusionParams())
    assert not np.isnan(fused).any() and not fused.any() and not scaled.any()
    fused, scaled = fuse(np.zeros(0, np.float32), np.zeros(0, np.float32), FusionParams())
    assert len(fused) == len(scaled) == 0


GRID = np.linspace(-1.0, 2.0, 31)


PARAMS = [FusionParams(), *DEFAULT_PARAMS.values(), FakeEncoder.fusion_params, FusionParams(coverage_weight=0.0), FusionParams(coverage_weight=1.0)]


@pytest.mark.parametrize("params", PARAMS)
def test_confidence_is_bounded_and_monotone(params):
    table = np.array([[confidence(c, v, params) for v in GRID] for c in GRID])
    assert table.min() >= 0.0 and table.max() <= 1.0
    assert (np.diff(table, axis=0) >= -1e-12).all(), "not monotone in the cosine"
    assert (np.diff(table, axis=1) >= -1e-12).all(), "not monotone in the coverage"


def test_confidence_rises_between_floor_and_ceiling():
    p = FusionParams()
    low, mid, high = p.dense_floor, (p.dense_floor + p.dense_ceiling) / 2, p.dense_ceiling
    assert confidence(low, 0.5, p) < confidence(mid, 0.5, p) < confidence(high, 0.5, p)
    assert confidence(mid, 0.2, p) < confidence(mid, 0.8, p)
    assert confidence(high, 1.0, p) == pytest.approx(1.0)
    assert confidence(low, 0.0, p) == pytest.approx(0.0)


def test_params_per_model():
    assert params_for("multilingual-e5-small") is DEFAULT_PARAMS["multilingual-e5-small"]
    other = params_for("some-other-model")
    assert other.dense_floor < other.dense_ceiling and other not in DEFAULT_PARAMS.values()


class E5Named(FakeEncoder):
    """The fake's vectors under the default model's name, without parameters of its own."""

    name = "multilingual-e5-small"
    fusion_params = None


def test_the_retriever_uses_the_code_params_of_its_model(retriever):
    assert retriever.params is FakeEncoder.fusion_params  # the fake test encoder has its own scale
    passages = retriever.passages[:3]
    plain = Retriever.from_vectors(passages, E5Named().encode_passages([p.text for p in passages]), E5Named())
    assert plain.params is params_for(plain.manifest["model"]) is DEFAULT_PARAMS["multilingual-e5-small"]
