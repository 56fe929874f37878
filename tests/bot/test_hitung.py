"""Hitung in the bot: numeric questions read, computed and rendered; /hitung and natural questions in Telegram.

Expected totals are worked out by hand below each question from the rates of `corpus/tarif.yaml`
in force on 1 December 2026: JHT 3,7% + 2%; JP 2% + 1% up to Rp11.086.300 (Rp10.547.400 until
28 February 2026); JKK 0,24/0,54/0,89/1,27/1,74%; JKM 0,3%; JKP 0,22% (government) up to
Rp5.000.000; JKN PPU 4% + 1% up to Rp12.000.000, +1% per extra member; JKN mandiri
Rp150.000/Rp100.000/Rp42.000 (class III: Rp35.000 + Rp7.000 subsidy); BPU JKK 1% (Rp10.000 to
Rp207.000), JKM Rp6.800, JHT 2%; JKP benefit 60% x capped wage x 6 months; penalty 5% x bill x
months (at most 12), at most Rp30.000.000; JHT partial claim 10% (30% for a house).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import hitung as bh
from bot.app import build_application
from bot.handlers import hitung as handlers
from bot.hitung import Request, answer, compute, numeric_request, render
from bot.settings import Settings
from index.hitung import HitungError, load_rates
from tests.bot.conftest import ADMIN_ID
from tests.bot.offline import TOKEN, Harness, RecordingRequest, sends
from tests.harness import assert_telegram_html, buttons

REAL_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def rates():
    return load_rates(REAL_CORPUS)


def computed(rates, question: str):
    request = numeric_request(question, today=DAY)
    assert request is not None, question
    assert not request.error and not request.missing, (question, request)
    return request, compute(rates, replace(request, on=request.on or DAY))


# (question, kind, total, the worker's or participant's share or None)
QUESTIONS = [
    # 6jt: JHT 222.000+120.000, JP 120.000+60.000, JKK 14.400, JKM 18.000, JKP 0,22% x 5jt = 11.000, JKN 240.000+60.000
    ("gaji 6 juta potong bpjs berapa?", "iuran", 865_400, 240_000),
    ("gaji enam juta potong bpjs berapa", "iuran", 865_400, 240_000),
    # 4,5jt, BPJS TK only: 166.500+90.000 + 90.000+45.000 + 10.800 + 13.500 + 9.900
    ("gaji saya 4.500.000, potongan bpjs ketenagakerjaan berapa?", "iuran", 425_700, 135_000),
    # 15jt: JHT 555.000+300.000, JP capped 221.726+110.863, JKK 36.000, JKM 45.000, JKP 11.000, JKN capped 480.000+120.000
    ("upah 15jt dipotong bpjs berapa", "iuran", 1_879_589, 530_863),
    # 9 million: 333.000+180.000 + 180.000+90.000 + 21.600 + 27.000 + 11.000 + 360.000+90.000
    ("how much bpjs deduction for salary 9 million?", "iuran", 1_292_600, 360_000),
    # JP only: 2% and 1% of 10jt
    ("Rp 10.000.000 gaji, potongan jp berapa", "iuran", 300_000, 100_000),
    # JP only, capped at 11.086.300: 221.726 + 110.863
    ("gaji 12 juta potongan jaminan pensiun berapa", "iuran", 332_589, 110_863),
    # JHT only: 3,7% and 2% of 5,5jt
    ("potongan jht kalau gaji 5,5 juta berapa", "iuran", 313_500, 110_000),
    ("gaji 6 juta 500 ribu potongan jht berapa", "iuran", 370_500, 130_000),
    # TK, risk group 3 (0,89%): 296.000+160.000 + 160.000+80.000 + 71.200 + 24.000 + 11.000
    ("gaji 8jt risiko sedang iuran bpjs tk berapa", "iuran", 802_200, 240_000),
    # JKK only, group 5: 1,74% x 7jt
    ("gaji 7 juta kelompok risiko 5 iuran jkk berapa", "iuran", 121_800, 0),
    # JKN PPU: 4% + 1% of 6jt
    ("gaji 6 juta potong bpjs kesehatan berapa", "jkn_ppu", 300_000, 60_000),
    ("Rp6.000.000 potong bpjs kesehatan berapa?", "jkn_ppu", 300_000, 60_000),
    # capped at 12jt: 480.000 + 120.000
    ("gaji 20 juta iuran bpjs kesehatan berapa", "jkn_ppu", 600_000, 120_000),
    # 4th child: +1% of 5jt
    ("gaji 5 juta, anak 4, iuran bpjs kesehatan berapa", "jkn_ppu", 300_000, 100_000),
    # father and mother: +2 x 1% of 6jt
    ("gaji 6 juta tambah ibu dan ayah iuran jkn berapa", "jkn_ppu", 420_000, 180_000),
    # wage below the regional minimum: computed on 4,5jt
    ("gaji 3 juta umk 4,5 juta potongan bpjs kesehatan berapa", "jkn_ppu", 225_000, 45_000),
    # JKN mandiri
    ("iuran bpjs kesehatan sekeluarga 4 orang kelas 2 berapa?", "jkn_mandiri", 400_000, None),
    ("bpjs kesehatan mandiri kelas 1 untuk 3 orang berapa", "jkn_mandiri", 450_000, None),
    ("iuran bpjs kelas 3 berapa sebulan", "jkn_mandiri", 42_000, 35_000),
    ("saya, istri dan 2 anak ikut bpjs kesehatan kelas III, berapa totalnya?", "jkn_mandiri", 168_000, 140_000),
    ("kelas dua sekeluarga lima orang bpjs kesehatan berapa", "jkn_mandiri", 500_000, None),
    ("bpjs kesehatan kelas 2 brp sebulan", "jkn_mandiri", 100_000, None),
    # JKP: 60% x min(wage, 5jt) x 6
    ("kalau kena phk gaji 7 juta dapat jkp berapa?", "jkp", 18_000_000, None),
    ("di-PHK, upah terakhir 4 juta, uang tunai JKP berapa?", "jkp", 14_400_000, None),
    ("manfaat jkp untuk gaji 5 juta berapa", "jkp", 18_000_000, None),
    ("phk gaji 3,5jt dapat berapa", "jkp", 12_600_000, None),
    ("jkp gaji 5.000.001 dapat berapa", "jkp", 18_000_000, None),
    # Penalty: 5% x 20jt x 8; 5% x 10jt x 12 (15 months count as 12); 5% x 150jt x 6 = 45jt, capped at 30jt
    ("nunggak 8 bulan terus dirawat biaya 20 juta dendanya berapa?", "denda", 8_000_000, None),
    ("denda bpjs kesehatan telat 15 bulan, biaya rawat inap 10 juta berapa", "denda", 6_000_000, None),
    ("tunggakan 6 bulan, opname habis 150 juta, denda berapa", "denda", 30_000_000, None),
    # JHT partial claim
    ("saldo jht 50 juta bisa cair 10% berapa", "jht", 5_000_000, None),
    ("saldo JHT 80jt mau ambil 30% buat rumah dapat berapa", "jht", 24_000_000, None),
    ("jht saya 120 juta, klaim sebagian untuk dp rumah berapa", "jht", 36_000_000, None),
    # BPU: JKK 1% (at least 10.000, at most 207.000) + JKM 6.800 (+ JHT 2% when asked), JKK and JKM
    # halved by PP 50/2025 (on 1 December 2026 for every sector): 46.800 -> 23.400; 16.800 -> 8.400;
    # 207.000 + 6.800 = 213.800 -> 106.900, + JHT 600.000
    ("ojol penghasilan 4 juta iuran bpjs ketenagakerjaan berapa", "bpu", 23_400, None),
    ("iuran bpu penghasilan 500 ribu berapa", "bpu", 8_400, None),
    ("pekerja mandiri penghasilan 30 juta, iuran bpjs tk plus jht berapa", "bpu", 706_900, None),
    # English: the same sums
    ("how much is deducted from a 6 million salary for bpjs", "iuran", 865_400, 240_000),
    ("my salary is 9 million, how much is the bpjs health contribution", "jkn_ppu", 450_000, 90_000),
    ("laid off, last salary 7 million, how much jkp do I get", "jkp", 18_000_000, None),
]


def test_there_are_at_least_30_numeric_questions():
    assert len(QUESTIONS) >= 30


@pytest.mark.parametrize(("question", "kind", "total", "share"), QUESTIONS, ids=[q for q, *_ in QUESTIONS])
def test_numeric_questions_get_the_right_totals(rates, question, kind, total, share):
    request, calc = computed(rates, question)
    assert request.kind == kind
    assert calc.total == total
    if share is not None:
        payer = "peserta" if kind == "jkn_mandiri" else "pekerja"
        assert calc.total_for(payer) == share


def test_dates_in_the_question_pick_the_jp_cap(rates):
    # 28 February 2026: cap 10.547.400 -> 210.948 + 105.474; 1 March 2026: cap 11.086.300 -> 221.726 + 110.863
    request, calc = computed(rates, "gaji 12 juta potongan jp per 28 februari 2026 berapa")
    assert request.on == dt.date(2026, 2, 28) and calc.total == 316_422
    request, calc = computed(rates, "gaji 12 juta potongan jp per 1 maret 2026 berapa")
    assert request.on == dt.date(2026, 3, 1) and calc.total == 332_589
    request, calc = computed(rates, "gaji 12 juta potongan jp 2026-02-28 berapa")
    assert calc.total == 316_422


@pytest.mark.parametrize(
    "question",
    [
        "apa itu JKP?",
        "berapa iuran JHT?",
        "cara klaim jht setelah resign",
        "berapa lama jkp dibayar setelah 6 bulan?",
        "iuran bpjs kesehatan mandiri berapa?",
        "apakah JKN menanggung persalinan?",
        "gaji saya 6 juta tapi tidak didaftarkan bpjs, lapor ke mana?",
        "syarat klaim jht 10 tahun berapa?",
        "Untuk keperluan apa JHT sebagian 30% dapat digunakan?",
        "gaji dipotong bpjs tk tp saldo jht gk nambah2",
        "kapan jp cair umur 56 berapa tahun lagi",
        "",
    ],
)
def test_questions_for_the_sources_are_left_to_the_search(question):
    assert numeric_request(question, today=DAY) is None


@pytest.mark.parametrize(
    ("question", "kind", "missing"),
    [
        ("nunggak 8 bulan terus dirawat dendanya berapa?", "denda", "amount"),
        ("iuran bpjs kesehatan sekeluarga 4 orang berapa", "jkn_mandiri", "kelas"),
        ("tolong hitung potongan bpjs gaji saya", "iuran", "amount"),
        ("hitung dong", "", "kind"),
    ],
)
def test_incomplete_questions_name_what_is_missing(question, kind, missing):
    request = numeric_request(question, today=DAY)
    assert request is not None and request.kind == kind and request.missing == missing
    assert request.question()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("gaji -5 juta potong bpjs berapa", "negatif"),
        ("gaji minus 500rb potongan bpjs berapa", "negatif"),
        ("gaji 5000 triliun potongan bpjs berapa", "terlalu besar"),
        ("gaji 6.5.5 juta potongan bpjs berapa", "Tidak bisa membaca"),
        ("gaji 6 potong bpjs berapa", "Maksudnya 6 juta"),
        ("kelas 7 bpjs kesehatan berapa", "Kelas JKN mandiri harus 1, 2, atau 3"),
        ("sekeluarga 50 orang kelas 1 bpjs kesehatan berapa", "terlalu banyak"),
        ("nunggak 5000 bulan dirawat biaya 10 juta denda berapa", "terlalu banyak"),
        ("gaji 6 juta potongan jp per 31 februari 2026 berapa", "tidak ada di kalender"),
        ("gaji 6 juta potongan jp per 1 januari 2010 berapa", "Belum ada angka resmi"),
    ],
)
def test_bad_numbers_get_a_clear_message(rates, question, expected):
    request, reply, calc = answer(rates, question, today=DAY)
    assert request is not None and calc is None
    assert expected in reply.plain
    assert_telegram_html(reply.html)


def test_nothing_crashes_on_random_text(rates):
    pieces = ["gaji", "upah", "kelas", "orang", "bulan", "denda", "jht", "jkp", "phk", "10%", "-", "rp", "juta", "jt",
              "rb", "m", "0", "7", "1.000", "6,5", "999999999999999", "berapa", "hitung", "bpjs kesehatan", "ii", "²", "\n"]  # fmt: skip
    rng = random.Random(7)
    for _ in range(1500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))
        request, reply, calc = answer(rates, text, forced=rng.random() < 0.5, today=DAY)
        if request is not None:
            assert reply is not None and reply.plain
            assert_telegram_html(reply.html)


def test_the_reply_shows_rates_caps_totals_date_and_regulations(rates):
    request, calc = computed(rates, "upah 15jt dipotong bpjs berapa")
    reply = render(calc, request)
    assert_telegram_html(reply.html)
    text = reply.plain
    assert "Tarif per 1 Desember 2026" in text
    assert "JP, dipotong dari gaji: 1% x Rp11.086.300 (batas Rp11.086.300) = Rp110.863" in text
    assert "Total: Rp1.879.589" in text
    assert "Pekerja (dipotong dari gaji): Rp530.863" in text and "Pemberi kerja: Rp1.337.726" in text
    assert "Upah Rp15.000.000 dibatasi batas upah JP Rp11.086.300." in text
    assert "PP No. 45 Tahun 2015" in text and "Perpres No. 82 Tahun 2018" in text
    assert len(reply.html) < 2500  # fits a phone screen or two, far from Telegram's 4096


def test_every_kind_renders(rates):
    for kind in bh.KINDS:
        request = Request(kind=kind, amount=6_000_000, kelas=2, bulan=3, on=DAY)
        reply = render(compute(rates, request), request)
        assert_telegram_html(reply.html)
        assert "Tarif per 1 Desember 2026" in reply.plain and "Rp" in reply.plain


def test_an_incomplete_request_cannot_be_computed(rates):
    with pytest.raises(HitungError, match="gaji"):
        compute(rates, Request(kind="iuran"))


def test_merge_completes_a_waiting_request():
    waiting = numeric_request("nunggak 8 bulan terus dirawat dendanya berapa?", today=DAY)
    merged = waiting.merge(numeric_request("20 juta", forced=True, kind="denda", today=DAY))
    assert merged.kind == "denda" and merged.amount == 20_000_000 and merged.bulan == 8 and not merged.missing
    jkn = Request(kind="jkn").merge(numeric_request("kelas 2", forced=True, today=DAY))
    assert jkn.kind == "jkn_mandiri" and jkn.kelas == 2


def test_json_form(rates):
    request, calc = computed(rates, "gaji 6 juta potong bpjs kesehatan berapa")
    data = bh.to_json(calc, request)
    assert data["total"] == 300_000 and data["by_payer"] == {"pemberi kerja": 240_000, "pekerja": 60_000}
    assert data["lines"][0]["rate_percent"] == 4.0 and data["lines"][0]["cap"] == 12_000_000
    json.dumps(data)


# --- the console ------------------------------------------------------------------------------


def _console(argv, capsys):
    import argparse

    from index.console import run

    parser = argparse.ArgumentParser()
    bh.add_arguments(parser)
    args = parser.parse_args(argv)
    code = run(lambda: bh.cmd_hitung(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_console_prints_what_telegram_sends(rates, capsys):
    code, out, _ = _console(["--corpus", str(REAL_CORPUS), "--tanggal", "2026-12-01", "gaji", "6", "juta"], capsys)
    assert code == 0
    request = replace(numeric_request("gaji 6 juta", forced=True), on=DAY)
    assert out.strip() == render(compute(rates, request), request).plain
    assert "Total: Rp865.400" in out


def test_console_json(capsys):
    code, out, _ = _console(["--corpus", str(REAL_CORPUS), "--json", "--tanggal", "2026-02-28", "jp gaji 11 juta"], capsys)
    data = json.loads(out)
    assert code == 0 and data["total"] == 316_422 and data["as_of"] == "2026-02-28"


def test_console_errors_are_one_line(capsys, tmp_path):
    code, out, err = _console(["--corpus", str(REAL_CORPUS), "gaji", "-5", "juta"], capsys)
    assert code == 1 and "negatif" in err and err.count("\n") <= 3 and "Traceback" not in err
    code, _, err = _console(["--corpus", str(REAL_CORPUS), "denda", "8", "bulan"], capsys)
    assert code == 1 and "biaya rawat inap" in err
    code, _, err = _console(["--corpus", str(tmp_path), "gaji", "6", "juta"], capsys)
    assert code == 1 and "rates table" in err


def test_console_without_text_lists_what_it_computes(capsys):
    code, out, _ = _console(["--corpus", str(REAL_CORPUS)], capsys)
    assert code == 0 and "JKN mandiri (kelas)" in out


# --- Telegram ---------------------------------------------------------------------------------


@pytest.fixture
def settings(built_index: Path, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        index_dir=built_index,
        data_dir=tmp_path / "data",
        corpus_dir=REAL_CORPUS,
        admin_user_ids=str(ADMIN_ID),
        user_rate_limit=20,
        user_rate_window=60,
        reload_interval=0.05,
    )


def _stopping(handler):
    """Run a Hitung handler ahead of the app's own, as the wiring in bot/app.py would route it."""

    async def run(update, context):
        await handler(update, context)
        raise ApplicationHandlerStop

    return run


