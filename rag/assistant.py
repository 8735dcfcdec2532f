"""The one service: ingest articles and answer questions with citations.

Every door (the CLI, the chat, the evaluation, the Python API) goes through :class:`Assistant`, which
only assembles the parts: the index writer and reader (:mod:`rag.index`), the answer step
(:mod:`rag.answers`, :mod:`rag.gather`) and, in llm mode, the model's answerer (:mod:`rag.generate`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.errors import SanadError
from ingest.manifest import FileRecord, Manifest
from rag.answers.dialect import standardise
from rag.answers.step import Asked, extractive_answer, generated_answer
from rag.config import ConfigError, SanadConfig, load_config
from rag.corpus import add_to_corpus
from rag.embeddings import build_embedding, forget_traces
from rag.followup import standalone_question
from rag.gather import Timeline, build_timeline
from rag.gold.feedback import FeedbackStore, Judgement, holding_file, index_state
from rag.index.build import BatchDone, Progress, StageHooks, fill_vectors, ingest_paths
from rag.index.layout import IndexLayout, build_settings
from rag.index.reader import IndexReader
from rag.index.report import IngestReport
from rag.index.stages import IngestStages
from rag.questions import MAX_QUESTION_CHARS, QuestionRefused, clean_question
from rag.sources import SourceText, read_source
from rag.types import Answer, Passage, SearchFilters

if TYPE_CHECKING:
    from llama_index.core.base.llms.base import BaseLLM

    from rag.generate import LLMAnswerer

__all__ = ["Assistant", "forget_traces"]

MODES = ("extractive", "llm")


class Assistant:
    """Question answering over an ingested archive of articles.

    Build one with :meth:`from_config`. The encoder is loaded on first use (or given), and the
    index is opened lazily, so a process that only ingests never opens the retriever.

    Args:
        config: the configuration.
        embed_model: the encoder (default: the one ``config.embedding`` names, loaded once per process).
        llm: the model client for llm mode (default: built from ``config.llm`` on first use).
    """

    def __init__(self, config: SanadConfig, embed_model: BaseEmbedding | None = None, llm: BaseLLM | None = None):
        self.config = config
        self._embed_model = embed_model
        self._llm = llm
        self._lock = threading.RLock()
        self._reader: IndexReader | None = None
        self._generator: LLMAnswerer | None = None

    @classmethod
    def from_config(cls, path: str | Path | None = None, index_dir: str | Path | None = None) -> Assistant:
        """Load ``config.yaml`` (see :func:`rag.config.load_config`) and build an assistant."""
        return cls(load_config(path, index_dir))

    @property
    def embed_model(self) -> BaseEmbedding:
        """The encoder every part embeds with."""
        with self._lock:
            if self._embed_model is None:
                self._embed_model = build_embedding(self.config.embedding)
            return self._embed_model

    @property
    def index_dir(self) -> Path:
        return self.config.index.path

    @property
    def manifest_path(self) -> Path:
        return IndexLayout(self.index_dir).manifest

    def build_settings(self) -> dict[str, object]:
        """The settings an index depends on; a stored index must match them."""
        return build_settings(self.config, self.embed_model)

    @property
    def reader(self) -> IndexReader:
        """The query side of the index (opened on the first question)."""
        with self._lock:
            if self._reader is None:
                self._reader = IndexReader(self.config, self.embed_model, lock=self._lock)
            return self._reader

    # ------------------------------------------------------------------ ingest
    def ingest(
        self,
        paths: Sequence[str | Path] | None = None,
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
        on_batch: BatchDone | None = None,
        stages: IngestStages | None = None,
        hooks: StageHooks | None = None,
    ) -> IngestReport:
        """Bring the index in step with ``paths`` (default: ``corpus.path``): the words stage (every article
        searchable), then the vector stage unless ``hooks`` say otherwise (docs/archive.md). ``rebuild``:
        ingest anew, in persistent mode built aside and swapped in (a running chat answers from the old index
        meanwhile). ``progress`` is called with ``(done, total, file)`` after each file, ``on_batch`` with the
        report after each stored batch; ``stages``: where files are read and texts encoded (default: this
        process; or ``RayStages``).

        Raises:
            ConfigError: no path given and ``corpus.path`` is not set.
            IndexBusyError: another ingest is writing to this index.
            IndexMismatchError: the index was built with other settings and ``rebuild`` is False.
        """
        if not paths:
            if self.config.corpus.path is None:
                raise ConfigError("no path to ingest: give one, or set corpus.path in config.yaml")
            paths = [self.config.corpus.path]
        hooks = hooks or StageHooks()
        with self._lock:
            try:
                report = ingest_paths(
                    self.config,
                    self.embed_model,
                    [Path(p) for p in paths],
                    rebuild=rebuild,
                    progress=progress,
                    on_batch=on_batch,
                    stages=stages,
                )
            finally:
                if self._reader is not None:
                    self._reader.invalidate()  # reopen on the next question
        hooks.on_searchable(report)
        if hooks.vectors and report.vectors_pending:  # outside the lock: questions go on meanwhile
            fill_vectors(self.config, self.embed_model, stages=stages, on_batch=on_batch, hooks=hooks, report=report)
        return report

    def add_articles(
        self, files: Sequence[str | Path], progress: Progress | None = None
    ) -> tuple[IngestReport, list[tuple[str, str]]]:
        """Copy ``files`` into ``corpus.path`` and ingest it (see :func:`rag.corpus.add_to_corpus`).

        Returns the ingest's report and the files refused with their reasons; raises ``ConfigError``
        when ``corpus.path`` is not set."""
        corpus = self.config.corpus.path
        if corpus is None:
            raise ConfigError("corpus.path is not set in config.yaml: there is no folder to add articles to")
        return add_to_corpus(files, corpus, self.config.corpus.extensions, lambda p: self.ingest(p, progress=progress))

    # ------------------------------------------------------------------ sources
    def sources(self) -> list[FileRecord]:
        """The ingested files, sorted by name."""
        return sorted(Manifest.load(self.manifest_path).files.values(), key=lambda r: (r.file, r.root))

    def read_source(self, file: str, root: str | None = None, record: str | None = None) -> SourceText:
        """The extracted text of an ingested article (what citations index into: ``record`` names the
        article of a multi-article file, as ``Citation.record`` does); see :func:`rag.sources.read_source`.

        Raises:
            SourceRefused: not an ingested file inside its folder (``../``, absolute, link out).
        """
        return read_source(self.sources(), file, root, record=record, fields=self.config.corpus.records)

    # ------------------------------------------------------------------ judgements
    @cached_property
    def feedback(self) -> FeedbackStore:
        """The analysts' judgements of answers (``feedback.path``): a gold file ``sanad eval`` reads."""
        return FeedbackStore(self.config.feedback.path)

    def judge(self, judgement: Judgement) -> dict[str, object]:
        """Keep an analyst's judgement of an answer (:mod:`rag.gold.feedback`) with the state of the index
        (only read); a correction's source is the best-ranked article holding it. Returns the line saved;
        raises ``FeedbackError`` when the judgements file cannot be written."""
        source, fix = None, judgement.correct_answer
        with suppress(SanadError):  # an empty index: a correction stands without a source
            source = holding_file(fix, self.search(f"{judgement.question} {fix}", top_k=20)) if fix else None
        return self.feedback.record(judgement, source=source, index=index_state(self.sources()))
    def ask(
        self,
        question: str,
        history: Sequence[object] | None = None,
        *,
        top_k: int | None = None,
        mode: str | None = None,
        filters: SearchFilters | None = None,
    ) -> Answer:
        """Answer ``question`` from the articles, citing the exact passages used.

        Args:
            question: Arabic or English; HTML tags in it are ignored, and only its first
                ``MAX_QUESTION_CHARS`` characters are used. A question in another script
                gets :data:`rag.messages.UNSUPPORTED_LANGUAGE`, an empty one a request for a question.
            history: earlier turns of this chat — Gradio messages (``{"role", "content"}``),
                ``(question, answer)`` pairs or earlier questions. A follow-up ("ومتى قُتل؟")
                is rewritten into a standalone question before retrieval (``Answer.standalone_question``).
            top_k: passages to retrieve (default ``retrieval.top_k``).
            mode: ``extractive`` or ``llm`` (default ``answer.mode``).
            filters: only articles of this period/outlet (on both retrievers, before the top k); a
                'not found' then says "not in the articles of that period/outlet".

        Raises:
            EmptyIndexError: nothing has been ingested.
            IndexMismatchError: the index was built with another model or settings.
            LLMError: (llm mode) the model server is down, lacks the model, or timed out.
        """
        *_, final = self._answer(question, history, top_k, mode, filters)
        assert isinstance(final, Answer)
        return final

    def stream(
        self,
        question: str,
        history: Sequence[object] | None = None,
        *,
        top_k: int | None = None,
        mode: str | None = None,
        filters: SearchFilters | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer text in pieces as it is produced, then the final :class:`Answer`.

        In llm mode the pieces are the model's tokens (markers naming no passage already
        removed); the final answer is the *verified* text with its citations, which may
        differ from what streamed (unsupported claims marked, injected instructions dropped).
        An extractive answer comes as one piece. Arguments and errors as for :meth:`ask`.
        """
        yield from self._answer(question, history, top_k, mode, filters)

    def search(self, query: str, *, top_k: int | None = None, filters: SearchFilters | None = None) -> list[Passage]:
        """The passages that best match ``query``, in rank order, without an answer (among the articles
        ``filters`` allow).

        Raises:
            QuestionRefused: ``query`` is empty or in a script Sanad does not read.
            EmptyIndexError, IndexMismatchError: as for :meth:`ask`.
        """
        text, refusal = clean_question(query)
        if refusal is not None:
            raise QuestionRefused(refusal)
        retrieval, _ = self.reader.retrieve(text, top_k, filters)
        return retrieval.passages

    def timeline(
        self, subject: str, *, filters: SearchFilters | None = None, max_articles: int | None = None
    ) -> Timeline:
        """Every article about ``subject`` (at most ``max_articles``, default ``timeline.max_articles``), one quote
        each, in date order, copies merged (:mod:`rag.gather.timeline`); raises as :meth:`search` does."""
        return build_timeline(self.reader, subject, self.config.timeline, filters, max_articles)

    @property
    def generator(self) -> LLMAnswerer:
        """The model's answerer (built on first use: a chat in extractive mode never needs it)."""
        with self._lock:
            if self._generator is None:
                from rag.generate import LLMAnswerer
                from rag.support import EncoderSupport

                self._generator = LLMAnswerer(self.config.llm, self._llm, close=EncoderSupport(self.embed_model))
            return self._generator

    def _answer(
        self,
        question: str,
        history: Sequence[object] | None,
        top_k: int | None,
        mode: str | None,
        filters: SearchFilters | None = None,
    ) -> Iterator[str | Answer]:
        forget_traces(self.embed_model)
        mode = mode or self.config.answer.mode
        if mode not in MODES:
            raise ConfigError(f"answer mode {mode!r}: expected extractive or llm")
        started = time.perf_counter()
        text, refusal = clean_question(question)
        if refusal is not None:
            yield refusal
            yield Answer(question=question, answer=refusal, found=False, timings_ms={"total": 0.0})
            return
        generator = self.generator if mode == "llm" else None  # a model that cannot be built stops here
        rewrite = generator.rewrite if generator is not None and self.config.llm.rewrite_followups else None
        # ``text`` without history; dialect question words read as standard («شو صار بحمص؟»: rag.answers.dialect)
        standalone = standardise(standalone_question(text, history, rewrite)[:MAX_QUESTION_CHARS])
        rewritten = time.perf_counter()
        retrieval, answerer = self.reader.retrieve(standalone, top_k, filters)
        rewritten_to = standalone if standalone != text else None
        asked = Asked(question, standalone, rewritten_to, retrieval, started, rewritten, filters)
        if generator is None:
            yield from extractive_answer(asked, answerer)
        else:
            yield from generated_answer(asked, answerer, generator)
