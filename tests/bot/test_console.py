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
