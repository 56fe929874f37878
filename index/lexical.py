"""Step 4a: the lexical side, BM25 over stemmed Indonesian terms (bm25s)."""

from __future__ import annotations

import math
from pathlib import Path

import bm25s
import numpy as np

from index.normalize import tokenize

K1, B = 1.2, 0.75


class LexicalIndex:
    """BM25 scores of every passage for a list of query terms."""

    def __init__(self, bm25: bm25s.BM25):
        self.bm25 = bm25
        indptr = np.asarray(bm25.scores["indptr"])
        self._df = np.diff(indptr)  # documents each term occurs in
        self._n = int(bm25.scores["num_docs"])

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        bm25.index([tokenize(t) for t in texts], show_progress=False)
        return cls(bm25)

    def save(self, directory: Path) -> None:
        self.bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), mmap=False, load_corpus=False))

    def scores(self, terms: list[str]) -> np.ndarray:
        """One BM25 score per passage (zeros when no term is known)."""
        ids = self.bm25.get_tokens_ids(list(dict.fromkeys(terms)))
        if not ids:
            return np.zeros(self._n, dtype=np.float32)
        return self.bm25.get_scores_from_ids(ids)

    def document_terms(self) -> list[frozenset[str]]:
        """Each passage's terms, read off the index (the passages are not tokenized again)."""
        indptr = np.asarray(self.bm25.scores["indptr"])
        docs = np.asarray(self.bm25.scores["indices"])
        terms: list[set[str]] = [set() for _ in range(self._n)]
        for term, tid in self.bm25.vocab_dict.items():
            if tid < len(indptr) - 1:
                for doc in docs[indptr[tid] : indptr[tid + 1]]:
                    terms[doc].add(term)
        return [frozenset(t) for t in terms]

    def knows(self, term: str) -> bool:
        """Whether any passage contains the (stemmed) term."""
        tid = self.bm25.vocab_dict.get(term)
        return tid is not None and tid < len(self._df) and self._df[tid] > 0

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses gets the highest value."""
        tid = self.bm25.vocab_dict.get(term)
        df = int(self._df[tid]) if tid is not None and tid < len(self._df) else 0
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))
