"""Typo correction against the corpus vocabulary (rapidfuzz), alone and inside the retriever."""

from __future__ import annotations

import pytest

from index.spelling import Speller, max_edits

TEXTS = [
    "Klaim Jaminan Hari Tua diajukan lewat aplikasi JMO.",
    "BPJS Ketenagakerjaan melindungi pekerja dari risiko kecelakaan kerja.",
    "Iuran dibayar setiap bulan oleh pemberi kerja. Tua dan muda wajib ikut.",
    "Pekerja yang klaim jaminan mendapat manfaat tunai.",
    "Saldo boleh dipakai untuk penggunaan lain, bila perlu di pasar atau di bank.",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller.from_texts(TEXTS)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("kliam", "klaim"),  # two letters swapped: one edit
        ("ketenagakerjan", "ketenagakerjaan"),  # a letter dropped
        ("tau", "tua"),  # a short word: only a swap is corrected
        ("jaminn", "jaminan"),
        ("KLIAM", "klaim"),
    ],
)
def test_typos_are_corrected_towards_corpus_words(speller, typo, meant):
    assert speller.correction(typo) == meant


@pytest.mark.parametrize(
    "word",
    [
        "klaim", "iuran", "gmn", "jht", "yang",  # corpus and word-list words
        "digunakan",  # another form of a corpus word ("penggunaan"): BM25 knows its stem
        "bila", "bola", "pacar", "bank",  # short words: only a swap is a slip ("bola" is not "bila")
        "resep", "xyzzyq", "42000", "ab", "klaimnya",
    ],
)
def test_known_far_or_short_words_are_left_alone(speller, word):
    """Corpus words and their forms, numbers, short real words and words with nothing close stay as written."""
    assert speller.correction(word) is None


def test_english_function_words_are_known():
    """"from" is no slip of the corpus's "form": English questions keep their small words."""
    assert Speller.from_texts(["Isi form pendaftaran di kantor cabang."]).correction("from") is None


def test_a_corpus_word_written_in_two_parts_is_added():
    speller = Speller.from_texts([
        "Kacamata dijamin sesuai kelas rawat. Status kepesertaan nonaktif bila menunggak.",
        "Mata dan kaca.", "Daftar di bpjsketenagakerjaan.go.id.", "BPJS Ketenagakerjaan melindungi pekerja.",
        "BPJS Ketenagakerjaan membayar klaim yang dimaksud.", "Kartu ketenagakerjaannya hilang.",
    ])
    assert speller.correct("kaca mata dapat berapa") == "kaca mata kacamata dapat berapa"
    assert speller.correct("bpjs saya non aktif?") == "bpjs saya non aktif? nonaktif"
    assert speller.correct("bpjs ketenagakerjaan") == "bpjs ketenagakerjaan"  # written apart more often
    assert speller.correct("yang di maksud") == "yang di maksud"  # the same stem: nothing to add
    assert speller.correct("bpjs ketenagakerjaan nya") == "bpjs ketenagakerjaan nya"  # a particle written apart
    assert speller.correct("kaca, mata") == "kaca, mata"  # not across punctuation


def test_edit_budget_grows_with_length():
    assert max_edits("klaim") == 1 and max_edits("ketenagakerjan") == 2


def test_correct_keeps_punctuation_and_known_words(speller):
    assert speller.correct("gmn cara kliam jaminan hari tau?") == "gmn cara klaim jaminan hari tua?"


def test_ties_go_to_the_more_used_word():
    speller = Speller.from_texts(["manfaat tunai", "manfaat uang", "manfaat lain", "mandat"])
    assert speller.correction("manfat") == "manfaat"  # one edit from both


def test_the_retriever_reads_past_typos(retriever):
    """A misspelt question finds what the spelled one finds (the fixture corpus, fake encoder)."""
    assert retriever.query_text("gmn cara kliam jht") == retriever.query_text("gmn cara klaim jht")
    assert "jht" in retriever.query_text("jaminan hari tau").lower()  # the acronym comes back too
    typo = retriever.search("bpjs ketenagakerjan kliam jaminan hari tau", k=3)
    right = retriever.search("bpjs ketenagakerjaan klaim jaminan hari tua", k=3)
    assert [h.passage.id for h in typo.hits] == [h.passage.id for h in right.hits]
    assert typo.confidence == pytest.approx(right.confidence)


@pytest.fixture
def chat_speller() -> Speller:
    return Speller.from_texts(
        [
            "peserta harus datang ke kantor cabang untuk mengaktifkan kembali kartu",
            "daftar dan bayar iuran setiap tahun; saldo dapat dicairkan; iuran dihitung dari upah",
            "iuran yang menunggak ditanggung perusahaan; lihat status di aplikasi; cek saldo",
            "tulis nama lengkap; catat nomor peserta; lebih dari satu; klaim diajukan lewat aplikasi",
        ]
    )


@pytest.mark.parametrize(
    ("chat", "written"),
    [
        ("ngaktifin", "aktif"),  # nge-/ng- ... -in: Jakarta affixes around a corpus word
        ("daftarin", "daftar"),
        ("bayarin", "bayar"),
        ("ngajuinnya", "aju"),  # with its -nya
        ("nyatat", "catat"),  # ny- stands for a c the nasal replaced
        ("nanggung", "tanggung"),  # n- for t
        ("ngitung", "hitung"),  # ng- for an h the nasal dropped ("menghitung")
        ("nulis", "tulis"),
        ("ngebayar", "bayar"),
        ("taun", "tahun"),  # a dropped h
        ("lebi", "lebih"),
        ("dtg", "datang"),  # no vowels, "ng" written "g"
        ("kntr", "kantor"),  # ("hrs" is in the word list now: the speller leaves it to standardise)
    ],
)
def test_chat_forms_are_read_as_the_written_word(chat_speller, chat, written):
    assert chat_speller.correction(chat) == written


def test_a_word_of_the_language_gets_no_h_at_its_end():
    speller = Speller.from_texts(["tokoh masyarakat", "lebih dari satu"])
    assert speller.correction("toko") is None  # a shop, not a public figure
    assert speller.correction("lebi") == "lebih"


def test_a_typo_is_preferred_to_a_dropped_h():
    speller = Speller.from_texts(["jaminan hari tua", "tahu"])
    assert speller.correction("tau") == "tua"
