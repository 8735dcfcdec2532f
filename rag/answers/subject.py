"""Is a retrieved article about the question's subject, and does a sentence meet the question's constraints?

A question's *subject* is its content words (:attr:`rag.answers.question.Question.subject`). An article is
about it when it holds the subject's most distinctive word (the highest IDF: a name, a place) and at least
:data:`ABOUT_SHARE` of the subject's IDF weight, in its headline or its retrieved passages: «ما موقف اليابان
من القرار؟» finds articles about the resolution, none about Japan, so nothing is about it. A constraint
(«في دمشق», «يوم الجمعة») is met when its words are in the sentence or in the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ingest.textnorm import content_tokens
from rag.answers.question import Constraint, Question
from rag.types import Citation, Passage

__all__ = ["ABOUT_SHARE", "ABOUT_WITHOUT_DISTINCTIVE", "ENGLISH_ABOUT", "Subject", "article_key", "constraint_met", "matched", "matches"]

#: Share of the subject's IDF weight an article must hold to be about it; without the most distinctive word,
#: :data:`ABOUT_WITHOUT_DISTINCTIVE` (an unseen common word such as «المرشحة» is as rare as an unseen name).
ABOUT_SHARE, ABOUT_WITHOUT_DISTINCTIVE = 0.5, 0.65
#: A question in English shares no words with Arabic articles: an article is about it when one of its sentences
#: reaches this encoder support (scaled cosine; tuned on the analyst set's tune half).
ENGLISH_ABOUT = 0.4
#: Endings the stemmer leaves on one form of a word and not another («روسيا» → «روسي», «الروسي» → «روس»).
_ENDINGS = "يهات"
_MIN_FOLDED = 3
#: A preposition or conjunction the stemmer sometimes leaves glued on («بجازان»).
_GLUED = "بلوفك"
_SUFFIXES = frozenset({"ان", "ين", "ون", "ات", "ه", "ي", "يه", "يا", "ا", "ت"})


def _fold(token: str) -> str:
    folded = token.rstrip(_ENDINGS)
    return folded if len(folded) >= _MIN_FOLDED else token


def matches(token: str, tokens: set[str] | frozenset[str]) -> bool:
    """True when ``token`` is in ``tokens``, or is one of them up to a nisba or feminine ending (stems of one
    word the stemmer cut differently: «روسيا» ~ «الروسي», «سوريا» ~ «سورية», «جولته» ~ «جولة»; «حلبجة» is not «حلب»)."""
    if token in tokens:
        return True
    folded = _fold(token)
    return any(
        _fold(u) == folded or _suffixed(u, token) or (u[:1] in _GLUED and len(u) > 3 and _fold(u[1:]) == folded)
        for u in tokens
    )


def _suffixed(a: str, b: str) -> bool:
    """One token is the other plus an ending the stemmer cut from one form only («جازان» ~ «جاز»)."""
    short, long = sorted((a, b), key=len)
    return len(short) >= _MIN_FOLDED and long.startswith(short) and long[len(short) :] in _SUFFIXES


def matched(wanted: Iterable[str], tokens: set[str] | frozenset[str]) -> set[str]:
    """The tokens of ``wanted`` that :func:`matches` finds in ``tokens``."""
    return {t for t in wanted if matches(t, tokens)}


def constraint_met(constraint: Constraint, tokens: set[str] | frozenset[str]) -> bool:
    """True when ``tokens`` hold the constraint's words: all of one or two, two of three («الرقة», «يوم الأحد»)."""
    found = len(matched(constraint.tokens, tokens))
    return found >= min(len(constraint.tokens), 2)


def article_key(passage: Passage) -> tuple[str, str | None]:
    """Which article a passage belongs to (its file, and its record in a multi-article file)."""
    return passage.file, passage.record


