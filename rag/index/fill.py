"""Ingest's vector stage: encode what still lacks a vector, newest articles first, and store it in Chroma.

The words stage (:mod:`rag.index.writer`) left every chunk in :class:`rag.store.pending.PendingChunks`.
Each batch here takes the next whole articles (newest publication day first, undated last), encodes
their chunks and quotable sentences (texts a question already encoded on demand are not encoded again,
nor is a text met twice in one run), writes the sentence vectors, then the chunks with their vectors,
and only then crosses the chunks off the pending ones. A run killed at any moment loses nothing: the
next one redoes at most the batch in hand (a chunk already in Chroma is replaced, not duplicated).
After each batch the stage's progress (:mod:`rag.index.progress`) is saved for ``sanad status``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.ids import file_key_of
from rag.config import SanadConfig
from rag.embeddings import VectorCache
from rag.index.layout import IndexLayout
from rag.index.progress import FillProgress
from rag.index.report import IngestReport
from rag.index.stages import IngestStages
from rag.index.vectors import set_chunk_vectors
from rag.index.write_behind import WriteBehind
from rag.store.pending import PendingChunks
from rag.store.records import delete_ids, sentence_rows
from rag.store.sentences import SentenceVectors

__all__ = ["ADD_BATCH", "VectorFill"]

#: Chunks per Chroma add: under its largest batch (5,461 with SQLite).
ADD_BATCH = 4000
#: Most vectors remembered by one run for duplicate texts (~2 KB each as floats).
_VECTOR_CACHE = 4096


class VectorFill:
    """Moves chunks from the pending ones into Chroma with their vectors (one writer: hold the index lock)."""

    def __init__(
        self,
        config: SanadConfig,
        vector_store: ChromaVectorStore,
        pending: PendingChunks,
        stages: IngestStages,
        *,
        sentences: SentenceVectors | None = None,
    ) -> None:
        self.config = config
        self.vector_store = vector_store
        self.pending = pending
        self.stages = stages
        self.sentences = sentences
        self.progress = FillProgress(IndexLayout(config.index.path).fill_state)
        self._vectors: VectorCache[list[float]] = VectorCache(_VECTOR_CACHE)

    def run(
        self,
        report: IngestReport,
        *,
        on_batch: Callable[[IngestReport], None] | None = None,
        pause: Callable[[], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> int:
        """Encode and store every pending chunk; return how many were stored.

        Args:
            report: chunks stored, texts encoded and seconds spent are added to it.
            on_batch: called with ``report`` after each batch is stored.
            pause: called before each batch; it returns when the stage may go on (questions first).
            stop: checked before each batch; True ends the run early (what is left waits for the next).
        """
        batch = self.config.embedding.batch_size * 4
        stored = 0
        in_flight: list[set[str]] = []
        writes = WriteBehind()
        self.progress.begin(self.pending.count(), self.vector_store.client.count())
        try:
            while not (stop and stop()):
                if pause:
                    pause()
                ids = self.pending.next_ids(batch, set().union(*in_flight))
                if not ids:
                    break
                nodes = self.pending.nodes(ids)
                rows = sentence_rows(nodes) if self.sentences is not None else []
                recalled: list[str] = []
                began = time.perf_counter()
                vectors = set_chunk_vectors(
                    nodes, rows, lambda texts: self._embed(texts, report, recalled), self.config.embedding.chunk_vectors
                )
                encoded = time.perf_counter() - began
                in_flight = [*in_flight[-1:], set(ids)]
                writes.submit(self._write_batch(nodes, rows, vectors, recalled, report))
                stored += len(nodes)
                report.vectors_stored += len(nodes)
                self.progress.batch(len(nodes), encoded, remaining=self.pending.count() - len(ids))
                if on_batch:
                    on_batch(report)
            writes.drain()
        except BaseException as exc:
            self.progress.failed(exc)
            raise
        finally:
            writes.close()
        self.progress.end(self.pending.count())
        if not self.pending.count():
            self.pending.forget_all_vectors()
        return stored

    def _write_batch(
        self, nodes: list, rows: list[tuple[str, str, str]], vectors: list[list[float]], recalled: list[str],
        report: IngestReport,
    ) -> Callable[[], None]:
        ids = [node.node_id for node in nodes]

        def write() -> None:  # on the write-behind thread, while the next batch is encoded
            began = time.perf_counter()
            if self.sentences is not None and rows:
                sentence_ids, texts, chunks = (list(column) for column in zip(*rows, strict=True))
                self.sentences.write(sentence_ids, texts, vectors, [file_key_of(c) for c in chunks])
            delete_ids(self.vector_store.client, ids)  # a batch redone after a kill: replaced, not doubled
            for start in range(0, len(nodes), ADD_BATCH):
                self.vector_store.add(nodes[start : start + ADD_BATCH])
            self.pending.delete_ids(ids)  # last: until here the chunks are still found by their words
            if recalled:
                self.pending.forget(recalled)
            report.write_seconds += time.perf_counter() - began

        return write

    def _embed(self, texts: list[str], report: IngestReport, recalled: list[str]) -> list[list[float]]:
        """Vectors of ``texts``: remembered from this run, encoded ahead for a question, or encoded now."""
        known = self._vectors.get_many(texts)
        ahead = self.pending.recall([t for t in dict.fromkeys(texts) if t not in known])
        known.update({t: v.tolist() for t, v in ahead.items()})
        recalled.extend(ahead)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            started = time.perf_counter()
            new = dict(zip(todo, self.stages.embed(todo), strict=True))
            report.encode_seconds += time.perf_counter() - started
            report.texts_embedded += len(todo)
            known.update(new)
            self._vectors.put_many(new)
        return [known[text] for text in texts]
