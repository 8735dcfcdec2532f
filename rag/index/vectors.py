"""What ingest encodes: each chunk's retrieval vector and each quotable sentence's, at most once per text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from llama_index.core.schema import TextNode

from rag.embeddings import mean_direction
from rag.store.records import indexed_text

__all__ = ["set_chunk_vectors"]


def set_chunk_vectors(
    nodes: Sequence[TextNode],
    rows: Sequence[tuple[str, str, str]],
    embed: Callable[[list[str]], list[list[float]]],
    mode: str,
) -> list[list[float]]:
    """Set each node's retrieval vector; return the vectors of the sentence ``rows``
    (``(sentence id, text, chunk id)``, see :func:`rag.store.records.sentence_rows`).

    ``mode`` is ``embedding.chunk_vectors``: ``encode`` embeds each chunk's text too;
    ``sentence_mean`` makes a chunk's vector the normalised mean of its sentences' (each character
    encoded once), and encodes only a chunk without a quotable sentence.
    """
    if mode == "encode" or not rows:
        vectors = embed([*(indexed_text(node) for node in nodes), *(text for _, text, _ in rows)])
        for node, vector in zip(nodes, vectors, strict=False):
            node.embedding = vector
        return vectors[len(nodes) :]
    sentence_vectors = embed([text for _, text, _ in rows])
    by_chunk: dict[str, list[list[float]]] = {}
    for (_, _, chunk), vector in zip(rows, sentence_vectors, strict=True):
        by_chunk.setdefault(chunk, []).append(vector)
    alone = [node for node in nodes if node.node_id not in by_chunk]
    for node, vector in zip(alone, embed([indexed_text(node) for node in alone]), strict=True):
        node.embedding = vector
    for node in nodes:
        if node.node_id in by_chunk:
            node.embedding = mean_direction(by_chunk[node.node_id])
    return sentence_vectors
