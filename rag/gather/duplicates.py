"""Copies of one story (a wire report reprinted by several outlets) found among a timeline's articles.

Two articles are copies when the sentence quoted from one shares at least ``similarity`` of its words
(normalised, stemmed content tokens; the share of the longer sentence's) with some candidate sentence
of the other, and they were published within :data:`DUPLICATE_DAYS` of each other (or one is undated).
A reprint quotes word for word (share 1.0); two outlets' own reports of one event share names and
places but few whole sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rag.gather.articles import ArticlePick

__all__ = ["DUPLICATE_DAYS", "copies", "group_copies"]

#: Reprints appear within days of the first report; the same words a month later are a new story.
DUPLICATE_DAYS = 3


def _close_in_time(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= DUPLICATE_DAYS
    except ValueError:
        return a == b


def _shared(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def copies(a: ArticlePick, b: ArticlePick, similarity: float) -> bool:
    """True when ``a`` and ``b`` are copies of one story (see the module's docstring)."""
    if not _close_in_time(a.published, b.published):
        return False
    quote_a, quote_b = a.tokens[a.chosen], b.tokens[b.chosen]
    return any(_shared(quote_a, t) >= similarity for t in b.tokens) or any(
        _shared(quote_b, t) >= similarity for t in a.tokens
    )


def group_copies(picks: Sequence[ArticlePick], similarity: float) -> list[list[ArticlePick]]:
    """``picks`` (most relevant first) in groups of copies, each group in the order of ``picks``,
    groups in the order of their first member."""
    parent = list(range(len(picks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(picks)):
        for j in range(i + 1, len(picks)):
            a, b = root(i), root(j)
            if a != b and copies(picks[i], picks[j], similarity):
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[ArticlePick]] = {}
    for i, pick in enumerate(picks):
        groups.setdefault(root(i), []).append(pick)
    return list(groups.values())
