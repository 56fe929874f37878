"""The admin CLI, run in-process: build, search (--json, stdin), eval, info, lint, one-line errors, LOG_LEVEL."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from index.cli import main
from index.store import read_manifest

HIT_KEYS = {"id", "text", "title", "source", "url", "date", "score"}


@pytest.fixture
def built(fake_model, make_corpus, tmp_path, capsys) -> tuple[Path, Path]:
    """The fixture corpus built through the CLI with EMBEDDING_MODEL=fake; returns (corpus, index)."""
    corpus, out = make_corpus(), tmp_path / "index"
    assert main(["build", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    return corpus, out


def _one_line_error(capsys, code: int) -> str:
    out, err = capsys.readouterr()
    assert code != 0
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in out + err
    return err


def test_build_reports_counts_and_if_stale(fake_model, make_corpus, tmp_path, capsys):
    corpus, out = make_corpus(), tmp_path / "index"
    assert main(["build", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    manifest = read_manifest(out)
    printed = capsys.readouterr().out
    assert f"{manifest['documents']} documents, {manifest['passages']} passages" in printed
    assert f"({manifest['passages']} embedded, 0 reused)" in printed
    assert manifest["model"] == "fake"

    assert main(["build", "--corpus", str(corpus), "--out", str(out), "--if-stale"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_build_warns_about_skipped_files(fake_model, make_corpus, tmp_path, capsys):
    corpus = make_corpus()
    (corpus / "latin1.txt").write_bytes("Judul\nkata dengan é".encode("latin-1"))
    assert main(["build", "--corpus", str(corpus), "--out", str(tmp_path / "index"), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "warning: skipped latin1.txt" in err and "Traceback" not in err


def test_search_json_schema(built, capsys):
    _, index = built
    assert main(["search", "--index", str(index), "--json", "berapa", "iuran", "jkn", "kelas", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"question", "answered", "confidence", "off_topic", "hits"}
    assert data["off_topic"] is False
    assert data["question"] == "berapa iuran jkn kelas 3"
    assert isinstance(data["answered"], bool) and 0 <= data["confidence"] <= 1
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert set(hit) == HIT_KEYS
        assert isinstance(hit["text"], str) and hit["text"] and isinstance(hit["score"], float)
    assert data["hits"][0]["title"] == "Iuran JKN peserta mandiri"
    assert data["hits"][0]["date"] == "2022-06-01"


def test_search_k(built, capsys):
    _, index = built
    assert main(["search", "--index", str(index), "--json", "-k", "1", "klaim jht"]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 1


def test_search_reads_questions_from_stdin(built, capsys, monkeypatch):
    _, index = built
    monkeypatch.setattr("sys.stdin", io.StringIO("apa itu jkp\n\n   \nkartu kis hilang\n"))
    assert main(["search", "--index", str(index), "--json"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in results] == ["apa itu jkp", "kartu kis hilang"]


def test_search_as_text(built, capsys):
    _, index = built
    assert main(["search", "--index", str(index), "resep nasi goreng"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("? resep nasi goreng\n") and "no confident answer" in out


def test_search_uses_index_dir_from_the_environment(built, capsys, monkeypatch):
    from index.settings import get_index_settings

    _, index = built
    monkeypatch.setenv("INDEX_DIR", str(index))
    get_index_settings.cache_clear()
    assert main(["search", "--json", "apa itu jkp"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"]


def test_eval(built, capsys, tmp_path):
    _, index = built
    cases = tmp_path / "cases.tsv"
    cases.write_text("berapa iuran jkn kelas 3\tRp42\\.000\nresep nasi goreng\t-\n", "utf-8")
    assert main(["eval", "--index", str(index), str(cases)]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("R@1 1.000") and "out-of-scope answered 0/1" in last
    assert "confident-wrong 0/1" in last and "wrongly refused 0/1" in last


def test_info(built, capsys):
    _, index = built
    assert main(["info", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    manifest = read_manifest(index)
    assert f"model      {manifest['model']}" in out and f"passages   {manifest['passages']}" in out
    assert str(index.resolve()) in out


def test_lint(fake_model, make_corpus, capsys):
    assert main(["lint", "--corpus", str(make_corpus()), "--max-age", "0"]) == 0
    assert "no problems" in capsys.readouterr().out
    assert main(["lint", "--corpus", str(make_corpus())]) == 1  # the fixture's facts date from 2015-2021
    assert "last checked" in capsys.readouterr().out
    broken = make_corpus({"rusak.md": "---\ntitle: [x\n---\nIsi."}, name="broken")
    assert main(["lint", "--corpus", str(broken)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("rusak.md: ") and "1 problem(s)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "--index", "{tmp}/nowhere", "jkp"],
        ["info", "--index", "{tmp}/nowhere"],
        ["eval", "--index", "{tmp}/nowhere", "{tmp}/cases.tsv"],
        ["eval", "--index", "{index}", "{tmp}/no-such-cases.tsv"],
        ["build", "--corpus", "{tmp}/no-corpus", "--out", "{tmp}/out"],
        ["build", "--corpus", "{tmp}/empty", "--out", "{tmp}/out"],
        ["lint", "--corpus", "{tmp}/no-corpus"],
    ],
    ids=["search without index", "info without index", "eval without index", "eval without file",
         "build without corpus", "build of an empty corpus", "lint without corpus"],
)
def test_mistakes_end_in_one_line(built, capsys, tmp_path, argv):
    (tmp_path / "cases.tsv").write_text("apa itu jkp\tjkp\n", "utf-8")
    (tmp_path / "empty").mkdir()
    argv = [a.format(tmp=tmp_path, index=built[1]) for a in argv]
    _one_line_error(capsys, main(argv))
    assert not (tmp_path / "out").exists()


def test_strict_build_fails_in_one_line(fake_model, make_corpus, tmp_path, capsys):
    corpus = make_corpus()
    (corpus / "rusak.pdf").write_bytes(b"%PDF-1.4\nbukan pdf")
    code = main(["build", "--corpus", str(corpus), "--out", str(tmp_path / "index"), "--strict", "--no-progress"])
    assert "rusak.pdf" in _one_line_error(capsys, code)


def test_corrupt_index_fails_in_one_line(built, capsys):
    _, index = built
    (index.resolve() / "passages.jsonl").write_text("{broken", "utf-8")
    _one_line_error(capsys, main(["search", "--index", str(index), "jkp"]))


def test_bad_regex_in_eval_file_fails_in_one_line(built, capsys, tmp_path):
    cases = tmp_path / "cases.tsv"
    cases.write_text("apa itu jkp\t(tidak ditutup\n", "utf-8")
    _one_line_error(capsys, main(["eval", "--index", str(built[1]), str(cases)]))


def test_info_fails_on_a_damaged_index(built, capsys):
    _, index = built
    passages = index.resolve() / "passages.jsonl"
    lines = passages.read_text("utf-8").splitlines(keepends=True)
    passages.write_text("".join(lines[1:] + lines[:1]), "utf-8")  # still loadable, but wrong
    assert main(["info", "--index", str(index)]) == 1
    assert "corrupt" in capsys.readouterr().err


def test_build_reports_each_skipped_file_once(fake_model, make_corpus, tmp_path, capsys):
    corpus = make_corpus({**{"rusak.md": "---\ntitle: X\ntags: 5\n---\nIsi."}, "jht.md": "---\ntitle: JHT\n---\nIuran Jaminan Hari Tua (JHT) 5,7% dari upah."})
    assert main(["build", "--corpus", str(corpus), "--out", str(tmp_path / "index"), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert err.count("rusak.md") == 1, err


@pytest.mark.parametrize(
    ("log_level", "flags", "expected"),
    [("INFO", [], logging.INFO), ("WARNING", [], logging.WARNING), ("DEBUG", [], logging.DEBUG), ("ERROR", ["-v"], logging.DEBUG)],
)
def test_log_level_comes_from_the_setting_or_verbose(built, monkeypatch, capsys, log_level, flags, expected):
    from index.settings import get_index_settings

    root = logging.getLogger()
    before = root.level
    monkeypatch.setenv("LOG_LEVEL", log_level)
    get_index_settings.cache_clear()
    try:
        assert main([*flags, "info", "--index", str(built[1])]) == 0
        assert root.level == expected
    finally:
        root.setLevel(before)
