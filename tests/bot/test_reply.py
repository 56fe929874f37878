"""The reply formatter: pure functions from (question, language, result) to HTML and plain text."""

import re
from dataclasses import replace

import pytest

from bot.answer import _after_shown
from bot.reply import (
    LEAD_MARGIN,
    MAX_MESSAGE,
    MAX_SENTENCE,
    MAX_VISIBLE,
    answer_reply,
    answer_text,
    contact_reply,
    first_page,
    format_date,
    no_answer_reply,
    off_topic_reply,
    passage_reply,
    shorten,
    sources_reply,
    telegram_length,
    to_plain,
    visible_text,
)
from index.types import Hit, Passage, SearchResult
from tests.harness import assert_telegram_html

TEXT = (
    "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan bagi pekerja yang terkena PHK. "
    "Manfaatnya berupa uang tunai, informasi pasar kerja, dan pelatihan. "
    "Diatur dalam PP No. 37 Tahun 2021. "
    "Iuran JKP sebesar 0,36% dari upah sebulan.\n"
    "Syarat:\n1. Terdaftar sebagai peserta\n2. Upah < Rp5.000.000 & lainnya"
)
ANSWER = "Iuran JKP sebesar 0,36% dari upah sebulan."
SPAN = (TEXT.index(ANSWER), TEXT.index(ANSWER) + len(ANSWER))


def passage(text: str = TEXT, pid: str = "p1", **fields) -> Passage:
    base = dict(title="JKP <manfaat> & iuran: rincian", headings=("Iuran",), source="PP No. 37 Tahun 2021",
                url="https://www.bpjsketenagakerjaan.go.id/jkp?a=1&b=2", date="2025-02-07", program="JKP")
    base.update(fields)
    return Passage(id=pid, text=text, **base)


def hit(p: Passage | None = None, score: float = 0.9, span: tuple[int, int] | None = SPAN) -> Hit:
    return Hit(p or passage(), score, answer_span=span)


def result(*hits: Hit, answered: bool = True, question: str = "berapa iuran JKP?") -> SearchResult:
    return SearchResult(question, answered, 0.9 if answered else 0.1, hits)


def test_the_answer_sentence_comes_first_in_bold_then_its_passage():
    reply = answer_reply("berapa iuran <b>JKP</b> & JHT?", "id", result(hit()))
    assert_telegram_html(reply.html)
    assert reply.html.startswith(f"<blockquote><b>{ANSWER}</b>\nSyarat:\n1. Terdaftar sebagai peserta\n2. Upah &lt; Rp5.000.000 &amp; lainnya</blockquote>")
    assert "JHT" not in reply.html  # the lead no longer echoes the question
    assert answer_text(hit()) == ANSWER and reply.passages == (passage(),)


def test_one_short_source_line_with_one_official_link():
    reply = answer_reply("berapa iuran JKP?", "id", result(hit()))
    (line,) = [l for l in reply.html.splitlines() if l.startswith("📄")]
    assert line == (
        '📄 <b>JKP &lt;manfaat&gt; &amp; iuran</b> · per 7 Februari 2025 · '
        '<a href="https://www.bpjsketenagakerjaan.go.id/jkp?a=1&amp;b=2">bpjsketenagakerjaan.go.id/jkp?a=1&amp;b=2</a>'
    )
    assert "telepon 175" in reply.html and "165" not in reply.html  # only the channel that fits


def test_the_checked_date_is_the_date_the_facts_hold_as_of_and_news_links_give_way():
    news = passage(checked="2026-12-01", url="https://www.kompas.com/tren/read/2021/12/23/090500265/cara-lapor-soal-buruknya-pelayanan")
    reply = answer_reply("berapa iuran JKP?", "id", result(hit(news)))
    assert "per 1 Desember 2026 · " in reply.html and "kompas" not in reply.html
    assert '<a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>' in reply.html


def test_plain_rendering_is_what_the_phone_shows():
    reply = answer_reply("berapa iuran JKP?", "id", result(hit()))
    assert reply.plain.startswith(f"“{ANSWER}\nSyarat:")
    assert not any(tag in reply.plain for tag in ("<b>", "<i>", "<blockquote>", "<a ", "&amp;", "&lt;"))
    assert "bpjsketenagakerjaan.go.id/jkp?a=1&b=2" in reply.plain
    assert reply.plain.replace("“", "").replace("”", "") == visible_text(reply.html)


