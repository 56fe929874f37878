"""Indonesian sentences: the one splitter behind passage splitting (step 2) and answer spans.

A passage is cut into lines first (list items and blocks are joined with newlines), then each
line into sentences at ".", "!" or "?" followed by a capital, a digit or an opening quote, except
after an abbreviation ("PP No. 37", "Rp. 5.000", "dll.", "Dr. Budi"), a single letter or digit
("a. n.", "5."), or a list number at the start of a line ("1. Daftar").
"""

from __future__ import annotations

import re

# Words after which a full stop does not end a sentence ("PP No. 37", "dr. Budi", "dll. dan").
ABBREVIATIONS = frozenset(
    """no nomor hlm hal psl ps ayat jo jl kab kec kel kota prov dr drg drs dra ir h hj st sh se mm mt
    mpd spd prof tbk pt cv ud rp vs dll dsb dst dkk sdr yth a.n u.p bpk ibu tn ny nn nb kt tgl tel
    telp hp fax sda e.g i.e etc mr mrs ms jr sr inc ltd co""".split()
)
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"')\]”’]*)\s+(?=[\"'(\[“‘]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one line text[start:end]."""
    spans, begin = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.start() + len(match.group(1))
        before = text[begin : match.start()]
        last_word = re.split(r"[\s(]", before)[-1].rstrip(".!?").lower()
        if before.endswith(".") and (last_word in ABBREVIATIONS or len(last_word) <= 1 or before.strip() == last_word and last_word.isdigit()):
            continue
        spans.append((begin, cut))
        begin = match.end()
    spans.append((begin, end))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, a line never spanning two; whitespace trimmed."""
    out = []
    for line in _LINE.finditer(text):
        for a, b in _line_spans(text, line.start(), line.end()):
            piece = text[a:b]
            a, b = a + len(piece) - len(piece.lstrip()), b - (len(piece) - len(piece.rstrip()))
            if b > a:
                out.append((a, b))
    return out


def split_sentences(text: str) -> list[str]:
    """Indonesian sentences; keeps "Rp42.000", "5,7%", "PP No. 37 Tahun 2021" and "dll." whole."""
    return [text[a:b] for a, b in sentence_spans(text)]
