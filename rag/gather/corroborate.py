"""Corroboration: for an asked number, date or name, how many sources give each value, and whether they agree.

Values are compared as :func:`rag.gather.values.same_value` decides (digits, number words, units, date
forms, name variants normalised). Only sentences that answer the question are compared: each is an
answer on its own evidence (:mod:`rag.gather.several`), and its value is the one next to the asked
attribute («كم قتيلا»: the number of the killed, not of the injured), so two values are two answers to
the same asked attribute. "Sources" are articles: a second sentence of one article does not count twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answers.items import Corroboration, ValueSources
from rag.wording import SOURCE, count_phrase

__all__ = ["corroborate", "summary"]


def corroborate(
    values: Sequence[tuple[str, str, tuple[int, ...], set[object], set[str]]], arabic: bool
) -> Corroboration | None:
    """The corroboration of ``values`` — ``(value as written, key, citation numbers, articles, outlets)``,
    one per distinct value — most sources first; None unless at least two articles give a value."""
    if sum(len(articles) for _, _, _, articles, _ in values) < 2:
        return None
    counted = sorted(
        (
            ValueSources(value=text, key=key, citations=tuple(numbers), articles=len(articles), outlets=len(outlets))
            for text, key, numbers, articles, outlets in values
        ),
        key=lambda v: (-v.articles, v.citations[0] if v.citations else 0),
    )
    return Corroboration(values=tuple(counted), summary=summary([v.articles for v in counted], arabic))


def summary(counts: Sequence[int], arabic: bool) -> str:
    """``counts`` (articles per value, most first) in words: "3 sources agree", "2 sources agree, 1 differs",
    "3 sources, each with a different value" (Arabic or English)."""
    total, top = sum(counts), counts[0]
    if len(counts) == 1:
        return f"{_sources_ar(total)} {_agreeing_ar(total)}" if arabic else f"{total} sources agree"
    rest = total - top
    if top == 1 and total == 2:
        return "مصدران مختلفان" if arabic else "2 sources differ"
    if top == 1:
        if arabic:
            return f"{_sources_ar(total)}، لكل منها قيمة مختلفة"
        return f"{total} sources, each with a different value"
    if arabic:
        return f"{_sources_ar(top)} {_agreeing_ar(top)}، و{_sources_ar(rest)} {_differing_ar(rest)}"
    return f"{top} sources agree, {rest} differ{'s' if rest == 1 else ''}"


def _sources_ar(n: int) -> str:
    return count_phrase(n, SOURCE)


def _agreeing_ar(n: int) -> str:
    return "متفق" if n == 1 else "متفقان" if n == 2 else "متفقة"


def _differing_ar(n: int) -> str:
    return "مختلف" if n == 1 else "مختلفان" if n == 2 else "مختلفة"
