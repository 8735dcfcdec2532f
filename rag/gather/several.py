"""Several answers: every distinct answer the retrieved articles give, each with all its sources.

The answer step quotes the sentence it is surest of (:mod:`rag.answers.extractive`). Here the sentences
of every retrieved passage (``retrieval.top_k``, at most :data:`WIDE`) are scored the same way, and each
is tested with the same evidence, weighed within its own article: a sentence that would answer on its
own (its confidence at least :data:`ITEM_FLOOR` and :data:`ITEM_SHARE` of the surest one's) is an
answer too. Answers that state the same thing are one item
with several sources (a sentence that states an answer already listed needs less evidence,
:data:`JOIN_FLOOR`: it adds a source, not a claim):

- a number, date or name asked («كم», «متى», «من»): the same value read in both (:mod:`rag.gather.values`:
  «ثلاثين قتيلا» and «30 قتيلا» are one; 27 and 30 are two). For a number or date question, a sentence
  with no such value in it does not answer;
- any other question: the same words (one sentence repeats the other, as a reprint does).

An article gives one item per distinct answer in it. Items are ordered by confidence, or by date when
the question asks when. The first item is the sentence the single answer quotes. An English question
over Arabic articles has no lexical evidence (the encoder alone, docs/quality.md), too little to tell a
second answer from a topical sentence: it gets the single answer with the sources repeating it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.textnorm import content_tokens, is_arabic
from rag.answers.evidence import analyse_question
from rag.answers.signals import repeats
from rag.gather.values import Value, asked_values, same_value

__all__ = ["ITEM_FLOOR", "ITEM_SHARE", "MAX_ITEMS", "WIDE", "Candidate", "Group", "group_answers"]

#: Most retrieved passages whose sentences are candidates for the other answers.
WIDE = 10
#: A sentence is another answer when its confidence reaches this (the evidence fit's probability) ...
ITEM_FLOOR = 0.4
#: ... and this share of the surest sentence's.
ITEM_SHARE = 0.6
#: A sentence stating an answer already listed (the same value, or a repeat) is another source for it
#: from this confidence on: it adds a source, not a claim.
JOIN_FLOOR = 0.1
#: Most distinct answers listed; most sources under one.
MAX_ITEMS, MAX_SOURCES = 5, 6
#: A value is the sentence's answer when the words around it tie it to the asked attribute this much
#: (:attr:`rag.gather.values.Value.score`: its counted noun or a neighbour is the asked thing).
TIED = 1.5
#: Question kinds whose answer is a value read in the sentence.
VALUED = frozenset({"number", "date", "person", "name"})
#: ... and those whose answering sentence must hold one.
MUST_HOLD = frozenset({"number", "date"})


@dataclass(frozen=True)
class Candidate:
    """A candidate sentence: its ``text``, its ``article`` (file and record), its publication date
    (``YYYY-MM-DD`` or None) and ``confidence`` that it answers."""

    text: str
    article: tuple[str, str | None]
    published: str | None
    confidence: float


@dataclass
class Group:
    """One distinct answer: ``members`` are indices of the candidates stating it, the first one quoted;
    ``value`` the value read in it (None when none is asked or read)."""

    members: list[int]
    confidence: float
    value: Value | None = None
    articles: set[tuple[str, str | None]] = field(default_factory=set)


def _same_words(a: str, b: str) -> bool:
    return repeats(content_tokens(a), content_tokens(b))


def group_answers(question: str, candidates: Sequence[Candidate], first: Sequence[int]) -> list[Group]:
    """The distinct answers among ``candidates`` (best-ranked first), starting with those the single
    answer quotes (``first``, indices into ``candidates``), as :class:`Group` in display order."""
    if not candidates or not first:
        return []
    kind, arabic = analyse_question(question).kind, is_arabic(question)
    best = max(candidates[i].confidence for i in first)
    floor = max(ITEM_FLOOR, ITEM_SHARE * best)
    others = sorted(
        (i for i, c in enumerate(candidates) if i not in first and c.confidence >= JOIN_FLOOR),
        key=lambda i: -candidates[i].confidence,
    )
    groups: list[Group] = []
    for i in [*first, *others]:
        candidate = candidates[i]
        tied: list[Value | None] = [None]
        if kind in VALUED:
            tied = [v for v in asked_values(question, candidate.text, candidate.published) if v.score >= TIED]
            if not tied and kind in MUST_HOLD and i not in first:
                continue  # a number question answered by a sentence holding no number: topical, not an answer
            tied = tied or [None]
        # a sentence stating several tied values («نحو 100 جريح … 20 جريحا في حالة حرجة») joins the answer
        # listed with any of them; else its closest value is a new answer
        group, value = next(
            ((g, v) for v in tied for g in groups if _states(g, v, candidate, candidates)), (None, tied[0])
        )
        if group is None:
            if len(groups) < MAX_ITEMS and (i in first or (arabic and candidate.confidence >= floor)):
                groups.append(Group([i], candidate.confidence, value, {candidate.article}))
        elif candidate.article not in group.articles and len(group.members) < MAX_SOURCES:
            group.members.append(i)
            group.articles.add(candidate.article)
    if kind == "date" and len(groups) > 1:
        groups.sort(key=lambda g: _when(g, candidates))
    return groups


def _when(group: Group, candidates: Sequence[Candidate]) -> tuple[bool, str]:
    """A date answer's sort key: the date read (a value key ``YYYY-MM-DD``), else the article's; undated last."""
    key = group.value.key if group.value is not None else None
    when = key if key and key[:4].isdigit() else candidates[group.members[0]].published
    return when is None, when or ""


def _states(group: Group, value: Value | None, candidate: Candidate, candidates: Sequence[Candidate]) -> bool:
    """True when ``candidate`` (with ``value``) states what ``group`` does."""
    if group.value is not None and value is not None:
        return same_value(group.value, value)
    return _same_words(candidates[group.members[0]].text, candidate.text)
