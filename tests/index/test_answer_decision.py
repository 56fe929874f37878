"""The answer/refuse decision's signals, and news passages kept below program passages."""

from __future__ import annotations

import dataclasses

import pytest

from index.fusion import FusionParams, Signals, answer_confidence, confidence
from index.passages import embedding_text
from index.search import Retriever
from index.types import Passage
from tests.fakes import FakeEncoder


def _retriever(passages: list[Passage]) -> Retriever:
    encoder = FakeEncoder()
    return Retriever.from_vectors(passages, encoder.encode_passages([embedding_text(p) for p in passages]), encoder)


NEWS = Passage(
    id="news",
    title="Berita: temu media di Kuala Lumpur",
    text="Direktur BPJS Ketenagakerjaan: pekerja Indonesia yang kerja di Malaysia bisa ikut program, katanya dalam temu media di Kuala Lumpur.",
    program="BERITA",
)
PMI = Passage(
    id="pmi",
    title="Pekerja Migran Indonesia (PMI)",
    text="Pekerja migran Indonesia yang kerja di Malaysia atau negara lain wajib ikut BPJS Ketenagakerjaan: program JKK dan JKM sebelum berangkat.",
    program="PMI",
)
OTHER = [
    Passage(id=f"jkn{i}", title="Iuran JKN", text=f"Iuran JKN kelas {i} dibayar setiap bulan paling lambat tanggal 10.", program="JKN")
    for i in range(1, 4)
]


def test_news_does_not_outrank_a_close_program_passage():
    retriever = _retriever([NEWS, PMI, *OTHER])
    question = "saya kerja di malaysia bisa ikut bpjs ketenagakerjaan?"
    plain = dataclasses.replace(retriever.params, news_penalty=0.0)
    assert retriever.search(question).hits[0].passage.id == "pmi"
    found = retriever.candidates(question)
    assert retriever.rank(question, found, 3, plain).hits[0].passage.id == "news", "the test needs news ahead without the rule"


def test_news_still_leads_when_no_program_passage_is_close():
    retriever = _retriever([NEWS, PMI, *OTHER])
    hits = retriever.search("temu media direktur di kuala lumpur", k=3).hits
    assert hits[0].passage.id == "news"
    assert all(h.score >= 0.0 for h in hits)


def test_news_keeps_its_score_for_a_word_only_the_news_uses():
    """"Kuala Lumpur" is in no program passage: the news passage that names it is not held back."""
    retriever = _retriever([NEWS, PMI, *OTHER])
    plain = dataclasses.replace(retriever.params, news_penalty=0.0)
    for question, held_back in [("ada kantor bpjs ketenagakerjaan di kuala lumpur?", False), ("saya kerja di malaysia bisa ikut bpjs ketenagakerjaan?", True)]:
        found = retriever.candidates(question)
        scores = [{h.passage.id: h.score for h in retriever.rank(question, found, 5, params).hits}["news"] for params in (retriever.params, plain)]
        assert (scores[0] < scores[1] - 0.1) is held_back, question


def test_program_mismatch_is_a_signal():
    """The question names JKN: a JKN passage matches, a PMI passage does not, a question naming none never mismatches."""
    retriever = _retriever([PMI, *OTHER])
    found = retriever.candidates("iuran jkn kelas 2 tanggal berapa")
    assert retriever.search("iuran jkn kelas 2 tanggal berapa").hits[0].passage.program == "JKN"
    assert not retriever._program_mismatch(retriever._asked(found.text), OTHER[0])
    assert retriever._program_mismatch(retriever._asked(found.text), PMI)
    assert retriever._program_mismatch(retriever._asked(retriever.query_text("jaminan kesehatan nasional kelas 2")), PMI)  # named in full
    assert not retriever._program_mismatch(retriever._asked(retriever.query_text("iuran kelas 2 tanggal berapa")), PMI)


