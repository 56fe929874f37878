"""The retriever the bot answers from, replaced in place when the index is rebuilt.

`python -m index build` switches the index directory to a new build atomically; a watcher
notices the manifest change, loads the new build in a thread (reusing the loaded model), and
swaps the reference. Questions already running keep the retriever they started with; a build
that fails to load leaves the old one serving.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import threading
from pathlib import Path
from typing import Any

from index import IndexLoadError, Retriever, manifest_path
from index.store import read_manifest
from index.encoders import Encoder

logger = logging.getLogger(__name__)


class Reload(enum.Enum):
    UNCHANGED = "unchanged"
    RELOADED = "reloaded"
    FAILED = "failed"


class LiveIndex:
    """Holds the current Retriever and reloads it when the index on disk changes."""

    def __init__(self, index_dir: Path, encoder: Encoder | None = None, encoder_options: dict[str, Any] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self._encoder = encoder
        self._encoder_options = encoder_options or {}  # how to load a model: settings.encoder_options()
        self._retriever: Retriever | None = None
        self._signature: tuple | None = None
        self._failed: tuple | None = None  # signature of the last build that failed to load
        self._lock = threading.Lock()  # one load at a time
        self.last_error: str | None = None

    @property
    def retriever(self) -> Retriever | None:
        """The retriever to answer with now (None until an index has loaded)."""
        return self._retriever

    def _disk_signature(self) -> tuple | None:
        """What identifies the build on disk: its real path and the manifest's inode and mtime."""
        try:
            stat = manifest_path(self.index_dir).stat()
        except OSError:
            return None
        return (os.path.realpath(self.index_dir), stat.st_ino, stat.st_mtime_ns)

    def _encoder_for(self) -> Encoder | None:
        """The loaded encoder if the new build uses the same model (None loads the right one)."""
        if self._encoder is None:
            return None
        try:
            model = read_manifest(self.index_dir).get("model")
        except IndexLoadError:
            return self._encoder  # let Retriever.load report the broken manifest
        return self._encoder if model == self._encoder.name else None

    def load(self) -> Retriever:
        """Load the index now; raises IndexLoadError with a one-line reason."""
        with self._lock:
            signature = self._disk_signature()
            retriever = Retriever.load(self.index_dir, encoder=self._encoder_for(), **self._encoder_options)
            self._install(retriever, signature)
            return retriever

    def _install(self, retriever: Retriever, signature: tuple | None) -> None:
        self._encoder = retriever.encoder
        self._retriever, self._signature, self._failed, self.last_error = retriever, signature, None, None

    def reload_if_changed(self, force: bool = False) -> Reload:
        """Load the build on disk if it differs from the one serving; keep the old one on failure."""
        with self._lock:
            signature = self._disk_signature()
            if not force and signature == self._signature and self._retriever is not None:
                return Reload.UNCHANGED
            if not force and signature == self._failed:
                return Reload.FAILED  # already reported; wait for the next build
            try:
                if signature is None:
                    raise IndexLoadError(f"no index at {self.index_dir}: build it with `python -m index build`")
                retriever = Retriever.load(self.index_dir, encoder=self._encoder_for(), **self._encoder_options)
            except Exception as exc:  # any broken build must leave the bot serving the old one
                self._failed, self.last_error = signature, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                logger.error("index reload failed, still serving the previous index: %s", self.last_error)
                return Reload.FAILED
            self._install(retriever, signature)
        manifest = retriever.manifest
        logger.info(
            "index reloaded: %s documents, %s passages, built %s",
            manifest.get("documents"), manifest.get("passages"), manifest.get("built_at"),
        )
        return Reload.RELOADED

    async def watch(self, interval: float) -> None:
        """Check for a rebuilt index every `interval` seconds, forever (cancel to stop)."""
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.reload_if_changed)
            except Exception:  # the watcher must outlive any surprise
                logger.exception("index watcher failed a check")
