"""The encoder's test that a passage supports a claim (for claims that share few words with it)."""

from __future__ import annotations

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.textnorm import is_arabic
from rag.answers.signals import cosine_range
from rag.embeddings import cosine_similarities

__all__ = ["EncoderSupport"]


class EncoderSupport:
    """``support(claim, passage)``: True when the cosine of the two is at or above the middle of the
    range the extractive answerer treats as evidence (e.g. an English claim about an Arabic passage)."""

    def __init__(self, embed_model: BaseEmbedding) -> None:
        self.embed_model = embed_model

    def __call__(self, claim: str, passage: str) -> bool:
        a = np.asarray(self.embed_model.get_query_embedding(claim))
        b = np.asarray(self.embed_model.get_text_embedding(passage))
        low, high = cosine_range(is_arabic(claim), is_arabic(passage))
        return float(cosine_similarities(a, b)) >= (low + high) / 2
