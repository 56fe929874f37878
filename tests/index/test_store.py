"""The index on disk: manifest last, atomic switch, pruning, and one-line errors for broken indexes."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from index.build import build_index
from index.dense import DenseIndex
from index.errors import IndexLoadError
from index.lexical import LexicalIndex
from index.search import Retriever
from index.store import FORMAT_VERSION, KEEP_BUILDS, MANIFEST, read_index, read_manifest, reusable_embeddings, write_index
from tests.fakes import FakeEncoder


def _builds(index_dir: Path) -> list[Path]:
    return sorted((index_dir.parent / f".{index_dir.name}.builds").iterdir())


def _snapshot(index_dir: Path) -> dict[str, bytes]:
    real = index_dir.resolve()
    return {p.relative_to(real).as_posix(): p.read_bytes() for p in sorted(real.rglob("*")) if p.is_file()}


@pytest.fixture
def broken_copy(fixture_index: Path, tmp_path: Path):
    """A copy of the fixture build (a plain directory) for a test to damage."""
    target = tmp_path / "copy"
    shutil.copytree(fixture_index.resolve(), target)
    return target


def test_read_index_gives_back_what_was_built(fixture_index, fixture_corpus):
    stored = read_index(fixture_index)
    assert stored.manifest["format"] == FORMAT_VERSION and stored.manifest["model"] == "fake"
    assert len(stored.passages) == len(stored.keys) == len(stored.dense) == stored.manifest["passages"]
    assert {d["path"] for d in stored.documents} == {
        p.relative_to(fixture_corpus).as_posix() for p in fixture_corpus.rglob("*") if p.is_file()
    }
    assert stored.path == fixture_index.resolve()


def test_manifest_is_written_after_every_other_file(make_corpus, tmp_path, monkeypatch):
    seen: list[tuple[str, bool]] = []

    def watch(cls, name: str):
        original = getattr(cls, name)

        def wrapper(self, path):
            seen.append((name, (Path(path).parent / MANIFEST).exists()))
            return original(self, path)

        monkeypatch.setattr(cls, name, wrapper)

    watch(DenseIndex, "save")
    watch(LexicalIndex, "save")
    out = tmp_path / "index"
    build_index(make_corpus(), out, FakeEncoder())
    assert [name for name, _ in seen] == ["save", "save"]
    assert not any(manifest_there for _, manifest_there in seen)
    assert (out / MANIFEST).exists()


def test_index_dir_is_a_link_switched_to_each_new_build(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, out, FakeEncoder())
    assert out.is_symlink()
    first = out.resolve()
    assert first.parent.name == ".index.builds"
    (corpus / "extra.md").write_text("---\ntitle: Tambahan\n---\nTeks tambahan tentang JKM.", "utf-8")
    build_index(corpus, out, FakeEncoder())
    second = out.resolve()
    assert second != first and first.exists()  # the previous build is kept
    assert any(p.doc == "extra.md" for p in read_index(out).passages)


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failed_build_leaves_the_previous_index(make_corpus, tmp_path, monkeypatch, error):
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, out, FakeEncoder())
    target, before = out.resolve(), _snapshot(out)
    (corpus / "extra.md").write_text("---\ntitle: Tambahan\n---\nTeks tambahan tentang JKM.", "utf-8")

    def fail(self, directory):
        raise error

    monkeypatch.setattr(LexicalIndex, "save", fail)
    with pytest.raises(type(error)):
        build_index(corpus, out, FakeEncoder())
    monkeypatch.undo()
    assert out.resolve() == target
    assert _snapshot(out) == before
    assert read_index(out).manifest == json.loads(before[MANIFEST])
    assert not [p for p in _builds(out) if p.name.endswith(".partial")]
    assert Retriever.load(out, encoder=FakeEncoder()).search("iuran jht").hits


def test_old_builds_are_pruned(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    targets = []
    for n in range(4):
        (corpus / "n.md").write_text(f"---\ntitle: Versi {n}\n---\nTeks versi nomor {n}.", "utf-8")
        build_index(corpus, out, FakeEncoder())
        targets.append(out.resolve())
    assert _builds(out) == sorted(targets[-KEEP_BUILDS:])


def test_a_plain_index_directory_is_replaced_by_a_link(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    build_index(corpus, tmp_path / "first", FakeEncoder())
    shutil.copytree((tmp_path / "first").resolve(), out)  # an index made before links existed
    build_index(corpus, out, FakeEncoder())
    assert out.is_symlink()
    assert read_index(out).manifest["passages"] > 0


def test_previous_build_is_kept_after_a_plain_directory_was_moved(make_corpus, tmp_path):
    corpus, out = make_corpus(), tmp_path / "index"
    out.mkdir()
    (out / MANIFEST).write_text("{}", "utf-8")  # a hand-made index directory
    targets = []
    for n in range(3):
        (corpus / "n.md").write_text(f"---\ntitle: Versi {n}\n---\nTeks versi nomor {n}.", "utf-8")
        build_index(corpus, out, FakeEncoder())
        targets.append(out.resolve())
    assert targets[-2].exists(), "the build before the current one must stay for a rollback"


def test_write_index_cleans_up_after_a_failure(fixture_index, tmp_path, monkeypatch):
    stored = read_index(fixture_index)
    monkeypatch.setattr(LexicalIndex, "save", lambda self, d: (_ for _ in ()).throw(OSError("no space left")))
    with pytest.raises(OSError):
        write_index(tmp_path / "index", stored)
    assert not (tmp_path / "index").exists()
    assert list((tmp_path / ".index.builds").iterdir()) == []


def _rewrite_manifest(path: Path, **changes) -> None:
    manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    (path / MANIFEST).write_text(json.dumps({**manifest, **changes}), "utf-8")


def _truncate(path: Path, cut: int) -> None:
    path.write_bytes(path.read_bytes()[:-cut])


def _drop_last_line(path: Path) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), "utf-8")


DAMAGE = {
    "missing index": lambda p: shutil.rmtree(p),
    "manifest not JSON": lambda p: (p / MANIFEST).write_text("{ not json", "utf-8"),
    "manifest empty": lambda p: (p / MANIFEST).write_bytes(b""),
    "manifest a list": lambda p: (p / MANIFEST).write_text("[1, 2]", "utf-8"),
    "format mismatch": lambda p: _rewrite_manifest(p, format=FORMAT_VERSION + 1),
    "format missing": lambda p: _rewrite_manifest(p, format=None),
    "passage count mismatch": lambda p: _rewrite_manifest(p, passages=1),
    "dimension mismatch": lambda p: _rewrite_manifest(p, dimension=3),
    "passages.jsonl missing": lambda p: (p / "passages.jsonl").unlink(),
    "passages.jsonl truncated mid-line": lambda p: _truncate(p / "passages.jsonl", 40),
    "passages.jsonl short a line": lambda p: _drop_last_line(p / "passages.jsonl"),
    "documents.json missing": lambda p: (p / "documents.json").unlink(),
    "dense.faiss missing": lambda p: (p / "dense.faiss").unlink(),
    "dense.faiss truncated": lambda p: _truncate(p / "dense.faiss", (p / "dense.faiss").stat().st_size - 100),
    "bm25 missing": lambda p: shutil.rmtree(p / "bm25"),
    "bm25 vocabulary truncated": lambda p: _truncate(p / "bm25" / "vocab.index.json", 10),
    "bm25 array truncated": lambda p: _truncate(p / "bm25" / "data.csc.index.npy", 9),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_broken_index_gives_a_one_line_load_error(broken_copy, damage):
    damage(broken_copy)
    with pytest.raises(IndexLoadError) as caught:
        read_index(broken_copy)
    message = str(caught.value)
    assert message and "\n" not in message and str(broken_copy) in message


def test_empty_bm25_array_gives_a_load_error(broken_copy):
    (broken_copy / "bm25" / "data.csc.index.npy").write_bytes(b"")
    with pytest.raises(IndexLoadError):
        read_index(broken_copy)


def test_model_mismatch_is_refused(broken_copy):
    other = FakeEncoder()
    other.name = "another-model"
    with pytest.raises(IndexLoadError, match="another-model"):
        Retriever.load(broken_copy, encoder=other)
    with pytest.raises(IndexLoadError, match="dimensions"):
        Retriever.load(broken_copy, encoder=FakeEncoder(dimension=32))



def test_a_model_that_cannot_be_loaded_is_a_load_error(broken_copy, monkeypatch):
    def unavailable(name, **options):
        raise ValueError(f"embedding model {name!r} is not available offline")

    monkeypatch.setattr("index.search.load_encoder", unavailable)  # the real lookup imports torch: slow
    _rewrite_manifest(broken_copy, model="no-such-model")
    with pytest.raises(IndexLoadError, match="no-such-model"):
        Retriever.load(broken_copy)


def test_the_fake_model_loads_by_name(fixture_index, fake_model):
    assert Retriever.load(fixture_index).encoder.name == "fake"


def test_the_fake_model_needs_the_tests_of_a_checkout(fixture_index, monkeypatch):
    monkeypatch.setitem(sys.modules, "tests.fakes", None)  # as in an installation, which has no tests/
    with pytest.raises(IndexLoadError, match="tests/fakes.py"):
        Retriever.load(fixture_index)


def test_read_manifest_of_a_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexLoadError, match="python -m index build"):
        read_manifest(tmp_path / "nowhere")


def test_reusable_embeddings_only_for_the_same_model(fixture_index):
    stored = read_index(fixture_index)
    reuse = reusable_embeddings(fixture_index, "fake")
    assert list(reuse) == stored.keys
    first = stored.keys[0]
    assert (reuse[first] == stored.dense.vectors([0])[0]).all()
    assert reusable_embeddings(fixture_index, "another-model") == {}
    assert reusable_embeddings(fixture_index.parent / "nowhere", "fake") == {}


def _rotate_lines(path: Path) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:] + lines[:1]), "utf-8")


def _change_bm25_parameter(path: Path) -> None:
    params = path / "bm25" / "params.index.json"
    data = json.loads(params.read_text("utf-8"))
    params.write_text(json.dumps({**data, "k1": 99.0}), "utf-8")


LOADABLE_DAMAGE = {
    "passages rotated by one line": lambda p: _rotate_lines(p / "passages.jsonl"),
    "a BM25 parameter changed": _change_bm25_parameter,
    "a document's source edited": lambda p: (p / "documents.json").write_text(
        (p / "documents.json").read_text("utf-8").replace("PP No.", "PP Nomor", 1), "utf-8"
    ),
    "bm25 parameters missing": lambda p: (p / "bm25" / "params.index.json").unlink(),
}


@pytest.mark.parametrize("damage", LOADABLE_DAMAGE.values(), ids=LOADABLE_DAMAGE.keys())
def test_damage_that_still_loads_is_caught_by_the_checksums(broken_copy, damage):
    damage(broken_copy)
    with pytest.raises(IndexLoadError, match="corrupt"):
        read_index(broken_copy)


def test_an_index_without_checksums_is_refused(broken_copy):
    _rewrite_manifest(broken_copy, files={})
    with pytest.raises(IndexLoadError, match="checksums"):
        read_index(broken_copy)


def test_the_first_build_over_a_plain_directory_never_leaves_no_index(broken_copy, monkeypatch):
    # `broken_copy` is a plain directory, as an index made before links (or by hand) is.
    stored = read_index(broken_copy)
    real_replace = os.replace
    gaps = []

    def watched_replace(src, dst):
        real_replace(src, dst)
        if not (broken_copy / MANIFEST).exists():
            gaps.append((src, dst))

    monkeypatch.setattr("index.store.os.replace", watched_replace)
    write_index(broken_copy, stored)
    assert gaps == []
    assert broken_copy.is_symlink() and read_index(broken_copy).manifest["passages"] == stored.manifest["passages"]
    assert any(p.name.startswith("moved-") for p in _builds(broken_copy))  # the old one is kept
