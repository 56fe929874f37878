"""Text normalisation shared by both sides of retrieval.

Questions arrive informal ("gmn cara klaim jht kalo resign"); `query_text` turns them into the
standard spelling with BPJS acronyms expanded both ways, for the dense side, and `tokenize`
turns any text into stemmed, stopword-free terms for BM25. The word lists are plain data files in
`index/data/` so that they can be edited without touching code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from index.hitung import AmountError, parse_rupiah

MAX_QUERY_CHARS = 1000  # the one cap on a question's length (searched, detected, logged): the first sentences carry it
WORD_LISTS = ("informal.tsv", "english.tsv", "places.tsv")  # word-by-word replacements, in index/data/

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*|%")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_MARKUP = re.compile(r"<[^>]{0,200}>|[*_`~#>\[\]|]+")
_EDGE_PUNCT = "\"'.,;:!?()[]{}<>«»“”‘’"
_URL = re.compile(r"https?://\S+|www\.\S+")
_REDUPLICATED = re.compile(r"^([^\W\d_]{3,})2([^\W\d_]*)$")  # "syarat2nya": informal for "syarat-syaratnya"
_SHORT_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)*)(rb|jt|k)$", re.I)  # "600rb", "5jt", "50k": a number and its unit in one
_AMOUNT_UNITS = {"rb": "ribu", "jt": "juta", "k": "ribu"}
_SPOKEN_AMOUNT = re.compile(r"\b\d+(?:,\d+)? (?:ribu|juta|miliar|milyar)\b", re.I)  # "500 juta", as the corpus writes it: 500000000


def data_lines(name: str) -> list[str]:
    """The lines of the word list `name` in index/data/, without blank lines and comments."""
    text = resources.files("index").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Acronym:
    short: str  # lowercase acronym, e.g. "jkp"
    long: str  # lowercase expansion, e.g. "jaminan kehilangan pekerjaan"
    upper_only: bool = False  # match only when written in capitals (PAK, not "pak")


@cache
def informal_words() -> dict[str, str]:
    """Informal spelling or English word -> standard Indonesian word(s)."""
    pairs = (line.split("\t") for name in WORD_LISTS for line in data_lines(name))
    return {k.strip().lower(): v.strip().lower() for k, v in pairs}


@cache
def kept_beside() -> frozenset[str]:
    """Words the word lists keep beside the corpus's word for them: English words beside their
    Indonesian translation (english.tsv: "paid" -> "paid bayar"), places beside "luar negeri"
    (places.tsv: "taiwan" -> "taiwan luar negeri"). The corpus's word stands for them."""
    pairs = (line.split("\t") for name in ("english.tsv", "places.tsv") for line in data_lines(name))
    kept = {k.strip().lower() for k, v in pairs if len(v.split()) > 1 and v.split()[0].lower() == k.strip().lower()}
    return frozenset(kept | {f"{k}s" for k in kept})  # "documents", as "document" (standardise)


@cache
def acronyms() -> tuple[Acronym, ...]:
    rows = (line.split("\t") for line in data_lines("acronyms.tsv"))
    return tuple(
        Acronym(row[0].strip().lower(), row[1].strip().lower(), len(row) > 2 and row[2].strip() == "upper")
        for row in rows
    )


@cache
def _acronym_words() -> frozenset[str]:
    return frozenset(a.short for a in acronyms())


@cache
def stopwords() -> frozenset[str]:
    return frozenset(word for line in data_lines("stopwords.txt") for word in line.split())


@cache
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def root_words() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words (about 30,000): words of the language, though
    the corpus may not use them ("toko", "bola")."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(StemmerFactory().get_words_from_file())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Indonesian stem of one lowercase word (Sastrawi), cached: stemming is the slow part."""
    if len(word) <= 3 or not word.replace("-", "").isalpha():
        return word
    return _stemmer().stem(word) or word


def printable(text: str) -> str:
    """`text` without control characters (terminal escapes included) or lone surrogates.

    Lone surrogates are what Python makes of invalid UTF-8 in arguments; both would otherwise
    break an encoder or act on the terminal that shows the text.
    """
    text = (text or "").encode("utf-8", "replace").decode("utf-8")
    return "".join(" " if unicodedata.category(c) == "Cc" and c not in "\n\t" else c for c in text)


def clean(text: str) -> str:
    """Unicode-normalise, drop URLs and markup, collapse whitespace, cap the length."""
    text = unicodedata.normalize("NFKC", text or "")[: MAX_QUERY_CHARS * 4]
    text = _URL.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def words(text: str) -> list[str]:
    """Lowercase word and number tokens; "42.000" becomes "42000", "5,7" stays, "%" reads "persen"."""
    out = []
    for match in _WORD.finditer(text.lower()):
        token = match.group()
        if token == "%":
            token = "persen"
        elif _THOUSANDS.match(token):
            token = token.replace(".", "")
        out.append(token)
    return out


@lru_cache(maxsize=50_000)
def word_set(text: str) -> frozenset[str]:
    """The distinct `words` of a text, cached: passages' and sentences' are read for every question."""
    return frozenset(words(text))


