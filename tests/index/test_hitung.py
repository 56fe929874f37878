"""The Hitung calculator: worked examples from published sources, caps, dates, the table's checks, amounts.

Each worked example names the page it comes from and what that page says, and asserts the page's
own figures, so a wrong rate, cap or rounding in `corpus/tarif.yaml` or `index/hitung.py` fails
here. Where a test uses inputs of its own (cap edges, boundary dates), the comment says so.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from index import hitung
from index.hitung import (
    AmountError,
    HitungError,
    RateNotFound,
    RatesError,
    denda_rawat_inap,
    format_persen,
    format_rupiah,
    format_tanggal,
    iuran_bpu,
    iuran_jkn_mandiri,
    iuran_jkn_ppu,
    iuran_penerima_upah,
    klaim_jht_sebagian,
    load_rates,
    manfaat_jkp,
    parse_rupiah,
    santunan_jkm,
    validate_rates,
)

REAL_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def rates():
    return load_rates(REAL_CORPUS)


def _line(calc, label_start: str):
    matches = [line for line in calc.lines if line.label.startswith(label_start)]
    assert len(matches) == 1, [line.label for line in calc.lines]
    return matches[0]


# --- the shipped table ------------------------------------------------------------------------


def test_the_shipped_table_has_no_findings():
    assert validate_rates(REAL_CORPUS) == []


def test_every_shipped_row_is_sourced_and_dated(rates):
    for row in rates.rows:
        assert row.source and row.regulation.kind and row.regulation.number and row.regulation.year, row.key
        assert row.effective_from <= TODAY, row.key
        assert row.effective_until is None or row.effective_until >= row.effective_from, row.key


def test_every_key_the_calculators_use_is_in_force_today(rates):
    used = [
        "jht.iuran.pemberi_kerja", "jht.iuran.pekerja", "jp.iuran.pemberi_kerja", "jp.iuran.pekerja",
        "jp.batas_upah", *[f"jkk.iuran.kelompok_{n}" for n in range(1, 6)], "jkm.iuran",
        "jkp.iuran.pemerintah", "jkp.iuran.rekomposisi_jkk", "jkp.batas_upah",
        "jkp.manfaat.tahap_1.persen", "jkp.manfaat.tahap_1.bulan",
        "jkn.ppu.iuran.pemberi_kerja", "jkn.ppu.iuran.pekerja", "jkn.ppu.iuran.anggota_tambahan",
        "jkn.ppu.anak_ditanggung", "jkn.ppu.batas_upah", "jkn.pbpu.kelas_1", "jkn.pbpu.kelas_2",
        "jkn.pbpu.kelas_3", "jkn.pbpu.kelas_3.bantuan_pemerintah", "jkn.denda.persen",
        "jkn.denda.bulan_maksimum", "jkn.denda.maksimum", "jkm.santunan_sekaligus",
        "jkm.santunan_berkala", "jkm.biaya_pemakaman", "jht.klaim_sebagian.lain",
        "jht.klaim_sebagian.rumah", "jht.klaim_sebagian.masa_kepesertaan", "bpu.jkk.iuran",
        "bpu.jkk.iuran_minimum", "bpu.jkk.iuran_maksimum", "bpu.jkm.iuran", "bpu.jht.iuran",
    ]  # fmt: skip
    for key in used:
        assert rates.find(key, TODAY) is not None, key


# --- wage earners (penerima upah) ---------------------------------------------------------------


def test_wage_earner_worked_example_10_juta_medium_risk(rates):
    # https://fame.grid.id/read/464028442/berapa-persen-gaji-terpotong-untuk-bpjs-ketenagakerjaan-simak-di-sini
    # (also bungko.desa.id): upah Rp10 juta, risiko sedang: JHT Rp570.000 (Rp370.000 pemberi kerja,
    # Rp200.000 pekerja), JKK 0,89% = Rp89.000, JKM 0,3% = Rp30.000, JP Rp300.000 (Rp200.000 +
    # Rp100.000); potongan gaji Rp300.000, pemberi kerja Rp689.000. Rp10 juta is under every JP cap
    # since March 2024, so the example holds today.
    calc = iuran_penerima_upah(rates, 10_000_000, kelompok_risiko=3, on=TODAY, ikut_jkp=False, ikut_jkn=False)
    assert _line(calc, "JHT, bagian pemberi kerja").amount == 370_000
    assert _line(calc, "JHT, dipotong").amount == 200_000
    assert _line(calc, "JKK").amount == 89_000
    assert _line(calc, "JKM").amount == 30_000
    assert _line(calc, "JP, bagian pemberi kerja").amount == 200_000
    assert _line(calc, "JP, dipotong").amount == 100_000
    assert calc.total_for("pekerja") == 300_000
    assert calc.total_for("pemberi kerja") == 689_000
    assert calc.as_of == TODAY


def test_jp_cap_worked_example_march_2025(rates):
    # https://mywave.biz/indonesia-bpjs-ketenagakerjaan-jaminan-pensiun-jp/ : total wages
    # IDR 11,500,000, cap IDR 10,547,400 (March 2025): employer 2% = IDR 210,948, employee 1% = IDR 105,474.
    calc = iuran_penerima_upah(rates, 11_500_000, on=dt.date(2025, 6, 1))
    employer, worker = _line(calc, "JP, bagian pemberi kerja"), _line(calc, "JP, dipotong")
    assert (employer.base, employer.amount) == (10_547_400, 210_948)
    assert (worker.base, worker.amount) == (10_547_400, 105_474)
    assert worker.key == "jp.iuran.pekerja"
    assert (worker.cap, worker.cap_key) == (10_547_400, "jp.batas_upah")
    assert "10.547.400" in worker.note


def test_jp_cap_by_year(rates):
    # i-admin.com (Rp9.559.600 from 1 March 2023), suaraindonesia.co.id (Rp10.042.300 from March
    # 2024), mywave.biz and mondaq.com (Rp10.547.400 in 2025, Rp11.086.300 from March 2026).
    expected = {
        dt.date(2023, 3, 1): 9_559_600,
        dt.date(2024, 2, 29): 9_559_600,
        dt.date(2024, 3, 1): 10_042_300,
        dt.date(2025, 2, 28): 10_042_300,
        dt.date(2025, 3, 1): 10_547_400,
        dt.date(2026, 2, 28): 10_547_400,
        dt.date(2026, 3, 1): 11_086_300,
        TODAY: 11_086_300,
    }
    for day, cap in expected.items():
        calc = iuran_penerima_upah(rates, 50_000_000, on=day)
        assert _line(calc, "JP, dipotong").base == cap, day


def test_jp_cap_changes_between_28_february_and_1_march_2026(rates):
    before = iuran_penerima_upah(rates, 15_000_000, on=dt.date(2026, 2, 28))
    after = iuran_penerima_upah(rates, 15_000_000, on=dt.date(2026, 3, 1))
    assert _line(before, "JP, dipotong").amount == 105_474  # 1% x Rp10.547.400
    assert _line(after, "JP, dipotong").amount == 110_863  # 1% x Rp11.086.300
    assert _line(after, "JP, bagian pemberi kerja").amount == 221_726
    # Nothing else moved that day.
    assert _line(before, "JHT, dipotong").amount == _line(after, "JHT, dipotong").amount == 300_000


@pytest.mark.parametrize(
    ("upah", "base", "capped"),
    [(11_086_299, 11_086_299, False), (11_086_300, 11_086_300, False), (11_086_301, 11_086_300, True)],
)
def test_jp_cap_edges(rates, upah, base, capped):
    line = _line(iuran_penerima_upah(rates, upah, on=TODAY), "JP, dipotong")
    assert line.base == base
    assert line.cap == 11_086_300
    assert bool(line.note) is capped


def test_jht_jkk_jkm_have_no_cap(rates):
    calc = iuran_penerima_upah(rates, 100_000_000, kelompok_risiko=5, on=TODAY)
    assert _line(calc, "JHT, dipotong").amount == 2_000_000
    assert _line(calc, "JKK").amount == 1_740_000  # 1,74%
    assert _line(calc, "JKM").amount == 300_000


def test_jkk_follows_the_risk_group(rates):
    # parapuan.co: 0,24% / 0,54% / 0,89% / 1,27% / 1,74% of the monthly wage, all paid by the employer.
    calcs = [iuran_penerima_upah(rates, 10_000_000, kelompok_risiko=g, on=TODAY) for g in range(1, 6)]
    amounts = [_line(calc, "JKK").amount for calc in calcs]
    assert amounts == [24_000, 54_000, 89_000, 127_000, 174_000]
    with pytest.raises(HitungError, match="Kelompok risiko"):
        iuran_penerima_upah(rates, 10_000_000, kelompok_risiko=6, on=TODAY)


def test_jkp_is_paid_by_the_government_not_the_worker(rates):
    # PP 6/2025 Pasal 11 (pasal.id): 0,22% pemerintah pusat + 0,14% rekomposisi JKK.
    calc = iuran_penerima_upah(rates, 4_000_000, on=TODAY)
    jkp = _line(calc, "JKP")
    assert (jkp.payer, jkp.rate, jkp.amount) == ("pemerintah", Decimal("0.22"), 8_800)
    assert all(line.payer != "pekerja" for line in calc.lines if line.label.startswith("JKP"))
    assert any("0,14%" in note for note in calc.notes)


def test_worker_total_without_jp_for_small_firms(rates):
    calc = iuran_penerima_upah(rates, 5_000_000, on=TODAY, ikut_jp=False, ikut_jkn=False)
    assert calc.total_for("pekerja") == 100_000  # JHT 2% only
    assert not [line for line in calc.lines if line.label.startswith("JP")]


def test_wage_earner_includes_jkn(rates):
    calc = iuran_penerima_upah(rates, 5_000_000, on=TODAY)
    # suara.com example scale: 4% / 1% of a wage under the cap.
    assert _line(calc, "JKN, bagian pemberi kerja").amount == 200_000
    assert _line(calc, "JKN, dipotong").amount == 50_000
    assert calc.total_for("pekerja") == 100_000 + 50_000 + 50_000  # JHT 2% + JP 1% + JKN 1%


def test_rates_before_the_table_begins_raise_a_clear_error(rates):
    with pytest.raises(RateNotFound, match=r"jp\.batas_upah.*2022"):
        iuran_penerima_upah(rates, 5_000_000, on=dt.date(2022, 6, 1))


def test_default_date_is_today(rates):
    assert iuran_penerima_upah(rates, 5_000_000).as_of == dt.date.today()


@pytest.mark.parametrize("bad", [0, -1, 10**15, 5.5, "5 juta", True])
def test_bad_wages_are_refused_with_a_message(rates, bad):
    with pytest.raises(AmountError) as err:
        iuran_penerima_upah(rates, bad, on=TODAY)
    assert str(err.value).startswith("Upah")


# --- JKN ---------------------------------------------------------------------------------------


def test_jkn_ppu_worked_examples(rates):
    # https://www.suara.com/lifestyle/2025/11/21/143000/cara-hitung-iuran-bpjs-kesehatan-karyawan-swasta-2025-pahami-biar-gak-kaget-dengan-potongan?page=2
    # Siska: gaji Rp2.500.000, istri dan 5 anak: perusahaan Rp100.000, potongan Rp25.000 ditambah
    # 2 anak x 1% = Rp50.000, total potongan Rp75.000.
    siska = iuran_jkn_ppu(rates, 2_500_000, anak=5, on=TODAY)
    assert siska.total_for("pemberi kerja") == 100_000
    assert _line(siska, "JKN keluarga tambahan").amount == 50_000
    assert _line(siska, "JKN keluarga tambahan").quantity == 2
    assert siska.total_for("pekerja") == 75_000
    # Amir: gaji Rp15.000.000, istri dan 3 anak: dasar Rp12.000.000, perusahaan Rp480.000,
    # potongan Rp120.000, total Rp600.000.
    amir = iuran_jkn_ppu(rates, 15_000_000, anak=3, on=TODAY)
    assert (amir.total_for("pemberi kerja"), amir.total_for("pekerja"), amir.total) == (480_000, 120_000, 600_000)
    # Doni: the example's wage base is the regional minimum Rp2.441.400: perusahaan Rp97.656,
    # potongan Rp24.414, total Rp122.070 (the wage below it is ours).
    doni = iuran_jkn_ppu(rates, 2_000_000, upah_minimum=2_441_400, on=TODAY)
    assert (doni.total_for("pemberi kerja"), doni.total_for("pekerja"), doni.total) == (97_656, 24_414, 122_070)
    assert "upah minimum" in _line(doni, "JKN, dipotong").note


@pytest.mark.parametrize(
    ("upah", "base"),
    [(11_999_999, 11_999_999), (12_000_000, 12_000_000), (12_000_001, 12_000_000)],
)
def test_jkn_cap_edges(rates, upah, base):
    calc = iuran_jkn_ppu(rates, upah, on=TODAY)
    assert _line(calc, "JKN, dipotong").base == base
    assert _line(calc, "JKN, dipotong").cap == 12_000_000
    assert _line(calc, "JKN, bagian pemberi kerja").amount == round(base * 0.04)


def test_jkn_parents_and_fourth_child_pay_one_percent_each(rates):
    # bacakoran.co: keluarga tambahan (anak keempat dst, ayah, ibu, mertua) 1% per orang, dibayar pekerja.
    calc = iuran_jkn_ppu(rates, 6_000_000, anak=4, tambahan=2, on=TODAY)
    extra = _line(calc, "JKN keluarga tambahan")
    assert (extra.quantity, extra.amount, extra.payer) == (3, 180_000, "pekerja")
    assert iuran_jkn_ppu(rates, 6_000_000, anak=3, on=TODAY).total_for("pekerja") == 60_000


def test_jkn_mandiri_classes(rates):
    # sekitarjambi.com (Humas BPJS Kesehatan on Perpres 64/2020) and jurnalpelopor.com: Kelas I
    # Rp150.000, Kelas II Rp100.000, Kelas III Rp42.000 of which the member pays Rp35.000 and the
    # government Rp7.000, per person per month.
    assert iuran_jkn_mandiri(rates, 1, 4, on=TODAY).total == 600_000
    assert iuran_jkn_mandiri(rates, "II", 4, on=TODAY).total == 400_000
    kelas_3 = iuran_jkn_mandiri(rates, "kelas 3", 4, on=TODAY)
    assert kelas_3.total_for("peserta") == 140_000
    assert kelas_3.total_for("pemerintah") == 28_000
    assert kelas_3.total == 4 * 42_000


def test_kelas_3_subsidy_changed_on_1_january_2021(rates):
    # sekitarjambi.com: in 2020 the member paid Rp25.500 (government Rp16.500); from 2021 Rp35.000.
    assert iuran_jkn_mandiri(rates, 3, on=dt.date(2020, 12, 31)).total_for("peserta") == 25_500
    assert iuran_jkn_mandiri(rates, 3, on=dt.date(2021, 1, 1)).total_for("peserta") == 35_000


def test_jkn_mandiri_refuses_an_unknown_class(rates):
    with pytest.raises(HitungError, match="Kelas"):
        iuran_jkn_mandiri(rates, 4, on=TODAY)


def test_inpatient_penalty_worked_example(rates):
    # https://www.ayosemarang.com/kesehatan/7713385471/dapat-notifikasi-denda-rawat-inap-padahal-tunggakan-bpjs-kesehatan-lunas-ini-penyebabnya
    # 5 persen x Rp5.000.000 x 7 bulan tunggakan = Rp1.750.000.
    calc = denda_rawat_inap(rates, 5_000_000, 7, on=TODAY)
    assert calc.total == 1_750_000
    assert calc.lines[0].regulation.startswith("Perpres No. 64 Tahun 2020")


def test_inpatient_penalty_caps(rates):
    # star.grid.id on Perpres 64/2020 Pasal 42 ayat (6): at most 12 months, at most Rp30.000.000.
    assert denda_rawat_inap(rates, 10_000_000, 12, on=TODAY).total == 6_000_000
    assert denda_rawat_inap(rates, 10_000_000, 13, on=TODAY).total == 6_000_000
    assert denda_rawat_inap(rates, 10_000_000, 11, on=TODAY).total == 5_500_000
    assert denda_rawat_inap(rates, 49_000_000, 12, on=TODAY).total == 29_400_000
    assert denda_rawat_inap(rates, 50_000_000, 12, on=TODAY).total == 30_000_000
    over = denda_rawat_inap(rates, 60_000_000, 12, on=TODAY)
    assert over.total == 30_000_000 and "dibatasi" in over.lines[0].note
    assert denda_rawat_inap(rates, 10_000_000, 0, on=TODAY).total == 0
    with pytest.raises(HitungError):
        denda_rawat_inap(rates, 10_000_000, -1, on=TODAY)


# --- JKP, BPU, JKM, JHT --------------------------------------------------------------------------


def test_jkp_benefit_worked_examples(rates):
    # https://liputankukar.com/berita-utama/buruh-korban-phk-kini-dapat-uang-tunai-60-dari-gaji-terakhir-selama-6-bulan/
    # PP 6/2025 Pasal 21: 60% of the last wage, at most 6 months, wage cap Rp5 juta, so at most
    # Rp3 juta a month.
    high = manfaat_jkp(rates, 8_000_000, on=TODAY)
    assert len(high.lines) == 1
    assert high.lines[0].amount // high.lines[0].quantity == 3_000_000
    assert high.total == 18_000_000
    low = manfaat_jkp(rates, 4_000_000, on=TODAY)
    assert low.total == 6 * 2_400_000


@pytest.mark.parametrize(
    ("upah", "monthly"),
    [(4_999_999, 2_999_999), (5_000_000, 3_000_000), (5_000_001, 3_000_000)],
)
def test_jkp_cap_edges(rates, upah, monthly):
    line = manfaat_jkp(rates, upah, on=TODAY).lines[0]
    assert line.amount == monthly * 6
    assert line.base == min(upah, 5_000_000)


def test_jkp_old_rule_before_7_february_2025(rates):
    # economy.okezone.com / arrahmah.id: under PP 37/2021, 45% for 3 months then 25% for 3 months.
    old = manfaat_jkp(rates, 4_000_000, on=dt.date(2025, 2, 6))
    assert [line.amount for line in old.lines] == [3 * 1_800_000, 3 * 1_000_000]
    new = manfaat_jkp(rates, 4_000_000, on=dt.date(2025, 2, 7))
    assert [line.amount for line in new.lines] == [6 * 2_400_000]


def test_bpu_contributions(rates):
    # radarmukomuko.disway.id: JKK 1% of income, at least Rp10.000, at most Rp207.000;
    # fame.grid.id: JKM Rp6.800 a month; star.grid.id: JHT 2% of income.
    small = iuran_bpu(rates, 800_000, on=TODAY)
    assert small.normal_total == 16_800  # Rp10.000 + Rp6.800, before the PP 50/2025 relief
    assert _line(small, "JKK").key == "bpu.jkk.iuran_minimum"
    mid = iuran_bpu(rates, 3_000_000, ikut_jht=True, on=TODAY)
    assert [line.amount for line in mid.lines if line.amount > 0] == [30_000, 6_800, 60_000]
    big = iuran_bpu(rates, 30_000_000, on=TODAY)
    assert _line(big, "JKK").amount == 207_000
    assert iuran_bpu(rates, 20_700_000, on=TODAY).lines[0].amount == 207_000


# PP 50/2025 Pasal 4 (bpjsketenagakerjaan.go.id artikel 18931): BPU members pay 50% of JKK and JKM for
# the contribution months January 2026 - March 2027 (transport: ojol, ojek, drivers, couriers) and
# April - December 2026 (every other sector). JHT is not discounted. Incomes and dates are our own.
BPU_RELIEF = [
    # (day, sector, total paid for an income of Rp4.000.000: JKK Rp40.000 + JKM Rp6.800 = Rp46.800 normal)
    (dt.date(2025, 12, 31), hitung.TRANSPORTASI, 46_800),
    (dt.date(2026, 1, 1), hitung.TRANSPORTASI, 23_400),
    (dt.date(2027, 3, 31), hitung.TRANSPORTASI, 23_400),
    (dt.date(2027, 4, 1), hitung.TRANSPORTASI, 46_800),
    (dt.date(2026, 3, 31), hitung.NON_TRANSPORTASI, 46_800),
    (dt.date(2026, 4, 1), hitung.NON_TRANSPORTASI, 23_400),
    (dt.date(2026, 12, 31), hitung.NON_TRANSPORTASI, 23_400),
    (dt.date(2027, 1, 1), hitung.NON_TRANSPORTASI, 46_800),
]


@pytest.mark.parametrize(("day", "sector", "total"), BPU_RELIEF, ids=[f"{d}-{s}" for d, s, _ in BPU_RELIEF])
def test_bpu_relief_at_its_date_boundaries(rates, day, sector, total):
    calc = iuran_bpu(rates, 4_000_000, sektor=sector, on=day)
    assert calc.total == total and calc.normal_total == 46_800
    relief = [line for line in calc.lines if line.amount < 0]
    if total == 46_800:
        assert not relief and calc.discount == 0
        assert "iuran normal" in calc.notes[0]  # the note says when the sector's relief applies
    else:
        assert relief[0].key == f"bpu.jkk_jkm.persen_dibayar.{sector}"
        assert relief[0].regulation == "PP No. 50 Tahun 2025 Pasal 4"
        assert calc.discount == 23_400


def test_bpu_relief_rounds_each_program_and_spares_jht(rates):
    # Our own inputs: income Rp3.333.333 -> JKK 1% = Rp33.333 (half: Rp16.667), JKM Rp6.800 (half: Rp3.400),
    # JHT 2% = Rp66.667 not discounted.
    calc = iuran_bpu(rates, 3_333_333, ikut_jht=True, sektor=hitung.TRANSPORTASI, on=dt.date(2026, 2, 1))
    assert calc.normal_total == 33_333 + 6_800 + 66_667
    assert calc.total == 16_667 + 3_400 + 66_667
    # the minimum JKK contribution is discounted too: Rp10.000 -> Rp5.000
    assert iuran_bpu(rates, 500_000, sektor=hitung.NON_TRANSPORTASI, on=TODAY).total == 5_000 + 3_400


def test_bpu_sector_matters_only_when_the_relief_differs(rates):
    depends = hitung.bpu_discount_depends_on_sector
    assert depends(rates, dt.date(2026, 2, 1)) and depends(rates, dt.date(2027, 2, 1))
    assert not depends(rates, dt.date(2025, 12, 31)) and not depends(rates, dt.date(2026, 6, 1))
    # without a sector: the relief applies when every sector gets it, and only then
    assert iuran_bpu(rates, 4_000_000, on=dt.date(2026, 6, 1)).total == 23_400
    assert iuran_bpu(rates, 4_000_000, on=dt.date(2026, 2, 1)).total == 46_800
    with pytest.raises(HitungError, match="transportasi"):
        iuran_bpu(rates, 4_000_000, sektor="ojol", on=TODAY)


def test_jkm_lump_sums(rates):
    # https://economy.okezone.com/amp/2023/04/26/622/2803844/berapa-santunan-kematian-bpjs-ketenagakerjaan-simak-di-sini?page=all
    # Rp20 juta santunan kematian + Rp10 juta biaya pemakaman + Rp12 juta santunan berkala = Rp42 juta.
    calc = santunan_jkm(rates, on=TODAY)
    assert [line.amount for line in calc.lines] == [20_000_000, 12_000_000, 10_000_000]
    assert calc.total == 42_000_000
    with pytest.raises(RateNotFound):
        santunan_jkm(rates, on=dt.date(2019, 12, 1))  # before PP 82/2019: the old amounts are not in the table


def test_jht_partial_claim(rates):
    # https://pasal.id/en/peraturan/pp/pp-no-46-tahun-2015/koreksi/9065384 (PP 46/2015 Pasal 22):
    # at most 30% for a house or 10% for other needs, after 10 years of membership, once.
    assert klaim_jht_sebagian(rates, 50_000_000, on=TODAY).total == 5_000_000
    assert klaim_jht_sebagian(rates, 50_000_000, keperluan="rumah", on=TODAY).total == 15_000_000
    ten_years = klaim_jht_sebagian(rates, 50_000_000, keperluan="rumah", masa_kepesertaan_tahun=10, on=TODAY)
    assert ten_years.total == 15_000_000
    early = klaim_jht_sebagian(rates, 50_000_000, masa_kepesertaan_tahun=7, on=TODAY)
    assert early.total == 0 and "7 tahun" in early.notes[0]
    with pytest.raises(HitungError, match="rumah"):
        klaim_jht_sebagian(rates, 50_000_000, keperluan="mobil", on=TODAY)


def test_calculators_read_the_table_not_constants(tmp_path):
    rows = [_row("jht.iuran.pekerja", 3, "persen"), _row("jht.iuran.pemberi_kerja", 4, "persen")]
    rows += [_row("jkk.iuran.kelompok_1", 1, "persen"), _row("jkm.iuran", 1, "persen")]
    table = load_rates(_write(tmp_path, rows))
    calc = iuran_penerima_upah(table, 1_000_000, on=TODAY, ikut_jp=False, ikut_jkp=False, ikut_jkn=False)
    assert calc.total_for("pekerja") == 30_000
    assert calc.total_for("pemberi kerja") == 60_000


# --- the table's checks ---------------------------------------------------------------------------


def _row(key: str, value, unit: str = "rupiah", start: str = "2024-01-01", end: str | None = None, **extra) -> dict:
    row = {
        "key": key,
        "description": "uji",
        "value": value,
        "unit": unit,
        "regulation": {"kind": "PP", "number": "1", "year": 2024},
        "source": "https://example.org/sumber",
        "effective_from": start,
    }
    if end:
        row["effective_until"] = end
    row.update(extra)
    return row


def _write(tmp_path: Path, rows, name: str = "tarif.yaml") -> Path:
    (tmp_path / name).write_text(yaml.safe_dump({"rows": rows}, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _messages(tmp_path, rows) -> list[str]:
    return [f.message for f in validate_rates(_write(tmp_path, rows))]


def test_a_clean_small_table_loads(tmp_path):
    rows = [_row("a.cap", 100, end="2024-12-31"), _row("a.cap", 200, start="2025-01-01")]
    assert _messages(tmp_path, rows) == []
    table = load_rates(tmp_path)
    assert table.get("a.cap", dt.date(2024, 12, 31)).value == 100
    assert table.get("a.cap", dt.date(2025, 1, 1)).value == 200
    with pytest.raises(RateNotFound, match="a.cap"):
        table.get("a.cap", dt.date(2023, 12, 31))


def test_overlapping_periods_are_found(tmp_path):
    rows = [_row("a.cap", 100, end="2025-01-31"), _row("a.cap", 200, start="2025-01-31")]
    (message,) = _messages(tmp_path, rows)
    assert "a.cap" in message and "overlap" in message


def test_an_open_row_followed_by_a_newer_one_overlaps(tmp_path):
    rows = [_row("a.cap", 200, start="2025-01-01"), _row("a.cap", 100)]
    (message,) = _messages(tmp_path, rows)
    assert "overlap" in message and "effective_until" in message


def test_the_same_period_under_different_keys_is_fine(tmp_path):
    assert _messages(tmp_path, [_row("a.cap", 100), _row("b.cap", 100)]) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"source": None}, "missing source"),
        ({"source": ""}, "missing source"),
        ({"regulation": None}, "missing regulation"),
        ({"regulation": {"kind": "PP", "number": "1"}}, "regulation has no year"),
        ({"regulation": {"kind": "PP", "number": "1", "year": "2024"}}, "regulation year"),
        ({"effective_from": None}, "missing effective_from"),
        ({"effective_from": "2025-13-01"}, "not an ISO date"),
        ({"effective_from": "1 Maret 2025"}, "not an ISO date"),
        ({"effective_until": "2023-12-31"}, "before effective_from"),
        ({"unit": "percent"}, "unknown unit"),
        ({"unit": "persen", "value": 570}, "above 100"),
        ({"value": "5,7%"}, "must be a number"),
        ({"value": -1}, "not be negative"),
        ({"value": 1.5}, "whole number"),
        ({"key": "JP Cap"}, "lowercase words"),
        ({"efective_from": "2024-01-01"}, "unknown field 'efective_from'"),
        ({"url": "peraturan.bpk.go.id"}, "url must start"),
    ],
)
def test_row_problems_are_named(tmp_path, change, expected):
    row = _row("a.cap", 100)
    row.update(change)
    row = {k: v for k, v in row.items() if v is not None}
    messages = _messages(tmp_path, [row])
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("row 1") for m in messages)
    with pytest.raises(RatesError):
        load_rates(tmp_path)


@pytest.mark.parametrize(
    "junk",
    [
        {"unit": ["persen"]},
        {"value": {"a": 1}},
        {"value": float("nan")},
        {"regulation": "PP 1/2024"},
        {"regulation": {"kind": "PP", "number": "1", "year": [2024]}},
        {"key": 12},
        {"description": ["x"]},
        {"effective_until": {"tanggal": 1}},
    ],
)
def test_odd_types_are_findings_not_crashes(tmp_path, junk):
    row = _row("a.cap", 100)
    row.update(junk)
    assert validate_rates(_write(tmp_path, [row, "not a row"]))
    assert any("row 2: must be a mapping" in f.message for f in validate_rates(tmp_path))


def test_table_level_problems(tmp_path):
    assert [f.message for f in validate_rates(tmp_path)] == ["rates table not found"]
    (tmp_path / "tarif.yaml").write_text("rows: [\n", encoding="utf-8")
    assert validate_rates(tmp_path)[0].message.startswith("not valid YAML")
    (tmp_path / "tarif.yaml").write_text("- key: a\n", encoding="utf-8")
    assert "'rows' list" in validate_rates(tmp_path)[0].message


def test_load_rates_error_is_one_readable_line(tmp_path):
    _write(tmp_path, [_row("a.cap", 100, source=""), _row("b.cap", 100, unit="x")])
    with pytest.raises(RatesError) as err:
        load_rates(tmp_path)
    assert len(err.value.findings) == 2
    assert "\n" not in str(err.value)
    assert str(err.value).startswith("tarif.yaml: row 1 (a.cap): missing source")


def test_a_file_path_works_as_well_as_the_corpus_dir(tmp_path):
    _write(tmp_path, [_row("a.cap", 100)], name="lain.yaml")
    assert load_rates(tmp_path / "lain.yaml").keys() == {"a.cap"}


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 juta", 6_000_000),
        ("6jt", 6_000_000),
        ("6.000.000", 6_000_000),
        ("Rp 6 jt", 6_000_000),
        ("Rp6.000.000,00", 6_000_000),
        ("Rp. 6.000.000,-", 6_000_000),
        ("6,5 juta", 6_500_000),
        ("6.5 juta", 6_500_000),
        ("500rb", 500_000),
        ("500 ribu", 500_000),
        ("1,2 M", 1_200_000_000),
        ("1.500 juta", 1_500_000_000),
        ("6,000,000", 6_000_000),
        ("IDR 6,000,000.00", 6_000_000),
        ("6 juta rupiah", 6_000_000),
        ("  4.500.000  ", 4_500_000),
        ("0", 0),
        (6_000_000, 6_000_000),
    ],
)
def test_amounts_as_workers_write_them(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-6 juta", "negatif"),
        ("minus 500rb", "negatif"),
        ("Rp -6.000.000", "negatif"),
        ("1000000000000000", "terlalu besar"),  # 10^15
        ("1" * 45, "terlalu besar"),
        (str(10**15), "terlalu besar"),
        ("1000 triliun", "terlalu besar"),
        ("enam juta", "Tidak bisa membaca"),
        ("6.5.5", "Tidak bisa membaca"),
        ("6 juta 500 ribu", "Tidak bisa membaca"),
        ("6e6", "Tidak bisa membaca"),
        ("Rp", "Tidak bisa membaca"),
        ("1" * 200, "Tidak bisa membaca"),
        ("", "kosong"),
        ("   ", "kosong"),
        (None, "kosong"),
    ],
)
def test_bad_amounts_get_a_friendly_message(text, expected):
    with pytest.raises(AmountError) as err:
        parse_rupiah(text)
    assert expected in str(err.value)
    assert isinstance(err.value, ValueError)


def test_the_parser_never_crashes():
    alphabet = "0123456789.,-+ rpRPjtJTrbmkMibu%/\u2212e\n"
    rng = random.Random(13)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if rng.random() < 0.2:
            chars = rng.choice(["0123456789", "0123456789.,"])
            text = "".join(rng.choice(chars) for _ in range(rng.randint(15, 60)))
        try:
            value = parse_rupiah(text)
        except AmountError as exc:
            assert str(exc)
        else:
            assert 0 <= value <= hitung.MAX_RUPIAH


def test_formatting():
    assert format_rupiah(6_000_000) == "Rp6.000.000"
    assert format_rupiah(999) == "Rp999"
    assert format_rupiah(0) == "Rp0"
    assert format_rupiah(-6_800) == "-Rp6.800"
    assert format_persen(Decimal("5.7")) == "5,7%"
    assert format_persen(Decimal("0.30")) == "0,3%"
    assert format_persen(Decimal("10")) == "10%"
    assert format_tanggal(dt.date(2026, 3, 1)) == "1 Maret 2026"
    assert parse_rupiah(format_rupiah(11_086_300)) == 11_086_300
