"""Step 6: the index on disk, a directory of plain files with a manifest (no pickle).

    <index_dir>/manifest.json   format, model, dimension, counts, corpus hash, build time, and
                                the SHA-256 of every other file (checked on every load)
    <index_dir>/passages.jsonl  one passage a line, with the key of its embedding
    <index_dir>/documents.json  the documents' metadata (title, source, url, date, program)
    <index_dir>/dense.faiss     the FAISS index (its vectors are reused by the next build)
    <index_dir>/bm25/           the bm25s index files

`<index_dir>` is a symbolic link to one build under `.<name>.builds/`; a new build is written
beside it and the link is replaced in one atomic rename, so a failed or killed build leaves the
previous index in place and a running bot never sees half an index. The first build over a
plain directory swaps it for the link in one exchange (Linux `renameat2`), so even then there is
no moment without an index.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.dense import DenseIndex
from index.encoders import vector_family
from index.errors import IndexLoadError
from index.lexical import LexicalIndex
from index.types import Passage

FORMAT_VERSION = 2  # 2: the manifest lists a checksum of every file
MANIFEST = "manifest.json"
KEEP_BUILDS = 2  # the current build and the one before it


def manifest_path(index_dir: Path) -> Path:
    return Path(index_dir) / MANIFEST


def embedding_key(model: str, text: str, backend: str = "torch") -> str:
    """Key of a passage's embedding: backends whose vectors agree share keys, so a rebuild reuses them."""
    family = vector_family(backend)
    tag = model if family == "fp32" else f"{model} {family}"  # fp32 keys as before backends existed
    return hashlib.sha1(f"{tag}\n{text}".encode()).hexdigest()


@dataclass
class StoredIndex:
    manifest: dict
    passages: list[Passage]
    keys: list[str]  # embedding key of each passage (content hash), for reuse by the next build
    documents: list[dict]
    dense: DenseIndex
    lexical: LexicalIndex
    path: Path = field(default=Path("."))
    extra_files: dict[str, bytes] = field(default_factory=dict)  # shipped as they are, e.g. tarif.yaml


def _builds_dir(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.builds"


def write_index(index_dir: Path, stored: StoredIndex) -> Path:
    """Write a build next to `index_dir` and switch `index_dir` to it atomically."""
    index_dir = Path(index_dir).absolute()
    builds = _builds_dir(index_dir)
    builds.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    partial = builds / f"{stamp}.partial"
    final = builds / stamp
    try:
        partial.mkdir()
        with open(partial / "passages.jsonl", "w", encoding="utf-8") as fh:
            for passage, key in zip(stored.passages, stored.keys):
                fh.write(json.dumps({**passage.to_json(), "key": key}, ensure_ascii=False) + "\n")
        (partial / "documents.json").write_text(json.dumps(stored.documents, ensure_ascii=False, indent=1), "utf-8")
        stored.dense.save(partial / "dense.faiss")
        stored.lexical.save(partial / "bm25")
        for name, data in stored.extra_files.items():
            (partial / name).write_bytes(data)
        manifest = {**stored.manifest, "files": checksums(partial)}
        # The manifest goes last: a directory without one is never a complete build.
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _switch_link(index_dir, final)
    _prune(builds, keep=final)
    return final


def checksums(directory: Path) -> dict[str, str]:
    """SHA-256 of every file below `directory` except the manifest, by relative path."""
    sums = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST):
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        sums[path.relative_to(directory).as_posix()] = digest.hexdigest()
    return sums


def verify(index_dir: Path, manifest: dict) -> None:
    """Raise IndexLoadError unless every file the manifest lists is there with its checksum."""
    real = Path(index_dir).resolve()
    expected = manifest.get("files")
    if not isinstance(expected, dict) or not expected:
        raise IndexLoadError(f"index at {index_dir} lists no file checksums: rebuild with `python -m index build`")
    actual = checksums(real)
    for name, digest in expected.items():
        if name not in actual:
            raise IndexLoadError(f"index at {index_dir} is corrupt: {name} is missing; rebuild with `python -m index build`")
        if actual[name] != digest:
            raise IndexLoadError(f"index at {index_dir} is corrupt: {name} does not match its checksum; rebuild with `python -m index build`")


_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _switch_link(index_dir: Path, target: Path) -> None:
    tmp_link = index_dir.parent / f".{index_dir.name}.link-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(target, index_dir.parent))
    if index_dir.exists() and not index_dir.is_symlink():
        # An index directory from before links (or made by hand): swap it for the link in one
        # step where the system can, then keep it as an old build.
        old_home = _builds_dir(index_dir) / f"moved-{target.name}"
        if _exchange(tmp_link, index_dir):
            os.replace(tmp_link, old_home)
            return
        os.replace(index_dir, old_home)
    os.replace(tmp_link, index_dir)


def _prune(builds: Path, keep: Path) -> None:
    """Keep the newest KEEP_BUILDS builds; drop partial builds a killed run left an hour ago."""
    done, stale = [], time.time() - 3600
    for p in builds.iterdir():
        if not p.is_dir():
            continue
        if p.name.endswith(".partial"):
            if p.stat().st_mtime < stale:
                shutil.rmtree(p, ignore_errors=True)
            continue
        done.append(p)
    done.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in done[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict:
    path = manifest_path(index_dir)
    if not path.exists():
        raise IndexLoadError(f"no index at {index_dir}: build it with `python -m index build`")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"index manifest {path} is unreadable ({exc}): rebuild with `python -m index build`") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise IndexLoadError(
            f"index at {index_dir} has format {manifest.get('format') if isinstance(manifest, dict) else '?'}, "
            f"this version reads {FORMAT_VERSION}: rebuild with `python -m index build`"
        )
    return manifest


def read_index(index_dir: Path) -> StoredIndex:
    """Load a built index, checking that its parts agree with the manifest."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    verify(index_dir, manifest)
    real = index_dir.resolve()
    try:
        passages, keys = [], []
        with open(real / "passages.jsonl", encoding="utf-8") as fh:
            for line in fh:
                data = json.loads(line)
                keys.append(data.pop("key"))
                passages.append(Passage.from_json(data))
        documents = json.loads((real / "documents.json").read_text("utf-8"))
        dense = DenseIndex.load(real / "dense.faiss")
        lexical = LexicalIndex.load(real / "bm25")
    except (OSError, EOFError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexLoadError(f"index at {index_dir} is corrupt ({type(exc).__name__}: {exc}): rebuild with `python -m index build`") from exc
    expected = manifest.get("passages")
    if not (len(passages) == len(dense) == expected):
        raise IndexLoadError(
            f"index at {index_dir} is inconsistent ({len(passages)} passages, {len(dense)} vectors, "
            f"manifest says {expected}): rebuild with `python -m index build`"
        )
    if dense.index.d != manifest.get("dimension"):
        raise IndexLoadError(f"index at {index_dir}: vector dimension {dense.index.d} != manifest {manifest.get('dimension')}")
    return StoredIndex(manifest, passages, keys, documents, dense, lexical, real)


def reusable_embeddings(index_dir: Path, model: str) -> dict[str, np.ndarray]:
    """Embeddings of the current build by key, when it was made with the same model."""
    try:
        stored = read_index(index_dir)
    except IndexLoadError:
        return {}
    if stored.manifest.get("model") != model:
        return {}
    vectors = stored.dense.vectors()
    return dict(zip(stored.keys, vectors))
