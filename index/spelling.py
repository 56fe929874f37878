"""Step 6a: typos and spelling variants in a question, matched against the corpus vocabulary.

"kliam" -> "klaim", "ketenagakerjan" -> "ketenagakerjaan", "hari tau" -> "hari tua". Only words
unknown to the BM25 side are touched (neither the word nor its stem is in the corpus, nor in the
word lists), and only towards a corpus word that one typing slip away: a swapped pair of letters
(optimal string alignment) at any length, one letter added, dropped or changed from six letters
on, two from twelve letters on. Real words the corpus lacks ("bola", "pulsa") are mostly shorter or
further away than that. Ties go to the word more passages use. Matching is done by rapidfuzz.

Before that, the regular ways chat Indonesian departs from the written language are undone when
they lead to a corpus word: Jakarta affixes ("ngaktifin" -> "aktif", "daftarin" -> "daftar",
"nyairin" -> "cair", "ngecek" -> "cek", "ngajuinnya" -> "aju"), a dropped h ("taun" -> "tahun",
"liat" -> "lihat"), and words written without their vowels ("dtg" -> "datang", "hrs" -> "harus"),
the most used one first. An h is put back at a word's end only when the word is no Indonesian root
word of its own ("lebi" -> "lebih", but "toko" stays "toko", not "tokoh").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from index.normalize import _EDGE_PUNCT, acronyms, informal_words, root_words, stem, stopwords, words

MIN_LENGTH = 3  # shorter words are left alone: too many corpus words lie one edit away
ONE_EDIT_FROM = 6  # below this length only a swap of two neighbouring letters is corrected
TWO_EDITS_FROM = 12
MIN_JOINED = 6  # two words written apart are read as one corpus word from this length ("kacamata")
# Jakarta-style affixes: "-in" for "-kan"/"-i"; "ng-", "nge-", "ny-", "n-", "m-" for "me(N)-",
# whose nasal replaced the base's first letter ("nyairin": cair, "ngirim": kirim, "nanggung":
# tanggung, "makai": pakai, "ngitung": hitung).
COLLOQUIAL_SUFFIX = "in"
COLLOQUIAL_PREFIXES = (("nge", ("",)), ("ng", ("", "k", "h")), ("ny", ("c", "s")), ("n", ("t",)), ("m", ("p",)))
MAX_DROPPED_H = 7  # words up to this length are tried with an h put back
_VOWELS = re.compile(r"[aeiou]")


def skeleton(word: str) -> str:
    """A word as chat writes it without vowels: consonants only, "ng" as "g" ("datang" -> "dtg")."""
    return _VOWELS.sub("", word).replace("ng", "g")


def max_edits(word: str) -> int:
    """Edits allowed for a word of this length (a swap of two letters counts as one)."""
    return 2 if len(word) >= TWO_EDITS_FROM else 1


class Speller:
    """Corrects the words of a text that are unknown to a vocabulary, towards its nearest word."""

    def __init__(self, frequencies: Counter[str], extra_known: Iterable[str] = (), pairs: Counter[str] | None = None):
        self._frequencies = frequencies
        self._pairs = pairs or Counter()  # "first second" -> texts that write the two words side by side
        self._known = set(frequencies) | set(extra_known)
        self._stems = {stem(w) for w in frequencies if w.isalpha()}
        self._choices = [w for w in frequencies if w.isalpha() and len(w) >= MIN_LENGTH]
        self._skeletons: dict[str, list[str]] | None = None  # built on first use
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Speller:
        """A speller over the words of `texts` (counted once per text), plus the engine's word lists."""
        frequencies: Counter[str] = Counter()
        pairs: Counter[str] = Counter()
        for text in texts:
            found = words(text)
            frequencies.update(set(found))
            pairs.update({f"{a} {b}" for a, b in zip(found, found[1:])})
        extra = set(stopwords()) | set(informal_words())
        for a in acronyms():
            extra.add(a.short)
            extra.update(a.long.split())
        for standard in informal_words().values():
            extra.update(standard.split())
        return cls(frequencies, extra, pairs)

    def correction(self, word: str) -> str | None:
        """The corpus word meant by an unknown `word`, or None when it is known or nothing is close."""
        word = word.lower()
        if word in self._known or not word.isalpha() or len(word) < MIN_LENGTH:
            return None
        if stem(word) in self._stems:  # another form of a corpus word: BM25 knows it already
            return None
        if word not in self._cache:
            self._cache[word] = self._colloquial(word) or self._nearest(word) or self._dropped_h(word) or self._unvowelled(word)
        return self._cache[word]

    def _is_corpus_word(self, word: str) -> bool:
        return word in self._frequencies or stem(word) in self._stems

    def _colloquial(self, word: str) -> str | None:
        """The written form of a chat form with Jakarta affixes, when it is a corpus word."""
        forms = [word]
        base = word.removesuffix("nya")  # "ngajuinnya": the -in form with its -nya
        if base.endswith(COLLOQUIAL_SUFFIX) and len(base) > len(COLLOQUIAL_SUFFIX) + 3:
            forms.append(base[: -len(COLLOQUIAL_SUFFIX)])
        for form in list(forms):
            for prefix, first_letters in COLLOQUIAL_PREFIXES:
                if form.startswith(prefix) and len(form) > len(prefix) + 2:
                    forms.extend(letter + form[len(prefix) :] for letter in first_letters)
        return next((form for form in forms[1:] if self._is_corpus_word(form)), None)

    def _dropped_h(self, word: str) -> str | None:
        """The corpus word chat wrote without its h ("taun", "liat"), for words no typo explains."""
        if len(word) > MAX_DROPPED_H:
            return None
        last = len(word) if word not in root_words() else len(word) - 1  # "toko" is a word, not "tokoh" without its h
        return next((form for form in (word[:i] + "h" + word[i:] for i in range(1, last + 1)) if form in self._frequencies), None)

    def _unvowelled(self, word: str) -> str | None:
        """The most used corpus word that chat would write as `word` when it has no vowels ("dtg")."""
        if _VOWELS.search(word):
            return None
        if self._skeletons is None:
            self._skeletons = defaultdict(list)
            for w in sorted(self._choices, key=lambda w: -self._frequencies[w]):
                self._skeletons[skeleton(w)].append(w)
        found = self._skeletons.get(word)
        return found[0] if found else None

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

    def joined(self, first: str, second: str) -> str | None:
        """The corpus word two neighbouring words make when written as one ("kaca mata" ->
        "kacamata", "non aktif" -> "nonaktif"), when the corpus writes it as one more often than
        as two ("bpjs ketenagakerjaan" stays two words, though a web address joins them) and it is
        not just a part with an affix, or None."""
        first, second = first.lower(), second.lower()
        word = first + second
        stop = stopwords()
        if not (first.isalpha() and second.isalpha()) or len(word) < MIN_JOINED or stop & {word, first, second}:
            return None  # "bpjs tk nya", "di maksud": a particle or a prefix written apart adds no word
        if stem(word) in (stem(first), stem(second)):  # an affix written apart: BM25 reads the stem either way
            return None
        return word if self._frequencies[word] > self._pairs[f"{first} {second}"] else None

    def correct(self, text: str) -> str:
        """`text` with each unknown word replaced by its correction, and a corpus word written in two
        parts added after them (`joined`: the parts stay, either spelling may be the corpus's);
        everything else as it was."""
        out, previous = [], ""
        for token in text.split():
            core = token.strip(_EDGE_PUNCT)
            fixed = self.correction(core) if core else None
            written, core = (token.replace(core, fixed, 1), fixed) if fixed else (token, core)
            out.append(written)
            if previous and written.startswith(core) and (whole := self.joined(previous, core)):
                out.append(whole)
            previous = core if written.endswith(core) else ""  # no joining across punctuation
        return " ".join(out)