async def _numeric_first(update, context):
    if await handlers.answer_numeric(update, context, update.effective_message.text or ""):
        raise ApplicationHandlerStop


@pytest.fixture
async def bot(settings, live, store):
    request = RecordingRequest()
    app = build_application(settings, live, store, request=request)
    new = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            CommandHandler("hitung", _stopping(handlers.hitung_command), filters=new),
            CallbackQueryHandler(_stopping(handlers.hitung_button), pattern=f"^{handlers.HITUNG}:"),
            MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & new, _numeric_first),
        ],
        group=-1,
    )
    await app.initialize()
    await app.post_init(app)
    yield Harness(app, request)
    await app.post_shutdown(app)
    await app.shutdown()


def one(calls) -> dict:
    sent = sends(calls)
    assert len(sent) == 1, [c.method for c in calls]
    assert_telegram_html(sent[0]["text"])
    return sent[0]


async def test_natural_numeric_question_is_computed_not_searched(bot):
    sent = one(await bot.text("gaji 6 juta potong bpjs kesehatan berapa?"))
    text = sent["text"]
    assert "🧮" in text and "<b>Total: Rp300.000</b>" in text
    # the passage stating the rule is quoted after the breakdown, with its source line
    assert text.index("<b>Total: Rp300.000</b>") < text.index("📖 Aturannya:") < text.index("<blockquote>")
    assert "5% dari gaji" in text.split("<blockquote>", 1)[1] and "📄" in text
    assert len(text) < 2500


