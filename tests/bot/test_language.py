"""Language detection: word lists decide short and informal questions, langdetect the rest."""

import pytest

from bot.language import detect_language, is_supported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jkp?", "id"),
        ("brp iuran", "id"),
        ("JHT", "id"),
        ("gmn cara klaim jht kalo resign", "id"),
        ("Bagaimana cara mencairkan JHT setelah resign?", "id"),
        ("Saya di-PHK bulan lalu, apakah saya bisa dapat JKP?", "id"),
        ("iuran bpjs kesehatan kelas 3 berapa sekarang", "id"),
        ("what is JHT", "en"),
        ("How do I claim my JHT after resigning?", "en"),
        ("is JKP paid if I resign", "en"),
        ("what is BPJS Ketenagakerjaan", "en"),  # programme names are the same in every language
        ("BPJS Kesehatan for foreigners", "en"),
        ("jaminan hari tua bpjs ketenagakerjaan", "id"),
        ("Qu'est-ce que la sécurité sociale pour les travailleurs en Indonésie ?", "fr"),
        ("¿Cómo puedo cobrar mi pensión de vejez?", "es"),
        ("如何申请养老金", "zh-cn"),
        ("", "id"),
        ("😀😀 123", "id"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_detection_is_deterministic():
    text = "Wat is de JHT en hoe kan ik het krijgen"
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_only_indonesian_and_english_are_framed():
    assert is_supported("id") and is_supported("en") and not is_supported("fr")
