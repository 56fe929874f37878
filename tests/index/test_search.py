"""Searching the fixture index: odd input, ranking against brute force, refusals, threads, lookups."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from index.fusion import fuse
from index.normalize import acronyms, query_text, tokenize
from index.passages import embedding_text
from index.search import Candidates, Retriever
from index.types import Passage
from index.store import read_index
from tests.fakes import FakeEncoder

ODD_INPUT = ["", "   ", "😀🙏", "???", "x" * 10_000, "iuran jht " * 1000, "JKP это что 什么", "<b>jkp</b>", "\x00\x1b[31m", "jkp\u200b?"]
NOTHING_TO_SEARCH = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="spaces"),
    pytest.param("😀🙏", id="emoji"),
    pytest.param("???", id="punctuation"),
]


@pytest.mark.parametrize("question", ODD_INPUT, ids=lambda q: repr(q[:20]))
def test_odd_input_never_raises(retriever, question, caplog):
    result = retriever.search(question, k=3)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "search hid an exception"
    assert result.question == question
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.hits) <= 3
    if result.answered:
        terms = set(tokenize(query_text(question)))
        assert terms & set(tokenize(embedding_text(result.hits[0].passage))), "an answer must share a term"


@pytest.mark.parametrize("question", NOTHING_TO_SEARCH)
def test_input_without_words_is_refused_without_hits(retriever, question):
    result = retriever.search(question)
    assert (result.answered, result.confidence, result.hits) == (False, 0.0, ())


def test_none_is_treated_as_empty(retriever):
    result = retriever.search(None)  # e.g. a message with a photo and no caption
    assert not result.answered and result.hits == ()


def test_junk_of_one_long_word_is_refused(retriever):
    assert not retriever.search("x" * 10_000).answered


def test_markup_and_scripts_do_not_change_the_answer(retriever):
    plain = retriever.search("jkp")
    for variant in ("<b>jkp</b>", "JKP это что 什么", "**JKP**"):
        result = retriever.search(variant)
        assert result.hits[0].passage.id == plain.hits[0].passage.id, variant


@pytest.mark.parametrize("k", [0, 1, 2, 5, 100])
def test_k_is_respected(retriever, k):
    result = retriever.search("iuran jht", k=k)
    assert len(result.hits) == min(k, len(retriever.passages))
    if k == 0:
        assert not result.answered


@pytest.mark.parametrize("question", ["iuran jht", "kartu kis hilang", "klaim kecelakaan kerja", "resep nasi goreng"])
def test_ranking_equals_brute_force_fusion(retriever, fixture_index, question):
    """Every fixture passage is a candidate, so the top k must be the fused ranking of all passages."""
    text = query_text(question)
    query = FakeEncoder().encode_queries([text])[0]
    vectors = FakeEncoder().encode_passages([embedding_text(p) for p in retriever.passages])
    cosines = vectors @ query
    bm25 = read_index(fixture_index).lexical.scores(list(dict.fromkeys(tokenize(text))))
    params = replace(retriever.params, answer_weight=0.0)  # the sentence-level gain is tested below
    fused, _ = fuse(cosines, bm25, params)
    expected = [retriever.passages[i].id for i in np.argsort(-fused, kind="stable")[:5]]

    hits = retriever.rank(question, retriever.candidates(question), 5, params).hits
    assert [h.passage.id for h in hits] == expected
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    for h in hits:
        i = retriever.passages.index(h.passage)
        assert h.dense == pytest.approx(float(cosines[i]), abs=1e-5)


def test_a_retriever_from_vectors_searches_as_the_built_index(retriever, fixture_index):
    stored = read_index(fixture_index)
    in_memory = Retriever.from_vectors(stored.passages, stored.dense.vectors(), FakeEncoder())
    assert in_memory.params is retriever.params and in_memory.manifest["model"] == retriever.manifest["model"]
    assert in_memory._stored.keys == stored.keys  # the build's embedding keys, not placeholders
    for question in ["iuran jht", "kartu kis hilang", "resep nasi goreng"]:
        assert in_memory.search(question).to_json() == retriever.search(question).to_json()


@pytest.mark.parametrize(
    ("question", "doc", "heading"),
    [
        ("berapa iuran jkn kelas 3 mandiri", "kesehatan/jkn-iuran.md", None),
        ("gmn cara klaim jht kalo resign", "ketenagakerjaan/jht.md", "Klaim JHT setelah resign"),
        ("syarat penerima jaminan kehilangan pekerjaan", "ketenagakerjaan/jkp.md", "Syarat penerima JKP"),
        ("kecelakaan kerja lapor berapa jam", "ketenagakerjaan/jkk.md", "Lapor kecelakaan"),
        ("kartu kis hilang", "kesehatan/faq-jkn.csv", None),
        ("nomor telepon bpjs kesehatan", "umum/kontak.txt", None),
    ],
)
def test_a_clearly_matching_question_ranks_its_passage_first(retriever, question, doc, heading):
    result = retriever.search(question, k=3)
    top = result.hits[0].passage
    assert result.answered
    assert top.doc == doc
    if heading:
        assert heading in top.headings


def test_the_first_hits_come_from_more_than_one_document(retriever):
    """At most per_document passages of one document among the first varied_top; the rest follow."""
    params = retriever.params
    assert (params.per_document, params.varied_top) == (2, 3)

    def varied(docs: list[str], **change) -> list[int]:
        stored = SimpleNamespace(passages=[Passage(id=str(i), text="x", title="", doc=d) for i, d in enumerate(docs)])
        order = np.arange(len(docs))
        return Retriever._varied(SimpleNamespace(_stored=stored), order, order, replace(params, **change)).tolist()

    assert varied(["a", "a", "a", "b", "a"]) == [0, 1, 3, 2, 4]  # the third of "a" waits right after
    assert varied(["a", "a", "a", "b"], per_document=0) == [0, 1, 2, 3]
    assert varied(["", "", "", "b"]) == [0, 1, 2, 3]  # passages of no document (TyDi) are not capped
    assert varied(["a", "a", "a"]) == [0, 1, 2]  # nothing else to show


@pytest.mark.parametrize("question", ["berapa iuran jkn kelas 3 mandiri", "gmn cara klaim jht kalo resign", "apa itu jkp"])
def test_the_best_candidates_gain_by_how_well_their_sentence_answers(retriever, question):
    """The answer_top best candidates gain answer_weight x their answer sentence's score; no others."""
    params = retriever.params
    assert params.answer_weight > 0 and params.answer_top > 0
    found = retriever.candidates(question)
    plain = retriever.rank(question, found, 20, replace(params, answer_weight=0.0)).hits
    gained = {h.passage.id: h for h in retriever.rank(question, found, 20).hits}
    top = {h.passage.id for h in sorted(plain, key=lambda h: -h.score)[: params.answer_top]}
    for hit in plain:
        if hit.passage.id in gained:
            gain = params.answer_weight * gained[hit.passage.id].answer_score if hit.passage.id in top else 0.0
            assert gained[hit.passage.id].score == pytest.approx(hit.score + gain)
    assert any(gained[i].score > h.score for h in plain for i in top if i == h.passage.id)  # something gained


