"""Choosing the sentence that answers: the question's terms and the kind of fact it asks for."""

import pytest

from index.answer_sentence import Kind, answer_span, question_kind
from index.normalize import query_terms, standardise, tokenize

PASSAGE = (
    "Jaminan Kehilangan Pekerjaan (JKP) diberikan kepada pekerja yang terkena PHK. "
    "Uang tunai JKP dibayar setiap bulan sebesar 60% dari upah. "
    "Uang tunai itu diberikan paling lama 6 bulan. "
    "Skema lama sebesar 45% dan 25% upah sudah tidak berlaku sejak 7 Februari 2025. "
    "Klaim JKP diajukan melalui aplikasi SIAPkerja.\n"
    "Syarat penerima JKP:\n"
    "• terkena PHK, bukan mengundurkan diri;\n"
    "• sudah membayar iuran 12 bulan dalam 24 bulan."
)


def best(question: str, text: str = PASSAGE, **kwargs) -> str:
    span = answer_span(text, query_terms(question), question_kind(question), direct=set(tokenize(standardise(question))), **kwargs)
    return text[span[0] : span[1]] if span else ""


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("berapa iuran jkp", Kind.AMOUNT),
        ("uang jkp dpt brp bulan sih", Kind.DURATION),
        ("berapa lama uang jkp cair", Kind.DURATION),
        ("jht bs dicairin kapan", Kind.DURATION),
        ("jaminan pensiun bs diambl umur brp", Kind.DURATION),
        ("gmn cara klaim jkp", Kind.STEPS),
        ("syarat dapat jkp apa aja", Kind.CONDITION),
        ("apa itu JKP?", Kind.DEFINITION),
        ("what is JKP", Kind.DEFINITION),
        ("how much is the JKP benefit", Kind.AMOUNT),
        ("jkp", Kind.ANY),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) is kind


def test_a_figure_for_how_much_and_never_the_old_rule():
    assert best("uang jkp berapa persen dari gaji") == "Uang tunai JKP dibayar setiap bulan sebesar 60% dari upah."


def test_a_duration_for_how_long():
    assert best("uang jkp dpt brp bulan sih") == "Uang tunai itu diberikan paling lama 6 bulan."


def test_steps_for_how():
    assert best("gmn cara klaim jkp") == "Klaim JKP diajukan melalui aplikasi SIAPkerja."


def test_a_condition_with_its_list_for_requirements():
    assert best("syarat dapat jkp apa aja") == "Syarat penerima JKP:\n• terkena PHK, bukan mengundurkan diri;\n• sudah membayar iuran 12 bulan dalam 24 bulan."


def test_a_superseded_passage_has_no_answer_sentence():
    assert best("berapa uang jkp", superseded=True) == ""


def test_a_single_sentence_is_its_own_answer():
    assert best("apa itu jkp", text="JKP adalah jaminan bagi pekerja yang terkena PHK.") == "JKP adalah jaminan bagi pekerja yang terkena PHK."
