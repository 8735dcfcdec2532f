"""One ingest run under the index's write lock: the words stage, then the vector stage behind it.

``--rebuild`` builds aside and swaps in whole; :func:`fill_vectors` runs the vector stage alone
(`sanad vectors`, or a serving process between questions).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import SanadConfig
from ingest.manifest import Manifest
from rag.index.fill import VectorFill
from rag.index.layout import IndexLayout, IndexMismatchError, build_settings, index_lock, mismatch_message
from rag.index.report import IngestReport
from rag.index.stages import IngestStages, LocalStages
from rag.index.writer import Ingestor
from rag.lexical import LexicalIndex
from rag.store.chroma import forget_cached_client, open_sentence_vectors, open_vector_store
from rag.store.pending import PendingChunks

__all__ = ["BatchDone", "Progress", "StageHooks", "fill_vectors", "ingest_paths"]

Progress = Callable[[int, int, str], None]
#: Called with the report so far after each stored batch (texts encoded, seconds per stage).
BatchDone = Callable[[IngestReport], None]
#: The folders a rebuild swaps: each is replaced whole.
_SWAPPED = ("chroma", "lexical", "pending")


class StageHooks:
    """What the caller of an ingest hears and decides between the stages (see :meth:`rag.Assistant.ingest`).

    Args:
        vectors: run the vector stage after the words stage (False: `sanad ingest --words-only`).
        on_searchable: called with the report once every article is searchable by its words.
        pause: called before each vector batch; returns when the stage may go on (questions first).
        stop: checked before each vector batch; True ends the vector stage (the rest waits).
    """

    def __init__(
        self,
        *,
        vectors: bool = True,
        on_searchable: BatchDone | None = None,
        pause: Callable[[], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.vectors, self.pause, self.stop = vectors, pause, stop
        self.on_searchable: BatchDone = on_searchable or (lambda _report: None)


def ingest_paths(
    config: SanadConfig,
    embed_model: BaseEmbedding,
    paths: Sequence[Path],
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    on_batch: BatchDone | None = None,
    stages: IngestStages | None = None,
) -> IngestReport:
    """Bring the index ``config.index.path`` in step with ``paths`` (see :meth:`rag.Assistant.ingest`):
    the words stage, after which every article is searchable; :func:`fill_vectors` runs the vector stage.

    ``stages`` runs reading and encoding (default: :class:`rag.index.stages.LocalStages` over ``embed_model``).

    Raises:
        IndexBusyError: another ingest is writing to this index.
        IndexMismatchError: the index was built with other settings and ``rebuild`` is False.
    """
    layout = IndexLayout(config.index.path)
    with index_lock(layout.root):
        build = build_settings(config, embed_model)
        finish_interrupted_rebuild(layout)
        run = _Run(progress, on_batch, stages or LocalStages(embed_model))
        if rebuild and config.store.mode == "persistent":
            return _rebuild_aside(config, build, list(paths), run)
        if rebuild:  # manifest first: an interrupted rebuild leaves an index the next run rebuilds
            layout.manifest.unlink(missing_ok=True)
            LexicalIndex(layout.lexical).clear()  # without reading it: it may be damaged
            shutil.rmtree(layout.pending.parent, ignore_errors=True)
        return _run(config, build, list(paths), run, reset=rebuild)


class _Run:
    def __init__(self, progress: Progress | None, on_batch: BatchDone | None, stages: IngestStages) -> None:
        self.progress, self.on_batch, self.stages = progress, on_batch, stages


def _run(
    config: SanadConfig, build: dict[str, object], paths: list[Path], run: _Run, *, reset: bool = False
) -> IngestReport:
    started = time.perf_counter()
    layout = IndexLayout(config.index.path)
    vector_store = open_vector_store(config.store, layout.root, reset=reset)
    lexical = LexicalIndex.open(layout.lexical, stemming=config.retrieval.stemming)
    sentences = open_sentence_vectors(config.store, layout.root) if config.store.sentence_vectors else None
    pending = PendingChunks(layout.pending)
    try:
        ingestor = Ingestor(config, vector_store, lexical, pending, build, sentences=sentences, stages=run.stages)
        report = ingestor.run(paths, progress=run.progress, on_batch=run.on_batch)
        report.searchable_seconds = time.perf_counter() - started
        report.vectors_pending = pending.count()
        return report
    finally:
        pending.close()


def fill_vectors(
    config: SanadConfig,
    embed_model: BaseEmbedding,
    *,
    stages: IngestStages | None = None,
    on_batch: BatchDone | None = None,
    hooks: StageHooks | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """The vector stage: encode and store what the words stage left without vectors, newest first.

    Adds to ``report`` (the words stage's, when it runs behind it) and returns it.

    Raises:
        IndexBusyError: an ingest is writing to this index.
        IndexMismatchError: the index was built with other settings.
    """
    started = time.perf_counter()
    layout = IndexLayout(config.index.path)
    hooks = hooks or StageHooks()
    with index_lock(layout.root):
        manifest = Manifest.load(layout.manifest)
        build = build_settings(config, embed_model)
        if manifest.files and manifest.build != build:
            raise IndexMismatchError(mismatch_message(layout.root, manifest.build, build))
        report = report or IngestReport(chunks_total=manifest.chunk_count)
        pending = PendingChunks(layout.pending)
        try:
            if pending.count():
                vector_store = open_vector_store(config.store, layout.root)
                sentences = open_sentence_vectors(config.store, layout.root) if config.store.sentence_vectors else None
                stages = stages or LocalStages(embed_model)
                fill = VectorFill(config, vector_store, pending, stages, sentences=sentences)
                try:
                    fill.run(report, on_batch=on_batch, pause=hooks.pause, stop=hooks.stop)
                finally:
                    report.vectors_pending = pending.count()
        finally:
            pending.close()
    report.seconds += time.perf_counter() - started
    return report


def finish_interrupted_rebuild(layout: IndexLayout) -> None:
    """Undo what a rebuild killed during its swap left: a staging folder, a folder moved aside."""
    shutil.rmtree(layout.staging, ignore_errors=True)
    for name in _SWAPPED:
        old = layout.root / f"{name}.old"
        if old.exists() and not (layout.root / name).exists():
            old.rename(layout.root / name)
        shutil.rmtree(old, ignore_errors=True)


def _rebuild_aside(
    config: SanadConfig,
    build: dict[str, object],
    paths: list[Path],
    run: _Run,
) -> IngestReport:
    """Build a new index in ``<index>/.rebuild`` and swap it in, manifest last.

    Until the manifest is replaced, readers (a running chat) keep the old index; a rebuild
    killed before the swap leaves the old index untouched.
    """
    layout = IndexLayout(config.index.path)
    staging = IndexLayout(layout.staging)
    shutil.rmtree(staging.root, ignore_errors=True)
    staged = config.model_copy(deep=True)
    staged.index.path = staging.root
    report = _run(staged, build, paths, run, reset=True)
    forget_cached_client(staging.chroma)
    for name in _SWAPPED:
        old = layout.root / f"{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if (layout.root / name).exists():
            (layout.root / name).rename(old)
        (staging.root / name).rename(layout.root / name)
    os.replace(staging.manifest, layout.manifest)
    forget_cached_client(layout.chroma)
    for leftover in (staging.root, *(layout.root / f"{name}.old" for name in _SWAPPED)):
        shutil.rmtree(leftover, ignore_errors=True)
    return report
