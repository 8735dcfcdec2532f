"""Who decides "not in the articles", and from which confidence on: the reader or the evidence fit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.sections import AnswerConfig

if TYPE_CHECKING:
    from rag.reader import Reader

__all__ = ["EVIDENCE_THRESHOLD", "answer_reader", "answer_threshold", "threshold_for"]

#: ``answer.min_confidence`` when it is null and no reader decides (the evidence path's threshold,
#: docs/quality.md).
EVIDENCE_THRESHOLD = 0.35


def threshold_for(config: AnswerConfig, reader: Reader | None) -> float:
    """The confidence below which answers are refusals: ``answer.min_confidence``, or when it is null the
    deciding path's own (``reader``'s when one decides, else :data:`EVIDENCE_THRESHOLD`)."""
    if config.min_confidence is not None:
        return config.min_confidence
    return reader.threshold if reader is not None else EVIDENCE_THRESHOLD


def answer_threshold(config: AnswerConfig) -> float:
    """:func:`threshold_for` the reader ``answer.reader`` gives this process (benchmarks report it)."""
    return threshold_for(config, answer_reader(config))


def answer_reader(config: AnswerConfig) -> Reader | None:
    """The process's reader when ``answer.reader`` is auto and it loads, else None."""
    if config.reader == "off":
        return None
    from rag.reader.shared import shared_reader

    return shared_reader()
