"""Ingest's words stage, incremental and idempotent: files -> chunks awaiting vectors + tokens in BM25.

Files stream through in batches (bounded memory); each file's content hash decides whether it is added,
updated, unchanged or removed. Chunk ids are stable (:mod:`ingest.ids`), and a file's old chunks are
deleted (from Chroma and from the chunks awaiting vectors) before its new ones are written, so
re-ingesting never duplicates anything. Nothing is encoded here: the chunks wait in
:class:`rag.store.pending.PendingChunks` for the vector stage (:mod:`rag.index.fill`), and every one
of them can be found by its words as soon as the stage's checkpoint has saved BM25 and the manifest.

Crash safety: writes go to the stores first (Chroma deletes, pending chunks), then the BM25 folder
(swapped in whole), then the manifest (atomic rename), at checkpoints and at the end, so the manifest
never names a chunk that is not stored. A run that finds the last one unfinished reconciles them first
(:func:`rag.index.reconcile.reconcile`); a run killed at any moment is completed by the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.loader import MAX_FILE_BYTES, ArticleError, find_articles
from ingest.manifest import FileRecord, Manifest
from ingest.prepare import PreparedFile
from ingest.textnorm import tokenize
from rag.config import SanadConfig
from rag.index.layout import IndexLayout, IndexMismatchError, mismatch_message
from rag.index.reconcile import counts_agree, reconcile
from rag.index.report import IngestReport
from rag.index.stages import FileJob, IngestStages, PrepareSettings, file_jobs
from rag.index.write_behind import WriteBehind
from rag.lexical import LexicalIndex
from rag.store.pending import PendingChunks
from rag.store.records import chunk_nodes, delete_documents, indexed_text, publish_index_state
from rag.store.sentences import SentenceVectors

__all__ = ["CHECKPOINT_SECONDS", "WORDS_BATCH", "Ingestor"]

#: Seconds between checkpoints (BM25 + manifest saved) during a long ingest: a killed run loses at most this.
CHECKPOINT_SECONDS = 60.0
#: Chunks stored per write of the words stage.
WORDS_BATCH = 2000


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
        vector_store: ChromaVectorStore,
        lexical: LexicalIndex,
        pending: PendingChunks,
        build: dict[str, object],
        *,
        sentences: SentenceVectors | None = None,
        stages: IngestStages,
        max_file_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.config = config
        self.stages = stages
        self.sentences = sentences
        self.max_file_bytes = max_file_bytes
        self.vector_store = vector_store
        self.lexical = lexical
        self.pending = pending
        self.build = build
        self.layout = IndexLayout(config.index.path)

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
            on_batch: called with the report so far after each batch is stored.

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
        stores = (collection, self.pending)
        if self.layout.dirty.exists() or not counts_agree(manifest, stores, self.lexical):
            lexical_remove: list[str] = reconcile(manifest, report, stores, self.lexical, self.sentences)
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
                if pending_chunks >= WORDS_BATCH:
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
        self.pending.delete_documents(keys)
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
        articles = [item.record.key for item in pending for _ in item.nodes]
        # Only files the manifest names can have stored chunks: reconcile() removed the others.
        updated = list(dict.fromkeys(item.record.key for item in pending if item.record.key in manifest.files))
        stemming = self.config.retrieval.stemming

        def write() -> None:  # on the write-behind thread, while the next files are read
            began = time.perf_counter()
            delete_documents(self.vector_store.client, updated)  # an updated article's old vectors
            if self.sentences is not None:
                self.sentences.delete_documents(updated)
            self.pending.delete_documents(updated)
            self.pending.add(nodes, articles)
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