def test_a_long_passage_is_cut_after_the_answer():
    body = "Iuran JKP sebesar 0,36% dari upah. " + " ".join(f"Kalimat tambahan nomor {i} tentang hal lain." for i in range(60))
    reply = answer_reply("berapa iuran JKP?", "id", result(hit(passage(text=body), span=(0, 34))))
    assert reply.html.startswith("<blockquote><b>Iuran JKP sebesar 0,36% dari upah.</b> Kalimat tambahan nomor 0")
    assert " …</blockquote>" in reply.html and len(visible_text(reply.html)) < 700


def test_further_passages_join_only_when_they_add_something():
    same = hit(passage(pid="p2"))  # the same text again: a near-duplicate
    other_text = "Peserta BPU membayar iuran JKK dan JKM sendiri setiap bulan lewat aplikasi JMO."
    other = hit(passage(text=other_text, pid="p3", title="Pekerja mandiri", program="BPU"), 0.85, (0, len(other_text)))
    reply = answer_reply("iuran", "id", result(hit(), same, other))
    assert [p.id for p in reply.passages] == ["p1"]  # the duplicate stops the page: "Jawaban lain" continues
    reply = answer_reply("iuran", "id", result(hit(), other, same))
    assert [p.id for p in reply.passages] == ["p1", "p3"]
    assert reply.html.count("<blockquote>") == 2 and reply.html.count("📄") == 2
    assert reply.html.count(ANSWER) == 1  # no quote twice
    assert len(visible_text(reply.html)) <= MAX_VISIBLE


def test_a_further_list_item_is_quoted_with_the_line_that_introduces_its_list():
    item_text = "Bayi didaftarkan lewat kantor cabang. Dokumen yang diminta:\n• nomor kartu JKN ibu;\n• surat keterangan lahir."
    item = item_text.index("• nomor")
    other = hit(passage(text=item_text, pid="p3", title="Bayi baru lahir", program="JKN"), 0.85, (item, item_text.index("\n", item)))
    reply = answer_reply("iuran", "id", result(hit(), other))
    assert [p.id for p in reply.passages] == ["p1", "p3"]
    assert "<blockquote>Dokumen yang diminta:\n• nomor kartu JKN ibu;</blockquote>" in reply.html  # not the item alone, nor the sentence before


def test_a_list_too_long_for_the_bold_is_quoted_by_the_items_that_may_answer():
    """Cut at MAX_SENTENCE, twelve KRIS criteria lose the one asked ("suhu ... brp derajat") past the
    cut: the bold keeps the introduction and the items the engine found (Hit.answer_parts), "…" for the
    others. A list that fits is quoted whole."""
    items = [f"• kriteria nomor {n} tentang hal yang cukup panjang untuk diuraikan di sini;" for n in range(1, 12)]
    items.insert(9, "• suhu ruangan 20 sampai 26 derajat Celsius;")
    text = "Ruang rawat inap KRIS harus memenuhi 12 kriteria:\n" + "\n".join(items)
    assert len(text) > MAX_SENTENCE
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    long = Hit(passage(text=text), 0.9, answer_span=(0, len(text)), answer_parts=(lines[0], lines[10]))
    reply = answer_reply("suhu kris brp derajat", "id", result(long))
    assert_telegram_html(reply.html)
    assert reply.html.startswith(
        "<blockquote><b>Ruang rawat inap KRIS harus memenuhi 12 kriteria:\n…\n• suhu ruangan 20 sampai 26 derajat Celsius;\n…</b>"
    )
    assert answer_text(long) == text  # --json keeps the whole sentence
    short = "Kelas rawat:\n• suhu 20 sampai 26 derajat;\n• paling banyak 4 tempat tidur."
    fits = Hit(passage(text=short), 0.9, answer_span=(0, len(short)), answer_parts=((0, 12), (13, 39)))
    assert answer_reply("suhu kris", "id", result(fits)).html.startswith(f"<blockquote><b>{short}</b>")


