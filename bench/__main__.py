"""`python -m bench NAME [ARGS]`: run one benchmark (retrieval, speed, scale, bot, reply, dialogues) or all of them."""

from __future__ import annotations

import argparse
import importlib
import sys

from index.console import run

BENCHES = {"retrieval": "bench.retrieval", "speed": "bench.speed", "scale": "bench.scale", "bot": "bench.bot_load", "reply": "bench.reply", "dialogues": "bench.dialogues"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        usage="%(prog)s [-h] NAME [ARGS ...]",
        description="Run the project's benchmarks; each writes its figures under bench/results/.",
        epilog="ARGS are the benchmark's own: see python -m bench NAME --help.",
    )
    parser.add_argument("name", choices=[*BENCHES, "all"], metavar="NAME", help=f"{', '.join(BENCHES)}, or all (each with its defaults)")
    return parser


def run_benches(names: list[str], args: list[str]) -> int:
    status = 0
    for name in names:
        print(f"== {name}", flush=True)
        status |= importlib.import_module(BENCHES[name]).main(args)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    name, rest = parser.parse_args(argv[:1]).name, argv[1:]  # the rest is the benchmark's to parse
    if name == "all" and rest:
        parser.error("all runs each benchmark with its defaults: give no ARGS")
    names = list(BENCHES) if name == "all" else [name]
    return run(lambda: run_benches(names, rest), expected=(ValueError,))


if __name__ == "__main__":
    sys.exit(main())
