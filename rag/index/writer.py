"""Incremental, idempotent ingestion: files -> chunks -> vectors in Chroma + tokens in BM25.

Files stream through in batches (bounded memory); each file's content hash decides whether it is added,
updated, unchanged or removed. Chunk ids are stable (:mod:`ingest.ids`), and a file's old chunks are
deleted before its new ones are written, so re-ingesting never duplicates anything.

Crash safety: writes go Chroma first, then the BM25 folder (swapped in whole), then the manifest (atomic
rename), at checkpoints and at the end, so the manifest never names a chunk that is not stored. A run that
finds the last one unfinished reconciles the three first (:func:`rag.index.reconcile.reconcile`); a run
killed at any moment is completed by the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.ids import file_key_of
from ingest.loader import MAX_FILE_BYTES, ArticleError, find_articles
from ingest.manifest import FileRecord, Manifest
from ingest.prepare import PreparedFile
from ingest.textnorm import tokenize
from rag.config import SanadConfig
from rag.embeddings import VectorCache
from rag.index.layout import IndexLayout, IndexMismatchError, mismatch_message
from rag.index.reconcile import counts_agree, reconcile
from rag.index.report import IngestReport
from rag.index.stages import FileJob, IngestStages, LocalStages, PrepareSettings, file_jobs
from rag.index.vectors import set_chunk_vectors
from rag.index.write_behind import WriteBehind
from rag.lexical import LexicalIndex
from rag.store.records import chunk_nodes, delete_documents, indexed_text, publish_index_state, sentence_rows
from rag.store.sentences import SentenceVectors

__all__ = ["ADD_BATCH", "CHECKPOINT_SECONDS", "Ingestor"]

#: Seconds between checkpoints (BM25 + manifest saved) during a long ingest: a killed run loses at most this.
CHECKPOINT_SECONDS = 60.0
#: Most vectors remembered by one ingest run for duplicate texts (~2 KB each as floats).
_VECTOR_CACHE = 4096
#: Chunks per Chroma add: under its largest batch (5,461 with SQLite), which one big export passes.
ADD_BATCH = 4000


@dataclass
class _Pending:
    record: FileRecord
    status: str  # "added" | "updated"
    nodes: list[TextNode]


class Ingestor:
    """Brings an index in step with folders and files."""

    def __init__(
        self,
        config: SanadConfig,
        embed_model: BaseEmbedding,
        vector_store: ChromaVectorStore,
        lexical: LexicalIndex,
        build: dict[str, object],
        *,
        sentences: SentenceVectors | None = None,
        max_file_bytes: int = MAX_FILE_BYTES,
        stages: IngestStages | None = None,
    ) -> None:
        self.config = config
        self.stages: IngestStages = stages or LocalStages(embed_model)
        self.sentences = sentences
        self.max_file_bytes = max_file_bytes
        self.embed_model = embed_model
        self.vector_store = vector_store
        self.lexical = lexical
        self.build = build
        self.layout = IndexLayout(config.index.path)
        self._vectors: VectorCache[list[float]] = VectorCache(_VECTOR_CACHE)

    def run(
        self,
        paths: Sequence[Path],
        *,
        progress: Callable[[int, int, str], None] | None = None,
        on_batch: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Ingest ``paths`` (folders and/or files) and return what changed.

        Folders are scanned for ``corpus.extensions``; files in the manifest under a
        scanned folder that are gone from it are removed. A file that cannot be read
        is reported in ``failed`` and its previously stored version is kept.

        Args:
            paths: folders or files.
            progress: called with ``(done, total, file)`` after each file.
            on_batch: called with the report so far after each batch is stored (texts encoded,
                seconds per stage).

        Raises:
            IndexMismatchError: the index was built with other settings.
        """
        started = time.perf_counter()
        report = IngestReport()
        manifest = Manifest.load(self.layout.manifest)
        if manifest.files and manifest.build != self.build:
            raise IndexMismatchError(mismatch_message(self.config.index.path, manifest.build, self.build))
        manifest.build = dict(self.build)
        lexical_add: dict[str, list[str]] = {}
        collection = self.vector_store.client
        if self.layout.dirty.exists() or not counts_agree(manifest, collection, self.lexical):
            lexical_remove: list[str] = reconcile(manifest, report, collection, self.lexical, self.sentences)
        else:  # the last run finished and nothing was lost since: no need to read every chunk's metadata
            self.lexical.verify()
            lexical_remove = []
        self.layout.root.mkdir(parents=True, exist_ok=True)
        self.layout.dirty.touch()

        targets, scanned_roots = self._targets(paths, report)
        known = manifest.by_path()
        jobs = file_jobs(targets, known)
        seen = {(str(job.root), job.relative) for job in jobs}
        kept: set[str] = set()  # keys of stored articles still present (or kept: their file failed)
        pending: list[_Pending] = []
        pending_chunks = 0
        checkpoint_at = time.monotonic() + CHECKPOINT_SECONDS
        settings = PrepareSettings(self.config.chunking, self.config.corpus.records, self.max_file_bytes)
        prepared = self.stages.prepare(jobs, settings)
        self._writes = WriteBehind()
        try:
            for done in range(1, len(jobs) + 1):
                waited = time.perf_counter()
                job, outcome = next(prepared)
                report.read_wait_seconds += time.perf_counter() - waited
                for item in self._accept(job, outcome, manifest, report, kept):
                    pending.append(item)
                    pending_chunks += len(item.nodes)
                if pending_chunks >= self.config.embedding.batch_size * 4:
                    self._flush(pending, manifest, report, lexical_add, lexical_remove)
                    pending, pending_chunks = [], 0
                    if on_batch:
                        on_batch(report)
                    if time.monotonic() >= checkpoint_at:
                        self._checkpoint(manifest, lexical_add, lexical_remove)
                        checkpoint_at = time.monotonic() + CHECKPOINT_SECONDS
                if progress:
                    progress(done, len(jobs), job.relative)
            self._flush(pending, manifest, report, lexical_add, lexical_remove)
            self._writes.drain()
        finally:
            getattr(prepared, "close", lambda: None)()  # stops a read-ahead thread when a write fails
            self._writes.close()
        if on_batch:
            on_batch(report)

        # Gone: articles of files no longer in a scanned folder, and records no longer in a file read whole.
        gone = [
            r
            for (root, rel), records in known.items()
            for r in records
            if r.key not in kept and ((root, rel) in seen or root in scanned_roots)
        ]
        keys = [record.key for record in gone]
        delete_documents(collection, keys)
        if self.sentences is not None:
            self.sentences.delete_documents(keys)
        for record in gone:
            lexical_remove.extend(record.chunk_ids)
            manifest.files.pop(record.key, None)
            report.removed.append(record.name)

        self._checkpoint(manifest, lexical_add, lexical_remove)
        self.layout.dirty.unlink(missing_ok=True)
        report.chunks_total = manifest.chunk_count
        report.seconds = time.perf_counter() - started
        return report

    def _checkpoint(self, manifest: Manifest, lexical_add: dict[str, list[str]], lexical_remove: list[str]) -> None:
        """Save BM25 then the manifest (once every queued Chroma write is done), and clear the pending changes."""
        self._writes.drain()
        if lexical_add or lexical_remove:
            self.lexical.update(lexical_remove, lexical_add)
            lexical_add.clear()
            lexical_remove.clear()
        manifest.save(self.layout.manifest)
        publish_index_state(self.vector_store.client, self.lexical.stamp, self.build)

    def _targets(self, paths: Sequence[Path], report: IngestReport) -> tuple[list[tuple[Path, Path]], set[str]]:
        """``(root, file)`` for every file to look at, and the folders scanned whole."""
        targets: list[tuple[Path, Path]] = []
        roots: set[str] = set()
        for given in paths:
            path = Path(given).expanduser()
            if path.is_dir():
                root = path.resolve()
                roots.add(str(root))
                skipped: list[tuple[Path, str]] = []
                unsupported: list[Path] = []
                targets.extend(
                    (root, root / p.relative_to(path))
                    for p in find_articles(path, self.config.corpus.extensions, skipped, unsupported)
                )
                report.failed.extend((p.relative_to(path).as_posix(), reason) for p, reason in skipped)
                report.skipped.extend((p.relative_to(path).as_posix(), "unsupported type") for p in unsupported)
            elif path.is_file():
                targets.append((path.resolve().parent, path.resolve()))
            else:
                report.failed.append((str(path), "no such file or folder"))
        return targets, roots

    def _accept(
        self,
        job: FileJob,
        outcome: PreparedFile | ArticleError,
        manifest: Manifest,
        report: IngestReport,
        kept: set[str],
    ) -> list[_Pending]:
        """The file's new and changed articles; unchanged ones and failures go into ``report``.
        A file that fails, or whose records do not all read, keeps every stored article."""
        relative, path = job.relative, job.path
        if isinstance(outcome, ArticleError):
            report.failed.append((relative, str(outcome).removeprefix(f"{path}: ")))
            kept.update(r.key for r in job.previous)
            return []
        prepared = outcome
        report.failed.extend((where.replace(str(path), relative, 1), why) for where, why in prepared.problems)
        report.skipped.extend((where.replace(str(path), relative, 1), why) for where, why in prepared.skipped)
        if not prepared.complete:
            kept.update(r.key for r in job.previous)
        kept.update(r.key for r in prepared.kept)
        for record in prepared.unchanged:  # the same article in a changed file: only the file's hash is new
            kept.add(record.key)
            manifest.files[record.key] = record
        report.unchanged.extend(r.name for r in prepared.unchanged)
        out = []
        for article in prepared.articles:
            kept.add(article.key)
            status = "updated" if article.key in manifest.files else "added"
            out.append(_Pending(record=article.record, status=status, nodes=chunk_nodes(article)))
        return out

    def _flush(
        self,
        pending: list[_Pending],
        manifest: Manifest,
        report: IngestReport,
        lexical_add: dict[str, list[str]],
        lexical_remove: list[str],
    ) -> None:
        if not pending:
            return
        nodes = [node for item in pending for node in item.nodes]
        rows = sentence_rows(nodes) if self.sentences is not None else []
        sentence_vectors = set_chunk_vectors(
            nodes, rows, lambda texts: self._embed(texts, report), self.config.embedding.chunk_vectors
        )
        # One delete and one add per batch (each Chroma write is a transaction: ~30 ms).
        # Only files the manifest names can have stored chunks: reconcile() removed the others.
        updated = list(dict.fromkeys(item.record.key for item in pending if item.record.key in manifest.files))
        stemming = self.config.retrieval.stemming

        def write() -> None:  # on the write-behind thread, while the next batch is encoded
            began = time.perf_counter()
            delete_documents(self.vector_store.client, updated)
            if self.sentences is not None:
                self.sentences.delete_documents(updated)
                ids, texts, chunks = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
                self.sentences.write(ids, texts, sentence_vectors, [file_key_of(c) for c in chunks])
            for start in range(0, len(nodes), ADD_BATCH):  # one big export is one batch of files
                self.vector_store.add(nodes[start : start + ADD_BATCH])
            for node in nodes:
                lexical_add[node.node_id] = tokenize(indexed_text(node), stem=stemming)
            report.write_seconds += time.perf_counter() - began

        self._writes.submit(write)
        for item in pending:
            old = manifest.files.get(item.record.key)
            if old is not None:
                lexical_remove.extend(old.chunk_ids)
            manifest.files[item.record.key] = item.record
            getattr(report, item.status).append(item.record.name)
            report.chunks_written += len(item.nodes)

    def _embed(self, texts: list[str], report: IngestReport) -> list[list[float]]:
        """Vectors of ``texts``; identical texts (duplicate wire stories, a one-sentence chunk and
        its sentence) are embedded once per run."""
        known = self._vectors.get_many(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            started = time.perf_counter()
            new = dict(zip(todo, self.stages.embed(todo), strict=True))
            report.encode_seconds += time.perf_counter() - started
            report.texts_embedded += len(todo)
            known.update(new)
            self._vectors.put_many(new)
        return [known[text] for text in texts]
