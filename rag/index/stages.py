"""Where ingest's heavy stages run: reading and chunking files, and encoding texts.

The index writer (:mod:`rag.index.writer`) is the single writer: it keeps the manifest, BM25 and
crash safety. It hands files to :meth:`IngestStages.prepare` and texts to :meth:`IngestStages.embed`.
:class:`LocalStages` reads the next files in a background thread while the encoder runs (a bounded
queue, so memory stays bounded); a cluster backend can run both stages on other machines.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.formats.records import DEFAULT_FIELDS
from ingest.loader import MAX_FILE_BYTES, ArticleError
from ingest.manifest import FileRecord
from ingest.prepare import ChunkingSettings, PreparedFile, prepare_file

__all__ = ["FileJob", "IngestStages", "LocalStages", "PrepareSettings", "file_jobs", "prepare_job"]

#: Files read ahead of the encoder by :class:`LocalStages`.
READ_AHEAD = 16


@dataclass(frozen=True)
class FileJob:
    """One file to read: its folder, its path relative to it, and the articles stored for it."""

    root: Path
    relative: str
    path: Path
    previous: tuple[FileRecord, ...] = ()


@dataclass(frozen=True)
class PrepareSettings:
    """What reading a file depends on: ``chunking``, the record ``fields`` tried, the size limit."""

    chunking: ChunkingSettings
    fields: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_FIELDS)
    max_bytes: int = MAX_FILE_BYTES


def file_jobs(
    targets: Iterable[tuple[Path, Path]], known: Mapping[tuple[str, str], Sequence[FileRecord]]
) -> list[FileJob]:
    """One job per ``(root, file)``, with the articles ``known`` for it; a file named twice (a folder
    and a file in it) once."""
    jobs: dict[tuple[str, str], FileJob] = {}
    for root, path in targets:
        relative = path.relative_to(root).as_posix()
        where = (str(root), relative)
        if where not in jobs:
            jobs[where] = FileJob(root, relative, path, tuple(known.get(where, ())))
    return list(jobs.values())


def prepare_job(job: FileJob, settings: PrepareSettings) -> PreparedFile | ArticleError:
    """The file of ``job`` read, extracted and chunked, or the error that names why it cannot be."""
    try:
        return prepare_file(
            job.root,
            job.relative,
            job.path,
            settings.chunking,
            known=list(job.previous),
            fields=settings.fields,
            max_bytes=settings.max_bytes,
        )
    except ArticleError as exc:
        return exc


class IngestStages(Protocol):
    """The two stages the writer hands out; results come back in the order given."""

    def prepare(
        self, jobs: Sequence[FileJob], settings: PrepareSettings
    ) -> Iterator[tuple[FileJob, PreparedFile | ArticleError]]:
        """Each job with its prepared file (or its error), in the order of ``jobs``."""
        ...

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One passage vector per text, in order."""
        ...


class LocalStages:
    """Both stages in this process: files are read in a background thread, :data:`READ_AHEAD` ahead,
    while the encoder (which leaves Python while it computes) encodes the previous batch."""

    def __init__(self, embed_model: BaseEmbedding, read_ahead: int = READ_AHEAD) -> None:
        self.embed_model = embed_model
        self.read_ahead = read_ahead

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_model.get_text_embedding_batch(texts)

    def prepare(
        self, jobs: Sequence[FileJob], settings: PrepareSettings
    ) -> Iterator[tuple[FileJob, PreparedFile | ArticleError]]:
        return _read_ahead(jobs, settings, self.read_ahead)


_DONE = object()


def _read_ahead(
    jobs: Iterable[FileJob], settings: PrepareSettings, depth: int
) -> Iterator[tuple[FileJob, PreparedFile | ArticleError]]:
    """Prepare ``jobs`` in a thread, at most ``depth`` ahead of the consumer; an unexpected error in
    the thread is raised here. The thread stops when the consumer stops (or fails)."""
    ready: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for job in jobs:
                if not put((job, prepare_job(job, settings))):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            put(exc)
            return
        put(_DONE)

    reader = threading.Thread(target=work, name="sanad-ingest-read", daemon=True)
    reader.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join(timeout=5)
