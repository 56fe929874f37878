"""Admin CLI: `python -m index build|search|eval|info|lint`. It parses arguments and calls the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from index.console import UserError, run
from index.normalize import printable
from index.settings import get_index_settings

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    settings = get_index_settings()
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and query the Tanya BPJS retrieval index.")
    parser.add_argument("-v", "--verbose", action="store_true", help=f"log at DEBUG level (default: {settings.log_level}, LOG_LEVEL)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def index_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", type=Path, default=settings.index_dir, help=f"index directory (default: {settings.index_dir}, INDEX_DIR)")

    b = sub.add_parser("build", help="build the index from the corpus (reuses unchanged embeddings)")
    b.add_argument("--corpus", type=Path, default=settings.corpus_dir, help=f"corpus directory (default: {settings.corpus_dir}, CORPUS_DIR)")
    b.add_argument("--out", type=Path, default=settings.index_dir, help=f"index directory to write (default: {settings.index_dir}, INDEX_DIR)")
    b.add_argument("--model", default=settings.embedding_model, help=f"embedding model (default: {settings.embedding_model}, EMBEDDING_MODEL)")
    b.add_argument(
        "--backend", choices=["torch", "onnx", "onnx-int8"], default=settings.embedding_backend,
        help=f"who runs the model (default: {settings.embedding_backend}, EMBEDDING_BACKEND)",
    )
    b.add_argument("--dense", choices=["auto", "flat", "hnsw"], default="auto", help="FAISS index: exact flat, approximate HNSW, or chosen by size (default)")
    b.add_argument("--strict", action="store_true", help="fail on any unreadable corpus file instead of skipping it")
    b.add_argument("--if-stale", action="store_true", help="do nothing when the index already matches the corpus and model")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")

    s = sub.add_parser("search", help="search the index; questions as arguments or one per line on stdin")
    s.add_argument("question", nargs="*", help="the question (omit to read questions from standard input)")
    s.add_argument("-k", type=int, default=3, help="passages per question (default 3)")
    s.add_argument("--json", action="store_true", help="one JSON object per question per line")
    index_arg(s)

    e = sub.add_parser("eval", help="retrieval quality on a TSV of questions and regexes")
    e.add_argument("file", type=Path, help="TSV: question<TAB>regex, or '-' for questions that must be refused")
    index_arg(e)

    i = sub.add_parser("info", help="what is built: model, passages, documents, build time")
    index_arg(i)

    lint = sub.add_parser("lint", help="check the corpus: missing fields, stale or superseded facts, temporary rules ending, empty documents, duplicates")
    lint.add_argument("--corpus", type=Path, default=settings.corpus_dir, help=f"corpus directory (default: {settings.corpus_dir})")
    lint.add_argument(
        "--max-age", type=int, default=settings.fact_max_age_days, metavar="DAYS",
        help=f"warn about facts last checked over DAYS ago (default: {settings.fact_max_age_days}, FACT_MAX_AGE_DAYS; 0: no check)",
    )
    return parser


def cmd_build(args: argparse.Namespace) -> int:
    from index.build import build_index

    options = {**get_index_settings().encoder_options(), "backend": args.backend}
    summary = build_index(
        args.corpus, args.out, model=args.model, **options, dense_kind=args.dense, strict=args.strict,
        if_stale=args.if_stale, progress=not args.no_progress and sys.stderr.isatty(),
    )
    if summary.up_to_date:
        print(f"index {args.out} is up to date with {args.corpus}")
        return 0
    for problem in summary.problems:
        print(f"warning: skipped {problem.path}: {problem.message}", file=sys.stderr)
    print(
        f"built {summary.index_dir}: {summary.documents} documents, {summary.passages} passages "
        f"({summary.embedded} embedded, {summary.reused} reused), {summary.dense_kind} index, {summary.seconds:.1f} s"
    )
    return 0


def _load(index_dir: Path):
    from index.search import Retriever

    return Retriever.load(index_dir, **get_index_settings().encoder_options())


def cmd_search(args: argparse.Namespace) -> int:
    retriever = _load(args.index)
    questions = [" ".join(args.question)] if args.question else (line.rstrip("\n") for line in sys.stdin)
    for question in questions:
        if not args.question and not question.strip():
            continue
        result = retriever.search(question, k=args.k)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
            continue
        verdict = "answered" if result.answered else "no confident answer"
        print(f"? {printable(question)}\n  {verdict} (confidence {result.confidence:.2f})")
        for n, hit in enumerate(result.hits, 1):
            print(f"  {n}. [{hit.score:.2f}] {hit.passage.context}\n     {hit.passage.text[:300]}\n     — {hit.passage.source} {hit.passage.date or ''}")
        print(flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from index.evaluate import evaluate, read_cases

    if not args.file.exists():
        raise UserError(f"no such file: {args.file}")
    retriever = _load(args.index)
    report = evaluate(read_cases(args.file), lambda q: retriever.search(q, k=10))
    for miss in report.misses:
        print(f"miss: {miss}")
    print(report.summary())
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from index.store import read_manifest, verify

    m = read_manifest(args.index)
    print(f"index      {args.index} -> {Path(args.index).resolve()}")
    for key in ("model", "backend", "dimension", "documents", "passages", "dense", "built_at", "corpus_hash"):
        print(f"{key:<10} {m.get(key)}")
    verify(args.index, m)  # a damaged index is an error (exit 1), after what the manifest says
    print(f"{'files':<10} {len(m['files'])}, checksums verified")
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from index.lint import lint_corpus

    if not args.corpus.is_dir():
        raise UserError(f"corpus directory {args.corpus} does not exist")
    findings = lint_corpus(args.corpus, max_age_days=args.max_age or None)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} problem(s) in {args.corpus}" if findings else f"{args.corpus}: no problems")
    return 1 if findings else 0


COMMANDS = {"build": cmd_build, "search": cmd_search, "eval": cmd_eval, "info": cmd_info, "lint": cmd_lint}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for name in ("bm25s", "pypdf"):  # their warnings repeat what the build reports per file
        logging.getLogger(name).setLevel(logging.ERROR)
    level = "DEBUG" if args.verbose else get_index_settings().log_level
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format="%(levelname)s %(name)s: %(message)s", force=True)
    return run(lambda: COMMANDS[args.command](args), expected=(ValueError,))
