"""The answer that gathers: the single answer's sentence first, then every other distinct answer in the
top passages, each with all its sources (:mod:`rag.gather.several`), and for an asked number, date or
name how many sources give each value (:mod:`rag.gather.corroborate`).

The text lists one item a line, each quoted word for word with its ``[n]`` markers (the same fact in
two articles: ``[1][2]``); a corroboration line opens it («27 قتيلا [1][2] — 30 قتيلا [3]: مصدران
متفقان، ومصدر واحد مختلف»). When only the single answer's sentences answer, the answer is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.chunker import Span
from ingest.textnorm import content_tokens, is_arabic
from rag.answers.checks import same_event, value_window
from rag.answers.evidence import analyse_question
from rag.answers.question import Question, read_question
from rag.answers.extractive import ExtractiveAnswerer, ScoredSentence
from rag.answers.focus import clauses, focus_of
from rag.answers.items import AnswerItem, Corroboration
from rag.gather.corroborate import corroborate
from rag.gather.several import TIED, WIDE, Candidate, Group, group_answers
from rag.gather.values import Value, asked_values, same_value
from rag.types import Citation, Passage

__all__ = ["AGREE_OUTLETS", "Gathered", "WideReading", "agreed", "corroboration_line", "gather", "read_wide"]


@dataclass(frozen=True)
class Gathered:
    """A gathered answer's text, citations, items and corroboration (None when there is nothing to compare)."""

    text: str
    citations: list[Citation]
    items: list[AnswerItem]
    corroboration: Corroboration | None


@dataclass(frozen=True)
class WideReading:
    """The sentences of the retrieved passages (at most :data:`WIDE`), scored once per question for both
    :func:`agreed` and :func:`gather`, with each one's confidence within its own article."""

    scored: list[ScoredSentence]
    confidences: dict[tuple[str, str | None, int], float]

    def confidence(self, sentence: ScoredSentence) -> float:
        """How sure the evidence is that ``sentence`` answers, within its own article."""
        return self.confidences[_key(sentence)]


def read_wide(
    answerer: ExtractiveAnswerer, question: str, query_embedding: Sequence[float], passages: Sequence[Passage]
) -> WideReading:
    """Score every sentence of ``passages`` for ``question`` (see :class:`WideReading`)."""
    scored = answerer.score_sentences(question, query_embedding, passages, wide=WIDE)
    return WideReading(scored, _on_its_own(answerer, question, scored))


def _key(citation_or_sentence: Citation | ScoredSentence) -> tuple[str, str | None, int]:
    if isinstance(citation_or_sentence, Citation):
        return citation_or_sentence.file, citation_or_sentence.record, citation_or_sentence.start
    passage = citation_or_sentence.passage
    return passage.file, passage.record, citation_or_sentence.span.start


def gather(
    answerer: ExtractiveAnswerer,
    question: str,
    query_embedding: Sequence[float],
    passages: Sequence[Passage],
    single: Sequence[Citation],
    confidence: float,
    wide: WideReading | None = None,
    reading_of: Question | None = None,
) -> Gathered:
    """Every distinct answer in the retrieved ``passages`` (at most :data:`WIDE`), beginning with the single answer's
    sentences (``single``, quoted with ``confidence``); ``wide`` when they were already read. ``reading_of``: the
    question as read (:mod:`rag.answers.question`); values are compared only when they are about the event it
    names (:func:`rag.answers.checks.same_event`)."""
    reading = wide if wide is not None else read_wide(answerer, question, query_embedding, passages)
    scored = reading.scored
    by_key = {_key(s): s for s in scored}
    first = [by_key[_key(c)] for c in single if _key(c) in by_key]
    if len(first) != len(single):  # the single answer's sentence is not among the wide ones: keep it as it is
        return _unchanged(question, single, confidence)
    sentences = [*first, *(s for s in scored if s not in first)]
    candidates = [
        Candidate(
            text=s.span.text,
            article=(s.passage.file, s.passage.record),
            published=s.passage.published,
            confidence=confidence if k == 0 else reading.confidence(s),
        )
        for k, s in enumerate(sentences)
    ]
    groups = group_answers(question, candidates, range(len(first)))
    valued = {a for g in groups if g.value is not None for a in g.articles}
    as_before = all(len(g.members) == 1 for g in groups) and {g.members[0] for g in groups} == set(range(len(first)))
    if as_before and len(valued) < 2:  # nothing gathered, nothing to compare
        return _unchanged(question, single, confidence)
    return _compose(answerer, question, sentences, groups, len(first), reading_of or read_question(question))


