"""The one service: ingest articles and answer questions with citations.

The CLI, the Gradio chat and the evaluation all go through :class:`Assistant`.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.manifest import FileRecord, Manifest
from ingest.pipeline import (
    IndexBusyError,
    IndexMismatchError,
    Ingestor,
    IngestReport,
    index_lock,
    lexical_from_store,
    mismatch_message,
)
from rag.answer import (
    _COS_RANGE_CROSS_SCRIPT,
    _COS_RANGE_SAME_SCRIPT,
    EMPTY_QUESTION_AR,
    EMPTY_QUESTION_EN,
    ExtractiveAnswerer,
    not_found_message,
)
from rag.config import SanadConfig, load_config
from rag.embeddings import build_embedding, embedding_fingerprint
from rag.followup import standalone_question
from rag.lexical import LexicalIndex
from rag.retrieve import HybridRetriever, Retrieval
from rag.sources import SourceText, read_source
from rag.store import (
    StoreUnavailableError,
    describe_store,
    forget_cached_client,
    open_client,
    open_sentence_vectors,
    open_vector_store,
    read_index_state,
)
from rag.textnorm import is_arabic
from rag.types import Answer

if TYPE_CHECKING:
    from rag.generate import LLMAnswerer

__all__ = ["Assistant", "EmptyIndexError", "IndexDamagedError"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

#: Times a read that failed while another process wrote the store is tried again.
_READ_RETRIES = 3
#: Longest question text used for retrieval; the rest is ignored.
MAX_QUESTION_CHARS = 2000
#: The answer to a question in a script Sanad does not read (Arabic and Latin only).
UNSUPPORTED_LANGUAGE = "يجيب سند عن الأسئلة بالعربية أو الإنجليزية. / Sanad answers questions in Arabic or English."
# Markup pasted with a question is not part of it: script/style elements whole, other tags.
_MARKUP = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)|<[^<>]{0,500}>", re.IGNORECASE | re.DOTALL)


def _readable_script(text: str) -> bool:
    """True unless most letters are in scripts other than Arabic and Latin (Cyrillic, CJK, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    ours = sum(1 for ch in letters if ch <= "\u024f" or "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff")
    return ours * 2 >= len(letters)


class EmptyIndexError(RuntimeError):
    """Nothing has been ingested into this index yet."""


class IndexDamagedError(RuntimeError):
    """Part of the index is missing; the message says how to recover."""


class Assistant:
    """Question answering over an ingested archive of articles.

    Build one with :meth:`from_config`; it loads the encoder once and opens the
    index lazily, so a process that only ingests never loads the retriever.
    """

    def __init__(self, config: SanadConfig) -> None:
        self.config = config
        self._lock = threading.RLock()
        self._retriever: HybridRetriever | None = None
        self._answerer: ExtractiveAnswerer | None = None
        self._manifest_stamp: float | None = None
        self._generator: LLMAnswerer | None = None

    @classmethod
    def from_config(cls, path: str | Path | None = None, index_dir: str | Path | None = None) -> Assistant:
        """Load ``config.yaml`` (see :func:`rag.config.load_config`) and build an assistant."""
        return cls(load_config(path, index_dir))

    # ------------------------------------------------------------------ paths
    @property
    def index_dir(self) -> Path:
        return self.config.index.path

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    def _lexical_dir(self) -> Path:
        return self.index_dir / "lexical"

    def build_settings(self) -> dict[str, object]:
        """The settings an index depends on; a stored index must match them."""
        embed_model = build_embedding(self.config.embedding)
        return {
            "embedding": embedding_fingerprint(self.config.embedding),
            "dimension": len(embed_model.get_query_embedding("dimension")),
            "chunking": self.config.chunking.model_dump(),
            "stemming": self.config.retrieval.stemming,
        }

    # ------------------------------------------------------------------ ingest
    def ingest(
        self,
        paths: Sequence[str | Path] | None = None,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> IngestReport:
        """Bring the index in step with ``paths`` (default: ``corpus.path``).

        Args:
            paths: folders and/or files.
            rebuild: ingest everything anew (after a model or chunking change). In persistent
                mode the new index is built beside the old one and swapped in at the end, so a
                running chat answers from the old one meanwhile.
            progress: called with ``(done, total, file)`` after each file.

        Raises:
            ValueError: no path given and ``corpus.path`` is not set.
            IndexBusyError: another ingest is writing to this index.
            IndexMismatchError: the index was built with other settings and ``rebuild`` is False.
        """
        if not paths:
            if self.config.corpus.path is None:
                raise ValueError("no path to ingest: give one, or set corpus.path in config.yaml")
            paths = [self.config.corpus.path]
        with self._lock, index_lock(self.index_dir):
            build = self.build_settings()
            self._finish_interrupted_rebuild()
            if rebuild and self.config.store.mode == "persistent":
                report = self._rebuild_aside(build, [Path(p) for p in paths], progress)
            else:
                if rebuild:  # manifest first: an interrupted rebuild leaves an index the next run rebuilds
                    self.manifest_path.unlink(missing_ok=True)
                    LexicalIndex(self._lexical_dir()).clear()  # without reading it: it may be damaged
                report = self._run(self.config, build, [Path(p) for p in paths], progress, reset=rebuild)
            self._retriever = None  # reopen on the next question
            return report

    def _run(
        self,
        config: SanadConfig,
        build: dict[str, object],
        paths: list[Path],
        progress: Callable[[int, int, str], None] | None,
        *,
        reset: bool = False,
    ) -> IngestReport:
        vector_store = open_vector_store(config.store, config.index.path, reset=reset)
        lexical = LexicalIndex.open(config.index.path / "lexical", stemming=config.retrieval.stemming)
        sentences = open_sentence_vectors(config.store, config.index.path) if config.store.sentence_vectors else None
        ingestor = Ingestor(
            config, build_embedding(config.embedding), vector_store, lexical, build, sentences=sentences
        )
        return ingestor.run(paths, progress=progress)

    def _finish_interrupted_rebuild(self) -> None:
        """Undo what a rebuild killed during its swap left: a staging folder, a folder moved aside."""
        shutil.rmtree(self.index_dir / ".rebuild", ignore_errors=True)
        for name in ("chroma", "lexical"):
            old = self.index_dir / f"{name}.old"
            if old.exists() and not (self.index_dir / name).exists():
                old.rename(self.index_dir / name)
            shutil.rmtree(old, ignore_errors=True)

    def _rebuild_aside(
        self, build: dict[str, object], paths: list[Path], progress: Callable[[int, int, str], None] | None
    ) -> IngestReport:
        """Build a new index in ``<index>/.rebuild`` and swap it in, manifest last.

        Until the manifest is replaced, readers (a running chat) keep the old index; a rebuild
        killed before the swap leaves the old index untouched.
        """
        staging = self.index_dir / ".rebuild"
        shutil.rmtree(staging, ignore_errors=True)
        config = self.config.model_copy(deep=True)
        config.index.path = staging
        report = self._run(config, build, paths, progress, reset=True)
        forget_cached_client(staging / "chroma")
        for name in ("chroma", "lexical"):
            old = self.index_dir / f"{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            if (self.index_dir / name).exists():
                (self.index_dir / name).rename(old)
            (staging / name).rename(self.index_dir / name)
        os.replace(staging / "manifest.json", self.manifest_path)
        forget_cached_client(self.index_dir / "chroma")
        for leftover in (staging, self.index_dir / "chroma.old", self.index_dir / "lexical.old"):
            shutil.rmtree(leftover, ignore_errors=True)
        return report

    # ------------------------------------------------------------------ query
    def sources(self) -> list[FileRecord]:
        """The ingested files, sorted by name."""
        return sorted(Manifest.load(self.manifest_path).files.values(), key=lambda r: (r.file, r.root))

    def read_source(self, file: str, root: str | None = None) -> SourceText:
        """The text of an ingested article (what citations index into); see :func:`rag.sources.read_source`.

        Raises:
            SourceRefused: not an ingested file inside its folder (``../``, absolute, link out).
        """
        return read_source(self.sources(), file, root)

    def _ready(self) -> tuple[HybridRetriever, ExtractiveAnswerer]:
        """The retriever and answerer, reopened when the index changed since they were opened.

        Persistent store: the manifest's mtime tells (another process ran `sanad ingest`).
        Server (``store.mode: http``): also the BM25 stamp the last ingest recorded in the
        collection, read at most every ``store.refresh_seconds``; a local BM25 copy that is
        missing or older is rebuilt from the collection's documents.
        """
        server = self.config.store.mode == "http"
        stamp = (
            self.manifest_path.stat().st_mtime if self.manifest_path.exists() else None,
            self._server_state()[0] if server else None,
        )
        with self._lock:
            if self._retriever is None or stamp != self._manifest_stamp:
                manifest = Manifest.load(self.manifest_path)
                lexical_stamp, stored = self._server_state(refresh=True) if server else (None, None)
                if stored is None and not manifest.files:
                    raise EmptyIndexError(f"{self.index_dir}: the index is empty; run `sanad ingest` first")
                stored = stored if stored is not None else manifest.build
                build = self.build_settings()
                if stored != build:
                    raise IndexMismatchError(mismatch_message(self.index_dir, stored, build))
                embed_model = build_embedding(self.config.embedding)
                lexical = LexicalIndex.open(self._lexical_dir(), stemming=self.config.retrieval.stemming)
                if self.config.store.mode == "persistent" and not (self.index_dir / "chroma").is_dir():
                    raise IndexDamagedError(
                        f"{self.index_dir / 'chroma'}: the dense store is missing; run `sanad ingest` to repair "
                        "it (or `sanad ingest --rebuild`)"
                    )
                vector_store = open_vector_store(self.config.store, self.index_dir, fresh=True)
                if vector_store.client.count() == 0:
                    raise IndexDamagedError(
                        f"{self.index_dir}: the dense store holds no chunks but the manifest lists "
                        f"{len(manifest.files)} files; run `sanad ingest` to repair it (or `sanad ingest --rebuild`)"
                    )
                if lexical_stamp and lexical.stamp != lexical_stamp:
                    try:  # this machine's BM25 copy is missing or older than the server's collection
                        with index_lock(self.index_dir):
                            lexical_from_store(vector_store, lexical, lexical_stamp)
                    except IndexBusyError:
                        pass  # an ingest on this machine is writing it; it records the new stamp when done
                self._retriever = HybridRetriever(self.config.retrieval, embed_model, vector_store, lexical)
                sentences = (
                    open_sentence_vectors(self.config.store, self.index_dir)
                    if self.config.store.sentence_vectors
                    else None
                )
                self._answerer = ExtractiveAnswerer(self.config.answer, embed_model, lexical.idf, sentences)
                self._manifest_stamp = stamp
            assert self._answerer is not None
            return self._retriever, self._answerer

    def _server_state(self, *, refresh: bool = False) -> tuple[str | None, dict[str, object] | None]:
        """``(BM25 stamp, build settings)`` recorded in the server's collection (``store.mode: http``),
        read at most every ``store.refresh_seconds`` unless ``refresh``."""
        now = time.monotonic()
        cached = getattr(self, "_server_cache", None)  # (read at, state, client)
        if cached is not None and not refresh and now - cached[0] < self.config.store.refresh_seconds:
            return cached[1]
        import chromadb.errors

        try:
            client = cached[2] if cached is not None else open_client(self.config.store, self.index_dir)
            state = read_index_state(client.get_collection(self.config.store.collection))
        except (chromadb.errors.NotFoundError, ValueError):
            state, client = (None, None), None  # nothing ingested into the server yet
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types
            if cached is not None and not refresh:
                return cached[1]  # a blip between questions: keep answering from what is open
            where = describe_store(self.config.store, self.index_dir)
            raise StoreUnavailableError(f"store: cannot reach Chroma at {where}: {exc}") from exc
        self._server_cache = (now, state, client)
        return state

    def _retrieve(self, text: str, top_k: int | None) -> tuple[Retrieval, ExtractiveAnswerer]:
        """Retrieve, reopening the index when another process changed the store mid-read.

        An ingest in another process deletes and re-adds an updated file's chunks; a reader
        caught in between can get a chunk without its metadata. Reopening and asking again
        reads the store as it is now; the last failure is raised.
        """
        for attempt in range(_READ_RETRIES + 1):
            retriever, answerer = self._ready()
            try:
                return retriever.retrieve(text, top_k=top_k), answerer
            except Exception:
                if attempt == _READ_RETRIES:
                    raise
                with self._lock:
                    if self._retriever is retriever:
                        self._retriever = None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _clean(self, question: str) -> tuple[str, Answer | None]:
        """The text to search for, or the reply to a question that cannot be searched."""
        text = _MARKUP.sub(" ", question[: MAX_QUESTION_CHARS * 4]).strip()[:MAX_QUESTION_CHARS]
        if not any(ch.isalnum() for ch in text):
            message = EMPTY_QUESTION_AR if is_arabic(question) or not text else EMPTY_QUESTION_EN
            return text, Answer(question=question, answer=message, found=False, timings_ms={"total": 0.0})
        if not _readable_script(text):
            return text, Answer(question=question, answer=UNSUPPORTED_LANGUAGE, found=False, timings_ms={"total": 0.0})
        return text, None

    def _mode(self, mode: str | None) -> str:
        mode = mode or self.config.answer.mode
        if mode not in ("extractive", "llm"):
            raise ValueError(f"answer mode {mode!r}: expected extractive or llm")
        return mode

    def _llm_answerer(self) -> LLMAnswerer:
        """The model client (built on first use: a chat in extractive mode never needs it)."""
        with self._lock:
            if self._generator is None:
                from rag.generate import LLMAnswerer

                embed_model = build_embedding(self.config.embedding)
                self._generator = LLMAnswerer(self.config.llm, close=partial(_close, embed_model))
            return self._generator

    def _standalone(self, text: str, history: Sequence[object] | None, mode: str) -> str:
        """``text`` rewritten into a standalone question from ``history`` (by the model in llm mode)."""
        if not history:
            return text
        rewrite = None
        if mode == "llm" and self.config.llm.rewrite_followups:
            rewrite = self._llm_answerer().rewrite
        return standalone_question(text, list(history), rewrite)[:MAX_QUESTION_CHARS]

    def ask(
        self,
        question: str,
        history: Sequence[object] | None = None,
        *,
        top_k: int | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer ``question`` from the articles, citing the exact passages used.

        Args:
            question: Arabic or English; HTML tags in it are ignored, and only its first
                ``MAX_QUESTION_CHARS`` characters are used. A question in another script
                gets :data:`UNSUPPORTED_LANGUAGE`, an empty one a request for a question.
            history: earlier turns of this chat — Gradio messages (``{"role", "content"}``),
                ``(question, answer)`` pairs or earlier questions. A follow-up ("ومتى قُتل؟")
                is rewritten into a standalone question before retrieval (``Answer.standalone_question``).
            top_k: passages to retrieve (default ``retrieval.top_k``).
            mode: ``extractive`` or ``llm`` (default ``answer.mode``).

        Raises:
            EmptyIndexError: nothing has been ingested.
            IndexMismatchError: the index was built with another model or settings.
            LLMError: (llm mode) the model server is down, lacks the model, or timed out.
        """
        if self._mode(mode) == "llm":
            final = None
            for piece in self.stream(question, history, top_k=top_k, mode="llm"):
                if isinstance(piece, Answer):
                    final = piece
            assert final is not None
            return final
        started = time.perf_counter()
        text, early = self._clean(question)
        if early is not None:
            return early
        standalone = self._standalone(text, history, "extractive")
        retrieval, answerer = self._retrieve(standalone, top_k)
        retrieved_at = time.perf_counter()
        answer_text, found, citations, confidence = answerer.answer(
            standalone, retrieval.query_embedding, retrieval.passages
        )
        done = time.perf_counter()
        timings = {
            "retrieve": (retrieved_at - started) * 1000,
            "answer": (done - retrieved_at) * 1000,
            "total": (done - started) * 1000,
            **{f"retrieve_{k}": v for k, v in retrieval.timings_ms.items()},
        }
        return Answer(
            question=question,
            answer=answer_text,
            found=found,
            citations=citations,
            retrieved=retrieval.passages,
            timings_ms=timings,
            confidence=confidence,
            standalone_question=standalone if standalone != text else None,
        )

    def stream(
        self,
        question: str,
        history: Sequence[object] | None = None,
        *,
        top_k: int | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer text in pieces as it is produced, then the final :class:`Answer`.

        In llm mode the pieces are the model's tokens (markers naming no passage already
        removed); the final answer is the *verified* text with its citations, which may
        differ from what streamed (unsupported claims marked, injected instructions dropped).
        Arguments and errors as for :meth:`ask`.
        """
        if self._mode(mode) == "extractive":
            answer = self.ask(question, history, top_k=top_k, mode="extractive")
            for line in answer.answer.splitlines(keepends=True):
                words = line.split(" ")
                for i in range(0, len(words), 4):
                    piece = " ".join(words[i : i + 4])
                    yield piece + (" " if i + 4 < len(words) else "")
            yield answer
            return
        started = time.perf_counter()
        text, early = self._clean(question)
        if early is not None:
            yield early
            return
        generator = self._llm_answerer()
        standalone = self._standalone(text, history, "llm")
        rewritten = time.perf_counter()
        retrieval, answerer = self._retrieve(standalone, top_k)
        passages = retrieval.passages
        # The same evidence test as the extractive answer: when no retrieved sentence supports the
        # question, the model is not asked (it would only have nothing, or something invented, to say).
        _, supported, _, confidence = answerer.answer(standalone, retrieval.query_embedding, passages)
        retrieved_at = time.perf_counter()
        timings = {
            "rewrite": (rewritten - started) * 1000,
            "retrieve": (retrieved_at - rewritten) * 1000,
            **{f"retrieve_{k}": v for k, v in retrieval.timings_ms.items()},
        }
        common = {
            "question": question,
            "retrieved": passages,
            "confidence": confidence,
            "mode": "llm",
            "standalone_question": standalone if standalone != text else None,
        }
        if not supported:
            timings["total"] = (time.perf_counter() - started) * 1000
            message = not_found_message(standalone)
            yield message
            yield Answer(
                answer=message,
                found=False,
                timings_ms=timings,
                generation={"model": self.config.llm.model, "skipped": "no retrieved passage supports the question"},
                **common,
            )
            return
        from rag.generate import Generated  # llm mode only: not imported by extractive start-up

        for piece in generator.stream(standalone, passages):
            if isinstance(piece, Generated):
                timings.update(piece.timings_ms)
                timings["total"] = (time.perf_counter() - started) * 1000
                yield Answer(
                    answer=piece.verified.text,
                    found=piece.verified.found,
                    citations=piece.verified.citations,
                    timings_ms=timings,
                    generation={**piece.stats, "model_text": piece.model_text},
                    **common,
                )
            else:
                yield piece


def _close(embed_model: BaseEmbedding, claim: str, passage: str) -> bool:
    """The encoder's test that ``passage`` supports ``claim`` (used when they share few words, e.g.
    an English claim about an Arabic passage): cosine at or above the middle of the range the
    extractive answerer treats as evidence (rag.answer)."""
    a = np.asarray(embed_model.get_query_embedding(claim))
    b = np.asarray(embed_model.get_text_embedding(passage))
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))
    low, high = _COS_RANGE_SAME_SCRIPT if is_arabic(claim) == is_arabic(passage) else _COS_RANGE_CROSS_SCRIPT
    return cosine >= (low + high) / 2
