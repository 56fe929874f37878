"""The engine with the real default model: ranking, refusals, and the shipped corpus's answers."""

from pathlib import Path

import pytest

from index.build import build_index
from index.evaluate import evaluate, read_cases
from index.search import Retriever

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fixture_retriever(fixture_corpus: Path, real_encoder, tmp_path_factory) -> Retriever:
    out = tmp_path_factory.mktemp("real") / "index"
    build_index(fixture_corpus, out, real_encoder)
    return Retriever.load(out, real_encoder)


@pytest.mark.parametrize(
    ("question", "program"),
    [
        ("apa itu JKP?", "JKP"),
        ("gmn cara klaim jht kalo resign", "JHT"),
        ("what is the old-age savings programme (JHT)?", "JHT"),
        ("iuran bpjs kesehatan kelas 3 brp", "JKN"),
    ],
)
def test_questions_find_their_programme_first_and_are_answered(fixture_retriever, question, program):
    result = fixture_retriever.search(question, k=3)
    assert result.answered, result.confidence
    assert result.hits[0].passage.program == program, [h.passage.title for h in result.hits]


@pytest.mark.parametrize("question", ["resep nasi goreng", "jadwal kereta api besok pagi", "lirik lagu cinta"])
def test_out_of_scope_questions_are_refused(fixture_retriever, question):
    assert not fixture_retriever.search(question).answered


@pytest.mark.parametrize("question", ["", "😀🙏", "???", "x" * 10_000, "JKP это что 什么"])
def test_odd_input_does_not_raise(fixture_retriever, question):
    result = fixture_retriever.search(question)
    assert 0.0 <= result.confidence <= 1.0


@pytest.fixture(scope="module")
def corpus_retriever(shipped_retriever) -> Retriever:
    return shipped_retriever


def test_the_shipped_corpus_answers_worker_questions(corpus_retriever):
    """tests/data/worker_questions.tsv: questions as workers type them, with the fact to find.

    Floors sit a little under what was measured in December 2026 (R@3 0.88; 11 of 12
    out-of-scope refused; 1 of 66 in-scope refused; confident-wrong 8 of 65 answered, 12.3%,
    the issue's goal being 5%) so that a corpus, ranking or answer-decision change that loses
    topics or answers more of them wrongly fails here.
    """
    report = evaluate(read_cases(REPO / "tests" / "data" / "worker_questions.tsv"), lambda q: corpus_retriever.search(q, k=10))
    print(report.summary())
    assert report.refused_ok >= report.out_of_scope - 1, report.misses
    assert report.recall3 >= 0.84, report.misses
    assert report.wrongly_refused <= 2, report.misses
    assert report.confident_wrong_share <= 0.15, report.misses


def test_the_bold_sentence_of_the_shipped_corpus_answers_the_tuning_questions(corpus_retriever):
    """tests/data/answer_train_questions.tsv: one fact a question, judged on the answer sentence of
    the best hit alone (what the reply opens with, in bold). The floor sits a little under what was
    measured on 3 December 2026 (86 of 97 answered, 0.89), so that a change to the kinds of fact asked,
    the sentence scores or the corpus that loses answer sentences fails here."""
    answered = matched = 0
    for case in read_cases(REPO / "tests" / "data" / "answer_train_questions.tsv"):
        result = corpus_retriever.search(case.question, k=5)
        if case.pattern is None or not result.answered:
            continue
        answered += 1
        best = result.hits[0]
        matched += bool(best.answer_span and case.pattern.search(best.passage.text[slice(*best.answer_span)]))
    assert answered >= 90
    assert matched / answered >= 0.8, f"{matched}/{answered}"