async def test_numeric_answers_are_logged_and_get_feedback_buttons(bot):
    sent = one(await bot.text("nama saya Budi Santoso, gaji 6 juta potong bpjs berapa?"))
    store = bot.app.bot_data["services"].store
    stats = store.stats()
    assert stats.questions == 1 and stats.answered == 1
    labels = {b["text"]: b["callback_data"] for b in buttons(sent)}
    assert {"👍", "👎"} <= set(labels)
    logged = store.question(int(labels["👍"].split(":")[1]))
    assert "[NAMA]" in logged.question and "Budi" not in logged.question  # masked like any question
    calls = await bot.press(labels["👍"])
    assert any(c.method == "answerCallbackQuery" for c in calls)
    assert store.stats().helpful == 1


async def test_a_guided_answer_is_logged_with_its_question(bot):
    one(await bot.text("nunggak 8 bulan terus dirawat dendanya berapa?"))
    sent = one(await bot.text("20 juta"))
    labels = {b["text"]: b["callback_data"] for b in buttons(sent)}
    logged = bot.app.bot_data["services"].store.question(int(labels["👎"].split(":")[1]))
    assert logged.question == "nunggak 8 bulan terus dirawat dendanya berapa? → 20 juta" and logged.answered


async def test_bpu_sector_is_asked_when_the_relief_differs(bot):
    # on 1 February 2026 only transport workers have the PP 50/2025 relief
    text = one(await bot.text("iuran bpu penghasilan 4 juta per 1 februari 2026 berapa"))["text"]
    assert "sektor transportasi" in text
    text = one(await bot.text("ya"))["text"]
    assert "Iuran normal: Rp46.800" in text and "<b>Dibayar dengan keringanan: Rp23.400</b>" in text
    assert "PP No. 50 Tahun 2025" in text
    one(await bot.text("iuran bpu penghasilan 4 juta per 1 februari 2026 berapa"))
    text = one(await bot.text("tidak"))["text"]
    assert "<b>Total: Rp46.800</b>" in text