def test_the_documents_of_a_conversation_come_first_when_close(retriever):
    """`topic` adds topic_bonus to the fused score of its documents' passages and nothing else."""
    plain = retriever.search("iuran bulanan berapa", k=10)
    other = next(h.passage.doc for h in plain.hits[1:] if h.passage.doc != plain.hits[0].passage.doc)
    steered = retriever.search("iuran bulanan berapa", k=10, topic=[other])
    bonus = retriever.params.topic_bonus
    before = {h.passage.id: h.score for h in plain.hits}
    for hit in steered.hits:
        if hit.passage.id in before:
            expected = before[hit.passage.id] + (bonus if hit.passage.doc == other else 0.0)
            assert hit.score == pytest.approx(expected)
    assert steered.hits[0].passage.doc == other or steered.hits[0].score > max(h.score for h in steered.hits if h.passage.doc == other)
    assert retriever.search("iuran bulanan berapa", k=10, topic=()).hits == plain.hits


def test_a_word_only_the_tags_hold_finds_the_document(make_corpus, tmp_path):
    from index.build import build_index

    corpus = make_corpus({
        "pak.md": "---\ntitle: Penyakit akibat kerja\nprogram: JKK\ntags: [paru-paru, tuli, keracunan timbal]\n---\n"
        "Penyakit yang timbul karena lingkungan kerja, seperti debu atau bising, dijamin Jaminan Kecelakaan Kerja.\n",
        "kartu.md": "---\ntitle: Kartu peserta\nprogram: UMUM\n---\nKartu peserta yang rusak atau hilang dapat dicetak ulang di kantor cabang.\n",
    })
    build_index(corpus, tmp_path / "index", FakeEncoder())
    tagged = Retriever.load(tmp_path / "index", encoder=FakeEncoder())
    found = tagged.candidates("paru-paru rusak")
    by_doc = {tagged.passages[i].doc: score for i, score in zip(found.ids, found.bm25)}
    assert by_doc["pak.md"] > 0  # reached through its tag alone
    pak = next(p for p in tagged.passages if p.doc == "pak.md")
    assert tagged.coverage(tokenize("paru-paru"), pak) == 1.0  # the answer decision reads the tags too
    assert tagged.coverage(tokenize("rusak"), pak) == 0.0
    assert tagged.query_text("keracunan timbal") == "keracunan timbal"  # a tag word, not a typo of "timbul"


