"""Choosing the sentence that answers: the question's terms and the kind of fact it asks for."""

import pytest

from index.answer_sentence import Kind, answer_parts, answer_span, asked_rate, defines, holds, list_intro, lists_programs, question_kind
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
    kwargs.setdefault("rate", asked_rate(question))  # as the search passes it (Candidates.rate)
    span = answer_span(text, query_terms(question), question_kind(question), direct=set(tokenize(standardise(question))), **kwargs)
    return text[span[0] : span[1]] if span else ""


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("berapa iuran jkp", Kind.AMOUNT),
        ("uang jkp dpt brp bulan sih", Kind.DURATION),
        ("berapa lama uang jkp cair", Kind.DURATION),
        ("jht bs dicairin kapan", Kind.DURATION),
        ("jaminan pensiun bs diambl umur brp", Kind.AGE),
        ("usia pensiun jp brp", Kind.AGE),  # an age, though "berapa" does not follow "usia"
        ("iuran jkn usia 60 berapa", Kind.AMOUNT),
        ("gmn cara klaim jkp", Kind.STEPS),
        ("syarat dapat jkp apa aja", Kind.REQUIREMENT),
        ("bisa gak jkp diklaim dua kali", Kind.CONDITION),
        ("jkm sama jkk bedanya apa", Kind.COMPARISON),
        ("iuran jkn karyawan dibagi gimana", Kind.SHARE),  # who pays what share, not steps
        ("peserta jkn dibagi jadi apa aja", Kind.LIST),  # a split of people, not of a payment
        ("jht diambil 30 persen buat apa", Kind.PURPOSE),
        ("siapa yang bayar iuran jkk", Kind.PARTY),
        ("iuran jkp dibayar siapa", Kind.PARTY),
        ("saldo jht almarhum dikasih ke siapa", Kind.PARTY),
        ("Who has to register project workers?", Kind.PARTY),
        ("kantor telat bayar, yg nanggung dendanya siapa", Kind.PARTY),  # the doer asked last
        ("ke igd, yg nentuin sy gawat darurat ato bukan siapa", Kind.PARTY),  # the doer, seven words after "yang"
        ("yg berhak dapet jkm siapa", Kind.DEFINITION),  # which people may, not who pays
        ("yang dimaksud ahli waris siapa", Kind.DEFINITION),
        ("ahli waris itu siapa", Kind.DEFINITION),  # who someone is, not who does something
        ("siapa yang berhak dapat jkp", Kind.DEFINITION),  # which people, not who pays
        ("siapa itu agen perisai", Kind.DEFINITION),
        ("saldo jht boleh dipakai untuk apa saja", Kind.PURPOSE),
        ("what can the JHT money be used for", Kind.PURPOSE),
        ("whats the difference between JHT and JP", Kind.COMPARISON),
        ("nomor pengaduan bpjs tk brp", Kind.NUMBER),
        ("1 kamar isinya brp org", Kind.COUNT),
        ("how many children does jkn cover", Kind.COUNT),
        ("how many days to wait", Kind.DURATION),
        ("apa itu JKP?", Kind.DEFINITION),
        ("what is JKP", Kind.DEFINITION),
        ("how much is the JKP benefit", Kind.AMOUNT),
        ("batas upah iuran jp", Kind.LIMIT),
        ("batas upah jp kan naik tiap taun, naiknya ngikutin apa", Kind.ANY),  # the cap is the subject; "apa" asks a thing
        ("klaim jkk maksimal brp", Kind.LIMIT),
        ("mau daftar bpu, wajib ambil program apa aja minimal?", Kind.PROGRAMS),  # "at least", of a list asked
        ("syarat jkp harus ikut program apa dulu", Kind.PROGRAMS),  # the programs, not the conditions
        ("which BPJS programmes must a driver join", Kind.PROGRAMS),
        ("program apa yg wajib buat pekerja migran", Kind.PROGRAMS),
        ("batas waktu klaim jkk", Kind.DURATION),
        ("jkp", Kind.ANY),
        ("berapa persen iuran jht", Kind.SHARE),  # a percentage, not the rupiah of an example
        ("what tax rate applies to my jht", Kind.SHARE),
        ("perusahaan bayar iuran paling telat tgl brp", Kind.DURATION),  # a date
        ("klaim jkp lewat web apa", Kind.STEPS),  # a channel
        ("kantor bpjs tk di mana", Kind.STEPS),
        ("sy kerja di pabrik apa bisa ikut jkp", Kind.CONDITION),  # "apa" here is "apakah", not a place
        ("hrs ngelamar ke brp perusahaan", Kind.COUNT),
        ("fornas itu apaan", Kind.DEFINITION),
        ("when can i withdraw my jht", Kind.DURATION),
        ("what tax rate is cut when I withdraw my jht", Kind.SHARE),  # "when" further on joins a clause
        ("what do i get when i am laid off", Kind.ANY),
        ("klaim jkm surat apa yg wajib dibawa", Kind.REQUIREMENT),  # documents, not a yes or no
        ("Does BPJS Kesehatan pay for braces?", Kind.CONDITION),
        ("pencairan jht 10 persen buat apa aja", Kind.PURPOSE),  # the question gives the figure, it asks for the uses
        ("nomor pengaduan bpjs kesehatan", Kind.NUMBER),  # no "berapa": still the number
        ("apa itu nomor kpj", Kind.DEFINITION),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) is kind


