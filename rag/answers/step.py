"""The answer step: from a question's retrieved passages to an :class:`rag.types.Answer`.

Extractive (no LLM): the best-supported sentences, quoted. llm mode: the same evidence test
first, then the model's streamed answer, verified (:mod:`rag.generate`). Each question is read first
(:mod:`rag.answers.question`) and answered in the form its kind calls for (:mod:`rag.answers.forms`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.answers.checks import fact_checks
from rag.answers.extractive import ExtractiveAnswerer
from rag.answers.forms import brief, nearest, partial
from rag.answers.question import Question, read_question
from rag.answers.subject import Subject
from rag.answers.typed import typed_fact
from rag.gather.answer import WideReading, agreed, gather, read_wide
from rag.messages import not_found_message
from rag.retrieve import Retrieval
from rag.types import Answer, AnswerItem, Citation, Corroboration, SearchFilters

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


@dataclass(frozen=True)
class _Reply:
    """The extractive answer's parts, before timings (what both modes start from)."""

    text: str
    found: bool
    citations: list[Citation]
    confidence: float
    question: Question
    outcome: str
    items: list[AnswerItem]
    corroboration: Corroboration | None = None
    missing: str | None = None
    nearest: list[Citation] | None = None


def _quoted_fact(asked: Asked, answerer: ExtractiveAnswerer, question: Question) -> tuple[_Reply, WideReading | None]:
    """The single answer (gathered, when the passages hold several), or a refusal: factoid, why and yes/no."""
    retrieval = asked.retrieval
    text, found, citations, confidence = answerer.answer(asked.searched, retrieval.query_embedding, retrieval.passages)
    items = [AnswerItem(c.text, (c.n,), confidence) for c in citations]
    corroboration = None
    passages = retrieval.passages
    if found and not fact_checks(question, citations, passages, answerer.idf):
        found = False  # the sentence lacks the asked kind of fact, or names another place: look further
    gathering, wide = answerer.config.gather, None  # the passages' sentences are read once, for both steps
    if not found and gathering:  # several outlets agreeing on the asked figure is evidence too
        wide = read_wide(answerer, asked.searched, retrieval.query_embedding, retrieval.passages)
        agreeing = agreed(answerer, asked.searched, retrieval.query_embedding, retrieval.passages, wide)
        if agreeing is not None:  # three outlets stating one tied value: evidence of its own, place spelt as it may
            (citations, confidence), found = agreeing, True
    if not found:  # a sentence stating the asked fact, tied to the asked attribute (typed_fact checks it)
        wide = wide or read_wide(answerer, asked.searched, retrieval.query_embedding, passages)
        typed = typed_fact(answerer, question, passages, wide)
        if typed is not None:
            (citations, confidence), found = typed, True
            text = "\n".join(f"{c.text} [{c.n}]" for c in citations)
    if found and gathering:
        embedding = retrieval.query_embedding
        got = gather(answerer, asked.searched, embedding, passages, citations, confidence, wide, question)
        text, citations, items, corroboration = got.text, got.citations, got.items, got.corroboration
    outcome = "answered" if found else "not_found"
    return _Reply(text, found, citations, confidence, question, outcome, items, corroboration), wide


