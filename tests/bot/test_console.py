"""The console prints what Telegram shows: the reply, then the buttons under it."""

from bot.answer import answer_question
from bot.keyboards import button_labels, buttons_text


def test_an_answer_is_printed_with_its_buttons(live):
    answer = answer_question(live.retriever, "berapa iuran JHT?", logged=False)
    assert answer.answered
    labels = [label for row in button_labels(answer) for label in row]
    assert "Sumber" in labels and "👍" in labels and any("Hubungi petugas" in label for label in labels)
    assert buttons_text(answer).splitlines()[0].startswith("[")


def test_a_refusal_is_printed_with_topic_buttons(live):
    answer = answer_question(live.retriever, "resep rendang padang", logged=False)
    assert not answer.answered
    labels = [label for row in button_labels(answer) for label in row]
    assert any("Hubungi petugas" in label for label in labels) and len(labels) >= 2


def test_a_question_no_bpjs_program_handles_is_refused_as_such_without_buttons(live):
    """ "thr lebaran kapan dibayar": no BPJS topic or officer answers it, so the reply says what the
    bot answers instead and offers neither; naming BPJS keeps it a BPJS question."""
    answer = answer_question(live.retriever, "thr lebaran kapan dibayar?", logged=False)
    assert not answer.answered and answer.result.off_topic
    assert "bukan soal program BPJS" in answer.reply.plain and "175" not in answer.reply.plain
    assert button_labels(answer) == [] and answer.unlogged() is answer
    assert not answer_question(live.retriever, "thr kena potongan bpjs gak?", logged=False).result.off_topic
    english = answer_question(live.retriever, "how do I file my income tax return?", logged=False)
    assert english.result.off_topic and "not seem to be about a BPJS programme" in english.reply.plain