def test_a_group_passage_is_of_the_program_it_speaks_of_when_the_group_is_named():
    """PMI is a group of participants: its passage about JKK matches "iuran jkk pekerja migran", not
    "iuran jkk" alone, and never a question about JKN, which it does not speak of."""
    jkk = Passage(id="jkk", title="Iuran JKK", text="Iuran JKK pekerja penerima upah 0,24% sampai 1,74% dari upah.", program="JKK")
    more = [dataclasses.replace(OTHER[0], id=f"jkn-{i}", text=f"Denda JKN {i} persen.") for i in range(16)]  # "migran": 1 passage in 20
    retriever = _retriever([PMI, jkk, *OTHER, *more])

    def mismatch(question: str) -> bool:
        found = retriever.candidates(question)
        return bool(found.other_program[list(found.ids).index(0)])  # PMI is row 0

    assert not mismatch("iuran jkk pekerja migran brp")
    assert mismatch("iuran jkk brp")
    assert mismatch("iuran jkn pekerja migran brp")


def test_general_passages_never_mismatch():
    general = Passage(id="umum", title="BPJS", text="Iuran JKN dibayar lewat kanal pembayaran resmi.", program="UMUM")
    retriever = _retriever([general, *OTHER])
    found = retriever.candidates("bayar iuran jkn lewat mana")
    assert not retriever._program_mismatch(retriever._asked(found.text), general)
    assert retriever._program_mismatch(retriever._asked(found.text), PMI) is False  # PMI is not a program of this index


PARAMS = FusionParams(disagreement_penalty=0.1, mismatch_penalty=0.2)


def test_answer_confidence_is_the_base_confidence_when_all_agree():
    s = Signals(cosine=0.87, coverage=0.6, dense_rank=0, lexical_rank=1)
    assert answer_confidence(s, PARAMS) == pytest.approx(confidence(0.87, 0.6, PARAMS))


def test_disagreement_and_program_mismatch_lower_the_confidence():
    agree = Signals(cosine=0.87, coverage=0.6, dense_rank=0, lexical_rank=0)
    disagree = dataclasses.replace(agree, lexical_rank=PARAMS.agree_top)
    mismatch = dataclasses.replace(agree, program_mismatch=True)
    base = answer_confidence(agree, PARAMS)
    assert answer_confidence(disagree, PARAMS) == pytest.approx(base - 0.1)
    assert answer_confidence(mismatch, PARAMS) == pytest.approx(base - 0.2)
    assert answer_confidence(dataclasses.replace(mismatch, cosine=0.0, coverage=0.0), PARAMS) == 0.0


KES = Passage(
    id="kes",
    title="Denda pelayanan BPJS Kesehatan",
    text="Peserta yang terlambat bayar iuran lalu dirawat inap dalam 45 hari kena denda pelayanan 5%.",
    program="JKN",
)
TK = Passage(
    id="tk",
    title="Pembayaran iuran BPJS Ketenagakerjaan oleh perusahaan",
    text="Perusahaan yang terlambat bayar iuran kena denda 2% per bulan keterlambatan.",
    program="UMUM",
)


def test_naming_one_bpjs_body_mismatches_a_passage_titled_with_the_other():
    retriever = _retriever([KES, TK, *OTHER])
    asked = retriever._asked(retriever.query_text("telat bayar iuran bpjs kesehatan kena denda brp"))
    assert retriever._program_mismatch(asked, TK)  # a general passage, but titled with the other body
    assert not retriever._program_mismatch(asked, KES)
    assert not retriever._program_mismatch(retriever._asked(retriever.query_text("bpjs kesehatan sama bpjs ketenagakerjaan bedanya apa")), TK)
    assert not retriever._program_mismatch(retriever._asked(retriever.query_text("telat bayar iuran kena denda brp")), TK)


