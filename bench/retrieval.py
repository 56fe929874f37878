"""Retrieval quality: BM25 alone, dense alone and the fusion, on TyDi QA id and the BPJS dev set.

    python -m bench.retrieval [--model NAME] [--weights 0,0.1,...] [--only tydi|bpjs]

TyDi QA (Indonesian GoldP): the pool is every distinct context of train+valid, the queries are the
valid questions, a hit is the question's own context. BPJS: the shipped corpus and the dev
questions' regexes (top-3 must match; "-" must be refused). Both read ../shared/eval/ and say
"data not found" when it is absent. Passage embeddings are cached under var/bench/.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time

import numpy as np

from bench._util import REPO, eval_dir, write_result
from index.dense import DenseIndex
from index.encoders import Encoder, load_encoder
from index.evaluate import evaluate, read_cases
from index.lexical import LexicalIndex
from index.passages import embedding_text
from index.search import Retriever
from index.store import StoredIndex
from index.types import Passage

CACHE = REPO / "var" / "bench"


def cached_embeddings(encoder: Encoder, texts: list[str], label: str) -> np.ndarray:
    """Passage vectors, computed once per model and text set."""
    digest = hashlib.sha1("\n\0".join([encoder.name, *texts]).encode()).hexdigest()[:16]
    path = CACHE / f"{label}-{encoder.name.replace('/', '_')}-{digest}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    vectors = np.concatenate([encoder.encode_passages(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    print(f"  embedded {len(texts)} {label} passages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def retriever_for(passages: list[Passage], encoder: Encoder, label: str) -> Retriever:
    """A Retriever over in-memory passages, built with the engine's own parts."""
    texts = [embedding_text(p) for p in passages]
    vectors = cached_embeddings(encoder, texts, label)
    manifest = {"model": encoder.name, "dimension": encoder.dimension}
    stored = StoredIndex(manifest, passages, [""] * len(passages), [], DenseIndex.build(vectors, "flat"), LexicalIndex.build(texts))
    return Retriever(stored, encoder, CACHE)


@dataclasses.dataclass
class Scores:
    ranks: list[int | None] = dataclasses.field(default_factory=list)  # 1-based rank in the top 10

    def add(self, rank: int | None) -> None:
        self.ranks.append(rank)

    def figures(self) -> dict:
        n = len(self.ranks) or 1
        return {
            "R@1": round(sum(r == 1 for r in self.ranks if r) / n, 4),
            "R@3": round(sum(r <= 3 for r in self.ranks if r) / n, 4),
            "MRR@10": round(sum(1 / r for r in self.ranks if r) / n, 4),
        }


def _rank_of(order: np.ndarray, ids: np.ndarray, target: int) -> int | None:
    top = ids[order[:10]]
    where = np.nonzero(top == target)[0]
    return int(where[0]) + 1 if len(where) else None


def run_tydi(encoder: Encoder, weights: list[float]) -> dict | None:
    folder = eval_dir() / "tydiqa_id"
    if not (folder / "valid.jsonl").exists():
        print("TyDi QA: data not found, skipped")
        return None
    rows = {name: [json.loads(line) for line in (folder / f"{name}.jsonl").open(encoding="utf-8")] for name in ("train", "valid")}
    contexts = list(dict.fromkeys(r["context"] for name in ("train", "valid") for r in rows[name]))
    row_of = {c: i for i, c in enumerate(contexts)}
    passages = [Passage(id=f"t{i}", text=c, title="") for i, c in enumerate(contexts)]
    retriever = retriever_for(passages, encoder, "tydi")
    queries = [(r["question"], row_of[r["context"]]) for r in rows["valid"]]
    found = [retriever.candidates(q) for q, _ in queries]
    sides = {"bm25": Scores(), "dense": Scores()}
    fused = {w: Scores() for w in weights}
    for (question, target), cand in zip(queries, found):
        sides["bm25"].add(_rank_of(np.argsort(-cand.bm25, kind="stable"), cand.ids, target))
        sides["dense"].add(_rank_of(np.argsort(-cand.cosines, kind="stable"), cand.ids, target))
        for w in weights:
            params = dataclasses.replace(retriever.params, lexical_weight=w)
            result = retriever.rank(question, cand, 10, params)
            ids = np.array([int(h.passage.id[1:]) for h in result.hits])
            fused[w].add(_rank_of(np.arange(len(ids)), ids, target))
    return {
        "pool": len(contexts),
        "queries": len(queries),
        "bm25": sides["bm25"].figures(),
        "dense": sides["dense"].figures(),
        "fusion": {str(w): fused[w].figures() for w in weights},
        "default_weight": retriever.params.lexical_weight,
    }


