"""Counted nouns and page numbers in Arabic and English: every count phrase the interface shows
goes through :func:`count_phrase`.

Arabic grammar of the counted noun (the last part of the number decides): 1 «مقال واحد»,
2 «مقالان», 3–10 the plural «5 مقالات», 11–99 the singular accusative «15 مقالاً», a whole
hundred or thousand the singular genitive «100 مقال»; above 100 the remainder decides
(«103 مقالات», «115 مقالاً», «101 مقال»). Numbers are written in digits, as the rest of the
interface writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ARTICLE", "OUTLET", "SOURCE", "Noun", "count_phrase", "page_label"]


@dataclass(frozen=True)
class Noun:
    """A counted noun's forms: Arabic singular, dual, plural, singular accusative (with tanween),
    whether ``واحد`` agrees as feminine, and the English singular and plural."""

    singular: str
    dual: str
    plural: str
    accusative: str
    english: str
    english_plural: str
    feminine: bool = False


ARTICLE = Noun("مقال", "مقالان", "مقالات", "مقالاً", "article", "articles")
SOURCE = Noun("مصدر", "مصدران", "مصادر", "مصدراً", "source", "sources")
OUTLET = Noun("صحيفة", "صحيفتان", "صحف", "صحيفةً", "outlet", "outlets", feminine=True)


def _arabic(n: int, noun: Noun) -> str:
    if n == 1:
        return f"{noun.singular} {'واحدة' if noun.feminine else 'واحد'}"
    if n == 2:
        return noun.dual
    rest = n % 100
    if n < 100 or rest >= 3:
        form = noun.plural if 3 <= rest <= 10 or n == 0 else noun.accusative
        return f"{n} {form}"
    return f"{n} {noun.singular}"  # 100, 200, 1000…, and 101, 102…: the genitive singular


def count_phrase(n: int, noun: Noun, arabic: bool = True) -> str:
    """``n`` ``noun`` in Arabic (:data:`ARTICLE`: «مقال واحد», «مقالان», «5 مقالات», «15 مقالاً»,
    «100 مقال») or English ("1 article", "5 articles")."""
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if arabic:
        return _arabic(n, noun)
    return f"{n} {noun.english if n == 1 else noun.english_plural}"


def page_label(page: int, arabic: bool) -> str:
    """A PDF page as a source line names it: «ص 3» in Arabic, "p. 3" in English."""
    return f"ص {page}" if arabic else f"p. {page}"
