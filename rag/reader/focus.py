"""The focus from the reader's predicted answer: the clause (or run of clauses) that holds it."""

from __future__ import annotations

from ingest.chunker import Span
from rag.answers.focus import clauses

__all__ = ["focus_around"]


def focus_around(sentence: Span, start: int, end: int) -> Span:
    """The clauses of ``sentence`` (file offsets) that the answer ``sentence.text[start:end]`` touches,
    as one exact span of the file; the whole sentence when it has one clause or the span is empty."""
    if end <= start:
        return sentence
    a, b = sentence.start + start, sentence.start + end
    parts = [c for c in clauses(sentence) if c.end > a and c.start < b]
    if not parts:
        return sentence
    first, last = parts[0].start, parts[-1].end
    return Span(sentence.text[first - sentence.start : last - sentence.start], first, last)