async def test_english_numeric_question_gets_english_labels(bot):
    text = one(await bot.text("how much is deducted from a 6 million salary for bpjs"))["text"]
    assert "Monthly contributions for a wage of Rp6.000.000" in text and "Rates as of" in text
    assert "<b>Total: Rp865.400</b>" in text and "Worker (deducted from salary): Rp240.000" in text
    assert "Potongan" not in text and "dipotong" not in text


# --- BPU sectors, English, the quoted rule, the question file ------------------------------------


@pytest.mark.parametrize(
    ("question", "sector"),
    [
        ("ojol penghasilan 4 juta iuran bpjs tk berapa", "transportasi"),
        ("saya kurir, iuran bpu penghasilan 3 juta berapa", "transportasi"),
        ("sopir angkot iuran bpu penghasilan 3 juta berapa", "transportasi"),
        ("pedagang pasar iuran bpu penghasilan 2 juta berapa", "non_transportasi"),
        ("iuran bpu bukan transportasi penghasilan 2 juta berapa", "non_transportasi"),
        ("iuran bpu penghasilan 2 juta berapa", None),
    ],
)
def test_bpu_sector_is_read_from_the_words(question, sector):
    request = numeric_request(question, today=DAY)
    assert request.kind == "bpu" and request.sektor == sector


