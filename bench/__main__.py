"""`python -m bench NAME [ARGS]`: run one benchmark (retrieval, speed, scale, bot, reply, dialogues) or all of them."""

from __future__ import annotations

import importlib
import sys

BENCHES = {"retrieval": "bench.retrieval", "speed": "bench.speed", "scale": "bench.scale", "bot": "bench.bot_load", "reply": "bench.reply", "dialogues": "bench.dialogues"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in (*BENCHES, "all"):
        print(f"usage: python -m bench {{{','.join(BENCHES)},all}} [ARGS]   (ARGS: see python -m bench NAME --help)")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    names = list(BENCHES) if argv[0] == "all" else [argv[0]]
    status = 0
    for name in names:
        print(f"== {name}", flush=True)
        status |= importlib.import_module(BENCHES[name]).main(argv[1:] if len(names) == 1 else [])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
