"""Conversations: the development dialogues and the project's own dialogue set, played turn by turn.

`python -m bench dialogues [--index DIR]`: the share of turns answered as expected (a quote that
matches, a question back, or a refusal), by kind of turn, on ../shared/eval/bpjs_dialogues_dev.tsv
and tests/data/dialogues.tsv (both development: the conversation rules were tuned on their misses)
and tests/data/dialogues_heldout.tsv (written later, without reading the corpus, and not tuned on).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench._util import REPO, eval_dir, write_result
from bench.retrieval import bpjs_retriever
from bot.dialogues import evaluate_dialogues, read_dialogues
from index.encoders import load_encoder

SETS = {
    "dev (tuned on)": lambda: eval_dir() / "bpjs_dialogues_dev.tsv",
    "own (tests/data, tuned on)": lambda: REPO / "tests" / "data" / "dialogues.tsv",
    "held out (tests/data)": lambda: REPO / "tests" / "data" / "dialogues_heldout.tsv",
}
HELD_OUT = frozenset({"held out (tests/data)"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dialogues", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None, help="index of the shipped corpus (default: the admin's if current)")
    parser.add_argument("--window", type=float, default=600.0, help="seconds a topic is carried (CONTEXT_WINDOW)")
    parser.add_argument("--misses", action="store_true", help="list the turns answered wrongly (not the held-out set's)")
    args = parser.parse_args(argv)
    from index.settings import get_index_settings

    settings = get_index_settings()
    retriever = bpjs_retriever(load_encoder(settings.embedding_model, **settings.encoder_options()), args.index)
    results = {}
    for name, where in SETS.items():
        path = where()
        if not path.is_file():
            print(f"{name}: data not found ({path})")
            continue
        report = evaluate_dialogues(read_dialogues(path), retriever, args.window)
        print(f"{name}: {report.summary()}")
        if args.misses and name in HELD_OUT:
            print(f"  misses: {len(report.misses)} withheld (held-out set)")  # read, they would be tuned on
        elif args.misses:
            for miss in report.misses:
                print(f"  miss: {miss}")
        results[name] = {"turns": report.turns, "right": report.right, "share": round(report.share, 3), "by_kind": report.by_kind}
    write_result("dialogues", {"sets": results})
    return 0