@pytest.mark.parametrize(
    ("front", "current_leads"),
    [
        ("superseded_by: umum/iuran.md", True),  # an old rule
        ("valid_until: 2020-12-31", True),  # a temporary rule that has ended
        ("valid_until: 2999-12-31", False),  # a temporary rule still in force
    ],
)
def test_a_rule_no_longer_in_force_never_leads(make_corpus, tmp_path, front, current_leads):
    from index.build import build_index

    corpus = make_corpus({
        "umum/diskon.md": f"---\ntitle: Diskon iuran BPU\nprogram: BPU\n{front}\n---\n"
        "Iuran BPU JKK dan JKM didiskon 50%, jadi iuran BPU paling kecil Rp8.400 per bulan.\n",
        "umum/iuran.md": "---\ntitle: Iuran peserta\nprogram: BPU\n---\nIuran peserta mandiri paling kecil Rp16.800 per bulan.\n",
    })
    build_index(corpus, tmp_path / "index", FakeEncoder())
    hits = Retriever.load(tmp_path / "index", encoder=FakeEncoder()).search("iuran bpu paling kecil berapa", k=2).hits
    assert {h.passage.doc for h in hits} == {"umum/diskon.md", "umum/iuran.md"}
    assert (hits[0].passage.doc == "umum/iuran.md") is current_leads
    old = next(h for h in hits if h.passage.doc == "umum/diskon.md")
    assert (old.answer_span is None) is current_leads  # a rule no longer in force gives no answer sentence


@pytest.mark.parametrize("question", ["resep nasi goreng", "cuaca besok di bandung", "jadwal kereta ke surabaya"])
def test_out_of_scope_question_is_refused(retriever, question):
    result = retriever.search(question)
    assert not result.answered
    assert result.confidence < retriever.params.threshold


def test_concurrent_search_matches_sequential(retriever):
    questions = ["iuran jht", "gmn klaim jht", "apa itu jkp", "kartu kis hilang", "resep nasi goreng", "", "😀"] * 6

    def run(q):
        r = retriever.search(q, k=4)
        return r.answered, round(r.confidence, 9), [(h.passage.id, round(h.score, 9)) for h in r.hits]

    sequential = [run(q) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(run, questions)) == sequential


def test_topics_count_documents_per_program(retriever):
    labels = {a.short.upper(): a.long.title() for a in acronyms()}
    counts: dict[str, int] = {}
    for doc in retriever.documents:
        if doc["program"]:
            counts[doc["program"]] = counts.get(doc["program"], 0) + 1
    topics = retriever.topics()
    assert [code for code, _ in topics] == sorted(counts, key=lambda c: (-counts[c], c))
    assert all(label == labels[code] for code, label in topics)
    assert topics[0][0] == "JKN"  # the only program with two fixture documents


def test_passage_by_id(retriever):
    for p in retriever.passages:
        assert retriever.passage(p.id) is p
    assert retriever.passage("no-such-id") is None
    assert retriever.passage("") is None


@pytest.mark.parametrize("question", ["berapa iuran jkn kelas 3 mandiri", "gmn cara klaim jht kalo resign", "syarat penerima jaminan kehilangan pekerjaan"])
def test_every_hit_carries_the_sentence_that_answers(retriever, question):
    for hit in retriever.search(question, k=5).hits:
        if hit.passage.superseded_by:
            assert hit.answer_span is None  # an old rule never gives the answer
            continue
        a, b = hit.answer_span
        assert 0 <= a < b <= len(hit.passage.text) and hit.passage.text[a:b].strip() == hit.passage.text[a:b]


