"""The query side of the index: retriever and answerer, reopened when another process changed it."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.manifest import Manifest
from ingest.textnorm import tokenize
from rag.answers.extractive import ExtractiveAnswerer
from rag.answers.threshold import answer_reader
from rag.config import SanadConfig
from rag.index.layout import (
    EmptyIndexError,
    IndexBusyError,
    IndexDamagedError,
    IndexLayout,
    IndexMismatchError,
    build_settings,
    index_lock,
    mismatch_message,
)
from rag.index.progress import IndexStatus, index_status
from rag.lexical import LexicalIndex
from rag.retrieve import HybridRetriever, Retrieval
from rag.store.chroma import (
    StoreUnavailableError,
    describe_store,
    open_client,
    open_sentence_vectors,
    open_vector_store,
)
from rag.store.pending import PendingChunks, SentencesAhead
from rag.store.records import article_texts, indexed_text, node_from_row, read_index_state
from rag.types import SearchFilters

__all__ = ["IndexReader", "lexical_from_store"]

#: Times a read that failed while another process wrote the store is tried again.
READ_RETRIES = 3
#: Chunks read from Chroma per request when rebuilding BM25 from it.
_PAGE = 2000
#: While the vector stage runs in another process, the dense side is reopened at most this often
#: (Chroma's files are read anew) to see the vectors stored since; BM25 is kept.
VECTOR_REFRESH_SECONDS = 60.0
#: Seconds a question waits for the chunks file while an ingest writes it.
_PENDING_TIMEOUT = 2.0

ServerState = tuple[str | None, dict[str, object] | None]


class IndexReader:
    """Opens the index for questions and keeps it current.

    Persistent store: the manifest's mtime tells that another process ran `sanad ingest`.
    Server (``store.mode: http``): also the BM25 stamp the last ingest recorded in the
    collection, read at most every ``store.refresh_seconds``; a local BM25 copy that is
    missing or older is rebuilt from the collection's documents.
    """

    def __init__(self, config: SanadConfig, embed_model: BaseEmbedding, *, lock: threading.RLock | None = None) -> None:
        """
        Args:
            lock: shared with this process's ingest, so the index is never reopened while it writes.
        """
        self.config = config
        self.embed_model = embed_model
        self.layout = IndexLayout(config.index.path)
        self._lock = lock or threading.RLock()
        self._retriever: HybridRetriever | None = None
        self._answerer: ExtractiveAnswerer | None = None
        self._stamp: tuple[float | None, str | None] | None = None
        self._filled: tuple[float | None, float] = (None, 0.0)  # (fill.json's mtime, when last seen changed)
        self._pending: PendingChunks | None = None
        self._manifest: tuple[float | None, tuple[int, int]] | None = None  # status(): (mtime, (articles, chunks))
        self._server_cache: tuple[float, ServerState, object] | None = None  # (read at, state, client)

    def invalidate(self) -> None:
        """Reopen on the next question (after this process ingested)."""
        with self._lock:
            self._retriever = None

    def retrieve(
        self, text: str, top_k: int | None, filters: SearchFilters | None = None, candidates: int | None = None
    ) -> tuple[Retrieval, ExtractiveAnswerer]:
        """Retrieve (``candidates``: see :meth:`HybridRetriever.retrieve`), reopening the index when another
        process changed the store mid-read.

        An ingest in another process deletes and re-adds an updated file's chunks; a reader
        caught in between can get a chunk without its metadata. Reopening and asking again
        reads the store as it is now; the last failure is raised.
        """
        for attempt in range(READ_RETRIES + 1):
            retriever, answerer = self.open()
            try:
                return retriever.retrieve(text, top_k=top_k, filters=filters, candidates=candidates), answerer
            except Exception:
                if attempt == READ_RETRIES:
                    raise
                with self._lock:
                    if self._retriever is retriever:
                        self._retriever = None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def article_texts(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored text of the articles ``keys`` (file keys), read from their chunks; an article the
        store no longer holds is left out (see :func:`rag.store.records.article_texts`)."""
        retriever, _ = self.open()
        waiting = retriever.pending.document_rows(keys) if retriever.pending is not None else []
        return article_texts(retriever.vector_store.client, keys, waiting)

    def status(self) -> IndexStatus:
        """How far the index is (articles searchable, vectors done/total, rate, ETA, last error)."""
        with self._lock:
            pending = self._pending_chunks()
            mtime = self.layout.manifest.stat().st_mtime if self.layout.manifest.exists() else None
            if self._manifest is None or self._manifest[0] != mtime:  # ~0.3 s at 30k articles: read on change
                manifest = Manifest.load(self.layout.manifest)
                self._manifest = (mtime, (len(manifest.files), manifest.chunk_count))
            waiting = (pending.count(), pending.count_documents())
            return index_status(self._manifest[1], waiting, self.layout.fill_state)

    def _pending_chunks(self) -> PendingChunks:
        if self._pending is None:
            self._pending = PendingChunks(self.layout.pending, timeout=_PENDING_TIMEOUT)
        return self._pending

    def open(self) -> tuple[HybridRetriever, ExtractiveAnswerer]:
        """The retriever and answerer, reopened when the index changed since they were opened.

        Raises:
            EmptyIndexError, IndexMismatchError, IndexDamagedError, StoreUnavailableError.
        """
        server = self.config.store.mode == "http"
        manifest_path = self.layout.manifest
        stamp = (
            manifest_path.stat().st_mtime if manifest_path.exists() else None,
            self._server_state()[0] if server else None,
        )
        with self._lock:
            if self._retriever is None or stamp != self._stamp:
                self._retriever, self._answerer = self._reopen(server)
                self._stamp = stamp
                fill = self.layout.fill_state
                self._filled = (fill.stat().st_mtime if fill.exists() else None, time.monotonic())
            elif self._vectors_moved():  # the vector stage stored more: read Chroma anew, keep BM25
                self._retriever, self._answerer = self._reopen(server, self._retriever.lexical)
            assert self._answerer is not None
            return self._retriever, self._answerer

    def _vectors_moved(self) -> bool:
        """Whether the vector stage saved progress since the dense side was opened, at most every
        :data:`VECTOR_REFRESH_SECONDS`."""
        path = self.layout.fill_state
        mtime = path.stat().st_mtime if path.exists() else None
        seen, at = self._filled
        if mtime == seen or time.monotonic() - at < VECTOR_REFRESH_SECONDS:
            return False
        self._filled = (mtime, time.monotonic())
        return True

    def _reopen(
        self, server: bool, lexical: LexicalIndex | None = None
    ) -> tuple[HybridRetriever, ExtractiveAnswerer]:
        config, index_dir = self.config, self.layout.root
        manifest = Manifest.load(self.layout.manifest)
        lexical_stamp, stored = self._server_state(refresh=True) if server else (None, None)
        if stored is None and not manifest.files:
            raise EmptyIndexError(f"{index_dir}: the index is empty; run `sanad ingest` first")
        stored = stored if stored is not None else manifest.build
        build = build_settings(config, self.embed_model)
        if stored != build:
            raise IndexMismatchError(mismatch_message(index_dir, stored, build))
        reopened_words = lexical is None
        lexical = lexical or LexicalIndex.open(self.layout.lexical, stemming=config.retrieval.stemming)
        if config.store.mode == "persistent" and not self.layout.chroma.is_dir():
            raise IndexDamagedError(
                f"{self.layout.chroma}: the dense store is missing; run `sanad ingest` to repair "
                "it (or `sanad ingest --rebuild`)"
            )
        vector_store = open_vector_store(config.store, index_dir, fresh=True)
        if reopened_words and self._pending is not None:  # a rebuild may have swapped its file
            self._pending.close()
            self._pending = None
        pending = self._pending_chunks()
        if vector_store.client.count() == 0 and not pending.count():
            raise IndexDamagedError(
                f"{index_dir}: the dense store holds no chunks but the manifest lists "
                f"{len(manifest.files)} files; run `sanad ingest` to repair it (or `sanad ingest --rebuild`)"
            )
        if lexical_stamp and lexical.stamp != lexical_stamp:
            try:  # this machine's BM25 copy is missing or older than the server's collection
                with index_lock(index_dir):
                    lexical_from_store(vector_store, lexical, lexical_stamp)
            except IndexBusyError:
                pass  # an ingest on this machine is writing it; it records the new stamp when done
        stored = open_sentence_vectors(config.store, index_dir) if config.store.sentence_vectors else None
        sentences = SentencesAhead(stored, pending) if stored is not None else None
        chunk_mode = config.embedding.chunk_vectors
        retriever = HybridRetriever(
            config.retrieval, self.embed_model, vector_store, lexical, sentences, pending, chunk_mode
        )
        answerer = ExtractiveAnswerer(
            config.answer, self.embed_model, lexical.idf, sentences, reader=answer_reader(config.answer)
        )
        return retriever, answerer

    def _server_state(self, *, refresh: bool = False) -> ServerState:
        """``(BM25 stamp, build settings)`` recorded in the server's collection (``store.mode: http``),
        read at most every ``store.refresh_seconds`` unless ``refresh``."""
        now = time.monotonic()
        cached = self._server_cache
        if cached is not None and not refresh and now - cached[0] < self.config.store.refresh_seconds:
            return cached[1]
        import chromadb.errors

        try:
            client = cached[2] if cached is not None else open_client(self.config.store, self.layout.root)
            state = read_index_state(client.get_collection(self.config.store.collection))  # type: ignore[attr-defined]
        except (chromadb.errors.NotFoundError, ValueError):
            state, client = (None, None), None  # nothing ingested into the server yet
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types
            if cached is not None and not refresh:
                return cached[1]  # a blip between questions: keep answering from what is open
            where = describe_store(self.config.store, self.layout.root)
            raise StoreUnavailableError(f"store: cannot reach Chroma at {where}: {exc}") from exc
        self._server_cache = (now, state, client)
        return state


def lexical_from_store(vector_store: ChromaVectorStore, lexical: LexicalIndex, stamp: str | None) -> int:
    """Rebuild ``lexical`` from the chunks stored in Chroma (their texts and headlines); return the count.

    A reader whose BM25 copy is missing or older than the server's collection (``store.mode:
    http``, another machine) gets the same index the writer has, labelled with ``stamp``.
    """
    collection = vector_store.client
    tokens: dict[str, list[str]] = {}
    offset = 0
    while True:
        got = collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        if not got["ids"]:
            break
        for chunk, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
            tokens[chunk] = tokenize(indexed_text(node_from_row(text, meta)), stem=lexical.stemming)
        offset += len(got["ids"])
    lexical.replace(tokens, stamp=stamp)
    return len(tokens)
