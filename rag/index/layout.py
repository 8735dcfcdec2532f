"""Where each part of an index lives, its write lock, and the settings it was built with."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.errors import SanadError
from rag.config import SanadConfig
from rag.embeddings import embedding_fingerprint

__all__ = [
    "EmptyIndexError",
    "IndexBusyError",
    "IndexDamagedError",
    "IndexLayout",
    "IndexMismatchError",
    "build_settings",
    "index_lock",
    "mismatch_message",
]


class IndexBusyError(SanadError, RuntimeError):
    """Another ingest holds the index."""


class IndexMismatchError(SanadError, RuntimeError):
    """The index was built with other settings (embedding model, chunking, stemming)."""


class EmptyIndexError(SanadError, RuntimeError):
    """Nothing has been ingested into this index yet."""


class IndexDamagedError(SanadError, RuntimeError):
    """Part of the index is missing; the message says how to recover."""


@dataclass(frozen=True)
class IndexLayout:
    """The files of the index in ``root``: manifest, BM25 folder, Chroma folder (persistent mode), the chunks
    awaiting vectors and the vector stage's progress."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def lexical(self) -> Path:
        return self.root / "lexical"

    @property
    def chroma(self) -> Path:
        return self.root / "chroma"

    @property
    def pending(self) -> Path:
        """The chunks awaiting vectors (:class:`rag.store.pending.PendingChunks`), in a folder of their own."""
        return self.root / "pending" / "chunks.sqlite"

    @property
    def fill_state(self) -> Path:
        """The vector stage's progress (:class:`rag.index.progress.FillProgress`)."""
        return self.root / "fill.json"

    @property
    def dirty(self) -> Path:
        """Present while an ingest runs; left behind by one that was killed (the next run reconciles)."""
        return self.root / ".ingest-dirty"

    @property
    def lock_file(self) -> Path:
        return self.root / ".ingest.lock"

    @property
    def staging(self) -> Path:
        """Where ``ingest --rebuild`` builds the new index before swapping it in."""
        return self.root / ".rebuild"


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock; raise :class:`IndexBusyError` if another process has it."""
    layout = IndexLayout(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(layout.lock_file, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(f"{index_dir}: index is busy: another `sanad ingest` is writing to it") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_settings(config: SanadConfig, embed_model: BaseEmbedding) -> dict[str, object]:
    """The settings an index depends on; a stored index must match them."""
    # Not embedding.chunk_vectors: encoded and sentence-mean chunk vectors are the same model's and may
    # mix in one index (with retrieval.dense_unit: sentence they do not rank at all).
    return {
        "embedding": embedding_fingerprint(config.embedding),
        "dimension": len(embed_model.get_query_embedding("dimension")),
        "chunking": config.chunking.model_dump(),
        "stemming": config.retrieval.stemming,
    }


def mismatch_message(index_dir: Path, stored: dict[str, object], wanted: dict[str, object]) -> str:
    """What differs between the index's build settings and the configuration's, and the fix."""
    changed = sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
    details = "; ".join(f"{k}: index has {stored.get(k)!r}, config has {wanted.get(k)!r}" for k in changed)
    return f"{index_dir}: the index was built with other settings ({details}). Run `sanad ingest --rebuild`."
