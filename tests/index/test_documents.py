"""Finding and reading corpus files: every format, skipped files, and problems instead of exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.documents import find_files, load_corpus

MARKDOWN = """---
title: Iuran JKN
source: Perpres No. 63 Tahun 2022
url: https://example.org/jkn
date: 2022-06-01
program: jkn
tags: iuran, mandiri
---

# Iuran JKN

Iuran kelas 3 sebesar Rp42.000 per bulan.
"""

CSV = (
    "Pertanyaan,Jawaban,title,source,date,program\n"
    "Apa itu JKP?,Jaminan bagi pekerja yang terkena PHK.,FAQ JKP,BPJS Ketenagakerjaan,2021-02-02,JKP\n"
    "Baris tanpa jawaban,,,,,\n"
    "Berapa iuran JKP?,\"0,46% dari upah, dari rekomposisi iuran.\",,,,\n"
)

HTML = """<html><head><title>Aplikasi JMO</title>
<meta name="author" content="BPJS Ketenagakerjaan"><meta property="og:url" content="https://example.org/jmo">
<meta name="date" content="2023-05-06T10:00:00"></head>
<body><nav>menu navigasi</nav><header>kepala</header><h1>Aplikasi JMO</h1><h2>Fitur</h2>
<p>Cek   saldo JHT dari ponsel.</p><ul><li>klaim JHT</li><li>kartu digital</li></ul>
<script>var rahasia = 1;</script><footer>hak cipta</footer></body></html>
"""


def _by_path(corpus: Path) -> tuple[dict, dict]:
    docs, problems = load_corpus(corpus)
    return {d.path: d for d in docs}, {p.path: p.message for p in problems}


def test_each_format_is_read(make_corpus, make_pdf):
    corpus = make_corpus(
        {
            "md/iuran.md": MARKDOWN,
            "txt/kontak.txt": "Kontak layanan\nTelepon 175 untuk BPJS Ketenagakerjaan.\n",
            "csv/faq.csv": CSV,
            "html/jmo.html": HTML,
            "pdf/panduan.pdf": make_pdf(
                ["Klaim JKK diajukan lewat kantor cabang.", "Laporan awal", "dikirim dalam 2 x 24 jam."], title="Panduan JKK"
            ),
        }
    )
    docs, problems = _by_path(corpus)
    assert problems == {}
    assert set(docs) == {"md/iuran.md", "txt/kontak.txt", "csv/faq.csv", "html/jmo.html", "pdf/panduan.pdf"}

    md = docs["md/iuran.md"]
    assert (md.kind, md.title, md.source, md.url, md.date, md.program) == (
        "md", "Iuran JKN", "Perpres No. 63 Tahun 2022", "https://example.org/jkn", "2022-06-01", "JKN"
    )
    assert md.tags == ("iuran", "mandiri")
    assert "Rp42.000" in md.body and "---" not in md.body

    txt = docs["txt/kontak.txt"]
    assert (txt.kind, txt.title) == ("txt", "Kontak layanan")
    assert txt.body.strip() == "Telepon 175 untuk BPJS Ketenagakerjaan."

    faq = docs["csv/faq.csv"]
    assert (faq.kind, faq.title, faq.source, faq.date, faq.program) == ("csv", "FAQ JKP", "BPJS Ketenagakerjaan", "2021-02-02", "JKP")
    assert faq.qa_pairs == (
        ("Apa itu JKP?", "Jaminan bagi pekerja yang terkena PHK."),
        ("Berapa iuran JKP?", "0,46% dari upah, dari rekomposisi iuran."),
    )

    html = docs["html/jmo.html"]
    assert (html.kind, html.title, html.source, html.url, html.date) == (
        "html", "Aplikasi JMO", "BPJS Ketenagakerjaan", "https://example.org/jmo", "2023-05-06"
    )
    assert [line for line in html.body.splitlines() if line] == [
        "# Aplikasi JMO", "## Fitur", "Cek saldo JHT dari ponsel.", "- klaim JHT", "- kartu digital"
    ]
    for junk in ("menu navigasi", "kepala", "rahasia", "hak cipta"):
        assert junk not in html.body

    pdf = docs["pdf/panduan.pdf"]
    assert (pdf.kind, pdf.title, pdf.source) == ("pdf", "Panduan JKK", "Tester")
    assert "Klaim JKK diajukan lewat kantor cabang." in pdf.body
    assert "Laporan awal dikirim dalam 2 x 24 jam." in pdf.body  # hard-wrapped lines joined again


def test_title_falls_back_to_the_file_name(make_corpus):
    docs, _ = _by_path(make_corpus({"jkn-bayi_baru-lahir.md": "Bayi baru lahir didaftarkan paling lambat 28 hari."}))
    assert docs["jkn-bayi_baru-lahir.md"].title == "Jkn bayi baru lahir"


def test_utf8_byte_order_mark_is_accepted(make_corpus):
    docs, problems = _by_path(make_corpus({"bom.md": "\ufeff" + MARKDOWN}))
    assert problems == {} and docs["bom.md"].title == "Iuran JKN"


def test_discovery_is_recursive_sorted_and_skips_hidden_and_readme(make_corpus):
    corpus = make_corpus(
        {
            "b.md": "b",
            "a/deep/er/c.txt": "c",
            "a/d.csv": "question,answer\nq,a\n",
            "README.md": "about the corpus",
            "sub/readme.md": "about a folder",
            ".hidden.md": "hidden",
            ".git/config.md": "hidden folder",
            "_drafts/draft.md": "draft",
            "notes.docx": "other format",
            "data.json": "{}",
            "upper.MD": "suffix in capitals",
        }
    )
    found = [p.relative_to(corpus).as_posix() for p in find_files(corpus)]
    assert found == ["a/d.csv", "a/deep/er/c.txt", "b.md", "upper.MD"]


def test_bad_yaml_front_matter_is_a_problem_not_an_exception(make_corpus):
    corpus = make_corpus({"bad.md": "---\ntitle: [tidak ditutup\nsource: x\n---\nIsi.", "good.md": MARKDOWN})
    docs, problems = _by_path(corpus)
    assert set(docs) == {"good.md"}
    assert "YAML" in problems["bad.md"] and "\n" not in problems["bad.md"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("latin1.txt", "Judul\nkata dengan é".encode("latin-1"), "UTF-8"),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF"),
        ("nocolumns.csv", "x,y\n1,2\n", "question column"),
    ],
)
def test_unreadable_files_become_problems(make_corpus, name, content, words):
    docs, problems = _by_path(make_corpus({name: content, "good.md": MARKDOWN}))
    assert set(docs) == {"good.md"}
    assert words in problems[name]


def test_pdf_without_text_layer_is_a_problem(make_corpus, make_pdf):
    _, problems = _by_path(make_corpus({"scan.pdf": make_pdf([])}))
    assert "no text layer" in problems["scan.pdf"]


GOOD = "---\ntitle: Iuran JHT\nsource: PP No. 46 Tahun 2015\ndate: 2015-07-01\n---\nIuran Jaminan Hari Tua (JHT) sebesar 5,7% dari upah.\n"
BAD_INPUT = {
    "tags a number": ("tags.md", "---\ntitle: X\ntags: 5\n---\nIsi dokumen yang cukup.\n", "tags"),
    "tags a mapping": ("tags2.md", "---\ntitle: X\ntags: {a: 1}\n---\nIsi dokumen yang cukup.\n", "tags"),
    "front matter a YAML list": ("list.md", "---\n- title\n- source\n---\nIsi dokumen yang cukup.\n", "mapping"),
    "a CSV field over the csv module's limit": ("faq.csv", "question,answer\napa?," + "a " * 70_000 + "\n", "CSV"),
    "a file of NUL bytes": ("nul.md", b"\0" * 4096, "NUL"),
    "NUL bytes inside text": ("nul.txt", b"Judul\nteks\0lain", "NUL"),
    "one 5 MB token": ("token.txt", "Judul\n" + "x" * 5_000_000, "without a space"),
}


@pytest.mark.parametrize("name,content,words", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_skipped_with_a_one_line_reason(make_corpus, name, content, words):
    docs, problems = load_corpus(make_corpus({"good.md": GOOD, name: content}))
    assert [d.path for d in docs] == ["good.md"]
    assert [p.path for p in problems] == [name]
    assert words in problems[0].message and "\n" not in problems[0].message


def test_a_link_out_of_the_corpus_is_refused(make_corpus, tmp_path):
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root\nroot:x:0:0:root:/root:/bin/bash\n", "utf-8")
    corpus = make_corpus({"good.md": GOOD})
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "inside.md").symlink_to(corpus / "good.md")  # a link within the corpus is fine
    docs, problems = load_corpus(corpus)
    assert sorted(d.path for d in docs) == ["good.md", "inside.md"]
    assert [(p.path, "outside the corpus" in p.message) for p in problems] == [("passwd.txt", True)]
    assert corpus / "passwd.txt" not in find_files(corpus)


def test_a_build_goes_on_past_bad_input(make_corpus, tmp_path):
    from index.build import build_index
    from tests.fakes import FakeEncoder

    files = {"good.md": GOOD, **{name: content for name, content, _ in BAD_INPUT.values()}}
    summary = build_index(make_corpus(files), tmp_path / "index", FakeEncoder())
    assert summary.documents == 1 and len(summary.problems) == len(BAD_INPUT)
