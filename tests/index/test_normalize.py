"""Question and text normalisation: informal words, acronyms, numbers, markup, odd input."""

from __future__ import annotations

import pytest

from index.normalize import (
    MAX_QUERY_CHARS,
    WORD_LISTS,
    data_lines,
    acronyms,
    clean,
    informal_words,
    kept_beside,
    query_terms,
    query_text,
    standardise,
    stopwords,
    tokenize,
    words,
)


def test_informal_words_become_their_standard_spelling():
    question = "gmn cara klaim jht kalo udh phk"
    table = informal_words()
    informal = [w for w in question.split() if w in table]
    assert informal, "the fixture question must contain informal words"
    out = words(query_text(question))
    for word in informal:
        assert word not in out
        assert all(std in out for std in table[word].split())


@pytest.mark.parametrize(
    ("informal", "standard"),
    [("dapetnya brp", "dapat manfaatnya berapa"), ("resignnya kapan", "resign mengundurkan diri berhenti bekerjanya kapan"), ("setaunnya cuma brp", "setahunnya hanya berapa"), ("hanya itu", "hanya itu")],
)
def test_an_informal_word_with_its_nya_is_read_as_the_word(informal, standard):
    """"dapetnya" is "dapet" with -nya; a word that merely ends in "nya" ("hanya") is left alone."""
    assert standardise(informal) == standard


def test_informal_and_standard_questions_give_the_same_terms():
    assert query_terms("gmn cara klaim jht kalo udh phk") == query_terms("bagaimana cara klaim jht kalau sudah phk")


def test_resign_is_kept_beside_its_indonesian():
    """The corpus writes "resign" (48 times) more often than "mengundurkan diri" (14): both are searched."""
    assert {"resign", "undur", "diri"} <= set(query_terms("klaim jht kalo resign"))


def test_workers_words_are_searched_beside_the_rules_words():
    """Workers say "umur" and "kuliah" where the rules say "usia" and "perguruan tinggi"."""
    assert {"umur", "usia"} <= set(query_terms("umur sy 55 bs ikut jkp"))
    assert {"kuliah", "guru", "tinggi"} <= set(query_terms("beasiswa anak kuliah brp"))


@pytest.mark.parametrize("acronym", [a for a in acronyms() if not a.upper_only], ids=lambda a: a.short)
def test_acronym_expands_to_its_long_form(acronym):
    out = words(query_text(f"apa itu {acronym.short}"))
    assert all(w in out for w in words(acronym.long))


@pytest.mark.parametrize("acronym", acronyms(), ids=lambda a: a.short)
def test_long_form_gains_its_acronym(acronym):
    assert acronym.short in words(query_text(f"apa itu {acronym.long}"))


def test_jkp_both_ways_share_the_bm25_terms():
    short, long = set(query_terms("jkp")), set(query_terms("jaminan kehilangan pekerjaan"))
    assert short == long and "jkp" in short


@pytest.mark.parametrize("acronym", [a for a in acronyms() if a.upper_only], ids=lambda a: a.short)
def test_upper_only_acronym_expands_only_in_capitals(acronym):
    assert acronym.long in query_text(f"{acronym.short.upper()} itu apa")
    assert acronym.long not in query_text(f"{acronym.short} saya mau tanya klaim")
    assert acronym.long not in query_text(f"{acronym.short.capitalize()}, saya mau tanya klaim")


def test_pak_is_one_of_the_upper_only_acronyms():
    assert "pak" in {a.short for a in acronyms() if a.upper_only}


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("iuran Rp42.000 per bulan", "42000"),
        ("iuran Rp 42.000 per bulan", "42000"),
        ("upah Rp1.000.000", "1000000"),
        ("iuran 5,7% dari upah", "5,7"),
        ("nilai 2.5 juta", "2.5"),
    ],
)
def test_number_tokens(text, token):
    assert token in words(text)
    assert token in tokenize(text)


def test_a_percent_sign_reads_persen():
    """The corpus writes "2%", workers "2 persen": both give the same terms."""
    assert words("iuran 5,7% dari upah") == ["iuran", "5,7", "persen", "dari", "upah"]
    assert tokenize("potongan 2 persen") == tokenize("potongan 2%")


@pytest.mark.parametrize(
    ("informal", "standard"),
    [("syarat2nya apa", "syarat-syaratnya apa"), ("paru2 saya", "paru-paru saya"), ("iuran JKP2", "iuran JKP2")],
)
def test_a_word_doubled_with_a_2_is_written_out(informal, standard):
    """"syarat2nya" is informal for "syarat-syaratnya"; an acronym with a 2 is left alone."""
    assert standardise(informal) == standard
    assert "2" not in tokenize(standardise("syarat2nya apa"))


@pytest.mark.parametrize(("informal", "standard"), [("bsu 600rb", "bsu 600 ribu"), ("potong 5jt?", "potong 5 juta?"), ("2,5JT", "2,5 juta"), ("50k", "50 ribu")])
def test_an_amount_written_with_its_short_unit_is_written_out(informal, standard):
    assert standardise(informal) == standard


