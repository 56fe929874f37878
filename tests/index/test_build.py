"""Building: summary counts, reuse of unchanged embeddings, --if-stale, empty and unreadable corpora."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index, corpus_hash
from index.documents import load_corpus
from index.errors import BuildError
from index.passages import embedding_text, split_document
from index.store import read_index
from tests.fakes import FakeEncoder


class CountingEncoder(FakeEncoder):
    """The fake encoder, counting the passages it is asked to embed."""

    def __init__(self, name: str = "fake"):
        super().__init__()
        self.name = name
        self.embedded: list[str] = []

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.embedded.extend(texts)
        return super().encode_passages(texts, progress)


def _texts(corpus: Path) -> list[str]:
    docs, _ = load_corpus(corpus)
    return [embedding_text(p) for d in docs for p in split_document(d)]


JKK_OLD = "paling lambat 2 x 24\njam sejak kejadian"
JKK_NEW = "paling lambat 2 x 24\njam sejak kecelakaan terjadi"


def test_summary_counts(make_corpus, tmp_path):
    corpus = make_corpus()
    encoder = CountingEncoder()
    summary = build_index(corpus, tmp_path / "index", encoder)
    docs, _ = load_corpus(corpus)
    expected_passages = sum(len(split_document(d)) for d in docs)
    assert (summary.documents, summary.passages) == (len(docs), expected_passages)
    assert (summary.embedded, summary.reused) == (expected_passages, 0)
    assert len(encoder.embedded) == expected_passages
    assert summary.dense_kind == "flat" and summary.problems == [] and not summary.up_to_date
    manifest = read_index(tmp_path / "index").manifest
    assert (manifest["documents"], manifest["passages"], manifest["model"]) == (len(docs), expected_passages, "fake")
    assert manifest["corpus_hash"] == corpus_hash(corpus)


def test_rebuild_without_changes_embeds_nothing(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    first = build_index(corpus, out, CountingEncoder())
    encoder = CountingEncoder()
    again = build_index(corpus, out, encoder)
    assert encoder.embedded == []
    assert (again.embedded, again.reused) == (0, first.passages)


def test_changing_one_document_embeds_only_its_changed_passages(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, out, CountingEncoder())
    before = Counter(_texts(corpus))
    jkk = corpus / "ketenagakerjaan/jkk.md"
    assert JKK_OLD in jkk.read_text("utf-8")
    jkk.write_text(jkk.read_text("utf-8").replace(JKK_OLD, JKK_NEW), "utf-8")
    changed = Counter(_texts(corpus)) - before
    assert sum(changed.values()) >= 1

    encoder = CountingEncoder()
    summary = build_index(corpus, out, encoder)
    assert Counter(encoder.embedded) == changed
    assert (summary.embedded, summary.reused) == (sum(changed.values()), summary.passages - sum(changed.values()))

    # Reused rows must land on the right passages: the stored vectors equal a fresh encoding.
    stored = read_index(out)
    fresh = FakeEncoder().encode_passages([embedding_text(p) for p in stored.passages])
    assert np.allclose(stored.dense.vectors(), fresh, atol=1e-6)


def test_another_model_reuses_nothing(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    first = build_index(corpus, out, CountingEncoder())
    encoder = CountingEncoder(name="fake-2")
    summary = build_index(corpus, out, encoder)
    assert summary.embedded == len(encoder.embedded) == first.passages
    assert read_index(out).manifest["model"] == "fake-2"


def test_if_stale_skips_an_up_to_date_index_and_rebuilds_after_an_edit(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, out, CountingEncoder())
    target = out.resolve()

    encoder = CountingEncoder()
    skipped = build_index(corpus, out, encoder, if_stale=True)
    assert skipped.up_to_date and encoder.embedded == [] and out.resolve() == target

    doc = corpus / "umum/kontak.txt"
    os.utime(doc, (1, 1))  # a new modification time alone changes nothing
    assert build_index(corpus, out, CountingEncoder(), if_stale=True).up_to_date

    doc.write_text(doc.read_text("utf-8") + "Layanan juga tersedia lewat surel.\n", "utf-8")
    rebuilt = build_index(corpus, out, CountingEncoder(), if_stale=True)
    assert not rebuilt.up_to_date and rebuilt.embedded >= 1 and out.resolve() != target

    assert not build_index(corpus, out, CountingEncoder(name="fake-2"), if_stale=True).up_to_date


def test_if_stale_builds_when_there_is_no_index(make_corpus, tmp_path):
    summary = build_index(make_corpus(), tmp_path / "index", CountingEncoder(), if_stale=True)
    assert not summary.up_to_date and summary.passages > 0


def test_corpus_hash_follows_content_and_names(make_corpus):
    corpus = make_corpus()
    first = corpus_hash(corpus)
    assert corpus_hash(corpus) == first
    (corpus / "umum/kontak.txt").rename(corpus / "umum/kontak-layanan.txt")
    renamed = corpus_hash(corpus)
    assert renamed != first
    (corpus / "README.md").write_text("about the corpus", "utf-8")  # skipped by the build
    assert corpus_hash(corpus) == renamed


@pytest.mark.parametrize(
    "files",
    [{}, {"README.md": "about the corpus"}, {"kosong.md": "---\ntitle: Kosong\n---\n"}, {".hidden.md": "teks tersembunyi"}],
    ids=["no files", "only README", "only front matter", "only hidden"],
)
def test_empty_corpus_is_a_build_error(make_corpus, tmp_path, files):
    with pytest.raises(BuildError, match="no passages"):
        build_index(make_corpus(files), tmp_path / "index", CountingEncoder())
    assert not (tmp_path / "index").exists()


def test_missing_corpus_is_a_build_error(tmp_path):
    with pytest.raises(BuildError, match="does not exist"):
        build_index(tmp_path / "nowhere", tmp_path / "index", CountingEncoder())


def test_unreadable_files_are_skipped_with_a_problem(make_corpus, tmp_path):
    corpus = make_corpus()
    (corpus / "latin1.txt").write_bytes("Judul\nkata dengan é".encode("latin-1"))
    (corpus / "rusak.pdf").write_bytes(b"%PDF-1.4\nbukan pdf")
    summary = build_index(corpus, tmp_path / "index", CountingEncoder())
    assert sorted(p.path for p in summary.problems) == ["latin1.txt", "rusak.pdf"]
    assert summary.documents == len(load_corpus(corpus)[0])
    assert not {p.doc for p in read_index(tmp_path / "index").passages} & {"latin1.txt", "rusak.pdf"}


def test_strict_build_fails_on_an_unreadable_file(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, out, CountingEncoder())
    target = out.resolve()
    (corpus / "latin1.txt").write_bytes("Judul\nkata dengan é".encode("latin-1"))
    with pytest.raises(BuildError, match="latin1.txt"):
        build_index(corpus, out, CountingEncoder(), strict=True)
    assert out.resolve() == target


def test_dense_kind_is_passed_through(make_corpus, tmp_path):
    summary = build_index(make_corpus(), tmp_path / "index", CountingEncoder(), dense_kind="hnsw")
    assert summary.dense_kind == read_index(tmp_path / "index").manifest["dense"] == "hnsw"
