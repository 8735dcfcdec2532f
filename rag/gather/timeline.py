"""A timeline of a subject: every article about it, one quoted sentence each, in date order.

The subject is retrieved with the hybrid retriever (filters applied) over many more candidates than a
question's (:data:`CANDIDATES_PER_ARTICLE` per article wanted); :func:`rag.gather.articles.pick_articles`
scores each candidate article and chooses its sentence; articles under ``timeline.min_relevance`` are
left out unless they are a copy of one above it; copies of one story (matched on the articles' whole
stored texts: :mod:`rag.gather.duplicates`) are merged into the earliest copy, the others listed in ``also``; the
``max_articles`` most relevant items are kept and ordered by date (undated ones last). Every quote is
an exact span of its file, like an answer's citations."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingest.textnorm import content_tokens
from rag.config import TimelineConfig
from rag.gather.articles import ArticlePick, pick_articles
from rag.gather.duplicates import group_copies
from rag.index.reader import IndexReader
from rag.questions import QuestionRefused, clean_question
from rag.types import Citation, SearchFilters

__all__ = [
    "CANDIDATES_PER_ARTICLE",
    "Timeline",
    "TimelineItem",
    "build_timeline",
    "distinctive_terms",
    "relevance_floor",
]

#: Passages each retriever proposes per article wanted (an article's passages often rank together).
CANDIDATES_PER_ARTICLE = 8
#: Articles down to this share of the floor are matched as copies of those above it (and listed with them).
COPY_SHARE = 0.5
#: The most candidates each retriever proposes, whatever ``max_articles`` is.
MAX_CANDIDATES = 1000
#: The subject's best articles whose mean relevance the relative floor is a share of.
BEST = 3
#: A token no passage holds (its IDF is the index's highest).
_UNSEEN = "\uffff"


@dataclass(frozen=True)
class TimelineItem:
    """An article of a timeline: ``citation`` quotes its sentence most about the subject (its focus
    inside), ``relevance`` (in [0, 1]) is how much the article is about the subject, and ``also`` quotes
    the copies of the same story other outlets printed ("also reported by …")."""

    citation: Citation
    relevance: float
    also: tuple[Citation, ...] = ()

    @property
    def published(self) -> str | None:
        """``YYYY-MM-DD``, or None for an undated article (listed last)."""
        return self.citation.published

    def to_dict(self) -> dict[str, Any]:
        """An ``items`` entry of ``sanad timeline --json``: the citation's fields, ``relevance`` and ``also``."""
        return {
            **self.citation.to_dict(),
            "relevance": round(self.relevance, 4),
            "also": [c.to_dict() for c in self.also],
        }


@dataclass
class Timeline:
    """The articles about ``subject``: dated items by date (equal dates: the more relevant first),
    then the undated ones (by relevance)."""

    subject: str
    items: list[TimelineItem] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def undated(self) -> int:
        """How many items (the last ones) have no date."""
        return sum(1 for item in self.items if item.published is None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sanad timeline --json`` and ``POST /api/timeline``."""
        return {
            "subject": self.subject,
            "items": [item.to_dict() for item in self.items],
            "undated": self.undated,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


def _citation(n: int, pick: ArticlePick) -> Citation:
    citation = Citation.quoting(n, pick.passage, pick.span.start, pick.span.end, pick.span.text)
    return citation.focused(pick.focus.start, pick.focus.end, pick.focus.text)


def _date_order(group: list[ArticlePick]) -> list[ArticlePick]:
    """A group of copies, the first report first (the earliest date; undated copies last)."""
    return sorted(group, key=lambda p: (p.published is None, p.published or "", -p.relevance, p.key))


def relevance_floor(picks: list[ArticlePick], config: TimelineConfig) -> float:
    """The relevance an article needs: ``timeline.min_relevance``, or ``timeline.relative_floor`` of the
    subject's best articles' (the mean of the :data:`BEST` most relevant), whichever is higher. A subject
    a few articles are squarely about does not take in the many that only look like it."""
    best = sorted((p.relevance for p in picks), reverse=True)[:BEST]
    return max(config.min_relevance, config.relative_floor * (sum(best) / len(best) if best else 0.0))


def distinctive_terms(subject: str, idf: Callable[[str], float], rarity: float) -> frozenset[str]:
    """The subject's rare terms (a name, a place), one of which an article must hold to be about it:
    those whose IDF is at least ``rarity`` of a term no passage holds (so the share means the same in
    a small index and a large one). A term no passage holds is no guide; ``rarity`` 1 turns this off."""
    unseen = idf(_UNSEEN)
    return frozenset(t for t in content_tokens(subject) if rarity * unseen <= idf(t) < unseen)


def _about(group: list[ArticlePick], floor: float, needed: frozenset[str]) -> bool:
    """A group of copies is listed when one of them reaches ``floor`` and holds a distinctive term."""
    return any(p.relevance >= floor and (not needed or p.terms & needed) for p in group)


def build_timeline(
    reader: IndexReader,
    subject: str,
    config: TimelineConfig,
    filters: SearchFilters | None = None,
    max_articles: int | None = None,
) -> Timeline:
    """The timeline of ``subject`` (see the module's docstring), from the articles ``filters`` allow.

    Raises:
        QuestionRefused: ``subject`` is empty or in a script Sanad does not read.
        EmptyIndexError, IndexMismatchError: as for a question.
    """
    started = time.perf_counter()
    text, refusal = clean_question(subject)
    if refusal is not None:
        raise QuestionRefused(refusal)
    limit = max_articles or config.max_articles
    candidates = min(MAX_CANDIDATES, max(reader.config.retrieval.candidates, limit * CANDIDATES_PER_ARTICLE))
    retrieval, answerer = reader.retrieve(text, 2 * candidates, filters, candidates=candidates)
    retrieved = time.perf_counter()
    picks = pick_articles(text, retrieval.query_embedding, retrieval.passages, answerer)
    floor = relevance_floor(picks, config)
    needed = distinctive_terms(text, answerer.idf, config.distinctive_rarity)
    # a copy of a listed article is listed with it, though its own headline may score lower
    picks = [p for p in picks if p.relevance >= COPY_SHARE * floor]
    scored = time.perf_counter()
    texts = reader.article_texts([p.key for p in picks])
    groups = group_copies(picks, texts, config.duplicate_similarity, config.duplicate_lead)
    groups = [_date_order(g) for g in groups if _about(g, floor, needed)][:limit]
    groups.sort(key=lambda g: (g[0].published is None, g[0].published or "", -max(p.relevance for p in g)))
    items = []
    for n, group in enumerate(groups, start=1):
        items.append(
            TimelineItem(
                citation=_citation(n, group[0]),
                relevance=max(p.relevance for p in group),
                also=tuple(_citation(n, p) for p in group[1:]),
            )
        )
    done = time.perf_counter()
    timings = {
        "retrieve": (retrieved - started) * 1000,
        "sentences": (scored - retrieved) * 1000,
        "merge": (done - scored) * 1000,
        "total": (done - started) * 1000,
    }
    return Timeline(subject=subject, items=items, timings_ms=timings)