def run_bpjs(encoder: Encoder, weights: list[float]) -> dict | None:
    path = eval_dir() / "bpjs_dev_questions.tsv"
    if not path.exists():
        print("BPJS dev questions: data not found, skipped")
        return None
    from index.build import build_index, is_up_to_date
    from index.settings import get_index_settings

    out = get_index_settings().index_dir
    if not is_up_to_date(REPO / "corpus", out, encoder.name):  # leave the admin's index alone
        out = CACHE / f"bpjs-index-{encoder.name.replace('/', '_')}"
        build_index(REPO / "corpus", out, encoder)
    retriever = Retriever.load(out, encoder)
    cases = read_cases(path)
    found = {c.question: retriever.candidates(c.question) for c in cases}
    results: dict = {"passages": len(retriever.passages), "questions": len(cases), "fusion": {}}
    for w in weights:
        params = dataclasses.replace(retriever.params, lexical_weight=w)
        report = evaluate(cases, lambda q, p=params: retriever.rank(q, found[q], 10, p))
        results["fusion"][str(w)] = {
            "R@1": round(report.recall1, 4), "R@3": round(report.recall3, 4), "MRR@10": round(report.mrr10, 4),
            "refused_out_of_scope": f"{report.refused_ok}/{report.out_of_scope}",
            "wrongly_refused": report.wrongly_refused,
        }
    default = evaluate(cases, lambda q: retriever.rank(q, found[q], 10))
    results["default"] = {"summary": default.summary(), "misses": default.misses}
    results["confidence"] = {
        c.question: round(retriever.rank(c.question, found[c.question], 1).confidence, 3) for c in cases
    }
    results["in_scope_min_conf"] = min(v for c in cases if c.pattern for v in [results["confidence"][c.question]])
    results["out_of_scope_max_conf"] = max(
        (results["confidence"][c.question] for c in cases if not c.pattern), default=None
    )
    return results


def _table(title: str, rows: dict[str, dict]) -> str:
    lines = [title, f"  {'system':<16}{'R@1':>8}{'R@3':>8}{'MRR@10':>9}"]
    for name, f in rows.items():
        lines.append(f"  {name:<16}{f['R@1']:>8.3f}{f['R@3']:>8.3f}{f['MRR@10']:>9.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="embedding model (default: the configured one)")
    parser.add_argument("--weights", default="0.1,0.2,0.3,0.4,0.5", help="lexical weights to try in the fusion")
    parser.add_argument("--only", choices=["tydi", "bpjs"], help="run one of the two sets")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.weights.split(",")]
    encoder = load_encoder(args.model)
    out: dict = {"model": encoder.name}
    if args.only in (None, "tydi"):
        tydi = run_tydi(encoder, weights)
        if tydi:
            out["tydi"] = tydi
            rows = {"bm25": tydi["bm25"], "dense": tydi["dense"], **{f"fusion w={w}": f for w, f in tydi["fusion"].items()}}
            print(_table(f"TyDi QA id ({tydi['queries']} questions, pool {tydi['pool']} passages)", rows))
    if args.only in (None, "bpjs"):
        bpjs = run_bpjs(encoder, weights)
        if bpjs:
            out["bpjs"] = bpjs
            print(_table(f"BPJS dev ({bpjs['questions']} questions, {bpjs['passages']} passages)", bpjs["fusion"]))
            for w, f in bpjs["fusion"].items():
                print(f"  w={w}: out-of-scope refused {f['refused_out_of_scope']}, in-scope refused {f['wrongly_refused']}")
            print(f"  default: {bpjs['default']['summary']}")
            for miss in bpjs["default"]["misses"]:
                print(f"    miss: {miss}")
    write_result("retrieval", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
