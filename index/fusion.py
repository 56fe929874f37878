"""Step 5: fuse the dense and lexical scores into one ranking, and decide whether to answer.

Weighted score fusion: each side is scaled to [0, 1] over the candidate set, then mixed with a
tuned weight (equal-weight rank fusion loses to the stronger side; FACTS.md). The answer decision
uses absolute signals instead: how close the best passage is in the embedding space, and how
much of the question's (idf-weighted) vocabulary it contains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionParams:
    lexical_weight: float = 0.3  # share of BM25 in the fused score (bench/retrieval.py)
    candidates: int = 100  # taken from each side before fusing
    # Dense cosine mapped to [0, 1] between these two values for the confidence.
    dense_floor: float = 0.80
    dense_ceiling: float = 0.90
    coverage_weight: float = 0.4  # share of term coverage in the confidence
    threshold: float = 0.475  # answer when confidence >= threshold (middle of the range that separated best)


# Tuned per model with `bench/retrieval.py`; the fake test encoder has its own scale.
DEFAULT_PARAMS = {
    "multilingual-e5-small": FusionParams(),
    "fake": FusionParams(dense_floor=0.1, dense_ceiling=0.6, threshold=0.35),
}


def params_for(model: str) -> FusionParams:
    return DEFAULT_PARAMS.get(model, FusionParams(dense_floor=0.3, dense_ceiling=0.7))


def _scale(values: np.ndarray, low: float | None = None) -> np.ndarray:
    low = float(values.min()) if low is None else low
    span = float(values.max()) - low
    return (values - low) / span if span > 1e-9 else np.zeros_like(values)


def fuse(dense: np.ndarray, lexical: np.ndarray, params: FusionParams) -> tuple[np.ndarray, np.ndarray]:
    """Fused scores of the candidates, and the lexical scores scaled to [0, 1].

    `dense` holds cosine similarities, `lexical` raw BM25 scores, for the same candidates.
    BM25 is scaled from zero (a passage with none of the terms), cosine from the weakest candidate.
    """
    if len(dense) == 0:
        return dense, lexical
    lex = _scale(lexical, low=0.0)
    fused = params.lexical_weight * lex + (1 - params.lexical_weight) * _scale(dense)
    return fused, lex


def confidence(best_cosine: float, coverage: float, params: FusionParams) -> float:
    """How sure we are that the best passage answers the question, in [0, 1]."""
    span = max(params.dense_ceiling - params.dense_floor, 1e-6)
    dense_part = min(max((best_cosine - params.dense_floor) / span, 0.0), 1.0)
    w = params.coverage_weight
    return float((1 - w) * dense_part + w * min(max(coverage, 0.0), 1.0))