def test_a_figure_for_how_much_and_never_the_old_rule():
    assert best("uang jkp berapa persen dari gaji") == "Uang tunai JKP dibayar setiap bulan sebesar 60% dari upah."


@pytest.mark.parametrize(
    "history",
    [
        "Saat PP No. 45 Tahun 2015 terbit, batas upah Jaminan Pensiun ditetapkan Rp7.000.000.",
        "Sebelum PP No. 82 Tahun 2019, batas upah Jaminan Pensiun hanya Rp7.000.000.",
        "Batas upah Jaminan Pensiun pertama kali ditetapkan Rp7.000.000.",
    ],
)
def test_a_figure_from_the_past_is_not_the_answer(history):
    text = f"{history} Mulai 1 Maret 2026, batas upah Jaminan Pensiun adalah Rp11.086.300 per bulan."
    assert best("batas upah jaminan pensiun brp", text).startswith("Mulai 1 Maret 2026")


def test_a_sentence_that_points_elsewhere_is_not_the_answer():
    text = (
        "Rincian santunan kematian Jaminan Kematian ada di dokumen tentang santunan JKM. "
        "Ahli waris menerima Rp42.000.000 (lihat dokumen ahli waris)."
    )
    assert best("santunan kematian jaminan kematian berapa", text) == "Ahli waris menerima Rp42.000.000 (lihat dokumen ahli waris)."


def test_an_example_introduced_by_contohnya_loses_like_contoh():
    text = (
        "Contohnya, pekerja yang kena PHK karena perusahaan tutup menerima uang tunai JKP dan mencairkan JHT. "
        "Pekerja yang kena PHK menerima uang tunai JKP bila memenuhi syarat masa iuran."
    )
    assert best("kena phk menerima uang tunai jkp dan jht?", text).startswith("Pekerja yang kena PHK")


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("pedagang bpu iuran jht brp persen dari penghasilan", "Bagi peserta BPU"),  # the rule
        ("contoh hitungan iuran jht bpu pedagang", "Contoh iuran"),  # the example, asked for
    ],
)
def test_a_worked_example_answers_only_when_asked(question, opening):
    text = (
        "Contoh iuran BPU untuk pedagang dengan penghasilan Rp3.000.000: iuran Jaminan Hari Tua 2% × Rp3.000.000 = Rp60.000. "
        "Bagi peserta BPU, iuran Jaminan Hari Tua adalah 2% dari penghasilan."
    )
    assert best(question, text).startswith(opening)


