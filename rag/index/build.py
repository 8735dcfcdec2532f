"""One ingest run under the index's write lock; ``--rebuild`` builds aside and swaps in whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import SanadConfig
from rag.index.layout import IndexLayout, build_settings, index_lock
from rag.index.report import IngestReport
from rag.index.stages import IngestStages
from rag.index.writer import Ingestor
from rag.lexical import LexicalIndex
from rag.store.chroma import forget_cached_client, open_sentence_vectors, open_vector_store

__all__ = ["BatchDone", "Progress", "ingest_paths"]

Progress = Callable[[int, int, str], None]
#: Called with the report so far after each stored batch (texts encoded, seconds per stage).
BatchDone = Callable[[IngestReport], None]
#: The folders a rebuild swaps: each is replaced whole.
_SWAPPED = ("chroma", "lexical")


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
    """Bring the index ``config.index.path`` in step with ``paths`` (see :meth:`rag.Assistant.ingest`).

    ``stages`` runs reading and encoding (default: :class:`rag.index.stages.LocalStages` over ``embed_model``).

    Raises:
        IndexBusyError: another ingest is writing to this index.
        IndexMismatchError: the index was built with other settings and ``rebuild`` is False.
    """
    layout = IndexLayout(config.index.path)
    with index_lock(layout.root):
        build = build_settings(config, embed_model)
        finish_interrupted_rebuild(layout)
        if rebuild and config.store.mode == "persistent":
            return _rebuild_aside(config, embed_model, build, list(paths), (progress, on_batch, stages))
        if rebuild:  # manifest first: an interrupted rebuild leaves an index the next run rebuilds
            layout.manifest.unlink(missing_ok=True)
            LexicalIndex(layout.lexical).clear()  # without reading it: it may be damaged
        return _run(config, embed_model, build, list(paths), (progress, on_batch, stages), reset=rebuild)


def _run(
    config: SanadConfig,
    embed_model: BaseEmbedding,
    build: dict[str, object],
    paths: list[Path],
    hooks: tuple[Progress | None, BatchDone | None, IngestStages | None],
    *,
    reset: bool = False,
) -> IngestReport:
    layout = IndexLayout(config.index.path)
    vector_store = open_vector_store(config.store, layout.root, reset=reset)
    lexical = LexicalIndex.open(layout.lexical, stemming=config.retrieval.stemming)
    sentences = open_sentence_vectors(config.store, layout.root) if config.store.sentence_vectors else None
    progress, on_batch, stages = hooks
    ingestor = Ingestor(config, embed_model, vector_store, lexical, build, sentences=sentences, stages=stages)
    return ingestor.run(paths, progress=progress, on_batch=on_batch)


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
    embed_model: BaseEmbedding,
    build: dict[str, object],
    paths: list[Path],
    hooks: tuple[Progress | None, BatchDone | None, IngestStages | None],
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
    report = _run(staged, embed_model, build, paths, hooks, reset=True)
    forget_cached_client(staging.chroma)
    for name in _SWAPPED:
        old = layout.root / f"{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if (layout.root / name).exists():
            (layout.root / name).rename(old)
        (staging.root / name).rename(layout.root / name)
    os.replace(staging.manifest, layout.manifest)
    forget_cached_client(layout.chroma)
    for leftover in (staging.root, layout.root / "chroma.old", layout.root / "lexical.old"):
        shutil.rmtree(leftover, ignore_errors=True)
    return report
