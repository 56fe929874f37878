"""The reply a worker reads: does its bold answer sentence alone answer, and how long is it?

    python -m bench reply [--index DIR] [--set NAME ...] [--misses]

For each question set (the BPJS dev questions in ../shared/eval/, tests/data/worker_questions.tsv,
faq_questions.tsv, answer_train_questions.tsv, answer_train2_questions.tsv and answer_questions.tsv),
every in-scope question is answered exactly as a private chat answers it
(`bot.answer.answer_question`), and reported:

- sentence: the share of answered questions whose bold answer sentence alone, as the reply shows it
  (a list item with the line introducing it; a run-on list cut at bot.reply.MAX_SENTENCE), matches the set's
  regex (the dev, worker and FAQ regexes were written for whole passages, so there this is strict;
  the answer sets' name one fact each, written for the sentence, blind to the corpus), and the
  same share over all in-scope questions (a refusal counts as a miss); "with title" matches the
  sentence with the title and headings of its passage, which the reply shows on its source line
  (a regex that names the program is then met by a title such as "Jaminan Kehilangan Pekerjaan
  (JKP): ...");
- passages: the share whose quoted passages match (what the old layout was judged on), and the
  sentence share among those (how well the sentence is chosen when the right passage is quoted);
- the median and p90 length of the replies, in characters a phone shows (markup removed).

--misses lists the questions whose bold sentence does not match (a held-out set's, FAQ or answer,
only when it is named with --set), each tagged "sentence" when the lead passage's text matches (the
wrong sentence of the right passage) or "passage" when it does not (retrieval led with another
passage, or the regex needs the passage's title).
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
from pathlib import Path

import numpy as np

from bench._util import HELD_OUT, QUESTION_SETS, table, write_result
from bot.answer import answer_question
from bot.reply import visible_text
from index.console import run
from index.evaluate import read_cases
from index.search import Retriever
from index.settings import get_index_settings

_LEAD_BOLD = re.compile(r"<blockquote><b>(.*?)</b>", re.S)  # the first quote opens with the answer sentence in bold
GOALS = {"sentence_share": 0.85, "median_chars": 700, "p90_chars": 1200}


def shown_sentence(reply_html: str) -> str:
    """The bold answer sentence as the reply shows it: a long one is cut (bot.reply.MAX_SENTENCE), and
    what the cut leaves out is not read."""
    found = _LEAD_BOLD.search(reply_html)
    return html.unescape(found.group(1)) if found else ""


def measure(retriever: Retriever, path: Path, misses: list[str] | None = None) -> dict:
    """Answer-sentence accuracy and reply lengths over one question set."""
    in_scope = answered = sentence_ok = titled_ok = passages_ok = both_ok = 0
    lengths = []
    for case in read_cases(path):
        if case.pattern is None:
            continue
        in_scope += 1
        answer = answer_question(retriever, case.question, logged=False)
        if not answer.answered:
            continue
        answered += 1
        sentence = shown_sentence(answer.reply.html)
        lengths.append(len(visible_text(answer.reply.html)))
        hit = bool(sentence and case.pattern.search(sentence))
        sentence_ok += hit
        context = answer.reply.passages[0].context if answer.reply.passages else ""
        titled_ok += bool(sentence and case.pattern.search(f"{context}\n{sentence}"))
        quoted = any(case.pattern.search(p.text) for p in answer.reply.passages)
        passages_ok += quoted
        both_ok += hit and quoted
        if not hit and misses is not None:
            where = "sentence" if answer.reply.passages and case.pattern.search(answer.reply.passages[0].text) else "passage"
            misses.append(f"{path.stem} [{where}]: {case.question}\n    bold: {sentence[:200]!r}")
    return {
        "in_scope": in_scope,
        "answered": answered,
        "sentence_share": round(sentence_ok / answered, 3) if answered else 0.0,
        "sentence_share_of_in_scope": round(sentence_ok / in_scope, 3) if in_scope else 0.0,
        "sentence_with_title_share": round(titled_ok / answered, 3) if answered else 0.0,
        "passages_share": round(passages_ok / answered, 3) if answered else 0.0,
        "sentence_share_where_passages_match": round(both_ok / passages_ok, 3) if passages_ok else 0.0,
        "median_chars": int(statistics.median(lengths)) if lengths else 0,
        "p90_chars": int(np.percentile(lengths, 90)) if lengths else 0,
        "max_chars": max(lengths, default=0),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench reply", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="a built index (default: the bot's INDEX_DIR)")
    parser.add_argument("--set", action="append", choices=list(QUESTION_SETS), help="measure only this question set (repeatable; default: all)")
    parser.add_argument("--misses", action="store_true", help="print the questions whose bold sentence does not match")
    args = parser.parse_args(argv)
    if args.index is None:
        from bot.settings import Settings

        args.index = Settings().index_dir
    retriever = Retriever.load(args.index, **get_index_settings().encoder_options())
    rows, misses = [], ([] if args.misses else None)
    for name, where in QUESTION_SETS.items():
        if args.set and name not in args.set:
            continue
        path = where()
        if not path.exists():
            print(f"{name}: data not found ({path})", file=sys.stderr)
            continue
        listed = misses if name not in HELD_OUT or args.set else None
        rows.append({"set": name, **measure(retriever, path, listed)})
    print(table(rows, ["set", "in_scope", "answered", "sentence_share", "sentence_share_of_in_scope", "sentence_with_title_share", "passages_share", "sentence_share_where_passages_match", "median_chars", "p90_chars", "max_chars"]))
    if misses:
        print("\n".join(misses))
    if not args.set:  # a partial run leaves the recorded figures alone
        write_result("reply", {"index": str(args.index), "manifest": retriever.manifest.get("built_at"), "goals": GOALS, "sets": rows})
    return 0


if __name__ == "__main__":
    sys.exit(run(lambda: main(sys.argv[1:]), expected=(ValueError,)))
