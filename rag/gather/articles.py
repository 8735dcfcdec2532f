"""Which retrieved articles are about a subject, and the sentence of each most about it.

A subject («سيول جدة») is retrieved like a question, with many more candidates. Each candidate article's
best passages are cut into quotable sentences (:func:`ingest.sentences.quotable_sentences`), and each
sentence is scored as extractive answers score support (:mod:`rag.answers.extractive`): the encoder's
cosine with the subject (the vectors stored at ingest), scaled from "unrelated" to "on the point"
(:func:`rag.answers.signals.cosine_range`), and the IDF-weighted share of the subject's terms it holds.
The sentence quoted is the one with the most support of its own; the article's *relevance* is its
best sentence's support with the headline's terms counted in (an article headlined «سيول جدة» is
about the floods in every sentence). Its focus is the clause most about the subject
(:func:`rag.answers.focus.focus_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ingest.chunker import Span
from ingest.ids import file_key_of, sentence_id
from ingest.sentences import in_context, quotable_sentences
from ingest.textnorm import content_tokens, is_arabic
from rag.answers.evidence import analyse_question
from rag.answers.focus import focus_of
from rag.answers.signals import cosine_range
from rag.embeddings import cosine_similarities
from rag.types import Passage

__all__ = ["ArticlePick", "SentenceSource", "pick_articles"]

#: The weights of the encoder's and the terms' support, as in extractive answers.
DENSE_WEIGHT, LEXICAL_WEIGHT = 0.55, 0.45
#: Best-ranked passages of an article whose sentences are candidates.
PASSAGES_PER_ARTICLE = 3


class SentenceSource(Protocol):
    """Where sentence vectors come from (:class:`rag.answers.extractive.ExtractiveAnswerer`)."""

    idf: Callable[[str], float]

    def sentence_vectors(self, texts: list[str], ids: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ArticlePick:
    """An article (``key``: its file key) with the sentence chosen from it (``span``, in ``passage``),
    that sentence's ``focus``, and the article's ``relevance`` in [0, 1]."""

    key: str
    passage: Passage
    span: Span
    focus: Span
    relevance: float
    #: The subject's terms the article's candidate passages or headline hold (normalised, stemmed).
    terms: frozenset[str] = frozenset()

    @property
    def published(self) -> str | None:
        return self.passage.published


def by_article(passages: Sequence[Passage], per_article: int = PASSAGES_PER_ARTICLE) -> dict[str, list[Passage]]:
    """``passages`` (in rank order) grouped by article, best article first, at most ``per_article`` each."""
    groups: dict[str, list[Passage]] = {}
    for passage in passages:
        group = groups.setdefault(file_key_of(passage.chunk_id), [])
        if len(group) < per_article:
            group.append(passage)
    return groups


def pick_articles(
    subject: str, query_embedding: Sequence[float], passages: Sequence[Passage], source: SentenceSource
) -> list[ArticlePick]:
    """One :class:`ArticlePick` per article among ``passages`` that has a quotable sentence, most relevant first."""
    groups = by_article(passages)
    candidates: list[tuple[str, Passage, Span]] = []
    ids: list[str] = []
    for key, group in groups.items():
        for passage in group:
            for position, span in quotable_sentences(passage.text, passage.start, passage.context):
                candidates.append((key, passage, span))
                ids.append(sentence_id(passage.chunk_id, position))
    if not candidates:
        return []
    vectors = source.sentence_vectors([in_context(span.text, p.context) for _, p, span in candidates], ids)
    cosines = cosine_similarities(vectors, query_embedding)
    same_script = is_arabic(subject)
    floor, ceil = cosine_range(same_script)
    wanted = content_tokens(subject)
    weight = sum(source.idf(t) for t in wanted)

    def share(tokens: set[str] | frozenset[str]) -> float:
        return sum(source.idf(t) for t in wanted & tokens) / weight if weight and same_script else 0.0

    scored: dict[str, list[tuple[float, float, Passage, Span]]] = {}
    for (key, passage, span), cosine in zip(candidates, cosines, strict=True):
        dense = float(np.clip((cosine - floor) / (ceil - floor), 0.0, 1.0))
        tokens = content_tokens(span.text)
        own = DENSE_WEIGHT * dense + LEXICAL_WEIGHT * share(tokens) if same_script else dense
        headed = (
            DENSE_WEIGHT * dense + LEXICAL_WEIGHT * share(tokens | content_tokens(passage.title))
            if same_script
            else dense
        )
        scored.setdefault(key, []).append((own, headed, passage, span))
    needs = analyse_question(subject)
    picks = []
    for key, sentences in scored.items():
        chosen = max(range(len(sentences)), key=lambda i: (sentences[i][0], -i))
        _, _, passage, span = sentences[chosen]
        held = frozenset().union(*(wanted & content_tokens(f"{p.title}\n{p.text}") for p in groups[key]))
        picks.append(
            ArticlePick(
                key=key,
                passage=passage,
                span=span,
                focus=focus_of(span, wanted, needs, source.idf),
                relevance=max(s[1] for s in sentences),
                terms=held,
            )
        )
    picks.sort(key=lambda p: (-p.relevance, p.key))
    return picks