def test_naming_one_bpjs_body_mismatches_the_programs_of_the_other():
    """BPJS Kesehatan runs JKN and only JKN: a PMI passage does not answer a question about BPJS
    Kesehatan, nor a JKN passage one about BPJS Ketenagakerjaan, whatever their titles say."""
    retriever = _retriever([KES, PMI, *OTHER])
    kesehatan = retriever._asked(retriever.query_text("telat bayar iuran bpjs kesehatan kena denda brp"))
    ketenagakerjaan = retriever._asked(retriever.query_text("telat bayar iuran bpjs ketenagakerjaan kena denda brp"))
    assert retriever._program_mismatch(kesehatan, PMI) and not retriever._program_mismatch(ketenagakerjaan, PMI)
    assert retriever._program_mismatch(ketenagakerjaan, KES) and not retriever._program_mismatch(kesehatan, KES)
    hits = retriever.search("telat bayar iuran bpjs kesehatan kena denda brp", k=5).hits
    assert {h.passage.id for h in hits if h.other_program} == {"pmi"}


def test_the_bodies_a_passage_speaks_for():
    assert KES.bodies == {"kesehatan"} and PMI.bodies == {"ketenagakerjaan"}  # by program
    assert TK.bodies == {"ketenagakerjaan"}  # a general passage: by its title
    assert Passage(id="u", title="Beda BPJS Kesehatan dan BPJS Ketenagakerjaan", text="...", program="UMUM").bodies == {"kesehatan", "ketenagakerjaan"}
    assert Passage(id="n", title="Berita jaminan sosial", text="...", program="BERITA").bodies == frozenset()


def test_a_passage_of_another_program_than_the_one_asked_loses_rank():
    retriever = _retriever([KES, TK, *OTHER])
    question = "telat bayar iuran bpjs kesehatan kena denda brp"
    found = retriever.candidates(question)
    plain = dataclasses.replace(retriever.params, mismatch_rank_penalty=0.0)
    strong = dataclasses.replace(retriever.params, mismatch_rank_penalty=0.5)
    assert retriever.rank(question, found, 3, plain).hits[0].passage.id == "tk", "the test needs the other body's passage ahead"
    assert retriever.rank(question, found, 3, strong).hits[0].passage.id == "kes"
    assert FusionParams().mismatch_rank_penalty > 0


def test_a_subject_no_bpjs_program_handles_is_refused_unless_the_question_is_about_bpjs():
    """ "thr lebaran dibayar paling lambat kapan" shares "dibayar paling lambat" with a contribution
    deadline, but the holiday allowance is no BPJS matter (index/data/off_topic.txt): refused. Naming a
    program, a BPJS body or "bpjs" makes it one ("pencairan jht kena pph 21", "thr kena potongan bpjs")."""
    deadline = Passage(
        id="jht", title="Iuran Jaminan Hari Tua (JHT)", program="JHT",
        text="Iuran JHT dibayar paling lambat tanggal 15 bulan berikutnya. Pencairan JHT dikenai PPh 21 final.",
    )
    retriever = _retriever([deadline, *OTHER])
    for question in ("thr lebaran dibayar paling lambat kapan", "gaji 8 jt kena pph 21 brp", "cara bikin npwp online", "bunga kta brp", "what is the minimum wage in jakarta"):
        found = retriever.candidates(question)
        assert retriever._off_topic(found), question
    for question in ("pencairan jht kena pph 21 gak", "thr kena potongan bpjs gak", "iuran dibayar paling lambat kapan", "bpjs ketenagakerjaan thr"):
        assert not retriever._off_topic(retriever.candidates(question)), question
    params = retriever.params
    assert not retriever.search("thr lebaran dibayar paling lambat kapan").answered
    asked = Signals(cosine=0.9, coverage=0.8, dense_rank=0, lexical_rank=0)
    off = dataclasses.replace(asked, off_topic=True)
    assert answer_confidence(off, params) == pytest.approx(answer_confidence(asked, params) - params.off_topic_penalty)
