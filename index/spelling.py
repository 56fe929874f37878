"""Step 6a: typos and spelling variants in a question, matched against the corpus vocabulary.

"kliam" -> "klaim", "ketenagakerjan" -> "ketenagakerjaan", "hari tau" -> "hari tua". Only words
unknown to the BM25 side are touched (neither the word nor its stem is in the corpus, nor in the
word lists), and only towards a corpus word that one typing slip away: a swapped pair of letters
(optimal string alignment) at any length, one letter added, dropped or changed from six letters
on, two from twelve letters on. Real words the corpus lacks ("bola", "pulsa") are mostly shorter or
further away than that. Ties go to the word more passages use. Matching is done by rapidfuzz.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from index.normalize import _EDGE_PUNCT, acronyms, informal_words, stem, stopwords, words

MIN_LENGTH = 3  # shorter words are left alone: too many corpus words lie one edit away
ONE_EDIT_FROM = 6  # below this length only a swap of two neighbouring letters is corrected
TWO_EDITS_FROM = 12


def max_edits(word: str) -> int:
    """Edits allowed for a word of this length (a swap of two letters counts as one)."""
    return 2 if len(word) >= TWO_EDITS_FROM else 1


class Speller:
    """Corrects the words of a text that are unknown to a vocabulary, towards its nearest word."""

    def __init__(self, frequencies: Counter[str], extra_known: Iterable[str] = ()):
        self._frequencies = frequencies
        self._known = set(frequencies) | set(extra_known)
        self._stems = {stem(w) for w in frequencies if w.isalpha()}
        self._choices = [w for w in frequencies if w.isalpha() and len(w) >= MIN_LENGTH]
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Speller:
        """A speller over the words of `texts` (counted once per text), plus the engine's word lists."""
        frequencies: Counter[str] = Counter()
        for text in texts:
            frequencies.update(set(words(text)))
        extra = set(stopwords()) | set(informal_words())
        for a in acronyms():
            extra.add(a.short)
            extra.update(a.long.split())
        for standard in informal_words().values():
            extra.update(standard.split())
        return cls(frequencies, extra)

    def correction(self, word: str) -> str | None:
        """The corpus word meant by an unknown `word`, or None when it is known or nothing is close."""
        word = word.lower()
        if word in self._known or not word.isalpha() or len(word) < MIN_LENGTH:
            return None
        if stem(word) in self._stems:  # another form of a corpus word: BM25 knows it already
            return None
        if word not in self._cache:
            self._cache[word] = self._nearest(word)
        return self._cache[word]

    def _nearest(self, word: str) -> str | None:
        limit = max_edits(word)
        found = process.extract(word, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=50)
        if len(word) < ONE_EDIT_FROM:  # a short word: only a swap of two letters ("tau" for "tua")
            found = [f for f in found if len(f[0]) == len(word) and sorted(f[0]) == sorted(word)]
        elif len(word) >= TWO_EDITS_FROM:  # two edits: letters added or dropped, not two changed
            found = [f for f in found if f[1] < 2 or Indel.distance(word, f[0]) <= 2]
        found = [f for f in found if f[0][0] == word[0]]  # a slip rarely hits the first letter
        if not found:
            return None
        best = min(found, key=lambda f: (f[1], -self._frequencies[f[0]], f[0]))  # fewest edits, most used
        return best[0]

    def correct(self, text: str) -> str:
        """`text` with each unknown word replaced by its correction; everything else as it was."""
        out = []
        for token in text.split():
            core = token.strip(_EDGE_PUNCT)
            fixed = self.correction(core) if core else None
            out.append(token.replace(core, fixed, 1) if fixed else token)
        return " ".join(out)