#: A number, date or name question the single answer refuses is answered when at least AGREE_OUTLETS
#: outlets state one value tied to the asked attribute, each in a sentence of confidence >= AGREE_FLOOR:
#: independent reports agreeing on a figure. Tied means value score >= AGREE_TIE for a number or date (its
#: counted noun is the asked thing), >= TIED for a name (quoted, or after the asked title).
AGREE_OUTLETS, AGREE_FLOOR, AGREE_TIE = 3, 0.2, 3.0
_AGREE_KINDS = {"number": AGREE_TIE, "date": AGREE_TIE, "person": TIED, "name": TIED}


def agreed(
    answerer: ExtractiveAnswerer,
    question: str,
    query_embedding: Sequence[float],
    passages: Sequence[Passage],
    wide: WideReading | None = None,
) -> tuple[list[Citation], float] | None:
    """For a refused Arabic number, date or name question, the sentence to quote (as the single answer's
    citations, and its confidence) when several outlets agree on the asked value; else None. ``wide``:
    the passages' sentences when they were already read."""
    tie = _AGREE_KINDS.get(analyse_question(question).kind or "")
    if tie is None or not is_arabic(question):
        return None
    reading = wide if wide is not None else read_wide(answerer, question, query_embedding, passages)
    scored = reading.scored
    groups: list[tuple[Value, list[ScoredSentence]]] = []
    for sentence in sorted(scored, key=lambda s: -reading.confidence(s)):
        if reading.confidence(sentence) < AGREE_FLOOR:
            continue
        for value in asked_values(question, sentence.span.text, sentence.passage.published):
            if value.score < tie:  # every value tied to the asked attribute, not only the closest
                break
            group = next((g for g in groups if same_value(g[0], value)), None)
            if group is None:
                groups.append((value, [sentence]))
            elif sentence not in group[1]:
                group[1].append(sentence)
    outlets = [len({s.passage.publisher or s.passage.file for s in sentences}) for _, sentences in groups]
    if not outlets or max(outlets) < AGREE_OUTLETS:
        return None
    best = groups[outlets.index(max(outlets))][1][0]
    citation = Citation.quoting(1, best.passage, best.span.start, best.span.end, best.span.text)
    return [citation], reading.confidence(best)


def _on_its_own(
    answerer: ExtractiveAnswerer, question: str, scored: Sequence[ScoredSentence]
) -> dict[tuple[str, str | None, int], float]:
    """Each sentence's confidence as if its article were the only one retrieved: the evidence fit weighs a
    sentence against the best-ranked others (how far it stands out), and another article's answer must
    not lower this one's."""
    by_article: dict[tuple[str, str | None], list[ScoredSentence]] = {}
    for sentence in scored:
        by_article.setdefault((sentence.passage.file, sentence.passage.record), []).append(sentence)
    return {
        _key(s): answerer.evidence_confidence(question, own, i)
        for own in by_article.values()
        for i, s in enumerate(own)
    }


def _unchanged(question: str, single: Sequence[Citation], confidence: float) -> Gathered:
    items = []
    for c in single:  # «كم دولة…», «من هو…»: the asked value read in the one answer too
        values = [v for v in asked_values(question, c.text, c.published) if v.score > 0]
        shown = _with_noun(values[0], c.text) if values else None
        key = values[0].key if values else None
        items.append(AnswerItem(text=c.text, citations=(c.n,), confidence=confidence, value=shown, key=key))
    return Gathered("\n".join(f"{c.text} [{c.n}]" for c in single), list(single), items, None)


