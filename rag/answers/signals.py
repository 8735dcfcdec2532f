"""Signals the evidence path reads off candidate sentences: the encoder's cosine range, how far the
chosen sentence stands out, and whether two sentences repeat each other."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rag.answers.extractive import ScoredSentence

__all__ = ["COS_RANGE_CROSS_SCRIPT", "COS_RANGE_SAME_SCRIPT", "cosine_range", "distinctiveness", "repeats"]

# multilingual-e5 cosines between a question and a sentence, measured on the seed gold set
# (eval/gold_seeds.jsonl): at the floor the sentence is unrelated, at the ceiling it answers.
# Questions in another script than the articles (English over Arabic) score lower, so they
# get their own range, and their lexical overlap (none) is not counted.
COS_RANGE_SAME_SCRIPT = (0.80, 0.90)
COS_RANGE_CROSS_SCRIPT = (0.74, 0.82)
_DUPLICATE_OVERLAP = 0.8
#: Cross-script questions: the chosen sentence's scaled cosine must lead the next ones by this
#: much to keep its full confidence (see distinctiveness).
DISTINCT_GAP = 0.2


def cosine_range(question_arabic: bool, passage_arabic: bool = True) -> tuple[float, float]:
    """The encoder's cosine range from "unrelated" to "answers" for a question and a text in the
    same script, or in different scripts (an English question over Arabic articles)."""
    return COS_RANGE_SAME_SCRIPT if question_arabic == passage_arabic else COS_RANGE_CROSS_SCRIPT


def repeats(a: set[str], b: set[str]) -> bool:
    """True when one sentence repeats the other: most of the shorter one's tokens are in the
    longer one, and the shorter is at least half its length. (Containment alone would make a
    headline such as "جمال خاشقجي" a "repeat" of every sentence that names him.)"""
    if not a or not b:
        return False
    small, large = sorted((len(a), len(b)))
    return len(a & b) / small >= _DUPLICATE_OVERLAP and small / large >= 0.5


def distinctiveness(scored: Sequence[ScoredSentence]) -> float:
    """How far the chosen sentence stands out from the next ones on the encoder alone, in [0, 1].

    Questions not in Arabic script are judged on the encoder's cosine only, and text the
    encoder cannot read (``asdf qwer``, ``'; DROP TABLE``, ``xxxx…``, emoji) is "similar" to
    every sentence about equally. A real question is much closer to its answer than to the
    sentences around it (seed gold set: a gap of 0.2-0.4 on the scaled cosine, gibberish 0.03-0.06).
    """
    others = [s.dense for s in scored[1:4]]
    if not others:
        return 1.0
    gap = scored[0].dense - sum(others) / len(others)
    return float(np.clip(gap / DISTINCT_GAP, 0.0, 1.0))