def test_bpu_sector_is_needed_only_when_the_relief_differs(rates):
    # 1 February 2026: transport relief only -> ask; 1 December 2026: every sector -> no need
    request, reply, calc = answer(rates, "iuran bpu penghasilan 4 juta berapa", today=dt.date(2026, 2, 1))
    assert request.missing == "sektor" and calc is None and "transportasi" in reply.plain
    merged = request.merge(numeric_request(bh.sector_reply("ya"), forced=True, kind="bpu"))
    assert merged.sektor == "transportasi" and not merged.missing
    assert compute(rates, merged).total == 23_400
    request, reply, calc = answer(rates, "iuran bpu penghasilan 4 juta berapa", today=DAY)
    assert not request.missing and calc.total == 23_400 and calc.normal_total == 46_800
    assert "Iuran normal: Rp46.800" in reply.plain and "Dibayar dengan keringanan: Rp23.400" in reply.plain


def test_english_questions_are_parsed_and_answered_in_english(rates):
    request, reply, calc = answer(rates, "how much is deducted from a 6 million salary for bpjs", today=DAY)
    assert request.language == "en" and calc.total == 865_400
    text = reply.plain
    assert "Monthly contributions for a wage of Rp6.000.000" in text and "Rates as of 1 December 2026" in text
    assert "JHT, deducted from salary: 2% x Rp6.000.000 = Rp120.000" in text
    assert "JP, employer's share: 2% x Rp6.000.000 (cap Rp11.086.300) = Rp120.000" in text
    assert "Worker (deducted from salary): Rp240.000" in text and "📜 Legal basis:" in text
    request, reply, _ = answer(rates, "bpjs health class 2 for 4 people how much", today=DAY)
    assert request.language == "en" and "Class II x 4 persons" in reply.plain and "Total: Rp400.000" in reply.plain
    request, reply, _ = answer(rates, "penalty for 8 months of jkn arrears, how much?", today=DAY)
    assert request.language == "en" and reply.plain.startswith("🧮 What is the inpatient bill?")
    request, reply, _ = answer(rates, "gaji 6 juta potong bpjs berapa?", today=DAY)
    assert request.language == "id" and "Tarif per 1 Desember 2026" in reply.plain


