"""The reply formatter: pure functions from (question, language, result) to HTML and plain text."""

import pytest

from bot.reply import (
    MAX_MESSAGE,
    answer_reply,
    emphasis_span,
    first_page,
    format_date,
    no_answer_reply,
    question_terms,
    sentence_spans,
    shorten,
    sources_reply,
    telegram_length,
    to_plain,
)
from index.types import Hit, Passage, SearchResult
from tests.bot.offline import assert_telegram_html

TEXT = (
    "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan bagi pekerja yang terkena PHK. "
    "Manfaatnya berupa uang tunai, informasi pasar kerja, dan pelatihan. "
    "Diatur dalam PP No. 37 Tahun 2021. "
    "Iuran JKP sebesar 0,36% dari upah sebulan.\n"
    "Syarat:\n1. Terdaftar sebagai peserta\n2. Upah < Rp5.000.000 & lainnya"
)


def passage(text: str = TEXT, pid: str = "p1", **fields) -> Passage:
    base = dict(title="JKP <manfaat> & iuran", headings=("Iuran",), source="PP No. 37 Tahun 2021",
                url="https://www.bpjsketenagakerjaan.go.id/jkp?a=1&b=2", date="2025-02-07", program="JKP")
    base.update(fields)
    return Passage(id=pid, text=text, **base)


def result(*hits: Hit, answered: bool = True, question: str = "berapa iuran JKP?") -> SearchResult:
    return SearchResult(question, answered, 0.9 if answered else 0.1, hits)


def test_sentences_respect_abbreviations_numbers_and_lists():
    pieces = [TEXT[a:b] for a, b in sentence_spans(TEXT)]
    assert pieces == [
        "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan bagi pekerja yang terkena PHK.",
        "Manfaatnya berupa uang tunai, informasi pasar kerja, dan pelatihan.",
        "Diatur dalam PP No. 37 Tahun 2021.",
        "Iuran JKP sebesar 0,36% dari upah sebulan.",
        "Syarat:",
        "1. Terdaftar sebagai peserta",
        "2. Upah < Rp5.000.000 & lainnya",
    ]


def test_the_sentence_matching_the_question_is_emphasised():
    a, b = emphasis_span(TEXT, question_terms("berapa iuran JKP?"))
    assert TEXT[a:b] == "Iuran JKP sebesar 0,36% dari upah sebulan."
    a, b = emphasis_span(TEXT, question_terms("apa saja manfaat jkp"))
    assert TEXT[a:b].startswith("Manfaatnya berupa uang tunai")
    assert emphasis_span("Satu kalimat saja tentang JKP.", question_terms("jkp")) is None


def test_answer_reply_quotes_escapes_and_cites():
    reply = answer_reply("berapa iuran <b>JKP</b> & JHT?", "id", result(Hit(passage(), 0.9)))
    assert_telegram_html(reply.html)
    assert "“<i>berapa iuran &lt;b&gt;JKP&lt;/b&gt; &amp; JHT?</i>”" in reply.html
    assert "<b>Iuran JKP sebesar 0,36% dari upah sebulan.</b>" in reply.html
    assert "Upah &lt; Rp5.000.000 &amp; lainnya</blockquote>" in reply.html
    assert "📄 <b>JKP &lt;manfaat&gt; &amp; iuran</b> · 7 Februari 2025" in reply.html
    assert '<a href="https://www.bpjsketenagakerjaan.go.id/jkp?a=1&amp;b=2">bpjsketenagakerjaan.go.id</a>' in reply.html
    assert "telepon 175" in reply.html and "165" not in reply.html  # only the channel that fits
    assert reply.passages == (passage(),)


def test_plain_rendering_quotes_the_passage_verbatim():
    reply = answer_reply("berapa iuran JKP?", "id", result(Hit(passage(), 0.9)))
    assert f"“{TEXT}”" in reply.plain
    assert not any(tag in reply.plain for tag in ("<b>", "<i>", "<blockquote>", "<a ", "&amp;", "&lt;"))
    assert "https://www.bpjsketenagakerjaan.go.id/jkp?a=1&b=2" in reply.plain


