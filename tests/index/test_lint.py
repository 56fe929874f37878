"""The corpus quality gate, on small made-up corpora and on the project's real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.lint import lint_corpus
from index.settings import IndexSettings

REAL_CORPUS = Path(__file__).resolve().parents[2] / "corpus"

COMPLETE = """---
title: Iuran JHT
source: PP No. 46 Tahun 2015
date: 2015-06-30
---

Iuran Jaminan Hari Tua sebesar 5,7% dari upah: 3,7% dari pemberi kerja dan 2% dari pekerja.
"""

SHARED = "Peserta dapat mengajukan klaim lewat aplikasi JMO tanpa datang ke kantor cabang BPJS Ketenagakerjaan."


def _messages(corpus: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in lint_corpus(corpus):
        out.setdefault(finding.path, []).append(finding.message)
    return out


def test_a_clean_corpus_has_no_findings(make_corpus):
    assert lint_corpus(make_corpus()) == []
    assert lint_corpus(make_corpus({"jht.md": COMPLETE}, name="single")) == []


def _without(field: str) -> str:
    return "\n".join(line for line in COMPLETE.splitlines() if not line.startswith(f"{field}:"))


@pytest.mark.parametrize("field", ["source", "date"])
def test_missing_front_matter_field(make_corpus, field):
    (messages,) = _messages(make_corpus({"jht.md": _without(field)})).values()
    assert len(messages) == 1 and messages[0].startswith(f"missing {field} ")


def test_a_date_note_excuses_a_missing_date(make_corpus):
    text = _without("date").replace("source:", "date_note: the article gives no year\nsource:")
    assert lint_corpus(make_corpus({"berita.md": text})) == []


def test_missing_title(make_corpus):
    messages = _messages(make_corpus({"jht.md": _without("title")})).get("jht.md", [])
    assert [m for m in messages if m.startswith("missing title ")]


def test_csv_faq_needs_its_metadata_too(make_corpus):
    csv = "question,answer\nApa itu JKP?,Jaminan bagi pekerja yang terkena PHK.\n"
    messages = _messages(make_corpus({"faq.csv": csv}))["faq.csv"]
    assert sorted(m.split()[1] for m in messages) == ["date", "source"]


def test_plain_text_is_not_asked_for_front_matter(make_corpus):
    assert lint_corpus(make_corpus({"catatan.txt": "Catatan\nLayanan telepon BPJS Ketenagakerjaan di nomor 175."})) == []


def test_empty_document(make_corpus):
    empty = COMPLETE.split("---\n\n")[0] + "---\n\n# Iuran JHT\n"
    assert _messages(make_corpus({"kosong.md": empty})) == {"kosong.md": ["empty document: no text to quote"]}


def test_duplicate_passage_across_two_documents(make_corpus):
    corpus = make_corpus({"a.md": COMPLETE + "\n" + SHARED + "\n", "b/c.md": COMPLETE.replace("Iuran JHT", "Lain") + "\n" + SHARED + "\n"})
    findings = lint_corpus(corpus)
    duplicates = [f for f in findings if "duplicate passage" in f.message]
    assert len(duplicates) == 1
    assert duplicates[0].path == "a.md" and "b/c.md" in duplicates[0].message


def test_short_repeated_lines_are_not_duplicates(make_corpus):
    other = COMPLETE.replace("5,7%", "lima koma tujuh persen")
    corpus = make_corpus({"a.md": COMPLETE + "\nLihat juga.\n", "b.md": other + "\nLihat juga.\n"})
    assert lint_corpus(corpus) == []


def test_unreadable_file_is_a_finding(make_corpus):
    corpus = make_corpus({"jht.md": COMPLETE, "rusak.md": "---\ntitle: [tidak ditutup\n---\nIsi."})
    (finding,) = lint_corpus(corpus)
    assert finding.path == "rusak.md" and "YAML" in finding.message
    assert str(finding).startswith("rusak.md: ")


def test_the_project_corpus_is_clean():
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"no corpus at {REAL_CORPUS}")
    findings = lint_corpus(REAL_CORPUS, max_age_days=IndexSettings(_env_file=None).fact_max_age_days)
    assert findings == [], "\n".join(map(str, findings))


@pytest.mark.parametrize(
    ("valid_until", "message"),
    [
        ("2026-11-30", "a temporary rule that ended on 2026-11-30 (valid_until): write what holds now, and mark this document superseded_by it"),
        ("2026-12-20", "a temporary rule that ends on 2026-12-20 (valid_until): prepare what holds after it"),
        ("2027-06-30", None),
        ("akhir 2026", "valid_until 'akhir 2026' is not an ISO date (YYYY-MM-DD)"),
    ],
)
def test_a_temporary_rule_is_flagged_before_and_after_its_last_day(make_corpus, valid_until, message):
    import datetime as dt

    corpus = make_corpus({"diskon.md": COMPLETE.replace("source:", f"valid_until: {valid_until}\nsource:")})
    found = [f.message for f in lint_corpus(corpus, today=dt.date(2026, 12, 2))]
    assert found == ([message] if message else [])


def test_a_superseded_rule_needs_its_successor(make_corpus):
    old = COMPLETE.replace("source:", "superseded_by: jht-baru.md\nsource:")
    messages = _messages(make_corpus({"jht-lama.md": old}))
    assert messages == {"jht-lama.md": ["superseded_by names 'jht-baru.md', which is not a document of the corpus"]}
    new = COMPLETE.replace("5,7%", "6%")  # made-up figure, only to differ from the old text
    assert lint_corpus(make_corpus({"jht-lama.md": old, "jht-baru.md": new}, name="both")) == []


def test_facts_not_checked_for_too_long_are_flagged(make_corpus):
    import datetime as dt

    checked = COMPLETE.replace("date:", "checked: 2026-11-01\ndate:").replace("Hari Tua", "Hari Tua (JHT)")
    corpus = make_corpus({"jht.md": COMPLETE, "cek.md": checked})
    today = dt.date(2026, 12, 1)
    assert lint_corpus(corpus, today=today) == []  # no age check unless asked for
    (finding,) = lint_corpus(corpus, max_age_days=365, today=today)
    assert finding.path == "jht.md" and "2015-06-30" in finding.message
    assert lint_corpus(corpus, max_age_days=365, today=dt.date(2016, 6, 1)) == []


def test_dates_must_be_iso(make_corpus):
    text = COMPLETE.replace("date: 2015-06-30", "date: 30 Juni 2015")
    (messages,) = _messages(make_corpus({"jht.md": text})).values()
    assert messages == ["date '30 Juni 2015' is not an ISO date (YYYY-MM-DD)"]