def test_rule_query_follows_the_calculation(rates):
    request, calc = computed(rates, "gaji 12 juta potongan jaminan pensiun berapa")
    assert bh.rule_query(request, calc) == "iuran Jaminan Pensiun batas upah"
    request, calc = computed(rates, "ojol penghasilan 4 juta iuran bpjs ketenagakerjaan berapa")
    assert "PP 50" in bh.rule_query(request, calc)
    request, calc = computed(rates, "bpjs kesehatan kelas 2 brp sebulan")
    assert bh.rule_query(request, calc).endswith("kelas II")


def test_the_rule_is_quoted_verbatim_and_short(rates, built_index):
    from index import Retriever

    request, calc = computed(rates, "gaji 6 juta potong bpjs kesehatan berapa")
    hit = bh.find_rule(Retriever.load(built_index), request, calc)
    assert hit is not None and hit.passage.program == "JKN"
    reply = render(calc, request, rule=hit)
    assert_telegram_html(reply.html)
    quoted = reply.plain.split("“", 1)[1].split("”", 1)[0]
    assert quoted.strip("…") in " ".join(hit.passage.text.split()) or quoted.strip("…") in hit.passage.text
    assert len(quoted) <= bh.RULE_LIMIT + 2 and reply.passages == (hit.passage,)
    assert bh.find_rule(None, request, calc) is None