def test_a_figure_answers_how_much(retriever):
    hit = retriever.search("berapa iuran jkn kelas 3 mandiri", k=1).hits[0]
    a, b = hit.answer_span
    assert any(ch.isdigit() for ch in hit.passage.text[a:b])


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("rs mana aja yg bisa nerima (kecelakaan kerja lapornya kapan paling lambat)", "list"),  # the message's own words decide
        ("kalo kelas 1? (bpjs kesehatan kelas 2 brp sebulan)", "amount"),  # it asks nothing of its own: the context does
        ("total sm kantor jd brp? (brp persen yg dipotong? (yg jht))", "amount"),
        ("apa itu JKP?", "definition"),
    ],
)
def test_the_kind_asked_is_read_from_the_message_before_its_context(retriever, question, kind):
    assert retriever.candidates(question).kind.value == kind


def test_an_english_question_is_covered_by_its_translation(retriever):
    """english.tsv keeps "claim" beside "klaim": the corpus never writes the English word, so it must
    not count against the passage in the answer decision's coverage."""
    english, indonesian = retriever.candidates("claim jht"), retriever.candidates("klaim jht")
    assert "claim" in english.terms  # still searched (a passage may quote the English word)

    def coverage(found):
        fused, _, order = retriever.fused_order(found)
        return retriever.signals(found, fused, order).coverage

    assert coverage(english) == pytest.approx(coverage(indonesian))
    assert coverage(english) > 0.9


def test_a_follow_ups_context_weighs_less_than_its_own_words_on_the_lexical_side(retriever):
    """ "denda (jht)": the lexical side looks mostly for what the message adds; the carried context
    counts at `context_weight`, and a question without context is scored as before."""
    lexical = retriever._stored.lexical
    own = tokenize(query_text("denda"))
    found = retriever.candidates("denda (jht)")
    context = [t for t in found.terms if t not in own]
    assert context and own
    expected = lexical.scores(own) + retriever.params.context_weight * lexical.scores(context)
    assert 0 < retriever.params.context_weight < 1
    assert np.allclose(found.bm25, expected[found.ids])
    plain = retriever.candidates("denda jht")
    assert np.allclose(plain.bm25, lexical.scores(plain.terms)[plain.ids])


def test_a_place_kept_beside_luar_negeri_does_not_count_against_coverage(retriever):
    """places.tsv reads "hongkong" as "hongkong luar negeri": like an English word beside its
    translation, the place name the corpus never writes must not lower the answer decision's coverage."""
    abroad, named = retriever.candidates("kerja di luar negeri"), retriever.candidates("kerja di hongkong")

    def coverage(found):
        fused, _, order = retriever.fused_order(found)
        return retriever.signals(found, fused, order).coverage

    assert "hongkong" in named.terms
    assert coverage(named) == pytest.approx(coverage(abroad))


def _documents(*texts: str, docs: tuple[str, ...] = ("jht.md", "jht-iuran.md"), programs: tuple[str, ...] = ("JHT", "JHT")) -> Retriever:
    passages = [Passage(id=f"p{i}", text=t, title="Iuran", doc=d, program=p) for i, (t, d, p) in enumerate(zip(texts, docs, programs))]
    return Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())


def test_a_figure_asked_is_led_by_the_close_passage_of_the_program_that_states_one():
    """ "iuran jht brp": the passage about when the contribution is paid gives way to the one of the
    same program (in any of its documents) that states the rate, when their scores are close; not
    when they are far apart, nor to a passage of another program."""
    when, rate = "Iuran JHT dibayar setiap bulan, paling lambat tanggal lima belas.", "Iuran JHT adalah 5,7% dari upah."
    other_program = _documents(when, rate, programs=("JHT", "JP"))
    retriever = _documents(when, rate)
    found = Candidates([], np.array([0, 1]), np.zeros(2, np.float32), np.zeros(2, np.float32), question="iuran jht berapa")
    params = retriever.params
    assert found.kind.value == "amount"
    close = retriever._figure_first(np.array([0, 1]), np.array([1.0, 1.0 - params.figure_margin / 2]), found, params)
    far = retriever._figure_first(np.array([0, 1]), np.array([1.0, 1.0 - 2 * params.figure_margin]), found, params)
    assert list(close) == [1, 0] and list(far) == [0, 1]
    assert list(other_program._figure_first(np.array([0, 1]), np.array([1.0, 1.0 - params.figure_margin / 2]), found, params)) == [0, 1]
    unasked = replace(found, question="kapan iuran jht dibayar")  # a date is asked: the first states one
    assert list(retriever._figure_first(np.array([0, 1]), np.array([1.0, 0.99]), unasked, params)) == [0, 1]


