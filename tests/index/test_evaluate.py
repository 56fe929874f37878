"""The evaluation harness: reading cases, and its figures on a hand-built run."""

from __future__ import annotations

import re

import pytest

from index.evaluate import Case, Report, evaluate, read_cases
from index.types import Hit, Passage, SearchResult


def test_read_cases(tmp_path):
    path = tmp_path / "cases.tsv"
    path.write_text(
        "# comment line\n"
        "\n"
        "apa itu jkp\tjkp|kehilangan pekerjaan\n"
        "resep nasi goreng\t-\n"
        "tanpa pola\t\n"
        "hanya pertanyaan\n"
        "  spasi di tepi  \t  iuran.kelas  \n",
        "utf-8",
    )
    cases = read_cases(path)
    assert [c.question for c in cases] == ["apa itu jkp", "resep nasi goreng", "tanpa pola", "hanya pertanyaan", "spasi di tepi"]
    assert [c.pattern is None for c in cases] == [False, True, True, True, False]
    jkp, _, _, _, iuran = cases
    assert jkp.pattern.search("Program JKP untuk pekerja")  # case-insensitive
    assert jkp.pattern.search("jaminan KEHILANGAN PEKERJAAN")
    assert not jkp.pattern.search("jaminan hari tua")
    assert iuran.pattern.search("iuran\nkelas 3")  # "." crosses lines


def test_read_cases_rejects_a_broken_regex(tmp_path):
    path = tmp_path / "cases.tsv"
    path.write_text("pertanyaan\t(tidak ditutup\n", "utf-8")
    with pytest.raises(ValueError, match="line 1: bad regex"):
        read_cases(path)


def _passage(n: int, text: str = "", title: str = "Lain") -> Passage:
    return Passage(id=f"p{n}", text=text or f"teks umum nomor {n}", title=title)


# question -> (rank of the passage that matches "kunci" among 12 hits, or None; answered)
RUN = {
    "pertama": (1, True),
    "kedua": (2, True),
    "ketiga": (3, True),
    "kelima": (5, True),
    "kesebelas": (11, True),  # beyond the top 10: a miss
    "tidak ada": (None, True),
    "ditolak": (1, False),  # found, but refused
}
OUT_OF_SCOPE = {"resep nasi goreng": False, "cuaca besok": True}  # answered?


def _search(question: str) -> SearchResult:
    if question in OUT_OF_SCOPE:
        return SearchResult(question, OUT_OF_SCOPE[question], 0.9 if OUT_OF_SCOPE[question] else 0.1, (Hit(_passage(0), 0.5),))
    rank, answered = RUN[question]
    hits = tuple(Hit(_passage(i, "ini kunci jawaban" if i == rank else ""), 1 - i / 20) for i in range(1, 13))
    return SearchResult(question, answered, 0.8 if answered else 0.2, hits)


def test_report_figures_on_a_hand_built_run():
    cases = [Case(q, re.compile("kunci")) for q in RUN] + [Case(q, None) for q in OUT_OF_SCOPE]
    report = evaluate(cases, _search)

    ranks = [r if r and r <= 10 else None for r, _ in RUN.values()]
    n = len(RUN)
    assert (report.cases, report.in_scope, report.out_of_scope) == (len(cases), n, len(OUT_OF_SCOPE))
    assert report.recall1 == pytest.approx(sum(r == 1 for r in ranks) / n)
    assert report.recall3 == pytest.approx(sum(r is not None and r <= 3 for r in ranks) / n)
    assert report.mrr10 == pytest.approx(sum(1 / r for r in ranks if r) / n)
    assert report.wrongly_refused == sum(not a for _, a in RUN.values())
    assert report.refused_ok == sum(not a for a in OUT_OF_SCOPE.values())

    missed = {q for q, (r, a) in RUN.items() if not r or r > 3 or not a}
    missed |= {q for q, a in OUT_OF_SCOPE.items() if a}
    assert len(report.misses) == len(missed)
    for question in missed:
        assert any(repr(question) in line for line in report.misses), question


def test_regex_may_match_the_title():
    hit = Hit(_passage(1, "teks tanpa kata itu", title="Iuran JKN"), 0.9)
    report = evaluate([Case("iuran", re.compile("iuran jkn", re.IGNORECASE))], lambda q: SearchResult(q, True, 0.9, (hit,)))
    assert report.at1 == 1


def test_summary_and_empty_report():
    empty = evaluate([], _search)
    assert (empty.recall1, empty.recall3, empty.mrr10) == (0.0, 0.0, 0.0)
    report = Report(cases=4, in_scope=4, at1=1, at3=2, rr_sum=2.0, refused_ok=1, out_of_scope=2, wrongly_refused=1)
    text = report.summary()
    for figure in ("R@1 0.250", "R@3 0.500", "MRR@10 0.500", "4 in scope", "wrongly refused 1/4", "out-of-scope answered 1/2"):
        assert figure in text


def test_confident_wrong_and_wrongly_refused_shares():
    """Confident-wrong counts answered in-scope questions with no match in the top 3, over the answered."""
    cases = [Case(q, re.compile("kunci")) for q in RUN] + [Case(q, None) for q in OUT_OF_SCOPE]
    report = evaluate(cases, _search)
    answered = [r for r, a in RUN.values() if a]
    wrong = sum(1 for r in answered if not r or r > 3)  # "kelima", "kesebelas", "tidak ada"
    assert report.confident_wrong == wrong == 3
    assert report.answered_in_scope == len(answered)
    assert report.confident_wrong_share == pytest.approx(wrong / len(answered))
    assert report.wrongly_refused_share == pytest.approx(1 / len(RUN))
    assert report.out_of_scope_answered == 1
    figures = report.figures()
    assert figures["confident_wrong"] == f"3/{len(answered)}" and figures["out_of_scope_answered"] == "1/2"
    assert "confident-wrong 3/6" in report.summary()
