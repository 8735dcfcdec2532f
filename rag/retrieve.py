"""Hybrid retrieval: dense (Chroma) + BM25 (bm25s), fused by relative score or reciprocal rank.

Every ranking here breaks ties by chunk id, and small collections are searched exactly
(:mod:`rag.store.exact`), so two indexes holding the same content (a clean ingest and one
resumed after a crash, written in another order) retrieve the same passages in the same order.

Relative score fusion follows llama-index's ``QueryFusionRetriever`` in
``relative_score`` mode: each retriever's candidate scores are min-max scaled to
[0, 1], weighted, and summed per chunk. On ARCD it beat reciprocal rank fusion
(docs/quality.md) because it keeps how far ahead the best candidates are.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.ids import chunk_of_sentence, file_key_of
from ingest.textnorm import is_arabic, tokenize
from rag.config import RetrievalConfig
from rag.lexical import LexicalIndex
from rag.on_demand import OnDemandVectors
from rag.store.exact import EXACT_SEARCH_ROWS, ExactVectors
from rag.store.pending import PendingChunks
from rag.store.records import DOCUMENT_KEY, filter_where, is_complete, passage_from_row
from rag.store.sentences import SentenceVectors
from rag.types import Passage, SearchFilters

__all__ = ["HybridRetriever", "Retrieval", "boost_by_article", "reciprocal_rank_fusion", "relative_score_fusion"]


#: dense_unit: sentence: sentences fetched per chunk candidate (a chunk's several sentences may all rank).
_SENTENCES_PER_CHUNK = 4


@dataclass
class Retrieval:
    """Passages in rank order, the question's vector, and where the time went (ms)."""

    passages: list[Passage]
    query_embedding: list[float]
    timings_ms: dict[str, float]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], weights: Sequence[float], k: int = 60
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: ``score(id) = sum(w / (k + rank))`` with ranks from 1.

    Returns ids by descending fused score (ties by id).
    """
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return _ranked(scores.items())


def relative_score_fusion(
    results: Sequence[Sequence[tuple[str, float]]], weights: Sequence[float]
) -> list[tuple[str, float]]:
    """Fuse scored id lists: min-max scale each list's scores, weight them, sum per id.

    Weights are divided by their sum; a list whose scores are all equal counts as 1.0
    for each of its ids. Returns ids by descending fused score (ties by id).
    """
    total = sum(weights) or 1.0
    scores: dict[str, float] = {}
    for hits, weight in zip(results, weights, strict=True):
        if not hits:
            continue
        values = [score for _, score in hits]
        low, high = min(values), max(values)
        for item, score in hits:
            scaled = (score - low) / (high - low) if high > low else 1.0
            scores[item] = scores.get(item, 0.0) + scaled * weight / total
    return _ranked(scores.items())


def boost_by_article(fused: Sequence[tuple[str, float]], weight: float) -> list[tuple[str, float]]:
    """Add ``weight`` x the best score among each chunk's article's candidates to the chunk's score.

    Chunk ids are ``<article key>-NNNNN`` (:func:`ingest.ids.chunk_id`). A question
    about one article matches some of its passages strongly and the one holding the
    answer perhaps weakly; this lifts that passage above equally weak ones elsewhere.
    Returns chunks by descending boosted score (ties by id).
    """
    if weight <= 0:
        return list(fused)
    best: dict[str, float] = {}
    for chunk, score in fused:
        article = file_key_of(chunk)
        best[article] = max(best.get(article, score), score)
    boosted = [(chunk, score + weight * best[file_key_of(chunk)]) for chunk, score in fused]
    return _ranked(boosted)


class HybridRetriever:
    """Ranks stored chunks for a question with both retrievers and fuses the rankings."""

    def __init__(
        self,
        config: RetrievalConfig,
        embed_model: BaseEmbedding,
        vector_store: ChromaVectorStore,
        lexical: LexicalIndex,
        sentences: SentenceVectors | None = None,
        pending: PendingChunks | None = None,
        chunk_mode: str = "encode",
    ) -> None:
        """``pending``: the chunks still without vectors (searched by their words; the best of them encoded
        on demand, see :mod:`rag.on_demand`); ``chunk_mode`` is ``embedding.chunk_vectors``."""
        self.config = config
        self.embed_model = embed_model
        self.vector_store = vector_store
        self.lexical = lexical
        self.sentences = sentences
        self.pending = pending
        self.on_demand = OnDemandVectors(embed_model, pending, config.on_demand_texts, chunk_mode) if pending else None
        self._exact: dict[bool, ExactVectors | None] = {}

    def dense_hits(
        self,
        query_embedding: list[float],
        allowed: set[str] | None = None,
        sentences: bool | None = None,
        candidates: int | None = None,
    ) -> list[tuple[str, float]]:
        """The dense retriever's candidates, ``(chunk id, exp(-distance))``, best first; only chunks in
        ``allowed`` when it is given (filtered in the query, before the best are taken). ``sentences``:
        compare with each sentence (a chunk scoring as its best), default ``retrieval.dense_unit: sentence``.
        A collection of at most :data:`EXACT_SEARCH_ROWS` rows is searched exactly; ties go by id."""
        wanted = self.config.dense_unit == "sentence" if sentences is None else sentences
        sentence_level = wanted and self.sentences is not None
        candidates = candidates or self.config.candidates
        n = candidates * (_SENTENCES_PER_CHUNK if sentence_level else 1)
        exact = self._exact_vectors(sentence_level)
        if exact is not None:
            to_chunk = chunk_of_sentence if sentence_level else (lambda row: row)
            keep = None if allowed is None else (lambda row: to_chunk(row) in allowed)
            hits = [(i, math.exp(-d)) for i, d in exact.query(query_embedding, n, keep)]
            return _best_per_chunk(hits, candidates) if sentence_level else hits
        where = None
        if allowed is not None:  # the chunks (or their articles' sentences) the filters keep
            n = min(n, len(allowed) * (_SENTENCES_PER_CHUNK if sentence_level else 1))
            keys = sorted({file_key_of(chunk) for chunk in allowed})
            where = {DOCUMENT_KEY: keys[0]} if len(keys) == 1 else {DOCUMENT_KEY: {"$in": keys}}
        collection = self.sentences.collection if sentence_level else self.vector_store.client
        got = collection.query(query_embeddings=[query_embedding], n_results=n, where=where, include=["distances"])
        hits = [(i, math.exp(-d)) for i, d in zip(got["ids"][0], (got["distances"] or [[]])[0], strict=False)]
        hits = _ranked(hits)  # HNSW returns equal distances in the order it met them
        if sentence_level:
            hits = _best_per_chunk(hits, candidates)
        return [hit for hit in hits if allowed is None or hit[0] in allowed]

    def _exact_vectors(self, sentence_level: bool) -> ExactVectors | None:
        """The collection's vectors for exact search, or None when it is too large (HNSW then)."""
        if sentence_level not in self._exact:
            collection = self.sentences.collection if sentence_level and self.sentences else self.vector_store.client
            small = collection.count() <= EXACT_SEARCH_ROWS
            self._exact[sentence_level] = ExactVectors(collection) if small else None
        return self._exact[sentence_level]

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        filters: SearchFilters | None = None,
        candidates: int | None = None,
    ) -> Retrieval:
        """The ``top_k`` (default ``retrieval.top_k``) best passages for ``question``, among the
        articles ``filters`` allow (applied on both sides before the best are taken), from
        ``candidates`` (default ``retrieval.candidates``) proposed by each retriever."""
        top_k = top_k or self.config.top_k
        candidates = candidates or self.config.candidates
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        where = filter_where(filters)
        allowed: set[str] | None = None
        if where is not None:
            allowed = set(self.vector_store.client.get(where=where, include=[])["ids"])
            if self.pending is not None and filters is not None:
                allowed |= self.pending.matching(filters)
            timings["filter"] = _lap(clock)
            clock = time.perf_counter()
            if not allowed:
                return Retrieval(
                    passages=[], query_embedding=self.embed_model.get_query_embedding(question), timings_ms=timings
                )

        mode = self.config.mode
        query_embedding = self.embed_model.get_query_embedding(question)
        timings["encode"] = _lap(clock)
        clock = time.perf_counter()
        dense: list[tuple[str, float]] = []
        by_sentence = self.config.dense_unit == "sentence" or (self.config.dense_unit == "auto" and is_arabic(question))
        if mode != "lexical":
            # Ids and distances only: the texts of the few passages kept are fetched after fusion.
            # Scores as ChromaVectorStore gives them (exp(-distance)).
            dense = self.dense_hits(query_embedding, allowed, by_sentence, candidates)
        timings["dense"] = _lap(clock)

        clock = time.perf_counter()
        lexical_hits: list[tuple[str, float]] = []
        if mode != "dense":
            tokens = tokenize(question, stem=self.config.stemming)
            lexical_hits = self.lexical.search(tokens, candidates, allowed)
        timings["lexical"] = _lap(clock)
        if self.on_demand is not None and mode == "hybrid":  # candidates still without vectors
            clock = time.perf_counter()
            sentence_level = by_sentence and self.sentences is not None
            ahead = self.on_demand.scores(query_embedding, [c for c, _ in lexical_hits], sentence_level=sentence_level)
            dense = _ranked([*dense, *ahead])
            timings["on_demand"] = _lap(clock)

        clock = time.perf_counter()
        weights = [self.config.dense_weight, self.config.lexical_weight]
        if self.config.fusion == "rrf":
            rankings = [[chunk for chunk, _ in dense], [chunk for chunk, _ in lexical_hits]]
            fused = reciprocal_rank_fusion(rankings, weights, k=self.config.rrf_k)
        else:
            fused = relative_score_fusion([dense, lexical_hits], weights)
        fused = boost_by_article(fused, self.config.article_weight)[:top_k]
        dense_scores, lexical_scores = dict(dense), dict(lexical_hits)
        stored: dict[str, tuple[str, dict]] = {}
        if fused:  # the kept passages' texts and metadata, in one read
            got = self.vector_store.client.get(ids=[chunk for chunk, _ in fused], include=["documents", "metadatas"])
            for chunk, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
                stored[chunk] = (text or "", dict(meta or {}))
            if self.pending is not None and len(stored) < len(fused):  # found by their words only
                stored.update(self.pending.rows([chunk for chunk, _ in fused if chunk not in stored]))
        # A chunk another process is rewriting at this moment may come back without its metadata: skip it.
        passages = [
            passage_from_row(chunk, *stored[chunk], score, dense_scores.get(chunk), lexical_scores.get(chunk))
            for chunk, score in fused
            if chunk in stored and is_complete(stored[chunk][1])
        ]
        timings["fusion"] = _lap(clock)
        return Retrieval(passages=passages, query_embedding=query_embedding, timings_ms=timings)


def _best_per_chunk(hits: Sequence[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    """Sentence hits (best first) as chunk hits: each chunk scores as its best sentence."""
    best: dict[str, float] = {}
    for sentence, score in hits:
        chunk = chunk_of_sentence(sentence)
        if chunk not in best:
            best[chunk] = score
    return list(best.items())[:limit]


def _ranked(scored: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    """``(id, score)`` pairs by descending score, equal scores by id: the same order whatever order they came in."""
    return sorted(scored, key=lambda kv: (-kv[1], kv[0]))


def _lap(start: float) -> float:
    return (time.perf_counter() - start) * 1000