def test_a_worked_sum_comes_with_the_premise_of_its_example():
    """The figure of one case is quoted with the sentence saying it is an example, never alone."""
    text = (
        "Iuran JKK karyawan 0,24% sampai 1,74% dari upah, menurut kelompok risiko.\n"
        "Contoh: perusahaan termasuk kelompok risiko III (0,89%) dan upah pekerja Rp5.000.000. "
        "Iuran JKK = 0,89% × Rp5.000.000 = Rp44.500 per bulan. Seluruhnya dibayar perusahaan."
    )
    span = answer_span(text, query_terms("iuran jkk 44.500 sebulan"), Kind.AMOUNT)
    assert text[span[0] : span[1]] == (
        "Contoh: perusahaan termasuk kelompok risiko III (0,89%) dan upah pekerja Rp5.000.000. "
        "Iuran JKK = 0,89% × Rp5.000.000 = Rp44.500 per bulan."
    )
    assert best("iuran jkk karyawan berapa persen", text).startswith("Iuran JKK karyawan 0,24%")  # the rule, when it is there


def test_how_to_is_answered_by_the_list_of_steps():
    text = (
        "Pindah FKTP bisa dilakukan tanpa datang ke kantor.\n"
        "Saluran untuk pindah FKTP:\n• aplikasi Mobile JKN: menu ubah data peserta;\n• WhatsApp PANDAWA;\n• kantor cabang."
    )
    assert best("cara pindah fktp", text).startswith("Saluran untuk pindah FKTP:\n• aplikasi")


def test_a_sentence_about_the_document_is_not_the_answer():
    text = (
        "Pekerja kadang baru tahu bahwa perusahaan menunggak iuran. "
        "Dokumen ini menjelaskan siapa yang menanggung biaya Jaminan Kecelakaan Kerja dalam keadaan itu. "
        "Bila perusahaan menunggak, biaya Jaminan Kecelakaan Kerja ditanggung perusahaan."
    )
    assert best("jaminan kecelakaan kerja siapa yang tanggung biaya", text).startswith("Bila perusahaan menunggak")


def test_a_cap_is_a_stated_figure():
    """"maksimal"/"batas" asks for an amount or a span with its number; "setelah" alone is no cap."""
    assert holds(Kind.LIMIT, "Denda itu paling tinggi Rp30.000.000.") and holds(Kind.LIMIT, "Klaim gugur setelah 5 tahun.")
    assert not holds(Kind.LIMIT, "Denda dikenakan bila peserta dirawat inap setelah kepesertaannya aktif kembali.")
    assert not holds(Kind.LIMIT, "Batasnya diatur dalam PP No. 45 Tahun 2015.")  # a regulation's number is no figure


def test_an_age_is_a_stated_age_not_an_article():
    """ "umur brp": "belum berusia 54 tahun" states an age; "usia pensiun (Pasal 15 ...)" cites an article."""
    assert holds(Kind.AGE, "Peserta belum berusia 54 tahun saat didaftarkan.")
    assert not holds(Kind.AGE, "Penundaan paling lama 3 tahun setelah usia pensiun (Pasal 15 PP No. 45 Tahun 2015).")


def test_a_percentage_for_how_many_percent_and_a_date_for_which_day():
    text = (
        "Iuran Jaminan Pensiun 3% dari upah: 2% dibayar perusahaan dan 1% dipotong dari upah pekerja. "
        "Contoh: dengan upah Rp4.000.000, total iuran Jaminan Pensiun Rp120.000 per bulan. "
        "Iuran dibayar perusahaan paling lambat tanggal 15 bulan berikutnya, dan keterlambatan didenda 2% per bulan."
    )
    assert best("iuran jaminan pensiun totalnya brp persen", text).startswith("Iuran Jaminan Pensiun 3%")
    assert best("iuran jaminan pensiun dibayar paling telat tgl brp", text).startswith("Iuran dibayar perusahaan paling lambat tanggal 15")


@pytest.mark.parametrize(
    ("question", "other", "answer"),
    [
        (  # a definition of a name given in full with its acronym
            "fornas itu apa",
            "Obat yang termasuk Fornas dijamin, dan obat di luar Fornas dipakai hanya bila tidak tersedia.",
            "Formularium Nasional (Fornas) adalah daftar obat yang dijamin Jaminan Kesehatan Nasional.",
        ),
        (  # a count of what the question counts
            "pensiun anak dr jp maksimal buat brp anak",
            "Pensiun anak berhenti ketika anak mencapai usia 23 tahun atau menikah.",
            "Menurut PP No. 45 Tahun 2015, pensiun anak diberikan kepada paling banyak 2 orang anak.",
        ),
    ],
)
def test_the_sentence_about_what_was_asked_wins_over_the_one_before_it(question, other, answer):
    assert best(question, f"{other} {answer}") == answer