def test_of_close_passages_stating_a_figure_the_one_whose_sentence_answers_best_leads():
    """ "mlt buat renovasi rumah maksimal brp": two close passages state a figure; the renovation
    loan's cap leads, not the 30% of a JHT claim that the first one to state a figure mentions."""
    first = "MLT adalah fasilitas pembiayaan perumahan bagi peserta JHT."
    weak = "MLT berbeda dengan klaim JHT sebagian 30% untuk rumah."
    strong = "Pinjaman renovasi rumah MLT paling banyak Rp200.000.000."
    retriever = _documents(first, weak, strong, docs=("a.md", "b.md", "c.md"), programs=("MLT", "MLT", "MLT"))
    found = retriever.candidates("mlt buat renovasi rumah maksimal brp")
    rows = [int(np.flatnonzero(found.ids == i)[0]) for i in (0, 1, 2)]
    fused = np.zeros(3)
    fused[rows] = 1.0, 0.99, 0.98
    assert list(retriever._figure_first(np.array(rows), fused, found, retriever.params)) == [rows[2], rows[0], rows[1]]


def test_a_figure_asked_is_led_by_the_passage_whose_answer_sentence_states_it():
    """ "santunan kematian jkk brp": a passage whose answer sentence says only when the benefit is paid
    gives way, though another of its sentences holds a figure, since the bold sentence is read alone."""
    when = "Santunan kematian JKK hanya dibayar bila kematian disebabkan kecelakaan kerja. Biaya pemakaman Rp10.000.000 dibayar terpisah."
    amount = "Ahli waris menerima santunan kematian 48 kali upah."
    retriever = _documents(when, amount, programs=("JKK", "JKK"))
    found = retriever.candidates("santunan kematian jkk brp")
    rows = [int(np.flatnonzero(found.ids == i)[0]) for i in (0, 1)]
    a, b = retriever._answer(found, rows[0])[1]
    assert when[a:b].startswith("Santunan kematian JKK hanya")  # the figure beside it does not answer
    params = retriever.params
    fused = np.zeros(2)
    fused[rows] = 1.0, 1.0 - params.figure_margin / 2
    assert list(retriever._figure_first(np.array(rows), fused, found, params)) == rows[::-1]


@pytest.mark.parametrize(
    ("question", "first", "holding"),
    [
        # "syaratnya apa": one sentence with a condition word gives way to the one listing the requirements
        (
            "kena phk dapet jkp gak? syaratnya apa",
            "JKP hanya diberikan kepada peserta yang terkena PHK.",
            "Syarat JKP:\n• masa iuran 12 bulan dalam 24 bulan;\n• belum berusia 54 tahun saat mendaftar.",
        ),
        # "program apa": the passage on registering gives way to the one naming the programs joined
        ("daftar bpu wajib ikut program apa", "Daftar BPU lewat JMO dengan e-KTP dan nomor ponsel.", "Peserta BPU ikut JKK dan JKM."),
        # "buat apa": a passage on the tax of a partial claim gives way to the one saying what it is for
        ("jht 10 persen buat apa", "Pertimbangkan pajaknya sebelum mengambil JHT 10%.", "JHT 10% diambil untuk persiapan masa pensiun."),
        # "dibayar siapa": who pays, not when
        ("iuran jkp dibayar siapa", "Iuran JKP dibayar setiap bulan.", "Iuran JKP dibayar oleh pemerintah pusat."),
    ],
)
def test_requirements_a_use_a_party_or_the_programs_asked_are_led_by_the_close_passage_that_states_them(question, first, holding):
    """As a figure is (above): the bold sentence is read alone, so of two close passages of one
    program, the one whose answer sentence holds what is asked (for requirements: lists them) leads;
    not when they are far apart.
    (Two more passages make JKK and JKM programs of the corpus.)"""
    retriever = _documents(first, holding, "JKK.", "JKM.", docs=("a.md", "b.md", "c.md", "d.md"), programs=("JHT", "JHT", "JKK", "JKM"))
    found = retriever.candidates(question)
    rows = [int(np.flatnonzero(found.ids == i)[0]) for i in (0, 1)]
    params = retriever.params
    fused = np.zeros(2)
    fused[rows] = 1.0, 1.0 - params.figure_margin / 2
    assert list(retriever._figure_first(np.array(rows), fused, found, params)) == rows[::-1]
    fused[rows] = 1.0, 1.0 - 2 * params.figure_margin
    assert list(retriever._figure_first(np.array(rows), fused, found, params)) == rows