def _reply(asked: Asked, answerer: ExtractiveAnswerer) -> tuple[_Reply, WideReading | None]:
    """The answer form the question's kind calls for (:mod:`rag.answers.forms`): a brief, the asked fact, a
    partial answer, or a refusal with the nearest passages."""
    retrieval = asked.retrieval
    question = read_question(asked.searched)
    subject = Subject(question, retrieval.passages, answerer.idf)
    wide = None
    if question.kind == "broad" or not question.arabic:
        wide = read_wide(answerer, asked.searched, retrieval.query_embedding, retrieval.passages)
        subject.weigh((s.passage, s.dense) for s in wide.scored)
    if question.kind == "broad":
        embedding, passages = retrieval.query_embedding, retrieval.passages
        _, sure, single, confidence = answerer.answer(asked.searched, embedding, passages)  # its best sentence first
        surest = single if sure and all(subject.names_focus(c) for c in single) else []
        got = brief(answerer, question, wide.scored, subject, surest)
        if got is not None:
            return _Reply(got.text, True, got.citations, got.confidence, question, "answered", got.items), wide
        reply = _Reply("", False, [], confidence, question, "not_found", [])
    else:
        reply, wide = _quoted_fact(asked, answerer, question)
        if reply.found:
            return reply, wide
    wide = wide or read_wide(answerer, asked.searched, retrieval.query_embedding, retrieval.passages)
    if question.kind != "broad" and question.arabic:  # English shares no words to tell a subject by
        half = partial(answerer, question, wide.scored, subject)
        if half is not None:
            return _Reply(
                half.text, False, half.citations, reply.confidence, question, "partial", [],
                missing=half.missing, nearest=nearest(wide.scored, len(half.citations) + 1, half.citations),
            ), wide
    message = not_found_message(asked.searched, asked.filters)
    return _Reply(message, False, [], reply.confidence, question, "not_found", [], nearest=nearest(wide.scored)), wide


def extractive_answer(asked: Asked, answerer: ExtractiveAnswerer) -> Iterator[str | Answer]:
    """The quoted answer's text, then the :class:`Answer`."""
    retrieved_at = time.perf_counter()
    reply, _ = _reply(asked, answerer)
    done = time.perf_counter()
    yield reply.text
    yield Answer(
        question=asked.question,
        answer=reply.text,
        found=reply.found,
        citations=reply.citations,
        items=reply.items,
        corroboration=reply.corroboration,
        retrieved=asked.retrieval.passages,
        timings_ms={
            "retrieve": _ms(asked.started, retrieved_at),
            "answer": _ms(retrieved_at, done),
            "total": _ms(asked.started, done),
            **_retrieval_timings(asked.retrieval),
        },
        confidence=reply.confidence,
        standalone_question=asked.standalone_question,
        outcome=reply.outcome,
        kind=reply.question.kind,
        missing=reply.missing,
        nearest=reply.nearest or [],
    )


def generated_answer(asked: Asked, answerer: ExtractiveAnswerer, generator: LLMAnswerer) -> Iterator[str | Answer]:
    """llm mode: the model's tokens as they arrive, then its verified :class:`Answer`.

    The question is read as in extractive mode first: when the articles answer it (a quoted fact, or a brief
    for a broad question), the model writes from the passages with those sentences as the prompt's items; a
    partial answer or a refusal is given as it is — the model is not asked (it would only have nothing, or
    something invented, to say).
    """
    retrieval, passages = asked.retrieval, asked.retrieval.passages
    reply, _ = _reply(asked, answerer)
    timings = {
        "rewrite": _ms(asked.started, asked.rewritten_at),
        "retrieve": _ms(asked.rewritten_at, time.perf_counter()),
        **_retrieval_timings(retrieval),
    }
    common = {
        "question": asked.question,
        "retrieved": passages,
        "confidence": reply.confidence,
        "mode": "llm",
        "standalone_question": asked.standalone_question,
        "kind": reply.question.kind,
    }
    if not reply.found:
        timings["total"] = _ms(asked.started, time.perf_counter())
        yield reply.text
        skipped = {"model": generator.config.model, "skipped": "no retrieved passage supports the question"}
        yield Answer(
            answer=reply.text, found=False, citations=reply.citations, timings_ms=timings, generation=skipped,
            outcome=reply.outcome, missing=reply.missing, nearest=reply.nearest or [], **common,
        )
        return
    from rag.generate import Generated  # llm mode only: not imported by extractive start-up

    cited = {c.n: c for c in reply.citations}
    grouped = [[cited[n] for n in item.citations] for item in reply.items] if len(reply.items) > 1 else []
    for piece in generator.stream(asked.searched, passages, grouped):
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
