"""Exact nearest neighbours over a small Chroma collection, independent of how it was written.

Chroma's HNSW search is approximate, and its graph depends on the order the rows were added
(and deleted, and on the threads that added them): two collections holding the same rows can
return different neighbours near the end of the list. Below :data:`EXACT_SEARCH_ROWS` rows the
retriever scores every stored vector instead: the rows are read once, sorted by id, and each
question is one matrix product, so identical content always ranks identically (ties by id).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

__all__ = ["EXACT_SEARCH_ROWS", "ExactVectors"]

#: Collections up to this many rows are searched exactly (~15 MB of float32 vectors at 384 dimensions).
EXACT_SEARCH_ROWS = 10_000
#: Rows read from Chroma per request when loading.
_PAGE = 5000


class ExactVectors:
    """Every vector of a collection in memory (rows sorted by id, unit length), read on first use."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self._ids: list[str] = []
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _load(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                rows: dict[str, np.ndarray] = {}
                offset = 0
                while True:
                    got = self.collection.get(include=["embeddings"], limit=_PAGE, offset=offset)
                    if not got["ids"]:
                        break
                    embeddings = got["embeddings"] if got["embeddings"] is not None else []
                    rows.update(zip(got["ids"], (np.asarray(v, dtype=np.float32) for v in embeddings), strict=True))
                    offset += len(got["ids"])
                self._ids = sorted(rows)
                matrix = np.stack([rows[i] for i in self._ids]) if rows else np.zeros((0, 0), np.float32)
                norms = np.linalg.norm(matrix, axis=1, keepdims=True) if rows else np.ones((0, 1), np.float32)
                self._matrix = matrix / np.maximum(norms, 1e-12)
            return self._matrix

    def ids(self) -> list[str]:
        """The row ids, sorted."""
        self._load()
        return self._ids

    def query(
        self, embedding: list[float], n: int, keep: Callable[[str], bool] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` rows nearest ``embedding`` as ``(id, cosine distance)``, nearest first, ties by id;
        only rows whose id ``keep`` accepts when it is given."""
        matrix = self._load()
        if not len(self._ids) or n <= 0:
            return []
        query = np.asarray(embedding, dtype=np.float32)
        distances = 1.0 - matrix @ (query / max(float(np.linalg.norm(query)), 1e-12))
        rows = np.arange(len(self._ids))
        if keep is not None:
            rows = rows[np.fromiter((keep(i) for i in self._ids), bool, len(self._ids))]
        if len(rows) > n:  # the n nearest and every row tied with the n-th
            kept = distances[rows]
            rows = rows[kept <= np.partition(kept, n - 1)[n - 1]]
        order = rows[np.lexsort((rows, distances[rows]))][:n]  # rows are in id order: ties by id
        return [(self._ids[i], float(distances[i])) for i in order]