def test_a_sentence_pointing_back_inherits_no_terms_from_one_that_states_the_fact():
    """ "Nilainya Rp174.000.000" takes the terms of the sentence before it, which named the benefit
    but not its value; a sentence before that states the value itself keeps the answer."""
    text = (
        "BPJS Ketenagakerjaan wajib membayar JHT paling lama 5 hari kerja setelah persyaratan dipenuhi. "
        "Waktu itu dihitung sejak berkas lengkap, bukan sejak peserta mulai mengisi formulir."
    )
    rare = {"berkas": 2.0, "lengkap": 2.0}  # idf: the words the back-pointing sentence shares are rare
    question = "berkas klaim jht udh lengkap smua, paling lama brp hari kerja duitnya cair"
    assert best(question, text, idf=lambda t: rare.get(t, 1.0)) == text.split(". ")[0] + "."  # alone: it needs nothing before it
    pointing = "Beasiswa diberikan untuk paling banyak dua anak peserta. Nilainya Rp174.000.000."
    assert best("beasiswa pendidikan anak brp", pointing) == pointing  # the figure, quoted with what it is the figure of


def test_a_duration_for_how_long():
    assert best("uang jkp dpt brp bulan sih") == "Uang tunai itu diberikan paling lama 6 bulan."


def test_a_stated_span_answers_how_long_before_a_word_of_time():
    """"selama proses itu" holds a word of time, "sebesar ketentuan" a word of money; "paling lama 6
    bulan" and "Rp42.000.000" state the figure asked for."""
    text = (
        "Jika pemberi kerja tidak membayar iuran BPJS Kesehatan selama proses PHK, pekerja tetap aktif dan dijamin. "
        "Pekerja yang terkena PHK tetap dijamin paling lama 6 bulan tanpa membayar iuran."
    )
    assert best("kena phk, bpjs kesehatan tetap aktif berapa lama tanpa bayar iuran", text).startswith("Pekerja yang terkena PHK")
    text = "Santunan kematian diberikan kepada ahli waris sebesar ketentuan. Santunan kematian adalah Rp42.000.000."
    assert best("santunan kematian berapa", text) == "Santunan kematian adalah Rp42.000.000."


def test_an_age_for_how_old():
    """"umur brp" asks for an age: "setelah masa tunggu 1 bulan" is a span, not the age asked."""
    text = (
        "Pekerja yang resign dapat mencairkan saldo Jaminan Hari Tua setelah masa tunggu 1 bulan. "
        "Saldo Jaminan Hari Tua dapat dicairkan penuh saat peserta mencapai usia 56 tahun."
    )
    assert best("umur brp bisa cairin saldo jaminan hari tua", text).startswith("Saldo Jaminan Hari Tua dapat dicairkan penuh")


def test_steps_for_how():
    assert best("gmn cara klaim jkp") == "Klaim JKP diajukan melalui aplikasi SIAPkerja."


def test_a_condition_with_its_list_for_requirements():
    assert best("syarat dapat jkp apa aja") == "Syarat penerima JKP:\n• terkena PHK, bukan mengundurkan diri;\n• sudah membayar iuran 12 bulan dalam 24 bulan."


def test_an_item_of_two_sentences_keeps_its_list_whole():
    """A list item may add a sentence of its own ("... pindah segmen. Menurut ..., paling sedikit 2
    bulan."); it stays with its item and the list stays with its introduction, so that the bold is
    the whole list, not the item's second sentence read alone."""
    text = (
        "REHAB ditujukan untuk peserta yang menunggak iuran sebagai peserta mandiri:\n"
        "• peserta mandiri yang menunggak 4 sampai 24 bulan;\n"
        "• peserta yang sudah pindah segmen. Menurut kantor cabang, mereka bisa ikut bila tunggakannya paling sedikit 2 bulan.\n"
        "REHAB tidak menghapus tunggakan."
    )
    answer = best("rehab bisa diikutin klo nunggak brp bulan", text)
    assert answer.startswith("REHAB ditujukan") and "4 sampai 24 bulan" in answer and answer.endswith("paling sedikit 2 bulan.")


