"""Real telegram.Update objects through the real Application, with every Bot API call recorded."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from telegram.constants import ParseMode

from bot.reply import MAX_VISIBLE, visible_text
from bot.texts import t
from tests.bot.conftest import ADMIN_ID
from tests.bot.offline import sends
from tests.harness import BOT, GROUP, assert_telegram_html, buttons, message

# PTB itself warns about the int form of RetryAfter.retry_after when one is built.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")
MAX_CALLBACK_BYTES = 64


def only_send(calls) -> dict:
    sent = sends(calls)
    assert len(sent) == 1, [c.method for c in calls]
    return sent[0]


def answer_calls(calls, method: str) -> list[dict]:
    return [c.params for c in calls if c.method == method]


# -- private chats ---------------------------------------------------------------------------


async def test_private_question_gets_the_answer_first_with_one_source_line_and_buttons(harness):
    sent = only_send(await harness.text("apa itu JKP?"))
    text = sent["text"]
    assert sent["parse_mode"] == ParseMode.HTML
    assert_telegram_html(text)
    # the answer sentence first, in bold, then the rest of its passage
    assert re.match(r"<blockquote><b>[^<]*Jaminan Kehilangan Pekerjaan \(JKP\) adalah [^<]+</b>", text)
    assert "apa itu JKP" not in text  # no lead line echoing the question
    source_lines = [line for line in text.splitlines() if line.startswith("📄")]
    assert source_lines == [
        '📄 <b>Jaminan Kehilangan Pekerjaan (JKP)</b> · per 7 Februari 2025 · '
        '<a href="https://www.bpjsketenagakerjaan.go.id/jkp">bpjsketenagakerjaan.go.id/jkp</a>'
    ] * text.count("<blockquote>")
    assert len(visible_text(text)) <= MAX_VISIBLE  # one phone screen
    quotes = [q.split("</blockquote>")[0] for q in text.split("<blockquote>")[1:]]
    assert len(set(quotes)) == len(quotes)  # no quote twice
    assert "telepon 175" in text  # the footer points to the official channel
    assert "reply_parameters" not in sent  # private answers do not quote the question
    labels = [b["text"] for b in buttons(sent)]
    assert labels == ["Jawaban lain", "Sumber", "👍", "👎", "☎️ Hubungi petugas"]
    for button in buttons(sent):
        assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES


async def test_corpus_text_is_escaped(harness):
    # The JKP fixture says "terkena PHK & masih ingin bekerja": the & must reach Telegram as &amp;.
    text = only_send(await harness.text("siapa penerima manfaat JKP"))["text"]
    assert "PHK &amp; masih" in text
    assert_telegram_html(text)


async def test_html_and_markdown_in_the_question_are_escaped(harness):
    question = '<b>iuran</b> JHT & <a href="x">JKN</a> *tebal* _miring_ `kode`?'
    sent = only_send(await harness.press(data_of(await first_answer(harness, question), "Jawaban lain")))
    text = sent["text"]  # the "more" page names the question it continues
    assert_telegram_html(text)
    assert "&lt;b&gt;iuran&lt;/b&gt; JHT &amp; &lt;a href=&quot;x&quot;&gt;" in text
    assert "<b>iuran</b>" not in text


async def test_a_4000_character_message_is_answered_within_the_limit(harness):
    question = "Bagaimana cara mencairkan JHT setelah resign? " + "tolong jelaskan " * 250
    assert len(question) >= 4000
    sent = only_send(await harness.text(question[:4096]))
    assert len(sent["text"]) <= 4096
    assert_telegram_html(sent["text"])
    first_line = sent["text"].split("\n", 1)[0]
    assert first_line.startswith("<blockquote><b>") or "…" in first_line  # the answer first, or a shortened echo in a refusal


async def test_english_question_gets_english_framing_around_indonesian_quotes(harness):
    text = only_send(await harness.text("What is JKP?", language="en"))["text"]
    assert re.match(r"<blockquote><b>[^<]*Jaminan Kehilangan Pekerjaan \(JKP\) adalah [^<]+</b>", text)
    assert "Quoted from Indonesian documents" in text
    assert "as of 7 February 2025" in text and "phone 175" in text


async def test_other_language_gets_a_bilingual_note(harness):
    text = only_send(await harness.text("Qu'est-ce que la cotisation de retraite pour les travailleurs ?"))["text"]
    assert "Saya memahami pertanyaan dalam Bahasa Indonesia" in text
    assert "I understand questions in Indonesian and English" in text


async def test_unanswerable_question_is_honest_offers_topics_and_is_logged(harness):
    sent = only_send(await harness.text("resep rendang padang yang enak"))
    text = sent["text"]
    assert "belum menemukan jawaban yang cukup yakin" in text
    assert "<blockquote>" not in text  # nothing is quoted when nothing is confident
    assert "telepon 175" in text and "Care Center 165" in text
    topic_buttons = buttons(sent)[:-1]
    assert buttons(sent)[-1]["text"] == "☎️ Hubungi petugas"  # the hand-off, under refusals too
    assert 1 <= len(topic_buttons) <= 3
    assert all(b["callback_data"].startswith("t:id:") for b in topic_buttons)
    assert {b["text"] for b in topic_buttons} <= {"Jaminan Hari Tua", "Jaminan Kesehatan Nasional", "Jaminan Kehilangan Pekerjaan"}
    store = harness.app.bot_data["services"].store
    assert store.stats().top_unanswered == (("resep rendang padang yang enak", 1),)


async def test_sticker_and_photo_get_a_hint_in_private(harness):
    sticker = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "is_animated": False, "is_video": False, "type": "regular"}
    photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
    for extra in ({"sticker": sticker}, {"photo": photo}, {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}):
        sent = only_send(await harness.process({"message": message(None, **extra)}))
        assert "hanya bisa membaca pertanyaan berupa teks" in sent["text"]


async def test_unknown_command_in_private_points_to_help(harness):
    assert "/help" in only_send(await harness.text("/entahlah"))["text"]


# -- groups ----------------------------------------------------------------------------------


async def test_group_chatter_gets_silence(harness):
    assert await harness.text("siang semua, ada yang mau makan bakso?", chat="group") == []
    assert await harness.text("JHT saya kapan cair ya", chat="group") == []  # not addressed to the bot


async def test_group_non_text_gets_silence(harness):
    photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
    assert await harness.process({"message": message(None, chat=GROUP, photo=photo)}) == []


async def test_group_tanya_with_question_answers_quoting_the_message(harness):
    calls = await harness.text(f"/tanya@{BOT['username']} berapa iuran JHT?", chat="group")
    sent = only_send(calls)
    assert sent["chat_id"] == GROUP["id"]
    assert "5,7% dari upah" in sent["text"]
    assert sent["reply_parameters"]["message_id"] > 0  # in a busy group the answer quotes the question


async def test_group_tanya_alone_gets_usage_hint(harness):
    sent = only_send(await harness.text("/tanya", chat="group"))
    assert "/tanya apa itu JKP?" in sent["text"]
    assert buttons(sent) == []


async def test_group_mention_is_answered_without_the_mention(harness):
    sent = only_send(await harness.text(f"@{BOT['username']} iuran JKN pekerja berapa?", chat="group"))
    assert sent["text"].startswith("<blockquote><b>Iuran Jaminan Kesehatan Nasional (JKN)")  # the same compact form
    assert "4% dibayar pemberi kerja" in sent["text"] and f"@{BOT['username']}" not in sent["text"]
    assert sent["reply_parameters"]["message_id"] > 0


async def test_group_mention_alone_gets_usage_hint(harness):
    assert "Tulis pertanyaan Anda" in only_send(await harness.text(f"@{BOT['username']}", chat="group"))["text"]


async def test_mention_of_someone_else_is_ignored(harness):
    assert await harness.text("@BudiSantoso iuran JHT berapa?", chat="group") == []


async def test_group_reply_to_the_bot_is_answered(harness):
    sent = only_send(await harness.text("kalau JHT bisa dicairkan kapan?", chat="group", reply_to_bot=True))
    assert "usia pensiun 56 tahun" in sent["text"]


# -- buttons ---------------------------------------------------------------------------------


async def first_answer(harness, question: str = "apa itu JKP?") -> dict:
    return only_send(await harness.text(question))


def data_of(sent: dict, label: str) -> str:
    return next(b["callback_data"] for b in buttons(sent) if b["text"] == label)


async def test_more_answers_button_sends_the_next_passages(harness):
    sent = await first_answer(harness)
    first_quotes = sent["text"].count("<blockquote>")
    calls = await harness.press(data_of(sent, "Jawaban lain"))
    assert answer_calls(calls, "answerCallbackQuery")
    more = only_send(calls)
    assert more["text"].startswith("🔎 Kutipan lain tentang “<i>apa itu JKP?</i>”")
    assert_telegram_html(more["text"])
    quoted_before = set(sent["text"].split("<blockquote>")[1:first_quotes + 1])
    assert not quoted_before & set(more["text"].split("<blockquote>")[1:])  # new passages only
    for button in buttons(more):
        assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES


async def test_more_answers_runs_out_politely(harness):
    # The fixture index has 6 passages: paging past them answers the callback with a notice.
    sent = await first_answer(harness)
    question_id = data_of(sent, "Jawaban lain").split(":")[1]
    calls = await harness.press(f"m:{question_id}:99", seal=True)
    assert sends(calls) == []
    assert answer_calls(calls, "answerCallbackQuery")[0]["text"] == "Tidak ada kutipan lain untuk pertanyaan ini."


async def test_feedback_buttons_are_stored_once_per_user(harness):
    sent = await first_answer(harness)
    calls = await harness.press(data_of(sent, "👍"))
    assert answer_calls(calls, "answerCallbackQuery")[0]["text"].startswith("Terima kasih")
    await harness.press(data_of(sent, "👎"))  # the same user changes their mind
    await harness.press(data_of(sent, "👍"), user_id=2002)  # another user may not vote on it
    stats = harness.app.bot_data["services"].store.stats()
    assert (stats.helpful, stats.unhelpful) == (0, 1)


async def test_sources_button_shows_document_details(harness):
    sent = await first_answer(harness)
    details = only_send(await harness.press(data_of(sent, "Sumber")))["text"]
    assert_telegram_html(details)
    assert details.startswith("📚 <b>Sumber kutipan</b>")
    assert "Dasar / sumber: PP No. 37 Tahun 2021 jo. PP No. 6 Tahun 2025" in details
    assert "Berlaku per: 7 Februari 2025" in details


async def test_contact_button_sends_the_official_channels(harness):
    sent = await first_answer(harness, "berapa iuran JKN pekerja")
    contact = only_send(await harness.press(data_of(sent, "☎️ Hubungi petugas")))["text"]
    assert_telegram_html(contact)
    assert "Care Center 165" in contact and "PANDAWA" in contact and "175" not in contact
    refusal = only_send(await harness.text("zzqx wvut"))
    assert "☎️ Hubungi petugas" in [b["text"] for b in buttons(refusal)]  # refusals hand off too
    calls = await harness.press(data_of(sent, "☎️ Hubungi petugas"), user_id=6666)
    assert sends(calls) == []  # sealed like every button


async def test_topic_button_answers_the_topic(harness):
    sent = only_send(await harness.text("resep rendang padang yang enak"))
    jht = next(b["callback_data"] for b in buttons(sent) if b["text"] == "Jaminan Hari Tua")
    answer = only_send(await harness.press(jht))
    assert answer["text"].startswith("<blockquote><b>") and "Jaminan Hari Tua (JHT)" in answer["text"]


ODD_DATA = ("m:999999:3", "m:x:y", "m:²:0", "m:99999999999999999999999:0", "f:999999:+", "f:1:?", "f:²:+",
            "s:", "s:nosuchpassage", "t:id:NOPE", "zz:1", "", ":", "m::", "m:1:0:" + "x" * 30)


async def test_stale_or_forged_buttons_do_not_crash(harness):
    for data in ODD_DATA:
        for seal in (False, True):  # forged as sent, and as if sealed for this very user
            calls = await harness.press(data, seal=seal and len(data) < 40)
            answered = answer_calls(calls, "answerCallbackQuery")
            assert answered, data  # the spinner always stops
            assert answered[0].get("text") != t("error", "id"), data  # handled, not an exception
            if not seal:
                assert sends(calls) == [], data  # unsealed data is never acted on


async def test_another_users_buttons_reveal_nothing(harness):
    secret = "nama saya Siti, email siti@example.com, apa itu JKP?"
    sent = only_send(await harness.text(secret, user_id=1001))
    for label in ("Jawaban lain", "👍", "Sumber"):
        calls = await harness.press(data_of(sent, label), user_id=6666)  # another user presses the same data
        assert sends(calls) == [], label
        (answered,) = answer_calls(calls, "answerCallbackQuery")
        assert answered["text"] == t("expired", "id")
        assert "Siti" not in str(calls)
    # Forging the sequential id, or re-sealing it for oneself, gets nothing either.
    question_id = data_of(sent, "Jawaban lain").split(":")[1]
    for data in (f"m:{question_id}:0", f"m:{question_id}:1"):
        calls = await harness.press(data, user_id=6666)
        assert sends(calls) == [] and "Siti" not in str(calls)
    stats = harness.app.bot_data["services"].store.stats()
    assert (stats.helpful, stats.unhelpful) == (0, 0)  # nobody voted on her answer


async def test_buttons_of_one_chat_do_not_work_in_another(harness):
    sent = only_send(await harness.text("apa itu JKP?", user_id=1001))
    calls = await harness.press(data_of(sent, "Jawaban lain"), chat="group", user_id=1001)
    assert sends(calls) == []


async def test_buttons_count_against_the_user_limit(harness):
    # settings: 5 questions a minute. One question, then presses of "Jawaban lain" and "Sumber".
    sent = await first_answer(harness)
    more, sources = data_of(sent, "Jawaban lain"), data_of(sent, "Sumber")
    sent_after = []
    for i in range(10):
        calls = await harness.press(more if i % 2 else sources)
        sent_after += sends(calls)
        assert answer_calls(calls, "answerCallbackQuery")  # every press gets an answer
    assert len(sent_after) == 4  # 5 allowed in the window, the question took one
    assert len(sends(await harness.text("apa itu JHT?"))) == 0  # and questions stay limited


# -- inline mode -----------------------------------------------------------------------------


async def test_inline_query_offers_quotes(harness):
    calls = await harness.inline("berapa iuran JHT")
    (answer,) = answer_calls(calls, "answerInlineQuery")
    results = answer["results"]
    assert 1 <= len(results) <= 10
    assert answer["cache_time"] <= 60
    top = results[0]
    assert top["title"].startswith("Jaminan Hari Tua (JHT)")
    assert "5,7%" in top["description"]
    content = top["input_message_content"]
    assert content["parse_mode"] == ParseMode.HTML
    assert_telegram_html(content["message_text"])
    assert "<blockquote>" in content["message_text"] and "📄 <b>Jaminan Hari Tua (JHT)</b>" in content["message_text"]
    assert len({r["id"] for r in results}) == len(results)


async def test_empty_inline_query_offers_topics(harness):
    calls = await harness.inline("")
    (answer,) = answer_calls(calls, "answerInlineQuery")
    titles = [r["title"] for r in answer["results"]]
    assert set(titles) == {"Jaminan Hari Tua", "Jaminan Kesehatan Nasional", "Jaminan Kehilangan Pekerjaan"}
    for result in answer["results"]:
        assert_telegram_html(result["input_message_content"]["message_text"])


async def test_inline_query_without_confident_answer_says_so(harness):
    (answer,) = answer_calls(await harness.inline("resep rendang padang"), "answerInlineQuery")
    assert [r["title"] for r in answer["results"]] == ["Belum ada jawaban yang yakin"]


# -- commands --------------------------------------------------------------------------------


async def test_start_help_topik_tentang(harness):
    start = only_send(await harness.text("/start"))["text"]
    assert "apa itu JKP?" in start and "berapa iuran JHT?" in start
    help_text = only_send(await harness.text("/help"))["text"]
    assert f"@{BOT['username']}" in help_text and "/tanya" in help_text
    topics = only_send(await harness.text("/topik"))
    assert len(buttons(topics)) == 3
    about = only_send(await harness.text("/tentang"))["text"]
    assert "4 dokumen, 6 kutipan" in about and "UMUM" not in about and "<code>fake</code>" in about
    for text in (start, help_text, topics["text"], about):
        assert_telegram_html(text)


async def test_start_in_english_for_english_users(harness):
    assert only_send(await harness.text("/start", language="en"))["text"].startswith("Hello!")


async def test_admin_commands_are_refused_for_non_admins(harness):
    for command in ("/reload", "/stats"):
        assert only_send(await harness.text(command))["text"] == "Perintah ini hanya untuk admin."


async def test_admin_stats_and_reload(harness):
    await harness.text("apa itu JKP?")
    await harness.text("resep rendang padang")
    stats = only_send(await harness.text("/stats", user_id=ADMIN_ID))["text"]
    assert "Pertanyaan: 2" in stats and "Terjawab: 1 (50%)" in stats and "1× resep rendang padang" in stats
    reload = only_send(await harness.text("/reload", user_id=ADMIN_ID))["text"]
    assert reload.startswith("✅ Indeks dimuat ulang: 4 dokumen, 6 kutipan")


# -- load and faults -------------------------------------------------------------------------


async def test_per_user_flood_limit_answers_politely_once(harness):
    replies = [sends(await harness.text("apa itu JHT?")) for _ in range(8)]
    texts = [r[0]["text"] if r else None for r in replies]
    assert all("<blockquote>" in t for t in texts[:5])  # the limit is 5 per minute in the fixture
    assert "Pelan-pelan ya" in texts[5]
    assert texts[6:] == [None, None]  # told once, then quiet
    assert sends(await harness.text("apa itu JHT?", user_id=3003))  # other users are unaffected


async def test_concurrent_questions_are_all_answered(harness):
    questions = [harness.text("berapa iuran JKN pekerja", user_id=5000 + i) for i in range(12)]
    await asyncio.gather(*questions)
    chats = sorted(p["chat_id"] for p in harness.request.sent() if "<blockquote>" in p["text"])
    assert chats == [5000 + i for i in range(12)]


async def test_unparsable_html_falls_back_to_plain_text(harness):
    harness.request.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unexpected end tag")
    calls = await harness.text("apa itu JKP?")
    first, second = sends(calls)
    assert first["parse_mode"] == ParseMode.HTML
    assert "parse_mode" not in second
    assert re.match(r"“[^”]*Jaminan Kehilangan Pekerjaan \(JKP\) adalah", second["text"]) and "<b>" not in second["text"]


async def test_flood_wait_is_retried(harness):
    harness.request.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    calls = await harness.text("apa itu JKP?")
    first, second = sends(calls)
    assert first == second and "<blockquote>" in second["text"]


async def test_errors_are_handled_and_the_bot_keeps_running(harness, caplog):
    harness.request.fail_next("sendMessage", 400, "Bad Request: chat not found")
    harness.request.fail_next("sendMessage", 400, "Bad Request: chat not found")
    calls = await harness.text("apa itu JKP?")
    assert len(sends(calls)) == 2  # the answer failed; the error handler told the user
    assert "failed" in caplog.text
    assert len(sends(await harness.text("apa itu JHT?"))) == 1


async def test_maintenance_message_when_no_index_is_loaded(harness):
    harness.app.bot_data["services"].live._retriever = None
    assert "sedang dalam pemeliharaan" in only_send(await harness.text("apa itu JKP?"))["text"]


async def test_stored_questions_are_masked_and_users_hashed(harness):
    await harness.text("NIK saya 3201234567890001 hp 081234567890, JHT kapan cair?", user_id=777001)
    db = harness.app.bot_data["services"].store
    with db.database.transaction() as run:
        rows = run("SELECT user_hash, question FROM questions").fetchall()
    assert rows == [(db.user_hash(777001), "NIK saya [NIK] hp [TELEPON], JHT kapan cair?")]
    assert "777001" not in rows[0][0]
    path = db.database.path
    raw = path.read_bytes() + (path.parent / (path.name + "-wal")).read_bytes()
    assert b"3201234567890001" not in raw and b"081234567890" not in raw


async def test_token_is_not_in_what_the_bot_sends(harness):
    calls = await harness.text("apa itu JKP?")
    assert "AAH-test-token" not in json.dumps([c.params for c in calls])
    assert BOT["username"]


async def test_a_bug_in_search_is_maintenance_not_an_unanswered_question(harness, monkeypatch, caplog):
    retriever = harness.app.bot_data["services"].live.retriever

    def broken(question):
        raise RuntimeError("a bug")

    monkeypatch.setattr(retriever, "candidates", broken)
    sent = only_send(await harness.text("apa itu JKP?"))
    assert sent["text"] == t("maintenance", "id")
    assert harness.app.bot_data["services"].store.stats().questions == 0  # not logged as unanswered
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "answering failed" in errors[0].getMessage()  # logged once, as a failure
