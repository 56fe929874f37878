"""Step 5: fuse the dense and lexical scores into one ranking, and decide whether to answer.

Weighted score fusion: each side is scaled to [0, 1] over the candidate set, then mixed with a
tuned weight (equal-weight rank fusion loses to the stronger side; FACTS.md). The answer decision
uses absolute signals instead (`Signals`): how close the best passage is in the embedding space,
how much of the question's (idf-weighted) vocabulary it contains, whether both sides agree on it,
and whether it belongs to the program the question names. News passages, passages of another
program (or BPJS body) than the one the question names, and passages of a group of participants (BPU,
PMI, construction) that the question does not name, sections on what is not covered when the
question does not ask about exceptions, and worked examples when it asks for the rule, are pushed below
passages that score close to them;
the best few gain by how well their answer sentence holds what is asked (`answer_weight`).
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
    # The answer decision below was tuned with `python -m bench retrieval --tune --tune-tydi 600`
    # (dev and worker questions, 600 TyDi train questions; December 2026). The program-mismatch
    # penalty lowered the loss nowhere (passages of another program already lose rank, below).
    coverage_weight: float = 0.3  # share of term coverage in the confidence
    threshold: float = 0.4125  # answer when confidence >= threshold
    # Dense and lexical agreement: both sides rank the best passage in their top `agree_top`.
    agree_top: int = 3
    disagreement_penalty: float = 0.1  # taken off the confidence when they do not agree
    mismatch_penalty: float = 0.0  # taken off when the question names a program the passage is not about
    # Taken off when the question is about a subject no BPJS program handles (THR, income tax, loans,
    # traffic fines: index/data/off_topic.txt) and names no program, no BPJS body and not "bpjs".
    off_topic_penalty: float = 0.5
    news_penalty: float = 0.15  # taken off a news passage's fused score (rules come from program documents)
    mismatch_rank_penalty: float = 0.1  # taken off the fused score of a passage of another program than the one asked
    # Taken off as well when the question names a BPJS body and the passage is the other body's
    # ("telat bayar bpjs kesehatan" and a BPJS Ketenagakerjaan passage): 0.1 to 0.3 gave the same dev,
    # worker and own-dialogue figures (bench retrieval, bench dialogues); 0.05 left one more worker question wrong.
    body_mismatch_penalty: float = 0.1
    # Taken off a passage of a group of participants (BPU, PMI, construction) the question does not name
    # ("iuran jht brp persen": the employee's 5,7%, not the BPU 2%). Same bold figures on the tuning sets;
    # FAQ R@1 0.826 -> 0.843 (bench retrieval).
    segment_penalty: float = 0.1
    # Taken off a passage on what is not covered ("Ambulans yang tidak dijamin JKN") when the question
    # asks whether something is covered without asking about the exceptions ("caesar bisa pake bpjs?",
    # "is dental care covered"): the rule that covers leads, an exception must win on its own words.
    # Same tuning-set figures (bench reply); held-out answer set out-of-scope answered 6 -> 5/12.
    exclusion_penalty: float = 0.1
    # Taken off a section of worked examples ("Contoh hitungan denda pelayanan") when the question does
    # not ask for one: "denda bpjs kesehatan brp" is answered by the rule, not by Rp3.000.000 for one
    # case. Same tuning and held-out figures (bench reply, retrieval, dialogues).
    example_penalty: float = 0.05
    topic_bonus: float = 0.1  # added to the fused score of a passage of the documents a follow-up's conversation is about
    # BM25 weight of the terms a follow-up carries in brackets ("syaratnya apa (Jaminan Kehilangan Pekerjaan)"),
    # against 1 for its own: 0.3-0.6 gave the same own dialogues (bench dialogues), 0 and 0.75 fewer.
    context_weight: float = 0.5
    # The `answer_top` best candidates gain `answer_weight` x their answer sentence's score
    # (index/answer_sentence.py): tuned on dev, worker and 600 TyDi train questions (bench/retrieval.py).
    answer_weight: float = 0.1
    answer_top: int = 5
    # A question asking for a figure whose best passage states none of that kind is led by the first
    # passage of the same program among the `answer_top` best, within this margin, that does (0: off).
    # 0.1 and 0.2 gave the same dev and worker figures (bench reply: worker bold 0.636 -> 0.652), 0.05 less;
    # widening it from the same document to the same program moved no figure ("jht brp" then bolds 5,7%).
    figure_margin: float = 0.1
    # At most `per_document` passages of one document among the first `varied_top` hits (0: no cap).
    per_document: int = 2
    varied_top: int = 3


# Tuned per model with `bench/retrieval.py`; an encoder may bring its own (`fusion_params`).
DEFAULT_PARAMS = {
    "multilingual-e5-small": FusionParams(),
}


@dataclass(frozen=True)
class Signals:
    """What the answer decision knows about the best candidate passage of a question."""

    cosine: float  # dense cosine similarity to the question
    coverage: float  # share of the question's idf-weighted terms it contains
    dense_rank: int  # 0-based rank among the candidates on the dense side
    lexical_rank: int  # 0-based rank on the BM25 side (the candidate count when it shares no term)
    margin: float = 0.0  # fused score over the second candidate's
    program_mismatch: bool = False  # the question names a program and the passage is about another
    off_topic: bool = False  # the question is about a subject no BPJS program handles (index/data/off_topic.txt)


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


def answer_confidence(signals: Signals, params: FusionParams) -> float:
    """`confidence`, lowered when the two sides disagree on the passage, its program is not the one
    asked, or the question is about a subject no BPJS program handles."""
    conf = confidence(signals.cosine, signals.coverage, params)
    if max(signals.dense_rank, signals.lexical_rank) >= params.agree_top:
        conf -= params.disagreement_penalty
    if signals.program_mismatch:
        conf -= params.mismatch_penalty
    if signals.off_topic:
        conf -= params.off_topic_penalty
    return float(min(max(conf, 0.0), 1.0))