def test_what_a_program_is_is_led_by_the_passage_that_defines_it():
    """ "jkp itu apa sih": a passage on when the right to JKP is lost gives way to the one defining
    JKP, however far down; not for a question about one of its rules ("apa itu masa tunggu jkp")."""
    lost = "Hak atas JKP hilang bila klaim tidak diajukan dalam 6 bulan; hak yang hilang tidak kembali."
    defined = "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan sosial bagi pekerja yang terkena PHK."
    retriever = _documents(lost, defined, programs=("JKP", "JKP"))
    order = np.array([0, 1])
    for question in ("jkp itu apa sih", "apa yang dimaksud dengan jkp"):
        found = retriever.candidates(question)
        found = replace(found, ids=np.array([0, 1]), question=question)
        assert list(retriever._definition_first(order, found)) == [1, 0], question
    rule = replace(retriever.candidates("apa itu masa tunggu jkp"), ids=np.array([0, 1]))
    assert list(retriever._definition_first(order, rule)) == [0, 1]


def test_a_passage_of_the_other_bpjs_body_loses_more_than_one_of_another_program():
    """ "telat bayar bpjs kesehatan kena denda": a BPJS Ketenagakerjaan passage on late payment is
    rarely the answer; when the question names a program and no body, another program's passage
    loses the program penalty only."""
    texts = ["Denda pelayanan JKN 5%.", "Iuran BPJS Ketenagakerjaan yang terlambat kena denda 2%.", "Iuran JKP 0,36%."]
    passages = [
        Passage(id="a", text=texts[0], title="Denda BPJS Kesehatan", program="JKN", doc="a.md"),
        Passage(id="b", text=texts[1], title="Pembayaran iuran BPJS Ketenagakerjaan", program="UMUM", doc="b.md"),
        Passage(id="c", text=texts[2], title="Iuran JKP", program="JKP", doc="c.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())
    params = retriever.params
    body = retriever.candidates("telat bayar bpjs kesehatan kena denda")
    assert list(body.ids) == [0, 1, 2]
    shifted = retriever._mismatched_last(np.ones(3), body, params)
    other_body = params.mismatch_rank_penalty + params.body_mismatch_penalty
    assert shifted == pytest.approx([1.0, 1.0 - other_body, 1.0 - other_body])  # JKP is BPJS Ketenagakerjaan's too
    program = retriever.candidates("denda jkn")
    assert list(program.ids) == [0, 1, 2]
    assert retriever._mismatched_last(np.ones(3), program, params) == pytest.approx([1.0, 1.0, 1.0 - params.mismatch_rank_penalty])


def test_a_word_the_corpus_never_uses_does_not_weigh_on_the_answer_sentence():
    """ "how much is the jht contribution": english.tsv keeps "contribution" beside "iuran", and no
    sentence can hold the English word; it must not shrink every sentence's match on the words the
    corpus does use, against what the kind of fact asked is worth."""
    retriever = _documents("Iuran JHT dibayar setiap bulan. Iuran JHT adalah 5,7% dari upah.", "Saldo JHT dapat dicek di JMO.")
    english, indonesian = retriever.candidates("contribution jht berapa"), retriever.candidates("iuran jht berapa")
    assert "contribution" in english.terms and not retriever.knows("contribution")
    row = int(np.flatnonzero(english.ids == 0)[0])
    assert retriever._answer(english, row)[0] == pytest.approx(retriever._answer(indonesian, int(np.flatnonzero(indonesian.ids == 0)[0]))[0])


def test_a_rule_of_a_group_of_participants_loses_when_the_question_does_not_name_that_group():
    """ "iuran jht brp persen": the ordinary employee's 5,7% comes before the BPU 2% that a heading
    gives to another group; "iuran jht bpu" and "sy ojol, iuran jht brp" name the group and keep it,
    and the PMI rule, of a group they do not name, still loses. BPJS Kesehatan's own groups (PBPU)
    are the usual answer there and are left alone."""
    texts = ["Iuran JHT 2% dari penghasilan.", "Iuran JHT 5,7% dari upah.", "Iuran JKN PBPU kelas III Rp42.000.", "Iuran JHT PMI Rp50.000."]
    passages = [
        Passage(id="a", text=texts[0], title="Iuran JHT", headings=("Iuran JHT bagi pekerja Bukan Penerima Upah",), program="JHT", doc="a.md"),
        Passage(id="b", text=texts[1], title="Iuran JHT", headings=("Iuran JHT bagi karyawan",), program="JHT", doc="a.md"),
        Passage(id="c", text=texts[2], title="Iuran JKN", headings=("Peserta Bukan Penerima Upah",), program="JKN", doc="c.md"),
        Passage(id="d", text=texts[3], title="Pekerja Migran Indonesia (PMI): iuran", program="PMI", doc="d.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())
    params = retriever.params
    general = retriever.candidates("iuran jht brp persen")
    assert list(general.ids) == [0, 1, 2, 3] and list(general.segment) == [True, False, False, True]
    assert retriever._mismatched_last(np.ones(4), general, params)[0] == pytest.approx(1.0 - params.segment_penalty)
    for question in ("iuran jht bpu brp", "sy ojol, iuran jht brp"):
        assert list(retriever.candidates(question).segment) == [False, False, False, True], question
    for question in ("iuran jht tki brp", "kerja di luar negri, iuran jht brp"):
        assert list(retriever.candidates(question).segment) == [True, False, False, False], question
    assert list(retriever.candidates("sy wna, iuran jht brp").segment) == [True, False, False, True]
    assert not retriever.candidates("sy ojol, dulu tki, iuran jht brp").segment.any()


def test_a_section_on_what_is_not_covered_loses_unless_the_exceptions_are_asked():
    """ "ambulans ditanggung bpjs kes?": the ambulance JKN covers leads, not the ones it does not;
    "ambulans yg tidak ditanggung apa aja" asks for those, and so does whether a right is lost
    ("hangus", "hilang"). A closing "gak" only asks yes or no."""
    texts = ["JKN menjamin ambulans antar fasilitas kesehatan.", "Ambulans dari rumah tidak dijamin JKN."]
    passages = [
        Passage(id="a", text=texts[0], title="Ambulans JKN", headings=("Ambulans yang dijamin JKN",), program="JKN", doc="a.md"),
        Passage(id="b", text=texts[1], title="Ambulans JKN", headings=("Ambulans yang tidak dijamin JKN",), program="JKN", doc="a.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())
    for question in ("ambulans ditanggung bpjs kes?", "ambulans ditanggung gak", "is the ambulance covered"):
        found = retriever.candidates(question)
        assert list(found.ids) == [0, 1] and list(found.exclusion) == [False, True], question
        assert retriever._mismatched_last(np.ones(2), found, retriever.params)[1] == pytest.approx(1.0 - retriever.params.exclusion_penalty)
    for question in ("ambulans yg tidak ditanggung apa aja", "ambulans apa yang gak dijamin bpjs"):
        assert not retriever.candidates(question).exclusion.any(), question
    # whether something is lost or forfeited asks for when it is not paid: "iuran jp ... duitnya ilang?"
    for question in ("ambulans dr rumah hangus gak klaimnya", "kalo telat, hak ambulans hilang?"):
        assert not retriever.candidates(question).exclusion.any(), question


def test_a_worked_example_loses_unless_an_example_is_asked():
    """ "denda bpjs kesehatan brp": the rule (5% a month) leads, not the Rp3.000.000 of one case;
    "contoh hitungan denda" asks for the example."""
    texts = ["Denda pelayanan JKN 5% dari biaya rawat inap per bulan tertunggak.", "Denda = 5% x 6 bulan x Rp10.000.000 = Rp3.000.000."]
    passages = [
        Passage(id="a", text=texts[0], title="Denda JKN", headings=("Besaran denda pelayanan",), program="JKN", doc="a.md"),
        Passage(id="b", text=texts[1], title="Denda JKN", headings=("Contoh hitungan denda pelayanan",), program="JKN", doc="a.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())
    found = retriever.candidates("denda bpjs kesehatan brp")
    assert list(found.ids) == [0, 1] and list(found.example) == [False, True]
    assert retriever._mismatched_last(np.ones(2), found, retriever.params)[1] == pytest.approx(1.0 - retriever.params.example_penalty)
    for question in ("contoh hitungan denda bpjs kesehatan", "cara menghitung denda"):
        assert not retriever.candidates(question).example.any(), question


def test_a_sentence_naming_only_another_program_does_not_answer_in_the_asked_programs_passage():
    """ "saldo jht almarhum dikasih ke siapa": in the JHT passage, the JKM sentence beside it is about
    JKM; a PMI passage asked for keeps its sentences on the programs PMI join ("iuran JKK ...")."""
    texts = [
        "Santunan JKM diberikan bila peserta meninggal saat masih aktif. Saldo almarhum diberikan kepada ahli warisnya.",
        "Iuran PMI dibayar sebelum berangkat. Kelebihan masa kerja dikenai iuran JKK dan JKM Rp13.500 per bulan.",
        "Santunan JKM Rp42.000.000.",
        "Iuran JKK 0,24% dari upah.",
    ]
    passages = [
        Passage(id="a", text=texts[0], title="JHT bila peserta meninggal", program="JHT", doc="a.md"),
        Passage(id="b", text=texts[1], title="Iuran PMI", program="PMI", doc="b.md"),
        Passage(id="c", text=texts[2], title="Santunan JKM", program="JKM", doc="c.md"),
        Passage(id="d", text=texts[3], title="Iuran JKK", program="JKK", doc="d.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())

    def bold(question: str, row: int) -> str:
        found = retriever.candidates(question)
        a, b = retriever._answer(found, int(np.flatnonzero(found.ids == row)[0]))[1]
        return passages[row].text[a:b]

    assert bold("peserta jht meninggal, saldonya diberikan ke siapa", 0).startswith("Saldo almarhum")
    assert bold("kelebihan kontrak pmi iurannya brp per bulan", 1).startswith("Kelebihan")


def test_naming_the_asked_program_in_its_own_passage_answers_nothing():
    """ "iuran jkp dibayar siapa": every sentence of the JKP passage is about JKP, so the one naming it
    does not outweigh the one saying who pays; in another program's passage the name still counts."""
    texts = [
        "Manfaat Jaminan Kehilangan Pekerjaan (JKP) dibayarkan oleh BPJS Ketenagakerjaan kepada peserta yang terkena PHK. Pemerintah pusat membayar iuran 0,22% dari upah.",
        "Jaminan Kehilangan Pekerjaan (JKP) dibayar sejak bulan pertama. Iurannya dibayar oleh pemberi kerja.",
    ]
    passages = [
        Passage(id="a", text=texts[0], title="Iuran dan syarat", program="JKP", doc="a.md"),
        Passage(id="b", text=texts[1], title="Ringkasan program", program="UMUM", doc="b.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())
    found = retriever.candidates("iuran jkp dibayar siapa")

    def bold(row: int) -> str:
        a, b = retriever._answer(found, int(np.flatnonzero(found.ids == row)[0]))[1]
        return passages[row].text[a:b]

    assert bold(0).startswith("Pemerintah pusat membayar")
    assert bold(1).startswith("Jaminan Kehilangan Pekerjaan (JKP) dibayar")


def test_a_bare_bpjs_means_the_body_what_is_asked_implies():
    """ "kartu bpjs ilang, gmn berobatnya": treatment is BPJS Kesehatan's, so the BPJS
    Ketenagakerjaan card loses as if the question had named BPJS Kesehatan; a work accident's
    treatment is JKK's, and a question naming no treatment leaves both bodies open. Money on a
    death is BPJS Ketenagakerjaan's (JKN pays none), unless the question speaks of treatment."""
    texts = ["Kartu BPJS Ketenagakerjaan yang hilang: pakai kartu digital di JMO.", "Kartu JKN yang hilang: berobat dengan NIK."]
    passages = [
        Passage(id="a", text=texts[0], title="Kartu peserta BPJS Ketenagakerjaan", program="UMUM", doc="a.md"),
        Passage(id="b", text=texts[1], title="Kartu JKN-KIS", program="JKN", doc="b.md"),
    ]
    retriever = Retriever.from_vectors(passages, FakeEncoder().encode_passages(texts), FakeEncoder())

    def other_body(question: str) -> list[bool]:
        found = retriever.candidates(question)
        return [bool(found.other_body[found.ids == row][0]) for row in (0, 1)]

    assert other_body("kartu bpjs ilang, gmn berobatnya") == [True, False]
    assert other_body("kartu bpjs ilang, mau ke rs gmn") == [True, False]  # "rs": "rumah sakit"
    assert other_body("kartu bpjs ilang, abis opname gmn") == [True, False]  # "opname": "rawat inap"
    assert other_body("kartu bpjs ilang gmn") == [False, False]
    assert other_body("kecelakaan kerja, kartu bpjs ilang, berobat gmn") == [False, False]
    assert other_body("what does the family get from bpjs if a worker dies") == [False, True]
    assert other_body("suami meninggal, uang santunan dr bpjs brp") == [False, True]
    assert other_body("peserta meninggal, kartu bpjs nya gmn") == [False, False]  # no money asked
    assert other_body("meninggal di rumah sakit, klaim bpjs gmn") == [False, False]  # treatment too