def test_english_framing():
    reply = answer_reply("how much is the JKP contribution?", "en", result(Hit(passage(), 0.9)))
    assert reply.html.startswith("🔎 On “<i>how much is the JKP contribution?</i>”")
    assert "7 February 2025" in reply.html and "phone 175" in reply.html


def test_first_page_keeps_only_close_hits():
    hits = [Hit(passage(pid=f"p{i}"), s) for i, s in enumerate([0.9, 0.85, 0.5, 0.88])]
    assert [h.passage.id for h in first_page(result(*hits), 3)] == ["p0", "p1"]
    assert first_page(result(), 3) == ()


def test_more_page_starts_after_the_shown_hits():
    hits = [Hit(passage(pid=f"p{i}"), 0.9 - i / 10) for i in range(5)]
    reply = answer_reply("iuran JKP", "id", result(*hits), start=2, limit=3)
    assert [p.id for p in reply.passages] == ["p2", "p3", "p4"]
    assert reply.html.startswith("🔎 Kutipan lain tentang")


@pytest.mark.parametrize("body", ["kata " * 2000, "🙂" * 3000, "& < > " * 1500])
def test_long_passages_are_shortened_to_fit_telegram(body):
    hits = [Hit(passage(text=body, pid=f"p{i}"), 0.9) for i in range(3)]
    reply = answer_reply("x " * 3000, "id", result(*hits))
    assert telegram_length(reply.html) <= MAX_MESSAGE
    assert len(reply.plain) <= MAX_MESSAGE
    assert_telegram_html(reply.html)
    assert reply.passages and "…" in reply.html


def test_health_quotes_point_to_bpjs_kesehatan():
    reply = answer_reply("iuran jkn", "id", result(Hit(passage(program="JKN"), 0.9)))
    assert "Care Center 165" in reply.html and "175" not in reply.html


def test_no_answer_is_honest_and_lists_topics_in_plain_text():
    topics = [("JKP", "Jaminan Kehilangan Pekerjaan"), ("JHT", "Jaminan Hari Tua")]
    reply = no_answer_reply("resep <rendang>", "id", topics)
    assert_telegram_html(reply.html)
    assert "resep &lt;rendang&gt;" in reply.html and "<blockquote>" not in reply.html
    assert "telepon 175" in reply.html and "Care Center 165" in reply.html
    assert "• Jaminan Kehilangan Pekerjaan\n• Jaminan Hari Tua" in reply.plain
    assert "• Jaminan" not in reply.html  # in Telegram the topics are buttons


def test_sources_reply_details_and_missing_documents():
    reply = sources_reply([passage(), None], "id")
    assert_telegram_html(reply.html)
    assert "Bagian: JKP &lt;manfaat&gt; &amp; iuran › Iuran" in reply.html
    assert "Dokumen ini sudah tidak ada di indeks terbaru." in reply.html


def test_unsafe_urls_are_not_linked():
    reply = answer_reply("iuran jkp", "id", result(Hit(passage(url="javascript:alert(1)"), 0.9)))
    assert "javascript" not in reply.html


@pytest.mark.parametrize(
    ("iso", "language", "expected"),
    [("2025-02-07", "id", "7 Februari 2025"), ("2021-12-31", "en", "31 December 2021"), ("kemarin", "id", "kemarin"), (None, "id", "")],
)
def test_format_date(iso, language, expected):
    assert format_date(iso, language) == expected


def test_shorten_and_to_plain():
    assert shorten("satu dua tiga empat", 12) == "satu dua…"
    assert shorten("pendek", 50) == "pendek"
    assert to_plain('<b>a</b> &amp; <a href="https://x.id/p">x.id</a> <blockquote>q</blockquote>') == "a & https://x.id/p “q”"