def test_a_follow_up_does_not_quote_again_beside_its_answer_what_the_previous_reply_quoted():
    other_text = "Peserta BPU membayar iuran JKK dan JKM sendiri setiap bulan lewat aplikasi JMO."
    other = hit(passage(text=other_text, pid="p3", title="Pekerja mandiri", program="BPU"), 0.85, (0, len(other_text)))
    third_text = "Uang tunai JKP dibayar paling lama 6 bulan sebesar 60% upah."
    third = hit(passage(text=third_text, pid="p4", title="Manfaat JKP"), 0.84, (0, len(third_text)))
    lead = hit(passage(text=ANSWER), span=(0, len(ANSWER)))
    assert [p.id for p in answer_reply("iuran", "id", result(lead, other, third)).passages] == ["p1", "p3", "p4"]
    reply = answer_reply("iuran", "id", result(lead, other, third), seen={"p3"})
    assert [p.id for p in reply.passages] == ["p1", "p4"] and "JMO" not in reply.plain
    assert [p.id for p in answer_reply("iuran", "id", result(lead, other), seen={"p1"}).passages][0] == "p1"  # the answer itself may be the one seen


def test_the_engines_best_leads_unless_it_is_of_another_program_than_the_one_asked():
    """The engine's order stands (its rank already weighs the answer sentence); a close hit of the
    program asked leads over a best of another program, a far one does not."""
    other_text = "Peserta BPU membayar iuran JKK dan JKM sendiri setiap bulan lewat aplikasi JMO."
    best = Hit(passage(text=other_text, pid="p0", program="BPU"), 0.9, answer_span=(0, len(other_text)), answer_score=1.0)
    close = Hit(passage(), 0.9 - LEAD_MARGIN / 2, answer_span=SPAN, answer_score=3.0)
    far = Hit(passage(), 0.9 - LEAD_MARGIN * 2, answer_span=SPAN, answer_score=3.0)
    assert answer_reply("berapa iuran JKP?", "id", result(best, close)).passages[0].id == "p0"  # a better sentence alone does not lead
    elsewhere = replace(best, other_program=True)  # the question names another program than this hit's
    reply = answer_reply("berapa iuran JKP?", "id", result(elsewhere, close))
    assert reply.html.startswith(f"<blockquote><b>{ANSWER}</b>") and [p.id for p in reply.passages] == ["p1", "p0"]
    assert answer_reply("berapa iuran JKP?", "id", result(elsewhere, far)).passages[0].id == "p0"
    duplicate = Hit(passage(pid="p0", program="BPU"), 0.9, answer_span=SPAN, answer_score=1.0, other_program=True)
    rest = Hit(passage(text=other_text, pid="p2"), 0.5, answer_span=(0, len(other_text)))
    swapped = result(duplicate, close, rest)  # the lead is the second hit; the first adds nothing to it
    reply = answer_reply("berapa iuran JKP?", "id", swapped)
    assert [p.id for p in reply.passages] == ["p1"] and _after_shown(swapped, reply) == 2  # "Jawaban lain" goes on from p2


def test_old_rules_stay_labelled_and_never_give_the_bold_answer():
    old = passage(pid="old", superseded_by="ketenagakerjaan/jkp.md")
    reply = answer_reply("berapa iuran JKP?", "id", result(hit(old, span=None)))
    assert "⚠️ <b>Aturan lama</b>" in reply.html and "<b>Iuran" not in reply.html
    assert reply.html.startswith("<blockquote>Jaminan Kehilangan Pekerjaan")


def test_a_temporary_rule_that_ended_says_so():
    ended = passage(pid="diskon", valid_until="2020-12-31")
    reply = answer_reply("berapa iuran JKP?", "id", result(hit(ended, span=None)))
    assert "⚠️ <b>Aturan sementara</b>: berlaku sampai 31 Desember 2020, sudah berakhir." in reply.html
    assert "Aturan sementara" not in answer_reply("berapa iuran JKP?", "id", result(hit(replace(ended, valid_until="2999-12-31")))).html


def test_english_framing():
    reply = answer_reply("how much is the JKP contribution?", "en", result(hit()))
    assert reply.html.startswith(f"<blockquote><b>{ANSWER}</b>")
    assert "as of 7 February 2025" in reply.html and "phone 175" in reply.html and "Indonesian documents" in reply.html


def test_inline_posts_the_same_compact_form():
    assert passage_reply("berapa iuran JKP?", "id", hit()).html == answer_reply("berapa iuran JKP?", "id", result(hit())).html