def test_a_cap_is_an_amount_or_a_time():
    text = "Batas upah JP disesuaikan setiap tahun. Batas upah JP bulan ini Rp11.086.300."
    assert best("batas upah jp", text=text) == "Batas upah JP bulan ini Rp11.086.300."
    text = "Klaim JKK diajukan lewat perusahaan. Hak klaim JKK gugur setelah lewat 5 tahun."
    assert best("klaim jkk maksimal", text=text) == "Hak klaim JKK gugur setelah lewat 5 tahun."


def test_a_superseded_passage_has_no_answer_sentence():
    assert best("berapa uang jkp", superseded=True) == ""


def test_a_single_sentence_is_its_own_answer():
    assert best("apa itu jkp", text="JKP adalah jaminan bagi pekerja yang terkena PHK.") == "JKP adalah jaminan bagi pekerja yang terkena PHK."


def test_a_regulation_number_is_no_duration():
    text = (
        "Klaim JHT karena berhenti bekerja diberikan kepada peserta yang mengundurkan diri (Permenaker No. 4 Tahun 2022). "
        "Klaim itu dapat diajukan setelah masa tunggu 1 bulan."
    )
    assert best("kapan jht bisa diklaim kalau mengundurkan diri", text) == text  # the second, with the one it points back to


def test_a_figure_that_points_back_answers_for_its_subject():
    text = (
        "Beasiswa pendidikan diberikan kepada anak peserta yang meninggal dunia agar anak tetap bersekolah. "
        "Nilainya paling banyak Rp174.000.000 untuk dua anak."
    )
    assert best("beasiswa anak peserta yang meninggal berapa", text) == text  # "Nilainya ...", read alone, would not say of what


def test_a_conclusion_comes_with_the_rule_it_draws_from():
    """ "Jadi ... dalam 3 tahun tersebut": read alone, "tersebut" points at nothing; the bold begins
    at the rule it concludes from (in the same paragraph)."""
    text = (
        "Hak JKK atas penyakit akibat kerja berlaku bila penyakit timbul paling lama 3 tahun sejak hubungan kerja berakhir. "
        "Jadi pekerja yang sudah resign masih dapat mengajukan JKK bila penyakitnya muncul dalam 3 tahun tersebut."
    )
    assert best("udah resign, masih bisa klaim jkk kalau sakit karena kerja?", text) == text


def test_a_percent_sign_answers_persen():
    text = "Dari upah Rp4.000.000, potongan gaji untuk JHT Rp80.000 sebulan. Potongan gaji untuk JHT 2% dari upah."
    assert best("potongan gaji jht berapa persen", text) == "Potongan gaji untuk JHT 2% dari upah."


def test_a_party_asked_is_answered_by_who_pays_not_by_what_it_is():
    text = (
        "Jaminan Kecelakaan Kerja (JKK) adalah perlindungan paling dasar bagi pekerja. "
        "Iuran JKK untuk karyawan dibayar oleh pemberi kerja."
    )
    assert best("siapa yang bayar iuran jkk", text) == "Iuran JKK untuk karyawan dibayar oleh pemberi kerja."
    assert best("jkk itu apa", text).startswith("Jaminan Kecelakaan Kerja (JKK) adalah")


def test_who_does_something_is_answered_by_the_sentence_naming_who_does_it():
    """ "yg nentuin gawat darurat siapa": "Yang menilai ... adalah dokter di IGD" names who decides,
    though the question's verb is not the sentence's and the passage's first sentence defines the term."""
    text = (
        "Gawat darurat adalah kondisi yang membutuhkan tindakan medis segera untuk menyelamatkan nyawa. "
        "Yang menilai apakah kondisi pasien memenuhi kriteria gawat darurat adalah dokter di IGD."
    )
    assert best("ke igd, yg nentuin sy gawat darurat ato bukan siapa", text).startswith("Yang menilai")


