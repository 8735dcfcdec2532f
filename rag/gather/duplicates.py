"""Copies of one story (a wire report reprinted by several outlets) found among a timeline's articles.

Two articles are copies when they open alike and read alike as a whole, and were published within
:data:`DUPLICATE_DAYS` of each other (or one is undated) by two outlets, or by one on the same day (an
outlet's own texts on two days are two reports: its daily bulletins read alike):

- their leads (the first :data:`LEAD_CHARS` characters) share at least ``lead`` of their words
  (normalised, stemmed content tokens; the share of the shorter lead's), and
- their whole texts share at least ``similarity`` of their word 3-grams (Jaccard: shared over all).

A reprint keeps the wire's opening and most of its sentences in order (3-gram Jaccard 0.35–1.0 on the
SaudiNewsNet gold copies); two outlets' own reports of one event or statement may quote the same
sentence word for word and share most names and words, but they open differently and their own
sentences make few common 3-grams. Copies are grouped transitively (a reprint of a reprint is one story).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ingest.textnorm import content_tokens, tokenize
from rag.gather.articles import ArticlePick

__all__ = ["DUPLICATE_DAYS", "LEAD_CHARS", "Fingerprint", "copies", "fingerprint", "group_copies"]

#: Reprints appear within days of the first report; the same words a month later are a new story.
DUPLICATE_DAYS = 3
#: The lead: an article's opening, where a reprint keeps the wire's words.
LEAD_CHARS = 300


@dataclass(frozen=True)
class Fingerprint:
    """What copies are matched on: the content tokens of the lead and the word 3-grams of the whole text."""

    lead: frozenset[str]
    shingles: frozenset[tuple[str, ...]]


def fingerprint(text: str) -> Fingerprint:
    """``text``'s :class:`Fingerprint` (stop words kept in the 3-grams: they are part of the wording)."""
    words = tokenize(text, stem=True, drop_stopwords=False)
    return Fingerprint(
        lead=frozenset(content_tokens(text[:LEAD_CHARS])),
        shingles=frozenset(zip(words, words[1:], words[2:], strict=False)),
    )


def _close_in_time(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= DUPLICATE_DAYS
    except ValueError:
        return a == b


def _may_copy(a: ArticlePick, b: ArticlePick) -> bool:
    """Close enough in time, and not one outlet's texts of two days."""
    one_outlet = bool(a.passage.publisher) and a.passage.publisher == b.passage.publisher
    return _close_in_time(a.published, b.published) and not (one_outlet and a.published != b.published)


def copies(a: Fingerprint, b: Fingerprint, similarity: float, lead: float) -> bool:
    """True when the texts of ``a`` and ``b`` are one story's (the module's rule, dates aside)."""
    if not a.lead or not b.lead or not a.shingles or not b.shingles:
        return False
    if len(a.lead & b.lead) / min(len(a.lead), len(b.lead)) < lead:
        return False
    return len(a.shingles & b.shingles) / len(a.shingles | b.shingles) >= similarity


def group_copies(
    picks: Sequence[ArticlePick], texts: Mapping[str, str], similarity: float, lead: float
) -> list[list[ArticlePick]]:
    """``picks`` (most relevant first) in groups of copies, each group in the order of ``picks``,
    groups in the order of their first member. ``texts`` holds each article's text by its key; an
    article missing from it is read from its retrieved passage."""
    prints = [fingerprint(texts.get(p.key) or p.passage.text) for p in picks]
    parent = list(range(len(picks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(picks)):
        for j in range(i + 1, len(picks)):
            a, b = root(i), root(j)
            if a != b and _may_copy(picks[i], picks[j]) and copies(prints[i], prints[j], similarity, lead):
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[ArticlePick]] = {}
    for i, pick in enumerate(picks):
        groups.setdefault(root(i), []).append(pick)
    return list(groups.values())