class Subject:
    """What a question is about, weighed against the retrieved articles."""

    def __init__(self, question: Question, passages: Sequence[Passage], idf: Callable[[str], float]) -> None:
        self.question = question
        self.idf = idf
        self.tokens = question.subject
        self._articles: dict[tuple[str, str | None], set[str]] = {}
        for passage in passages:
            words = self._articles.setdefault(article_key(passage), set())
            words |= content_tokens(f"{passage.context}\n{passage.title}\n{passage.text}")
        named = {t for c in question.constraints for t in c.tokens} & self.tokens  # «في حمص»: Homs anchors it
        anchors = named or self.tokens
        self.distinctive = max(anchors, key=lambda t: (idf(t), t)) if anchors else None
        self._dense: dict[tuple[str, str | None], float] = {}

    def weigh(self, sentences: Iterable[tuple[Passage, float]]) -> None:
        """For a question not in Arabic: each article's best sentence support (``(passage, dense)`` pairs)."""
        for passage, dense in sentences:
            key = article_key(passage)
            self._dense[key] = max(self._dense.get(key, 0.0), dense)

    def article_tokens(self, passage: Passage) -> set[str]:
        """The content tokens of ``passage``'s article (its headline and retrieved passages)."""
        return self._articles.get(article_key(passage), set())

    def share(self, tokens: Iterable[str]) -> float:
        """IDF-weighted share of the subject found in ``tokens`` (1.0 when the subject is empty)."""
        found = set(tokens)
        weight = sum(self.idf(t) for t in self.tokens)
        return sum(self.idf(t) for t in matched(self.tokens, found)) / weight if weight else 1.0

    def about(self, passage: Passage) -> bool:
        """True when ``passage``'s article is about the subject."""
        if not self.question.arabic:
            return self._dense.get(article_key(passage), 0.0) >= ENGLISH_ABOUT
        tokens = self.article_tokens(passage)
        if not matched(self.question.focus, tokens) and self.question.focus:
            return False
        if self.distinctive is None:
            return True
        share = self.share(tokens)
        return share >= ABOUT_WITHOUT_DISTINCTIVE or (share >= ABOUT_SHARE and matches(self.distinctive, tokens))

    def names_focus(self, citation: Citation) -> bool:
        """True when the question names no actor, or ``citation``'s article names it («ما موقف إيران…» is not
        answered from an article that never names Iran, however sure the evidence fit is)."""
        if not self.question.focus:
            return True
        tokens = self._articles.get((citation.file, citation.record), set()) | content_tokens(citation.text)
        return bool(matched(self.question.focus, tokens))


    def phrase(self, evidence: Iterable[str]) -> str:
        """The longest run of the question's own words (as typed, standardised) found in ``evidence``: what the
        articles do mention («تفجير المسجد»); the place or event the question names, when that run misses it."""
        found: set[str] = set()
        for text in evidence:
            found |= content_tokens(text)
        words = re.findall(r"[^\s؟?!.،,«»\"]+", self.question.standard)
        best: list[str] = []
        run: list[str] = []
        for word in words:
            tokens = content_tokens(word)
            if tokens and matched(tokens, found) == tokens and tokens <= self.tokens | self.question.attribute:
                run.append(word)
            elif not tokens and run:  # a stop word inside a run («مؤتمر أصدقاء الشعب في باريس»)
                run.append(word)
            else:
                best = max(best, _trim(run), key=len)
                run = []
        best = max(best, _trim(run), key=len)
        named = [c.text for c in self.question.constraints if matched(c.tokens, found) == set(c.tokens)]
        return named[0] if named and not matched(content_tokens(named[0]), content_tokens(" ".join(best))) else " ".join(best)


def _trim(run: list[str]) -> list[str]:
    """``run`` without the stop words at its ends."""
    start, end = 0, len(run)
    while start < end and not content_tokens(run[start]):
        start += 1
    while end > start and not content_tokens(run[end - 1]):
        end -= 1
    return run[start:end]