def test_first_page_keeps_only_close_hits():
    hits = [Hit(passage(pid=f"p{i}"), s) for i, s in enumerate([0.9, 0.85, 0.5, 0.88])]
    assert [h.passage.id for h in first_page(result(*hits), 3)] == ["p0", "p1"]
    assert first_page(result(), 3) == ()


def test_more_page_starts_after_the_shown_hits():
    hits = [hit(passage(pid=f"p{i}"), 0.9 - i / 10) for i in range(5)]
    reply = answer_reply("iuran JKP", "id", result(*hits), start=2, limit=3)
    assert [p.id for p in reply.passages] == ["p2", "p3", "p4"]
    assert reply.html.startswith("🔎 Kutipan lain tentang")
    assert reply.html.count("📄") == 3


@pytest.mark.parametrize("body", ["kata " * 2000, "🙂" * 3000, "& < > " * 1500])
def test_long_passages_are_shortened_to_fit_telegram(body):
    hits = [hit(passage(text=body, pid=f"p{i}"), span=(0, len(body))) for i in range(3)]
    for reply in (answer_reply("x " * 3000, "id", result(*hits)), answer_reply("x " * 3000, "id", result(*hits), start=1)):
        assert telegram_length(reply.html) <= MAX_MESSAGE
        assert len(reply.plain) <= MAX_MESSAGE
        assert_telegram_html(reply.html)
        assert reply.passages and "…" in reply.html


def test_health_quotes_point_to_bpjs_kesehatan():
    reply = answer_reply("iuran jkn", "id", result(hit(passage(program="JKN", url=None))))
    assert "Care Center 165" in reply.html and "175" not in reply.html
    assert '<a href="https://www.bpjs-kesehatan.go.id">' in reply.html


def test_no_answer_is_honest_and_lists_topics_in_plain_text():
    topics = [("JKP", "Jaminan Kehilangan Pekerjaan"), ("JHT", "Jaminan Hari Tua")]
    reply = no_answer_reply("resep <rendang>", "id", topics)
    assert_telegram_html(reply.html)
    assert "resep &lt;rendang&gt;" in reply.html and "<blockquote>" not in reply.html
    assert "telepon 175" in reply.html and "Care Center 165" in reply.html
    assert "• Jaminan Kehilangan Pekerjaan\n• Jaminan Hari Tua" in reply.plain
    assert "• Jaminan" not in reply.html  # in Telegram the topics are buttons


def test_a_question_no_bpjs_program_handles_is_refused_without_topics_or_channels():
    reply = off_topic_reply("thr <lebaran> kapan", "id")
    assert_telegram_html(reply.html)
    assert "thr &lt;lebaran&gt; kapan" in reply.html and "bukan soal program BPJS" in reply.html
    assert "175" not in reply.html and "165" not in reply.html and "dicatat" not in reply.html


def test_contact_reply_gives_the_official_channels():
    tk = contact_reply(["tk"], "id")
    assert_telegram_html(tk.html)
    assert "Call center 175" in tk.html and "165" not in tk.html and "lapor.go.id" in tk.html
    both = contact_reply(["tk", "kes", "nonsense"], "en")
    assert "Call center 175" in both.html and "Care Center 165" in both.html and "PANDAWA" in both.html


def test_sources_reply_details_and_missing_documents():
    reply = sources_reply([passage(), None], "id")
    assert_telegram_html(reply.html)
    assert "Bagian: JKP &lt;manfaat&gt; &amp; iuran: rincian › Iuran" in reply.html
    assert "Dokumen ini sudah tidak ada di indeks terbaru." in reply.html
    assert "Berlaku sampai" not in reply.html
    assert "Berlaku sampai: 31 Maret 2027" in sources_reply([passage(valid_until="2027-03-31")], "id").html  # a temporary rule


def test_unsafe_urls_are_not_linked():
    reply = answer_reply("iuran jkp", "id", result(hit(passage(url="javascript:alert(1)"))))
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
    assert to_plain('<a href="https://www.x.go.id/">x.go.id</a>') == "x.go.id"
    assert visible_text('<b>a</b> &lt; <a href="https://x.id">x.id</a>') == "a < x.id"