def standardise(text: str) -> str:
    """Replace informal spellings word by word, keeping case and punctuation of the rest.

    "gmn cara klaim JHT kalo resign?" -> "bagaimana cara klaim JHT kalau mengundurkan diri?";
    "syarat2nya" -> "syarat-syaratnya"; "dapetnya" -> "dapat manfaatnya"; "600rb" -> "600 ribu";
    an English plural as its singular: "foreigners" -> "foreigners asing wna".
    """
    table = informal_words()
    tokens = clean(text).split()
    named = _in_program_names([t.strip(_EDGE_PUNCT).lower() for t in tokens])
    out = []
    for i, token in enumerate(tokens):
        core = token.strip(_EDGE_PUNCT)
        standard = table.get(core.lower()) if core and i not in named else None
        if standard is None and (twice := _REDUPLICATED.match(core)) and twice[1].lower() not in _acronym_words():
            base = table.get(twice[1].lower(), twice[1])
            standard = f"{base}-{base}{twice[2]}"
        if standard is None and core.lower().endswith("nya") and (base := table.get(core.lower()[:-3])) and len(core) > 5:
            standard = f"{base}nya"  # "dapetnya" -> "dapat manfaatnya", as "dapet" -> "dapat manfaat"
        if standard is None and len(core) > 3 and core.lower().endswith("s") and (base := table.get(core.lower()[:-1], "")).startswith(f"{core.lower()[:-1]} "):
            standard = f"{core.lower()}{base[len(core) - 1 :]}"  # an English plural as its singular: "foreigners" -> "foreigners asing wna"
        if standard is None and (amount := _SHORT_AMOUNT.match(core)):
            standard = f"{amount[1]} {_AMOUNT_UNITS[amount[2].lower()]}"
        out.append(token.replace(core, standard, 1) if standard else token)
    return " ".join(out)


def _in_program_names(lowered: list[str]) -> set[int]:
    """Positions of the words that spell out an acronym's long form ("bantuan subsidi upah"): the
    word lists leave them as written, so that the name is still recognised."""
    inside: set[int] = set()
    for a in acronyms():
        name = a.long.split()
        for i in range(len(lowered) - len(name) + 1):
            if lowered[i : i + len(name)] == name:
                inside.update(range(i, i + len(name)))
    return inside


def expand_acronyms(text: str, original: str = "") -> str:
    """Append expansions of the acronyms in `text` and the acronyms of the expansions in it."""
    tokens = set(words(text))
    capitals = set(re.findall(r"\b[A-Z][A-Z-]+\b", original or text))
    padded = f" {' '.join(words(text))} "
    extra: list[str] = []
    for a in acronyms():
        short_present = a.short in tokens and (not a.upper_only or a.short.upper() in capitals)
        if short_present and f" {a.long} " not in padded:
            extra.append(a.long)
        elif f" {a.long} " in padded and a.short not in tokens:
            extra.append(a.short)
    return f"{text} ({'; '.join(extra)})" if extra else text


def query_text(question: str, correct: Callable[[str], str] | None = None) -> str:
    """The question as both sides of retrieval see it: standard spelling, acronyms expanded.

    `correct` (index/spelling.py) fixes typos against the corpus vocabulary before acronyms are
    expanded, so that "jaminan hari tau" gains "jht" as "jaminan hari tua" does.
    """
    return query_forms(question, correct)[1]


def query_forms(question: str, correct: Callable[[str], str] | None = None) -> tuple[str, str]:
    """The question in standard spelling with typos corrected, and the same with acronyms expanded
    and each amount in words also in digits ("800 juta" -> 800000000, as "Rp800.000.000" is
    indexed; `query_text`): the first holds only the words the question itself used."""
    text = standardise(question)
    if correct is not None:
        text = correct(text)
    digits = _in_digits(text)
    expanded = expand_acronyms(text, original=clean(question))
    return text, f"{expanded} ({' '.join(digits)})" if digits else expanded


def _in_digits(text: str) -> list[str]:
    """Each amount `text` writes in words ("800 juta"), in the digits the corpus is indexed by
    ("800000000"), read as the calculator reads amounts (`index.hitung.parse_rupiah`)."""
    found = []
    for amount in _SPOKEN_AMOUNT.findall(text):
        try:
            found.append(str(parse_rupiah(amount)))
        except AmountError:  # beyond any rupiah amount ("5000 miliar"): nothing to find
            continue
    return found


def tokenize(text: str) -> list[str]:
    """Stemmed terms without stopwords, for BM25 (documents and questions alike).

    A hyphenated compound also gives its parts ("e-KTP" -> "e-ktp", "ktp"; "di-PHK" -> "di-phk",
    "phk"; "JKN-KIS" -> "jkn-kis", "jkn", "kis"), so that "ktp" or "phk" in a question finds it; a
    doubled word ("masing-masing", "berturut-turut") stays one term.
    """
    stop = stopwords()
    terms = []
    for w in words(text):
        if w in stop:
            continue
        whole = stem(w)
        terms.append(whole)
        if "-" in w:
            terms.extend(_compound_parts(w, whole, stop))
    return terms


def _compound_parts(word: str, whole: str, stop: frozenset[str]) -> list[str]:
    """The stemmed parts of a hyphenated compound, besides its stem `whole`; none for a doubled word
    (its parts share one stem: "berturut-turut", "selama-lamanya")."""
    stems = [stem(p) for p in word.split("-") if len(p) >= 2 and p not in stop]
    if len(set(stems)) < len(stems):
        return []
    return [s for s in stems if s != whole]


def query_terms(question: str) -> list[str]:
    """The BM25 terms of a question; also what the bot uses to find the sentence to emphasise."""
    return tokenize(query_text(question))
