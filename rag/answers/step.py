"""The answer step: from a question's retrieved passages to an :class:`rag.types.Answer`.

Extractive (no LLM): the best-supported sentences, quoted. llm mode: the same evidence test
first, then the model's streamed answer, verified (:mod:`rag.generate`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.answers.extractive import ExtractiveAnswerer
from rag.gather.answer import WideReading, agreed, gather, read_wide
from rag.messages import not_found_message
from rag.retrieve import Retrieval
from rag.types import Answer, AnswerItem, Citation, SearchFilters

if TYPE_CHECKING:
    from rag.generate import LLMAnswerer

__all__ = ["Asked", "extractive_answer", "generated_answer"]


@dataclass(frozen=True)
class Asked:
    """A question as retrieval saw it.

    ``searched`` is what was searched for: the question cleaned, or rewritten from the chat history
    (then also ``standalone_question``). ``started`` and ``rewritten_at`` are ``perf_counter`` times.
    """

    question: str
    searched: str
    standalone_question: str | None
    retrieval: Retrieval
    started: float
    rewritten_at: float
    #: The filters the question was asked with (a 'not found' then names them).
    filters: SearchFilters | None = None


def _ms(start: float, end: float) -> float:
    return (end - start) * 1000


def _retrieval_timings(retrieval: Retrieval) -> dict[str, float]:
    return {f"retrieve_{k}": v for k, v in retrieval.timings_ms.items()}


def extractive_answer(asked: Asked, answerer: ExtractiveAnswerer) -> Iterator[str | Answer]:
    """The quoted answer's text, then the :class:`Answer`."""
    retrieval = asked.retrieval
    retrieved_at = time.perf_counter()
    text, found, citations, confidence = answerer.answer(asked.searched, retrieval.query_embedding, retrieval.passages)
    if not found and asked.filters is not None and asked.filters.active and text == not_found_message(asked.searched):
        text = not_found_message(asked.searched, asked.filters)
    items = [AnswerItem(c.text, (c.n,), confidence) for c in citations]
    corroboration = None
    gathering, wide = answerer.config.gather, None  # the passages' sentences are read once, for both steps
    if not found and gathering:  # several outlets agreeing on the asked figure is evidence too
        wide = read_wide(answerer, asked.searched, retrieval.query_embedding, retrieval.passages)
        agreeing = agreed(answerer, asked.searched, retrieval.query_embedding, retrieval.passages, wide)
        if agreeing is not None:
            (citations, confidence), found = agreeing, True
    if found and gathering:
        embedding, passages = retrieval.query_embedding, retrieval.passages
        got = gather(answerer, asked.searched, embedding, passages, citations, confidence, wide)
        text, citations, items, corroboration = got.text, got.citations, got.items, got.corroboration
    done = time.perf_counter()
    yield text
    yield Answer(
        question=asked.question,
        answer=text,
        found=found,
        citations=citations,
        items=items,
        corroboration=corroboration,
        retrieved=retrieval.passages,
        timings_ms={
            "retrieve": _ms(asked.started, retrieved_at),
            "answer": _ms(retrieved_at, done),
            "total": _ms(asked.started, done),
            **_retrieval_timings(retrieval),
        },
        confidence=confidence,
        standalone_question=asked.standalone_question,
    )


def _grouped_items(asked: Asked, answerer: ExtractiveAnswerer, wide: WideReading | None) -> list[list[Citation]]:
    """llm mode: the distinct answers a gathered answer finds (each the citations stating it), for the prompt;
    ``wide``: the passages' sentences when they were already read."""
    if not answerer.config.gather:
        return []
    embedding, passages = asked.retrieval.query_embedding, asked.retrieval.passages
    _, found, single, confidence = answerer.answer(asked.searched, embedding, passages)
    wide = wide if wide is not None else read_wide(answerer, asked.searched, embedding, passages)
    if not found:
        agreeing = agreed(answerer, asked.searched, embedding, passages, wide)
        if agreeing is None:
            return []
        single, confidence = agreeing
    got = gather(answerer, asked.searched, embedding, passages, single, confidence, wide)
    cited = {c.n: c for c in got.citations}
    return [[cited[n] for n in item.citations] for item in got.items]


def generated_answer(asked: Asked, answerer: ExtractiveAnswerer, generator: LLMAnswerer) -> Iterator[str | Answer]:
    """llm mode: the model's tokens as they arrive, then its verified :class:`Answer`.

    The extractive answer's evidence test comes first: when no retrieved sentence supports the
    question, the model is not asked (it would only have nothing, or something invented, to say).
    """
    retrieval, passages = asked.retrieval, asked.retrieval.passages
    supported, confidence = answerer.supported(asked.searched, retrieval.query_embedding, passages)
    wide = None  # the passages' sentences, read once for agreeing outlets and the grouped items
    if not supported and answerer.config.gather:  # outlets agreeing on the asked figure, as in extractive mode
        wide = read_wide(answerer, asked.searched, retrieval.query_embedding, passages)
        supported = agreed(answerer, asked.searched, retrieval.query_embedding, passages, wide) is not None
    timings = {
        "rewrite": _ms(asked.started, asked.rewritten_at),
        "retrieve": _ms(asked.rewritten_at, time.perf_counter()),
        **_retrieval_timings(retrieval),
    }
    common = {
        "question": asked.question,
        "retrieved": passages,
        "confidence": confidence,
        "mode": "llm",
        "standalone_question": asked.standalone_question,
    }
    if not supported:
        timings["total"] = _ms(asked.started, time.perf_counter())
        message = not_found_message(asked.searched, asked.filters)
        yield message
        skipped = {"model": generator.config.model, "skipped": "no retrieved passage supports the question"}
        yield Answer(answer=message, found=False, timings_ms=timings, generation=skipped, **common)
        return
    from rag.generate import Generated  # llm mode only: not imported by extractive start-up

    for piece in generator.stream(asked.searched, passages, _grouped_items(asked, answerer, wide)):
        if isinstance(piece, Generated):
            timings.update(piece.timings_ms)
            timings["total"] = _ms(asked.started, time.perf_counter())
            yield Answer(
                answer=piece.verified.text,
                found=piece.verified.found,
                citations=piece.verified.citations,
                timings_ms=timings,
                generation={**piece.stats, "model_text": piece.model_text},
                **common,
            )
        else:
            yield piece