def test_rule_excerpt_keeps_whole_sentences_around_the_answer():
    text = "Kalimat pembuka yang panjang sekali tentang hal lain. " * 5 + "Iuran JP 3% dari upah dengan batas upah. Penutup."
    excerpt = bh.rule_excerpt(text, "iuran Jaminan Pensiun batas upah", limit=120)
    assert "Iuran JP 3% dari upah dengan batas upah." in excerpt and excerpt.startswith("…")
    assert len(excerpt) <= 122 and excerpt.strip("…") in text
    assert bh.rule_excerpt("Pendek.", "apa saja") == "Pendek."


QUESTION_FILE = Path(__file__).resolve().parents[1] / "data" / "hitung_questions.tsv"


def test_the_question_file_gets_the_right_totals(rates):
    on, rows = bh.read_checks(QUESTION_FILE)
    assert on == DAY and len(rows) >= 30
    assert sum(1 for q, _ in rows if numeric_request(q).language == "en") >= 5
    assert bh.check(rates, rows, on) == []


def test_console_checks_the_question_file(capsys, tmp_path):
    code, out, _ = _console(["--corpus", str(REAL_CORPUS), "--check", str(QUESTION_FILE)], capsys)
    assert code == 0 and out.strip().endswith("right") and "✗" not in out
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("# as of: 2026-12-01\ngaji 6 juta potong bpjs berapa?\t1\napa itu jkp?\t5\n", "utf-8")
    code, out, _ = _console(["--corpus", str(REAL_CORPUS), "--check", str(wrong)], capsys)
    assert code == 1 and "0/2 right" in out and "Rp865.400" in out and "not read as a numeric question" in out


def test_console_quotes_the_rule_from_an_index(capsys, built_index):
    code, out, _ = _console(
        ["--corpus", str(REAL_CORPUS), "--index", str(built_index), "--tanggal", "2026-12-01", "gaji 6 juta potong bpjs kesehatan"], capsys
    )
    assert code == 0 and "Aturannya:" in out and "📄" in out