def test_a_use_asked_is_answered_by_what_it_is_for_not_by_a_rule_about_it():
    text = (
        "Peserta yang masih bekerja boleh mengambil 10% saldo untuk persiapan pensiun, atau 30% untuk kepemilikan rumah. "
        "Mengambil saldo sebagian dapat membuat sisa saldo yang diambil kemudian dikenai tarif pajak progresif."
    )
    assert best("saldo bisa diambil sebagian buat apa", text).startswith("Peserta yang masih bekerja")


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("iuran bpu brp sebulan", "bulan"),
        ("denda telat bayar brp persen per bulan", "bulan"),
        ("beasiswa sd dapet brp setahun", "tahun"),
        ("how much is the JKN premium per month", "bulan"),
        ("iuran bpu brp", ""),
    ],
)
def test_the_unit_an_amount_is_asked_per(question, unit):
    assert asked_rate(question) == unit


def test_a_bound_written_in_full_answers_minimal_or_maksimal():
    text = (
        "Dana ini diinvestasikan dan hasilnya dibukukan setiap tahun; tahun lalu hasilnya 5,5%. "
        "Peraturan mewajibkan hasil itu paling sedikit setara bunga deposito bank pemerintah."
    )
    assert best("hasilnya dijamin minimal setara apa", text).startswith("Peraturan mewajibkan")


def test_a_bare_list_introduction_comes_with_the_sentence_giving_its_subject():
    """"Yang perlu disiapkan:" alone does not say for what; the sentence before it, in its paragraph, does."""
    text = (
        "Peserta mandiri mendaftar lewat aplikasi atau kantor cabang. Saat mendaftar mandiri, peserta memilih kelas. Yang perlu disiapkan:\n"
        "• KTP dan Kartu Keluarga;\n"
        "• nomor ponsel aktif.\n"
        "Langkah berikutnya:\n"
        "• bayar iuran pertama."
    )
    assert best("daftar mandiri syaratnya apa aja", text) == (
        "Saat mendaftar mandiri, peserta memilih kelas. Yang perlu disiapkan:\n• KTP dan Kartu Keluarga;\n• nomor ponsel aktif."
    )
    assert best("habis daftar langkah berikutnya apa", text).startswith("Langkah berikutnya:")  # on a line of its own: as it is


def test_an_amount_per_the_unit_asked_not_a_sum_for_a_whole_span():
    text = (
        "Peserta yang berangkat untuk 24 bulan membayar iuran sekaligus Rp332.500 sebelum berangkat. "
        "Bila kontraknya lebih lama, kelebihannya dikenai Rp13.500 per bulan."
    )
    assert best("kontrak lebih dari 24 bulan, iuran tambahannya brp sebulan", text) == "Bila kontraknya lebih lama, kelebihannya dikenai Rp13.500 per bulan."
    assert best("kontrak 24 bulan, iurannya brp", text).startswith("Peserta yang berangkat")
    beside = "Uang tunai dihitung 60% dari upah (batas upah Rp5.000.000) setiap bulan. Uang tunai paling banyak Rp3.000.000 per bulan."
    assert best("uang tunai brp sebulan", beside) == "Uang tunai paling banyak Rp3.000.000 per bulan."  # a figure per month, not beside one


def test_a_short_list_item_with_the_figure_and_a_class_in_roman_numerals():
    text = "Iuran peserta mandiri dibayar setiap bulan sesuai kelas.\n• Kelas II: Rp100.000;\n• Kelas I: Rp150.000;"
    assert best("iuran kelas 1 berapa", text) == "• Kelas I: Rp150.000;"


def test_a_comparison_for_what_differs():
    text = (
        "Jaminan Kematian (JKM) dan Jaminan Kecelakaan Kerja (JKK) diurus di kantor yang sama. "
        "JKM dibayar bila peserta meninggal karena sakit, sedangkan JKK bila karena kecelakaan kerja."
    )
    assert best("jkm sama jkk bedanya apa", text) == "JKM dibayar bila peserta meninggal karena sakit, sedangkan JKK bila karena kecelakaan kerja."


def test_a_number_to_call_is_not_an_amount():
    text = "Iuran dibayar dengan nomor virtual account sebesar Rp35.000 per bulan. Pengaduan diterima Care Center 165."
    assert best("nomor pengaduan bpjs kesehatan berapa", text) == "Pengaduan diterima Care Center 165."