def _compose(
    answerer: ExtractiveAnswerer,
    question: str,
    sentences: Sequence[ScoredSentence],
    groups: Sequence[Group],
    single: int,
    reading_of: Question,
) -> Gathered:
    """The gathered answer of ``groups`` of ``sentences`` (the first ``single`` of them the single answer's)."""
    tokens, needs = content_tokens(question), analyse_question(question)
    citations: list[Citation] = []
    items: list[AnswerItem] = []
    values = []
    for group in groups:
        numbers = []
        for member in group.members:
            sentence = sentences[member]
            span = sentence.span
            focus = _value_clause(question, sentence, group.value) if group.value is not None else None
            focus = focus or focus_of(span, tokens, needs, answerer.idf)
            n = len(citations) + 1
            citation = Citation.quoting(n, sentence.passage, span.start, span.end, span.text)
            citations.append(citation.focused(focus.start, focus.end, focus.text))
            numbers.append(n)
        value = group.value
        shown = _with_noun(value, sentences[group.members[0]].span.text) if value is not None else None
        items.append(
            AnswerItem(
                text=sentences[group.members[0]].span.text,
                citations=tuple(numbers),
                confidence=group.confidence,
                value=shown,
                key=value.key if value is not None else None,
            )
        )
        if value is not None and _one_event(reading_of, question, sentences[group.members[0]], value, answerer.idf):
            outlets = {c.publisher or c.file for c in citations if c.n in numbers}
            values.append((shown or value.text, value.key, tuple(numbers), set(group.articles), outlets))
    arabic = is_arabic(question)
    # every answer is a value, but the single answer's sentences may state theirs in other words
    compared = values and all(g.value is not None or g.members[0] < single for g in groups)
    corroboration = corroborate(values, arabic) if compared else None
    lines = [f"{item.text} {''.join(f'[{n}]' for n in item.citations)}" for item in items]
    if corroboration is not None:
        lines.insert(0, corroboration_line(corroboration))
    return Gathered("\n".join(lines), citations, items, corroboration)


def corroboration_line(corroboration: Corroboration) -> str:
    """«27 قتيلا [1][2] — 30 قتيلا [3]: مصدران متفقان، ومصدر واحد مختلف» (the values with their sources)."""
    values = " — ".join(f"{v.value} {''.join(f'[{n}]' for n in v.citations)}" for v in corroboration.values)
    return f"{values}: {corroboration.summary}"


_NOUN_AFTER = re.compile(r"\)?\s+([^\s\d٠-٩،,.؛;:()«»\"']+)")
#: A present-tense plural verb after a number («نحو 100 يعالجون»): not its counted noun («يمنيون» is).
_VERB_AFTER = re.compile(r"^[يت]\S+[^ي]ون$")


def _with_noun(value: Value, sentence: str) -> str:
    """A number as written with the noun counted after it («27 قتيلا», «9 آلاف زائر»; «(77) خطبة» as «77 خطبة»,
    «100 يعالجون» as «100»); an amount of money («67 مليار ريال»), a date or a name as written."""
    if value.kind != "number" or value.unit or sentence[value.start : value.end] != value.text:
        return value.text
    after = _NOUN_AFTER.match(sentence, value.end)
    if after is None or _VERB_AFTER.match(after[1]):
        return value.text
    if sentence[value.end] == ")":  # «(77) خطبة» is shown «77 خطبة»
        return f"{value.text} {after[1]}"
    return sentence[value.start : after.end()]


def _one_event(
    reading_of: Question, question: str, sentence: ScoredSentence, value: Value, idf: Callable[[str], float]
) -> bool:
    """True when ``value`` in ``sentence`` is about the event the question names (its clause, or its sentence)."""
    text = sentence.span.text
    found = [v for v in asked_values(question, text, sentence.passage.published) if same_value(v, value)]
    return same_event(reading_of, *value_window(text, found[0].start), idf, following=False) if found else True


def _value_clause(question: str, sentence: ScoredSentence, value: Value) -> Span | None:
    """The clause of ``sentence`` stating ``value`` (or its closest asked value; None when none is read)."""
    span = sentence.span
    found = asked_values(question, span.text, sentence.passage.published)
    found = [v for v in found if same_value(v, value)] or found
    if not found:
        return None
    at = span.start + found[0].start
    return next((c for c in clauses(span) if c.start <= at < c.end), None)
