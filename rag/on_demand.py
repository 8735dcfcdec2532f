"""Dense scores for a question's best candidates that have no vectors yet, encoded now (bounded).

While the vector stage fills in (docs/archive.md), BM25 finds every article but the dense retriever
only those already encoded. For the question's best BM25 candidates still waiting, their quotable
sentences (or, for chunk-level questions, their texts) are encoded here, at most
``retrieval.on_demand_texts`` texts, and scored as Chroma would score them (``exp(-cosine distance)``).
The vectors are kept in :class:`rag.store.pending.PendingChunks`, so the vector stage does not
encode those texts again and the answerer reads them instead of encoding the sentences itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.embeddings import cosine_similarities, mean_direction
from rag.store.pending import PendingChunks
from rag.store.records import indexed_text, sentence_rows

__all__ = ["OnDemandVectors"]


class OnDemandVectors:
    """Encodes the waiting candidates of one question at a time, within a budget of texts."""

    def __init__(self, embed_model: BaseEmbedding, pending: PendingChunks, budget: int, chunk_mode: str) -> None:
        """``chunk_mode`` is ``embedding.chunk_vectors`` (how a chunk's own vector is made)."""
        self.embed_model = embed_model
        self.pending = pending
        self.budget = budget
        self.chunk_mode = chunk_mode

    def scores(
        self, query_embedding: Sequence[float], candidates: Sequence[str], *, sentence_level: bool
    ) -> list[tuple[str, float]]:
        """``(chunk id, score)`` for the waiting chunks among ``candidates`` (best first), as many as the
        budget allows, taken in the order given; a chunk scores as its best sentence when
        ``sentence_level``, else by its own vector."""
        if self.budget <= 0 or not candidates:
            return []
        waiting = self.pending.holding(candidates)
        nodes = self.pending.nodes([c for c in candidates if c in waiting])
        chosen: dict[str, list[str]] = {}
        spent = 0
        by_sentences = sentence_level or self.chunk_mode == "sentence_mean"
        for node in nodes:
            texts = [text for _, text, _ in sentence_rows([node])] if by_sentences else []
            texts = texts or [indexed_text(node)]  # a chunk without a quotable sentence: its own text
            if chosen and spent + len(texts) > self.budget:
                break
            chosen[node.node_id] = texts
            spent += len(texts)
        if not chosen:
            return []
        vectors = self._vectors([t for texts in chosen.values() for t in texts])
        out = []
        for chunk, texts in chosen.items():
            matrix = np.stack([vectors[t] for t in texts])
            if sentence_level or len(texts) == 1:
                cosine = float(np.max(cosine_similarities(matrix, query_embedding)))
            else:  # sentence_mean: the chunk's vector is its sentences' mean direction
                mean = np.asarray(mean_direction(matrix.tolist()), dtype=np.float32)
                cosine = float(cosine_similarities(mean, query_embedding))
            out.append((chunk, math.exp(-(1.0 - cosine))))
        return out

    def _vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Vectors of ``texts``: kept from an earlier question, or encoded now (and kept)."""
        found = self.pending.recall(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            encoded = self.embed_model.get_text_embedding_batch(todo)
            new = {t: np.asarray(v, dtype=np.float32) for t, v in zip(todo, encoded, strict=True)}
            self.pending.remember({t: v.tolist() for t, v in new.items()})
            found.update(new)
        return found
