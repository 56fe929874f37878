"""Build an index from a corpus: load -> split -> embed (reusing unchanged passages) -> store."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from tqdm import tqdm

from index.dense import DenseIndex
from index.documents import find_files, load_corpus
from index.encoders import Encoder, load_encoder, vector_family
from index.errors import BuildError, IndexLoadError
from index.hitung import RATES_FILE, rates_path, validate_rates
from index.lexical import LexicalIndex
from index.normalize import WORD_LISTS
from index.passages import embedding_text, lexical_text, split_document
from index.settings import DEFAULT_MODEL
from index.store import FORMAT_VERSION, StoredIndex, embedding_key, read_manifest, reusable_embeddings, verify, write_index
from index.types import Finding

logger = logging.getLogger(__name__)

# Bump when splitting or tokenising changes, so that `--if-stale` rebuilds.
PIPELINE_VERSION = 8  # 2: short intros open the following subsection; 3: checked, superseded_by; 4: quotable blocks whole, no file-name titles; 5: tag words in BM25; 6: valid_until; 7: hyphenated compounds give their parts; 8: tags in standard spelling
BATCH = 32


@dataclass
class BuildSummary:
    index_dir: Path
    documents: int = 0
    passages: int = 0
    embedded: int = 0  # passages embedded by this build
    reused: int = 0  # passages whose embedding came from the previous build
    seconds: float = 0.0
    dense_kind: str = ""
    up_to_date: bool = False  # nothing changed: the build was skipped
    problems: list[Finding] = field(default_factory=list)


def corpus_hash(corpus_dir: Path) -> str:
    """A fingerprint of every corpus file and of the pipeline that turns them into an index."""
    h = hashlib.sha256(f"pipeline {PIPELINE_VERSION}\n".encode())
    for name in (*WORD_LISTS, "acronyms.tsv", "stopwords.txt"):
        h.update(resources.files("index").joinpath("data", name).read_bytes())
    for path in find_files(corpus_dir):
        h.update(path.relative_to(corpus_dir).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    rates = rates_path(corpus_dir)
    if rates.is_file():  # a changed cap is a reason to rebuild too
        h.update(RATES_FILE.encode() + b"\0" + rates.read_bytes())
    return h.hexdigest()


def is_up_to_date(corpus_dir: Path, index_dir: Path, model: str, backend: str = "torch") -> bool:
    try:
        manifest = read_manifest(index_dir)
        verify(index_dir, manifest)  # a damaged index is stale whatever its corpus hash says
    except IndexLoadError:
        return False
    return (
        manifest.get("model") == model
        and vector_family(manifest.get("backend", "torch")) == vector_family(backend)
        and manifest.get("corpus_hash") == corpus_hash(corpus_dir)
    )


def _embed(encoder: Encoder, texts: list[str], progress: bool) -> np.ndarray:
    if not texts:
        return np.zeros((0, encoder.dimension), np.float32)
    chunks = []
    with tqdm(total=len(texts), desc="embedding", unit="passage", disable=not progress) as bar:
        for start in range(0, len(texts), BATCH):
            chunks.append(encoder.encode_passages(texts[start : start + BATCH]))
            bar.update(len(texts[start : start + BATCH]))
    return np.concatenate(chunks)


def _rates_to_ship(corpus_dir: Path, strict: bool) -> dict[str, bytes]:
    """The rates table to ship with the index; an invalid one is left out (the bot then quotes instead)."""
    path = rates_path(corpus_dir)
    if not path.is_file():
        return {}
    findings = validate_rates(corpus_dir)
    if findings:
        message = f"{findings[0]}" + (f" (and {len(findings) - 1} more)" if len(findings) > 1 else "")
        if strict:
            raise BuildError(message)
        logger.warning("rates table not shipped: %s; run `python -m index lint`", message)
        return {}
    return {RATES_FILE: path.read_bytes()}


def build_index(
    corpus_dir: Path,
    out_dir: Path,
    encoder: Encoder | None = None,
    *,
    model: str | None = None,
    backend: str = "torch",
    cache_dir: Path | None = None,
    threads: int = 0,
    dense_kind: str = "auto",
    strict: bool = False,
    if_stale: bool = False,
    progress: bool = False,
) -> BuildSummary:
    """Build `corpus_dir` into `out_dir`; the previous index stays in place until this succeeds.

    Without `encoder`, the model `model` (default multilingual-e5-small) is loaded with
    `backend`, `cache_dir` and `threads` (see `index.encoders.load_encoder`).
    """
    started = time.perf_counter()
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    if not corpus_dir.is_dir():
        raise BuildError(f"corpus directory {corpus_dir} does not exist")
    model_name = encoder.name if encoder else (model or DEFAULT_MODEL)
    backend = getattr(encoder, "backend", "torch") if encoder else backend
    summary = BuildSummary(index_dir=out_dir)
    fingerprint = corpus_hash(corpus_dir)
    if if_stale and is_up_to_date(corpus_dir, out_dir, model_name, backend):
        summary.up_to_date = True
        return summary

    documents, problems = load_corpus(corpus_dir)
    summary.problems = problems
    if problems and strict:
        raise BuildError(f"{problems[0].path}: {problems[0].message}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    extra_files = _rates_to_ship(corpus_dir, strict)
    passages = [p for doc in documents for p in split_document(doc)]
    if not passages:
        raise BuildError(f"no passages in {corpus_dir}: add Markdown, text, CSV, PDF or HTML documents")

    texts = [embedding_text(p) for p in passages]
    keys = [embedding_key(model_name, t, backend) for t in texts]
    previous = reusable_embeddings(out_dir, model_name)
    missing = [i for i, key in enumerate(keys) if key not in previous]
    encoder = encoder or load_encoder(model_name, backend=backend, cache_dir=cache_dir, threads=threads)
    fresh = _embed(encoder, [texts[i] for i in missing], progress)
    vectors = np.zeros((len(passages), encoder.dimension), np.float32)
    fresh_rows = dict(zip(missing, fresh))
    for i, key in enumerate(keys):
        vectors[i] = fresh_rows[i] if i in fresh_rows else previous[key]

    dense = DenseIndex.build(vectors, dense_kind)
    lexical = LexicalIndex.build([lexical_text(p) for p in passages])
    manifest = {
        "format": FORMAT_VERSION,
        "model": model_name,
        "backend": backend,  # which backend embedded the passages (older manifests: torch)
        "dimension": encoder.dimension,
        "documents": len(documents),
        "passages": len(passages),
        "dense": dense.kind,
        "corpus_hash": fingerprint,
        "rates": RATES_FILE if extra_files else None,  # the Hitung rates table, shipped beside the passages
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    doc_meta = [
        {
            "path": d.path, "title": d.title, "source": d.source, "url": d.url, "date": d.date,
            "checked": d.checked, "superseded_by": d.superseded_by, "valid_until": d.valid_until, "program": d.program,
            "tags": list(d.tags),
        }
        for d in documents
    ]
    write_index(out_dir, StoredIndex(manifest, passages, keys, doc_meta, dense, lexical, extra_files=extra_files))
    summary.documents, summary.passages = len(documents), len(passages)
    summary.embedded, summary.reused = len(missing), len(passages) - len(missing)
    summary.dense_kind = dense.kind
    summary.seconds = time.perf_counter() - started
    logger.debug("built %s: %d documents, %d passages", out_dir, summary.documents, summary.passages)  # callers report the summary
    return summary