@pytest.mark.parametrize(("question", "written"), [("proyek 800 jt", "Rp800.000.000"), ("saldo 15jt", "Rp15.000.000"), ("gaji 5,5 juta", "Rp5.500.000"), ("bsu 600rb", "Rp600.000")])
def test_an_amount_in_words_finds_the_same_amount_in_digits(question, written):
    """A worker writes "800 jt", the corpus "Rp800.000.000": the question is searched with both."""
    assert set(tokenize(query_text(question))) & set(tokenize(written))
    assert not set(tokenize(query_text("proyek 800 jt"))) & set(tokenize("Rp80.000.000"))


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [("which programmes are compulsory", {"program", "wajib"}), ("is it deducted from my salary", {"potong", "gaji"}), ("not an indonesian citizen", {"warga", "negara"})],
)
def test_the_words_an_english_question_turns_on_reach_the_indonesian_corpus(english, indonesian):
    """A rule's words in English ("compulsory", "deducted", "citizen") find the corpus's "wajib",
    "dipotong", "warga negara", not only the words around them."""
    assert indonesian <= set(tokenize(standardise(english)))


@pytest.mark.parametrize(("english", "standard"), [("can foreigners join", "can foreigners asing wna join daftar ikut"), ("Teachers?", "teachers guru?")])
def test_an_english_plural_reads_as_its_singular(english, standard):
    """english.tsv lists "foreigner"; "foreigners" gains its translation too, and is kept beside it."""
    assert standardise(english) == standard
    assert {"foreigners", "teachers"} <= kept_beside()


def test_a_word_that_only_ends_in_s_is_left_alone():
    assert standardise("bus lewat") == "bus lewat"  # "bu" is no English word of the lists


@pytest.mark.parametrize("place", ["taiwan", "Hongkong", "malaysia", "saudi"])
def test_a_country_worked_in_reads_luar_negeri(place):
    """The corpus says "luar negeri" for work abroad; it names few countries."""
    assert standardise(f"mau kerja ke {place}, daftar bpjs dmn") == f"ingin kerja ke {place.lower()} luar negeri, daftar bpjs di mana"


def test_thousands_separator_does_not_split_the_number():
    assert words("Rp42.000") == ["rp", "42000"]


def test_markup_and_urls_are_stripped():
    text = clean("<b>jkp</b> lihat https://example.org/jkp?x=1 dan www.example.org **penting** `kode` [tautan](/a)")
    for junk in ("<", ">", "http", "www", "example", "*", "`", "[", "]"):
        assert junk not in text
    assert text.startswith("jkp lihat")
    assert query_terms("<b>jkp</b>") == query_terms("jkp")


def test_long_input_is_capped():
    text = "iuran jht " * 1000  # 10,000 characters
    assert len(text) == 10_000
    assert len(clean(text)) <= MAX_QUERY_CHARS
    assert len(" ".join(words(query_text(text)))) <= MAX_QUERY_CHARS + 100  # plus acronym expansions


@pytest.mark.parametrize("text", ["", "   ", "😀🙏", "???", "...!!!", "— – •", "\n\t"])
def test_no_terms_from_emoji_or_punctuation(text):
    assert words(query_text(text)) == []
    assert query_terms(text) == []


def test_stopwords_dropped_but_bpjs_words_kept():
    assert tokenize("apa itu yang dan") == []
    assert all(w in stopwords() for w in ("apa", "itu", "yang", "dan"))
    assert tokenize("hari kerja bulan") == ["hari", "kerja", "bulan"]


def test_stemming_joins_word_forms():
    assert tokenize("pencairan") == tokenize("mencairkan") == tokenize("cair")


def test_no_word_is_listed_twice_in_the_word_lists():
    """informal_words() merges the lists in order: a word listed twice would silently keep only its last meaning."""
    keys = [line.split("\t")[0].strip().lower() for name in WORD_LISTS for line in data_lines(name)]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


@pytest.mark.parametrize(("worker", "corpus"), [("komisi", "insentif"), ("majikan", "pemberi kerja"), ("dicover", "dijamin")])
def test_a_workers_word_keeps_itself_and_gains_the_corpus_word(worker, corpus):
    """Workers say "komisi" where the corpus says "insentif": both are searched."""
    text = standardise(f"agen dapat {worker} gak")
    assert worker in text and corpus in text


@pytest.mark.parametrize(
    ("text", "part"), [("e-KTP", "ktp"), ("di-PHK", "phk"), ("JKN-KIS", "jkn"), ("JKN-KIS", "kis")]
)
def test_a_hyphenated_compound_is_found_by_its_parts(text, part):
    """A question's "ktp" or "phk" must reach the corpus's "e-KTP" and "di-PHK"."""
    assert part in tokenize(text)
    assert text.lower() in tokenize(text)


@pytest.mark.parametrize("doubled", ["masing-masing", "berturut-turut", "selama-lamanya", "sehari-hari"])
def test_a_doubled_word_stays_one_term(doubled):
    assert len(tokenize(doubled)) == 1


def test_the_word_lists_leave_a_programs_spelled_out_name_as_written():
    """ "subsidi" reads "subsidi bantuan iuran", but not inside "bantuan subsidi upah" (BSU): the name
    must stay recognisable, so that its acronym is still added."""
    assert "bantuan iuran" in standardise("kelas 3 dapat subsidi?")
    assert standardise("bantuan subsidi upah cair").startswith("bantuan subsidi upah ")
    assert "bsu" in words(query_text("bantuan subsidi upah cair kapan"))
