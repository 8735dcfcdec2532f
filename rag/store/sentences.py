"""Vectors of the quotable sentences, embedded at ingest, in a collection beside the chunks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.store.records import DOCUMENT_KEY, delete_documents

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

__all__ = ["SentenceVectors", "text_hash"]

#: Rows upserted per call.
_WRITE_BATCH = 4000
#: Metadata key of the hash of the text a row was embedded from.
_HASH_KEY = "h"


def text_hash(text: str) -> str:
    """Short hash identifying the exact text a sentence vector was made from."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class SentenceVectors:
    """Vectors of answer sentences, embedded at ingest (ids :func:`ingest.ids.sentence_id`).

    Each row keeps the hash of the text it was embedded from; a row whose text differs
    (a stale row left by a killed ingest) is never returned, so the answerer embeds that
    sentence itself and answers exactly as without this store.
    """

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    def get(self, ids: Sequence[str], texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of ``texts`` (keyed by text) whose row in ``ids`` matches the text."""
        if not ids:
            return {}
        wanted = {i: text_hash(t) for i, t in zip(ids, texts, strict=True)}
        by_id = dict(zip(ids, texts, strict=True))
        got = self.collection.get(ids=list(dict.fromkeys(ids)), include=["embeddings", "metadatas"])
        found: dict[str, np.ndarray] = {}
        embeddings = got["embeddings"] if got["embeddings"] is not None else []
        for row_id, meta, vector in zip(got["ids"], got["metadatas"] or [], embeddings, strict=False):
            if (meta or {}).get(_HASH_KEY) == wanted.get(row_id):
                found[by_id[row_id]] = np.asarray(vector, dtype=np.float32)
        return found

    def write(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]], documents: Sequence[str]
    ) -> None:
        """Upsert rows; ``documents`` are the file keys (for deleting a file's rows)."""
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=[list(v) for v in vectors[start:end]],
                metadatas=[
                    {DOCUMENT_KEY: d, _HASH_KEY: text_hash(t)}
                    for d, t in zip(documents[start:end], texts[start:end], strict=True)
                ],
            )

    def delete_documents(self, keys: Sequence[str]) -> None:
        """Delete every row of the files ``keys``."""
        delete_documents(self.collection, keys)