def test_a_count_for_how_many_not_a_date_or_money():
    text = (
        "Menurut BPJS Kesehatan (24 April 2025), iuran kelas III Rp42.000 per orang. "
        "Satu ruang rawat berisi paling banyak 4 tempat tidur. Kamar harus berjendela."
    )
    assert best("1 kamar isinya brp org", text) == "Satu ruang rawat berisi paling banyak 4 tempat tidur."
    assert not holds(Kind.COUNT, "Menurut Pasal 52, layanan itu tidak dijamin.")


def test_documents_for_requirements():
    text = "Peserta mandiri bisa mendaftar lewat aplikasi. Dokumen yang diminta saat mendaftar sebagai peserta mandiri: KTP dan KK."
    assert best("syarat daftar peserta mandiri apa aja", text) == "Dokumen yang diminta saat mendaftar sebagai peserta mandiri: KTP dan KK."


def test_a_word_written_apart_still_counts():
    text = "Peserta BPJS tidak perlu rujukan di IGD rumah sakit. Rumah sakit yang tidak bekerja sama dengan BPJS juga melayani."
    assert best("rs yg gak kerjasama bpjs", text) == "Rumah sakit yang tidak bekerja sama dengan BPJS juga melayani."


def test_the_regulation_itself_for_the_legal_basis():
    text = "JKP memberi uang tunai kepada pekerja yang terkena PHK. JKP diatur dalam PP No. 37 Tahun 2021 tentang JKP."
    assert best("dasar hukum jkp apa", text) == "JKP diatur dalam PP No. 37 Tahun 2021 tentang JKP."


def test_a_sentence_naming_only_another_program_loses():
    """A summary of the heirs' rights: "santunan kematian jkm brp" is not the JKK death benefit."""
    text = (
        "Santunan kematian Jaminan Kecelakaan Kerja (JKK) besarnya 48 kali upah. "
        "Bila peserta meninggal bukan karena kecelakaan kerja, ahli waris menerima santunan kematian Rp20.000.000."
    )
    question = "santunan kematian jkm brp"
    assert best(question, text).startswith("Santunan kematian Jaminan Kecelakaan Kerja")  # the test needs the JKK line ahead on terms
    assert best(question, text, programs=({"jkm"}, {"jkk", "jht"})).startswith("Bila peserta meninggal")
    assert best(question, text, programs=({"jkk"}, {"jkm", "jht"})).startswith("Santunan kematian Jaminan Kecelakaan Kerja")


def test_the_line_introducing_a_list_item():
    text = "Iuran dibayar tiap bulan. Rinciannya:\n• PPU: 5%;\n• PBPU: Rp42.000.\nTanpa daftar.\n• lepas"
    ppu = text.index("• PBPU")
    a, b = list_intro(text, (ppu, ppu + 5))
    assert text[a:b] == "Rinciannya:"  # the line's last sentence
    assert list_intro(text, (0, 10)) is None  # no list item
    lone = text.index("• lepas")
    assert list_intro(text, (lone, lone + 3)) is None  # its list follows a line that introduces nothing


def test_the_number_to_call_not_a_sentence_that_says_telephone():
    text = "Call center BPJS Ketenagakerjaan dapat dihubungi di nomor 175. Siapkan NIK BPJS Ketenagakerjaan saat menelepon."
    assert best("telepon bpjs ketenagakerjaan", text).startswith("Call center")


def test_the_word_asking_for_requirements_counts_little_in_the_answer():
    """ "jkm syaratnya apa": the condition that says when JKM is paid, not a sentence that only
    happens to say "mensyaratkan" (the word asking weighs like an acronym's expansion)."""
    text = (
        "Jaminan Kematian (JKM) hanya untuk kematian yang bukan akibat kecelakaan kerja. "
        "Bila peserta meninggal karena kecelakaan kerja, ahli waris menerima manfaat Jaminan Kecelakaan Kerja (JKK), bukan JKM. "
        "Beasiswa anak akibat kecelakaan kerja juga tidak mensyaratkan masa iuran minimal."
    )
    assert best("jkm syaratnya apa", text).startswith("Jaminan Kematian (JKM) hanya")


