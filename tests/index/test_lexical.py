"""The BM25 side: ranking against a brute-force BM25, unknown terms, idf, save and load."""

from __future__ import annotations

import math

import numpy as np
import pytest

from index.lexical import B, K1, LexicalIndex
from index.normalize import tokenize

TEXTS = [
    "Iuran JHT sebesar 5,7% dari upah sebulan.",
    "Klaim JHT setelah berhenti bekerja atau terkena PHK.",
    "Iuran JKN kelas 3 sebesar Rp42.000 per bulan.",
    "Kecelakaan kerja dilaporkan dalam 2 x 24 jam; kerja lembur juga dilindungi.",
    "Pelatihan kerja untuk peserta JKP yang terkena PHK.",
]


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex.build(TEXTS)


def _brute_force(query: list[str], docs: list[list[str]]) -> np.ndarray:
    """BM25 (Lucene idf) computed term by term, up to a constant factor."""
    n, avg = len(docs), sum(map(len, docs)) / len(docs)
    out = np.zeros(n)
    for i, doc in enumerate(docs):
        for term in set(query):
            df, tf = sum(term in d for d in docs), doc.count(term)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            out[i] += idf * tf / (tf + K1 * (1 - B + B * len(doc) / avg))
    return out


@pytest.mark.parametrize("question", ["iuran jht", "kerja phk", "klaim jht kerja", "iuran 42000 bulan"])
def test_scores_match_brute_force(lexical, question):
    terms = tokenize(question)
    expected = _brute_force(terms, [tokenize(t) for t in TEXTS])
    got = lexical.scores(terms)
    assert got.shape == (len(TEXTS),)
    assert np.allclose(got / got.max(), expected / expected.max(), atol=1e-5)


def test_document_with_the_term_beats_documents_without(lexical):
    scores = lexical.scores(tokenize("kecelakaan"))
    assert scores[3] > 0
    assert np.all(np.delete(scores, 3) == 0)


def test_repeated_query_terms_count_once(lexical):
    assert np.allclose(lexical.scores(["jht", "jht", "iur"]), lexical.scores(["jht", "iur"]))


@pytest.mark.parametrize("terms", [[], ["tidakada"], ["zzz", "qqq"]])
def test_unknown_terms_give_zeros(lexical, terms):
    scores = lexical.scores(terms)
    assert scores.shape == (len(TEXTS),) and not scores.any()


def test_unknown_terms_are_ignored_next_to_known_ones(lexical):
    assert np.allclose(lexical.scores(["jht", "tidakada"]), lexical.scores(["jht"]))


def test_idf_of_an_unknown_term_is_the_maximum(lexical):
    vocab = list(lexical.bm25.vocab_dict)
    known = max(lexical.idf(t) for t in vocab)
    assert lexical.idf("tidakada") > known - 1e-12
    assert lexical.idf("tidakada") > lexical.idf("kerja")


def test_idf_falls_as_a_term_gets_common(lexical):
    rare, common = "celaka", "kerja"  # in one passage, in three
    assert lexical.idf(rare) > lexical.idf(common) > 0


def test_save_and_load_give_the_same_scores(lexical, tmp_path):
    lexical.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    for question in ["iuran jht", "kerja phk", "tidakada", "kecelakaan kerja jkp"]:
        terms = tokenize(question)
        assert np.array_equal(loaded.scores(terms), lexical.scores(terms))
        assert all(loaded.idf(t) == lexical.idf(t) for t in terms)


def test_document_terms_are_each_passage_terms_read_off_the_index(lexical, tmp_path):
    expected = [frozenset(tokenize(t)) for t in TEXTS]
    assert lexical.document_terms() == expected
    lexical.save(tmp_path / "bm25")
    assert LexicalIndex.load(tmp_path / "bm25").document_terms() == expected
