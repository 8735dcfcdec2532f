"""Incremental, idempotent ingestion: files -> chunks -> vectors in Chroma + tokens in BM25.

Files stream through in batches (bounded memory); each file's content hash
decides whether it is added, updated, unchanged or removed. Chunk ids are
stable (see :mod:`ingest.manifest`), and a file's old chunks are deleted before
its new ones are written, so re-ingesting never duplicates anything.

Crash safety: writes go Chroma first, then the BM25 folder (swapped in whole),
then the manifest (atomic rename), at checkpoints and at the end. The manifest
therefore never names a chunk that is not stored. Each run starts by
reconciling the three (:meth:`Ingestor.reconcile`): stored chunks the manifest
does not name are deleted, and files whose chunks are missing or stale in either
store are dropped from the manifest so that they are ingested again. A run
killed at any moment is thus completed by the next one.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.chunker import chunk_text, headline
from ingest.loader import MAX_FILE_BYTES, ArticleError, find_articles, read_article
from ingest.manifest import FileRecord, Manifest, chunk_id, file_id, file_key_of
from rag.answer import in_context, quotable_sentences, sentence_id
from rag.config import SanadConfig
from rag.lexical import LexicalIndex
from rag.store import SentenceVectors, publish_index_state
from rag.textnorm import tokenize

__all__ = ["IndexBusyError", "IndexMismatchError", "IngestReport", "Ingestor", "index_lock"]

#: Metadata keys kept on each chunk and never embedded. The headline (``title``) is
#: embedded and BM25-indexed with the chunk when ``chunking.title_context`` is on.
CHUNK_METADATA_KEYS = ("file", "root", "start", "end", "chunk", "sha256")

#: Seconds between checkpoints (BM25 + manifest saved) during a long ingest, so that
#: a killed run loses at most this much work.
CHECKPOINT_SECONDS = 60.0

#: Present while an ingest runs; left behind by one that was killed (the next run reconciles).
_DIRTY = ".ingest-dirty"

#: Chunk ids deleted from Chroma per call.
_DELETE_BATCH = 5000


class IndexBusyError(RuntimeError):
    """Another ingest holds the index."""


class IndexMismatchError(RuntimeError):
    """The index was built with other settings (embedding model, chunking, stemming)."""


@dataclass
class IngestReport:
    """What one ingest did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for people: counts and time."""
        repaired = f", {len(self.repaired)} repaired" if self.repaired else ""
        return (
            f"files: {len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.failed)} failed{repaired}; chunks written: "
            f"{self.chunks_written} (index holds {self.chunks_total}); time: {self.seconds:.1f} s"
        )


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock; raise :class:`IndexBusyError` if another process has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(f"{index_dir}: index is busy: another `sanad ingest` is writing to it") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    ) -> None:
        self.config = config
        self.sentences = sentences
        self.max_file_bytes = max_file_bytes
        self._vectors: dict[str, list[float]] = {}
        self.embed_model = embed_model
        self.vector_store = vector_store
        self.lexical = lexical
        self.build = build
        self.manifest_path = config.index.path / "manifest.json"

    def run(
        self,
        paths: Sequence[Path],
        *,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> IngestReport:
        """Ingest ``paths`` (folders and/or files) and return what changed.

        Folders are scanned for ``corpus.extensions``; files in the manifest under a
        scanned folder that are gone from it are removed. A file that cannot be read
        is reported in ``failed`` and its previously stored version is kept.

        Args:
            paths: folders or files.
            progress: called with ``(done, total, file)`` after each file.

        Raises:
            IndexMismatchError: the index was built with other settings.
        """
        started = time.perf_counter()
        report = IngestReport()
        manifest = Manifest.load(self.manifest_path)
        if manifest.files and manifest.build != self.build:
            raise IndexMismatchError(mismatch_message(self.config.index.path, manifest.build, self.build))
        manifest.build = dict(self.build)
        lexical_add: dict[str, list[str]] = {}
        dirty = self.config.index.path / _DIRTY
        if dirty.exists() or not self._counts_agree(manifest):
            lexical_remove: list[str] = self.reconcile(manifest, report)
        else:  # the last run finished and nothing was lost since: no need to read every chunk's metadata
            self.lexical.verify()
            lexical_remove = []
        dirty.parent.mkdir(parents=True, exist_ok=True)
        dirty.touch()

        targets, scanned_roots = self._targets(paths, report)
        known = manifest.by_path()
        seen: set[tuple[str, str]] = set()
        pending: list[_Pending] = []
        pending_chunks = 0
        checkpoint_at = time.monotonic() + CHECKPOINT_SECONDS

        for done, (root, path) in enumerate(targets, start=1):
            relative = path.relative_to(root).as_posix()
            if (str(root), relative) in seen:  # the same file named twice (a folder and a file in it)
                continue
            seen.add((str(root), relative))
            item = self._prepare(root, relative, path, known.get((str(root), relative)), report)
            if item is not None:
                pending.append(item)
                pending_chunks += len(item.nodes)
            if pending_chunks >= self.config.embedding.batch_size * 4:
                self._flush(pending, manifest, report, lexical_add, lexical_remove)
                pending, pending_chunks = [], 0
                if time.monotonic() >= checkpoint_at:
                    self._checkpoint(manifest, lexical_add, lexical_remove)
                    checkpoint_at = time.monotonic() + CHECKPOINT_SECONDS
            if progress:
                progress(done, len(targets), relative)
        self._flush(pending, manifest, report, lexical_add, lexical_remove)

        gone = [r for (root, rel), r in known.items() if root in scanned_roots and (root, rel) not in seen]
        for start in range(0, len(gone), _DELETE_BATCH):
            keys = [record.key for record in gone[start : start + _DELETE_BATCH]]
            self.vector_store.client.delete(where={"document_id": {"$in": keys}})
            if self.sentences is not None:
                self.sentences.delete_documents(keys)
        for record in gone:
            lexical_remove.extend(record.chunk_ids)
            manifest.files.pop(record.key, None)
            report.removed.append(record.file)

        self._checkpoint(manifest, lexical_add, lexical_remove)
        dirty.unlink(missing_ok=True)
        report.chunks_total = manifest.chunk_count
        report.seconds = time.perf_counter() - started
        return report

    def _counts_agree(self, manifest: Manifest) -> bool:
        """True when Chroma and BM25 hold as many chunks as the manifest names (a cheap check)."""
        expected = manifest.chunk_count
        return self.vector_store.client.count() == expected and len(self.lexical) == expected

    def reconcile(self, manifest: Manifest, report: IngestReport) -> list[str]:
        """Make Chroma and the manifest agree; return the BM25 ids to remove.

        Runs when the last ingest did not finish (it leaves ``<index>/.ingest-dirty``) or the
        stores' chunk counts differ from the manifest's; reading every chunk's metadata takes
        seconds at 100k chunks, so a finished, untouched index skips it.

        After a crash, Chroma may hold chunks the manifest does not name (deleted
        here) and a manifest entry may have chunks missing or stale (another
        version's ``sha256``) in Chroma or BM25 (the entry is dropped, so its file
        is ingested again). Files dropped are listed in ``report.repaired``.
        """
        self.lexical.verify()  # a damaged BM25 folder stops the run before anything is written
        collection = self.vector_store.client
        got = collection.get(include=["metadatas"])
        stored = {i: (m or {}).get("sha256") for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}
        in_lexical = self.lexical.ids()
        for key, record in list(manifest.files.items()):
            ids = record.chunk_ids
            intact = all(i in stored and stored[i] in (record.sha256, None) and i in in_lexical for i in ids)
            if not intact:
                manifest.files.pop(key)
                report.repaired.append(record.file)
        expected = {i for record in manifest.files.values() for i in record.chunk_ids}
        orphans = [i for i in stored if i not in expected]
        for start in range(0, len(orphans), _DELETE_BATCH):
            collection.delete(ids=orphans[start : start + _DELETE_BATCH])
        if self.sentences is not None and orphans:
            self.sentences.delete_documents(sorted({file_key_of(i) for i in orphans} - set(manifest.files)))
        return sorted(in_lexical - expected)

    def _checkpoint(self, manifest: Manifest, lexical_add: dict[str, list[str]], lexical_remove: list[str]) -> None:
        """Save BM25 then the manifest (Chroma is already written), and clear the pending changes."""
        if lexical_add or lexical_remove:
            self.lexical.update(lexical_remove, lexical_add)
            lexical_add.clear()
            lexical_remove.clear()
        manifest.save(self.manifest_path)
        publish_index_state(self.vector_store.client, self.lexical.stamp, self.build)

    def _targets(self, paths: Sequence[Path], report: IngestReport) -> tuple[list[tuple[Path, Path]], set[str]]:
        targets: list[tuple[Path, Path]] = []
        roots: set[str] = set()
        for given in paths:
            path = Path(given).expanduser()
            if path.is_dir():
                root = path.resolve()
                roots.add(str(root))
                skipped: list[tuple[Path, str]] = []
                targets.extend(
                    (root, root / p.relative_to(path))
                    for p in find_articles(path, self.config.corpus.extensions, skipped)
                )
                report.failed.extend((p.relative_to(path).as_posix(), reason) for p, reason in skipped)
            elif path.is_file():
                targets.append((path.resolve().parent, path.resolve()))
            else:
                report.failed.append((str(path), "no such file or folder"))
        return targets, roots

    def _prepare(
        self, root: Path, relative: str, path: Path, previous: FileRecord | None, report: IngestReport
    ) -> _Pending | None:
        try:
            article = read_article(path, max_bytes=self.max_file_bytes)
        except ArticleError as exc:
            report.failed.append((relative, str(exc).removeprefix(f"{path}: ")))
            return None
        if previous is not None and previous.sha256 == article.sha256:
            report.unchanged.append(relative)
            return None
        spans = chunk_text(
            article.text, max_chars=self.config.chunking.max_chars, max_sentences=self.config.chunking.max_sentences
        )
        if not spans:
            report.failed.append((relative, "no text to index (no words found)"))
            return None
        key = file_id(str(root), relative)
        record = FileRecord(
            root=str(root),
            file=relative,
            sha256=article.sha256,
            size=article.size,
            chunks=len(spans),
            encoding=article.encoding,
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        title = headline(article.text) if self.config.chunking.title_context else ""
        nodes = []
        for i, span in enumerate(spans):
            # The headline goes into what is embedded unless the chunk already starts with it.
            hidden = [*CHUNK_METADATA_KEYS, *(["title"] if not title or span.text.startswith(title) else [])]
            node = TextNode(
                id_=chunk_id(key, i),
                text=span.text,
                metadata={
                    "file": relative,
                    "root": str(root),
                    "start": span.start,
                    "end": span.end,
                    "chunk": i,
                    "sha256": article.sha256,
                    "title": title,
                },
                excluded_embed_metadata_keys=hidden,
                excluded_llm_metadata_keys=list(CHUNK_METADATA_KEYS),
                metadata_template="{value}",
            )
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=key)
            nodes.append(node)
        return _Pending(record=record, status="updated" if previous else "added", nodes=nodes)

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
        rows = self._sentence_rows(pending) if self.sentences is not None else []
        texts = [indexed_text(node) for node in nodes]
        vectors = self._embed([*texts, *(text for _, text, _ in rows)])
        for node, vector in zip(nodes, vectors, strict=False):
            node.embedding = vector
        # One delete and one add per batch (each Chroma write is a transaction: ~30 ms).
        # Only files the manifest names can have stored chunks: reconcile() removed the others.
        updated = list(dict.fromkeys(item.record.key for item in pending if item.record.key in manifest.files))
        for start in range(0, len(updated), _DELETE_BATCH):
            self.vector_store.client.delete(where={"document_id": {"$in": updated[start : start + _DELETE_BATCH]}})
        if self.sentences is not None:
            self.sentences.delete_documents(updated)
            ids, sentence_texts, chunks = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
            self.sentences.write(ids, sentence_texts, vectors[len(nodes) :], [file_key_of(c) for c in chunks])
        self.vector_store.add(nodes)
        stemming = self.config.retrieval.stemming
        for item in pending:
            old = manifest.files.get(item.record.key)
            if old is not None:
                lexical_remove.extend(old.chunk_ids)
            for node in item.nodes:
                lexical_add[node.node_id] = tokenize(indexed_text(node), stem=stemming)
            manifest.files[item.record.key] = item.record
            getattr(report, item.status).append(item.record.file)
            report.chunks_written += len(item.nodes)

    def _embed(self, texts: list[str]) -> list[list[float]]:
        """Vectors of ``texts``; identical texts (duplicate wire stories, a one-sentence chunk and
        its sentence) are embedded once per run."""
        known = {t: self._vectors[t] for t in texts if t in self._vectors}
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            new = dict(zip(todo, self.embed_model.get_text_embedding_batch(todo), strict=True))
            known.update(new)
            if len(self._vectors) + len(new) > _VECTOR_CACHE:
                self._vectors.clear()
            self._vectors.update(new)
        return [known[text] for text in texts]

    @staticmethod
    def _sentence_rows(pending: list[_Pending]) -> list[tuple[str, str, str]]:
        """``(sentence id, text to embed, chunk id)`` for every quotable sentence of the pending chunks,
        exactly as the answerer embeds them (:mod:`rag.answer`)."""
        rows = []
        for item in pending:
            for node in item.nodes:
                title = str(node.metadata.get("title", ""))
                for position, span in quotable_sentences(node.text, int(node.metadata["start"]), title):
                    rows.append((sentence_id(node.node_id, position), in_context(span.text, title), node.node_id))
        return rows


#: Most vectors remembered by one ingest run for duplicate texts (~2 KB each as floats).
_VECTOR_CACHE = 4096


def indexed_text(node: TextNode) -> str:
    """What is embedded and BM25-indexed for a chunk: its text, after its headline when that is on."""
    return node.get_content(metadata_mode=MetadataMode.EMBED)


def mismatch_message(index_dir: Path, stored: dict[str, object], wanted: dict[str, object]) -> str:
    changed = sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
    details = "; ".join(f"{k}: index has {stored.get(k)!r}, config has {wanted.get(k)!r}" for k in changed)
    return f"{index_dir}: the index was built with other settings ({details}). Run `sanad ingest --rebuild`."


def lexical_from_store(vector_store: ChromaVectorStore, lexical: LexicalIndex, stamp: str | None) -> int:
    """Rebuild ``lexical`` from the chunks stored in Chroma (their texts and headlines); return the count.

    A reader whose BM25 copy is missing or older than the server's collection (``store.mode:
    http``, another machine) gets the same index the writer has, labelled with ``stamp``.
    """
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    collection = vector_store.client
    tokens: dict[str, list[str]] = {}
    offset = 0
    while True:
        got = collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        if not got["ids"]:
            break
        for chunk, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
            node = metadata_dict_to_node(dict(meta or {}), text=text)
            tokens[chunk] = tokenize(indexed_text(node), stem=lexical.stemming)  # type: ignore[arg-type]
        offset += len(got["ids"])
    lexical.replace(tokens, stamp=stamp)
    return len(tokens)


#: Chunks read from Chroma per request when rebuilding BM25 from it.
_PAGE = 2000
