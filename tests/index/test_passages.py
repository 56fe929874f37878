"""Splitting documents into passages: sentences, structure, sizes, stable ids."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from index.normalize import tokenize
from index.passages import MAX_WORDS, MIN_WORDS, QUOTABLE_WORDS, embedding_text, lexical_text, split_document, word_count
from index.sentences import split_sentences
from index.types import Document

VOCAB = "iuran jaminan peserta pekerja klaim saldo upah bulan kantor cabang aplikasi manfaat syarat dokumen".split()


def _doc(body: str, title: str = "Judul dokumen", path: str = "a/doc.md", **meta) -> Document:
    return Document(path=path, title=title, body=body, **meta)


def _sentence(rng: random.Random, n_words: int) -> str:
    words = [rng.choice(VOCAB) for _ in range(n_words)]
    return " ".join(words).capitalize() + "."


def _long_body(seed: int) -> str:
    """Sections of random paragraphs: short ones, long ones that need cutting, and a run-on block."""
    rng = random.Random(seed)
    parts = []
    for s in range(rng.randint(4, 7)):
        parts.append(f"## Bagian {s}")
        for _ in range(rng.randint(1, 6)):
            n_sentences = rng.choice([1, 2, 3, 8, 15, 30])
            parts.append(" ".join(_sentence(rng, rng.randint(3, 28)) for _ in range(n_sentences)))
    parts.append("## Tanpa titik")
    parts.append(" ".join(rng.choice(VOCAB) for _ in range(450)))
    return "\n\n".join(parts)


def _body_words(body: str) -> list[str]:
    return [w for line in body.splitlines() if not line.startswith("#") for w in line.split()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Iuran kelas 3 sebesar Rp42.000 per bulan. Iuran JHT 5,7% dari upah. Aturannya PP No. 37 Tahun 2021 tentang JKP.",
            ["Iuran kelas 3 sebesar Rp42.000 per bulan.", "Iuran JHT 5,7% dari upah.", "Aturannya PP No. 37 Tahun 2021 tentang JKP."],
        ),
        (
            "Bawa KTP, KK, dll. ke kantor cabang. Menurut Dr. Budi klaim bisa daring! Apakah wajib? Ya.",
            ["Bawa KTP, KK, dll. ke kantor cabang.", "Menurut Dr. Budi klaim bisa daring!", "Apakah wajib?", "Ya."],
        ),
        (
            "Dana cair dalam 5 hari kerja. 2 dokumen kurang. Pasal 5 ayat (2) berlaku.",
            ["Dana cair dalam 5 hari kerja.", "2 dokumen kurang.", "Pasal 5 ayat (2) berlaku."],
        ),
        ("Upah dibayar Rp5.000.000. Peserta lalu mendaftar.", ["Upah dibayar Rp5.000.000.", "Peserta lalu mendaftar."]),
        ("tanpa tanda akhir", ["tanpa tanda akhir"]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Petugas berkata "berkas lengkap." Dana cair.', ['Petugas berkata "berkas lengkap."', "Dana cair."]),
        ("Bawa dokumen (asli dan salinan.) Lalu antre.", ["Bawa dokumen (asli dan salinan.)", "Lalu antre."]),
    ],
)
def test_closing_quote_or_bracket_stays_with_its_sentence(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize("seed", range(5))
def test_sentences_lose_no_text(seed):
    rng = random.Random(seed)
    text = " ".join(_sentence(rng, rng.randint(1, 12)) + rng.choice(["", " Rp42.000.", " No. 3", " 5,7%."]) for _ in range(30))
    assert " ".join(split_sentences(text)).split() == text.split()


def _words(label: str, n: int = MIN_WORDS) -> str:
    return " ".join(f"{label}{i}" for i in range(n)) + "."


def test_heading_path_and_title_carried():
    pembuka, iuran, kelas, klaim = (_words(w) for w in ("pembuka", "iuran", "kelas", "klaim"))
    body = f"# Judul dokumen\n\n{pembuka}\n\n## Iuran\n\n{iuran}\n\n### Kelas 3\n\n{kelas}\n\n## Klaim\n\n{klaim}"
    passages = split_document(_doc(body))
    assert [(p.headings, p.text) for p in passages] == [
        ((), pembuka),
        (("Iuran",), iuran),
        (("Iuran", "Kelas 3"), kelas),
        (("Klaim",), klaim),
    ]
    assert all(p.title == "Judul dokumen" for p in passages)
    assert passages[2].context == "Judul dokumen › Iuran › Kelas 3"
    assert embedding_text(passages[2]) == f"Judul dokumen › Iuran › Kelas 3\n{kelas}"


def test_a_short_intro_opens_the_subsection_below_it_but_not_a_sibling():
    intro, first, tail, sibling = "Pembuka singkat.", _words("isi"), "Penutup singkat.", _words("lain")
    body = f"# Judul dokumen\n\n{intro}\n\n## Bagian satu\n\n{first}\n\n{tail}\n\n## Bagian dua\n\n{sibling}"
    passages = split_document(_doc(body))
    assert [(p.headings, p.text) for p in passages] == [
        (("Bagian satu",), f"{intro}\n{first}\n{tail}"),
        (("Bagian dua",), sibling),
    ]


def test_document_metadata_copied_to_passages():
    doc = _doc("Isi.", source="PP No. 37 Tahun 2021", url="https://example.org", date="2021-02-02", program="JKP")
    (p,) = split_document(doc)
    assert (p.source, p.url, p.date, p.program, p.doc) == (doc.source, doc.url, doc.date, doc.program, doc.path)


def test_list_items_are_kept_as_items():
    body = "Dokumen yang dibawa:\n\n- KTP elektronik\n- kartu peserta yang\n  masih berlaku\n* buku tabungan\n1. surat keterangan"
    (p,) = split_document(_doc(body))
    assert p.text.splitlines() == [
        "Dokumen yang dibawa:",
        "• KTP elektronik",
        "• kartu peserta yang masih berlaku",
        "• buku tabungan",
        "• surat keterangan",
    ]


@pytest.mark.parametrize("seed", range(6))
def test_passage_sizes_on_a_long_document(seed):
    """Every passage has at most MAX_WORDS words (QUOTABLE_WORDS for a paragraph kept whole) and at
    least MIN_WORDS, with two documented exceptions.

    A short passage is allowed when it ends its section (nothing under the same heading to join it
    with), or when joining the next block of its section would pass MAX_WORDS.
    """
    body = _long_body(seed)
    passages = split_document(_doc(body))
    sizes = [word_count(p.text) for p in passages]
    assert max(sizes) <= QUOTABLE_WORDS
    blocks = {" ".join(b.split()) for b in body.split("\n\n")}
    assert all(s <= MAX_WORDS or " ".join(p.text.split()) in blocks for s, p in zip(sizes, passages)), "only a whole block may pass MAX_WORDS"
    for i, p in enumerate(passages):
        if sizes[i] >= MIN_WORDS:
            continue
        nxt = passages[i + 1] if i + 1 < len(passages) else None
        assert nxt is None or nxt.headings != p.headings or sizes[i] + sizes[i + 1] > MAX_WORDS, (i, p.text)
    assert sum(s >= MIN_WORDS for s in sizes) > len(sizes) / 2
    kept = [w for p in passages for w in p.text.split()]
    assert kept == _body_words(body), "splitting must neither lose nor reorder words"


def test_ids_are_unique_and_stable():
    doc = _doc(_long_body(1))
    first = [p.id for p in split_document(doc)]
    assert len(set(first)) == len(first)
    assert [p.id for p in split_document(_doc(_long_body(1)))] == first


def test_ids_do_not_depend_on_the_process():
    body = "## A\n\nTeks pertama.\n\n## B\n\nTeks kedua."
    here = [p.id for p in split_document(_doc(body))]
    code = (
        "import json, sys; from index.passages import split_document; from index.types import Document; "
        "print(json.dumps([p.id for p in split_document(Document(path='a/doc.md', title='Judul dokumen', body=sys.argv[1]))]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, body], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout) == here


def test_ids_unchanged_when_another_section_changes():
    sections = {name: f"## {name}\n\n" + " ".join(f"kalimat {name} nomor {i}." for i in range(15)) for name in "ABC"}
    before = split_document(_doc("\n\n".join(sections.values())))
    sections["B"] = sections["B"].replace("nomor 3.", "nomor tiga.")
    after = split_document(_doc("\n\n".join(sections.values())))
    by_section = lambda ps: {p.headings: p.id for p in ps}  # noqa: E731
    old, new = by_section(before), by_section(after)
    assert old[("A",)] == new[("A",)] and old[("C",)] == new[("C",)]
    assert old[("B",)] != new[("B",)]


def test_repeated_text_gets_distinct_ids():
    body = "## A\n\nTeks yang sama.\n\n## B\n\nTeks yang sama."
    ids = [p.id for p in split_document(_doc(body))]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_ids_differ_between_documents_with_the_same_text():
    a = split_document(_doc("Teks yang sama.", path="a.md"))[0]
    b = split_document(_doc("Teks yang sama.", path="b.md"))[0]
    assert a.id != b.id


def test_csv_pairs_stay_one_passage_each():
    long_answer = " ".join(_sentence(random.Random(3), 12) for _ in range(30))
    assert word_count(long_answer) > MAX_WORDS
    pairs = (("Apa itu JKP?", "Jaminan bagi pekerja yang terkena PHK."), ("Pertanyaan panjang?", long_answer), ("Ya?", "Ya."))
    doc = Document(path="faq.csv", title="FAQ", body="", kind="csv", qa_pairs=pairs)
    passages = split_document(doc)
    assert [(p.headings, p.text) for p in passages] == [((q,), f"{q}\n{a}") for q, a in pairs]


def test_empty_body_gives_no_passages():
    assert split_document(_doc("# Judul dokumen\n\n\n")) == []


def test_a_paragraph_of_quotable_size_is_not_split():
    """A source paragraph between MAX_WORDS and QUOTABLE_WORDS stays one passage, as written."""
    rng = random.Random(7)
    paragraph = " ".join(_sentence(rng, 10) for _ in range(25))
    assert MAX_WORDS < word_count(paragraph) <= QUOTABLE_WORDS
    (p,) = split_document(_doc(paragraph, path="teks.txt"))
    assert p.text == paragraph


def test_a_paragraph_too_long_to_quote_is_cut_at_sentences():
    rng = random.Random(8)
    sentences = [_sentence(rng, 10) for _ in range(40)]
    paragraph = " ".join(sentences)
    assert word_count(paragraph) > QUOTABLE_WORDS
    passages = split_document(_doc(paragraph))
    assert len(passages) > 1 and all(word_count(p.text) <= MAX_WORDS for p in passages)
    assert " ".join(p.text for p in passages) == paragraph


def test_a_title_made_from_the_file_name_is_shown_but_not_embedded():
    doc = Document(path="P00012.txt", title="P00012", body="Iuran dibayar setiap bulan.", kind="txt", title_from_name=True)
    (p,) = split_document(doc)
    assert p.title_from_name and p.context == "P00012"  # still shown as the source's name
    assert embedding_text(p) == "Iuran dibayar setiap bulan."
    headed = split_document(Document(path="P1.md", title="P1", body="## Iuran\n\nDibayar bulanan.", title_from_name=True))
    assert embedding_text(headed[0]) == "Iuran\nDibayar bulanan."
    given = split_document(_doc("Iuran dibayar setiap bulan."))[0]
    assert embedding_text(given).startswith(f"{given.title}\n")


def test_tag_words_are_searched_in_the_standard_spelling_questions_are_read_in():
    """A tag is a word workers type ("telat"); questions are read as "terlambat", so the tag is too."""
    (p,) = split_document(_doc("Iuran yang tidak dibayar sampai akhir bulan membuat kepesertaan nonaktif.", tags=("telat bayar",)))
    assert "telat" in p.tags and "lambat" in tokenize(lexical_text(p))


def test_tag_words_the_text_lacks_are_searched_but_not_embedded():
    doc = _doc("## Penyakit akibat kerja\n\nPenyakit karena lingkungan kerja dijamin JKK.", tags=("paru-paru rusak", "penyakit kerja", "JKK"))
    (p,) = split_document(doc)
    assert p.tags == ("paru-paru", "rusak")  # "penyakit", "kerja" and "jkk" are words of the text already
    assert "paru-paru" in lexical_text(p) and "paru-paru" not in embedding_text(p)
    assert lexical_text(p).startswith(embedding_text(p))
    untagged = split_document(_doc("Iuran dibayar setiap bulan."))[0]
    assert lexical_text(untagged) == embedding_text(untagged)
