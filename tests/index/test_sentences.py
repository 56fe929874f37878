"""The one sentence splitter shared by passage splitting and answer sentences."""

from index.sentences import sentence_spans, split_sentences

TEXT = (
    "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan bagi pekerja yang terkena PHK. "
    "Manfaatnya berupa uang tunai, informasi pasar kerja, dan pelatihan. "
    "Diatur dalam PP No. 37 Tahun 2021. "
    "Iuran JKP sebesar 0,36% dari upah sebulan.\n"
    "Syarat:\n1. Terdaftar sebagai peserta\n2. Upah < Rp5.000.000 & lainnya"
)


def test_sentences_respect_abbreviations_numbers_and_lists():
    assert [TEXT[a:b] for a, b in sentence_spans(TEXT)] == [
        "Jaminan Kehilangan Pekerjaan (JKP) adalah jaminan bagi pekerja yang terkena PHK.",
        "Manfaatnya berupa uang tunai, informasi pasar kerja, dan pelatihan.",
        "Diatur dalam PP No. 37 Tahun 2021.",
        "Iuran JKP sebesar 0,36% dari upah sebulan.",
        "Syarat:",
        "1. Terdaftar sebagai peserta",
        "2. Upah < Rp5.000.000 & lainnya",
    ]


def test_spans_and_sentences_agree():
    text = "Bayar Rp. 5.000 per bulan. Lalu lapor ke kantor dll. dan tunggu!  Selesai?\n• Bawa KTP."
    assert split_sentences(text) == [text[a:b] for a, b in sentence_spans(text)]
    assert split_sentences(text) == ["Bayar Rp. 5.000 per bulan.", "Lalu lapor ke kantor dll. dan tunggu!", "Selesai?", "• Bawa KTP."]


def test_one_splitter_for_the_whole_project():
    import bot.reply
    import index.passages

    assert index.passages.split_sentences is split_sentences
    assert not hasattr(bot.reply, "_ABBREVIATIONS") and bot.reply.sentence_spans is sentence_spans