def test_a_passage_defines_a_thing_only_when_its_subject_is_all_asked():
    """ "apa itu jmo" is answered by "JMO atau Jamsostek Mobile adalah ...", while "apa itu denda" is
    not by "Denda pelayanan adalah ...": that is one kind of fine (bot.conversation.defines_asked)."""
    assert defines("Saldo dicek di JMO. JMO atau Jamsostek Mobile adalah aplikasi resmi BPJS Ketenagakerjaan.", ("jmo", "jamsostek", "mobile"))
    assert not defines("Denda pelayanan adalah sanksi bagi peserta yang menunggak.", ("denda",))
    assert not defines("Iuran JHT dibayar setiap bulan.", ("iur", "jht"))


def test_which_programs_is_answered_by_the_sentence_naming_them():
    """ "program apa aja": "... program JKK dan JKM" lists the programs, though a two-item list has no
    comma; asked which employers, the list of them ("meliputi pengguna jasa, ...") answers."""
    text = (
        "Setiap pemberi kerja jasa konstruksi wajib mendaftarkan pekerjanya dalam program JKK dan JKM. "
        "Pemberi kerja ini meliputi pengguna jasa dan penyedia jasa konstruksi pada proyek perencanaan, pelaksanaan, dan pengawasan."
    )
    programs = ((), ("jkk", "jkm", "jht"))
    assert best("pekerja proyek konstruksi didaftarin ke program apa aja", text, programs=programs).startswith("Setiap pemberi kerja")
    assert best("pemberi kerja proyek konstruksi apa aja", text, programs=programs).startswith("Pemberi kerja ini meliputi")


def test_which_programs_is_not_answered_by_a_list_of_something_else():
    """ "daftar bpu wajib ikut program apa": the sentence naming two programs answers; the list of
    documents to bring, though a list, names none; a group of participants (BPU) is no program."""
    text = (
        "Untuk mendaftar sebagai peserta BPU, siapkan:\n"
        "• e-KTP;\n"
        "• nomor ponsel aktif.\n"
        "Peserta BPU mengikuti dua program dasar: JKK dan JKM."
    )
    programs = ((), ("jkk", "jkm", "jht", "bpu", "pmi"))
    assert best("daftar bpu wajib ikut program apa", text, programs=programs).startswith("Peserta BPU mengikuti")
    assert not lists_programs("Peserta BPU dan PMI mendaftar sendiri.", programs[1])


def test_the_parts_of_a_list_that_may_answer_are_its_introduction_and_the_items_sharing_a_word_asked():
    """A reply too short for the whole list quotes these (bot/reply.py): "suhu" is asked, and only one
    item names it; words the introduction already holds ("kris", "ruang") single out no item. Every
    item sharing as many words is kept ("tempat tidur" in two), none is picked alone; one sharing
    less than half as many as the best is left out ("suhu" beside "udara paling sedikit")."""
    text = (
        "Ruang rawat inap KRIS harus memenuhi kriteria:\n"
        "• ventilasi udara paling sedikit 6 kali per jam;\n"
        "• suhu ruangan 20 sampai 26 derajat Celsius;\n"
        "• nakas per tempat tidur;\n"
        "• ruang rawat paling banyak 4 tempat tidur."
    )
    whole = (0, len(text))
    pieces = lambda question: [text[a:b] for a, b in answer_parts(text, whole, query_terms(question))]
    assert pieces("suhu ruang kris brp derajat") == ["Ruang rawat inap KRIS harus memenuhi kriteria:", "• suhu ruangan 20 sampai 26 derajat Celsius;"]
    assert pieces("kris brp tempat tidur") == ["Ruang rawat inap KRIS harus memenuhi kriteria:", "• nakas per tempat tidur;", "• ruang rawat paling banyak 4 tempat tidur."]
    assert pieces("ruang rawat kris") == []  # no item stands out
    assert pieces("udara suhu tidur kris") == []  # every item shares a word: the whole list
    assert pieces("kris suhu, udara paling sedikit brp") == ["Ruang rawat inap KRIS harus memenuhi kriteria:", "• ventilasi udara paling sedikit 6 kali per jam;"]
    assert answer_parts(text, (0, text.index("\n")), query_terms("suhu kris")) == ()  # no list
