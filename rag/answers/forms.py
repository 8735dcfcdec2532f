"""The answer forms beside a quoted fact (issue 30): a **brief** for a broad question, a **partial** answer
(«تذكر المقالات تفجير المسجد [1]، لكنها لا تذكر كم جريحا سقط.») when the subject is found but the asked
fact is not, and the **nearest passages** shown under a refusal or a partial answer.

Every sentence is quoted word for word from the retrieved passages (:class:`rag.answers.extractive.ScoredSentence`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.textnorm import content_tokens, normalize
from rag.answers.evidence import analyse_question
from rag.answers.extractive import ExtractiveAnswerer, ScoredSentence
from rag.answers.focus import focus_of
from rag.answers.items import AnswerItem
from rag.answers.question import Question
from rag.answers.signals import repeats
from rag.answers.subject import ABOUT_SHARE, ENGLISH_ABOUT, Subject, article_key, matched, matches
from rag.types import Citation

__all__ = ["BRIEF_FLOOR", "BRIEF_ITEMS", "NEAREST", "Brief", "Partial", "brief", "nearest", "partial"]

#: The most sentences a brief quotes, and the most nearest passages shown under a refusal.
BRIEF_ITEMS, NEAREST = 5, 3
#: A sentence joins a brief when its support is at least this share of the best one's; a brief whose best
#: sentence's support (encoder + words, 0-1) is under BRIEF_FLOOR is no brief (right briefs: 0.38 and more on
#: the analyst set's tune half, 0.36 for «ماذا حدث في حمص؟» over the seeds; ARCD near misses: 0.16-0.35).
_BRIEF_SHARE, BRIEF_FLOOR = 0.45, 0.3
#: Partial answers quote at most this many sentences showing what the articles do say.
_PARTIAL_EVIDENCE = 2


@dataclass(frozen=True)
class Brief:
    """A brief's text (one quoted sentence a line, with every source's ``[n]``), citations and items."""

    text: str
    citations: list[Citation]
    items: list[AnswerItem]
    confidence: float


@dataclass(frozen=True)
class Partial:
    """A partial answer: what the articles say of the subject (``citations``), and what was asked and not found."""

    text: str
    citations: list[Citation]
    missing: str


def _citation(n: int, sentence: ScoredSentence, question: Question, answerer: ExtractiveAnswerer) -> Citation:
    span = sentence.span
    citation = Citation.quoting(n, sentence.passage, span.start, span.end, span.text)
    focus = focus_of(span, content_tokens(question.standard), analyse_question(question.standard), answerer.idf)
    return citation.focused(focus.start, focus.end, focus.text)


def _on_subject(sentence: ScoredSentence, question: Question, subject: Subject) -> bool:
    """The sentence's article is about the subject and the sentence itself names part of it (or the asked thing)."""
    if not subject.about(sentence.passage):
        return False
    if not question.arabic:  # no shared words: the encoder's support alone
        return sentence.dense >= ENGLISH_ABOUT
    tokens = content_tokens(sentence.span.text)
    if question.focus and matched(question.focus, tokens):  # «ما موقف روسيا…»: a sentence naming Russia
        return True
    if not subject.tokens:
        return bool(tokens & question.attribute) or not question.attribute
    return matches(subject.distinctive, tokens) or subject.share(tokens) >= ABOUT_SHARE


def brief(
    answerer: ExtractiveAnswerer,
    question: Question,
    scored: Sequence[ScoredSentence],
    subject: Subject,
    surest: Sequence[Citation] = (),
) -> Brief | None:
    """The 2–:data:`BRIEF_ITEMS` most on-subject sentences of ``scored``, distinct in what they say (a sentence
    repeating a listed one is another source of it), by relevance or, when every article is dated, by date;
    ``surest``: the sentences the evidence fit would quote on their own, listed first (they answer even when the
    subject test cannot tell, e.g. a misspelt name). None when nothing retrieved is about the subject."""
    first = {(c.file, c.record, c.start) for c in surest}
    relevant = [
        s for s in scored if (*article_key(s.passage), s.span.start) in first or _on_subject(s, question, subject)
    ]
    if not relevant or max(s.score for s in relevant) < BRIEF_FLOOR:
        return None
    best = max(s.rank for s in relevant)
    groups: list[list[ScoredSentence]] = []
    for sentence in sorted(relevant, key=lambda s: ((*article_key(s.passage), s.span.start) not in first, -s.rank)):
        tokens = content_tokens(sentence.span.text)
        same = next((g for g in groups if repeats(tokens, content_tokens(g[0].span.text))), None)
        if same is not None:
            if article_key(sentence.passage) not in {article_key(s.passage) for s in same}:
                same.append(sentence)
            continue
        if len(groups) >= BRIEF_ITEMS or (len(groups) >= 2 and sentence.rank < _BRIEF_SHARE * best):
            continue
        groups.append([sentence])
    if all(g[0].passage.published for g in groups) and not first:
        groups.sort(key=lambda g: (g[0].passage.published or "", -g[0].rank))
    citations: list[Citation] = []
    items: list[AnswerItem] = []
    for group in groups:
        numbers = []
        for sentence in group:
            citations.append(_citation(len(citations) + 1, sentence, question, answerer))
            numbers.append(len(citations))
        items.append(AnswerItem(group[0].span.text, tuple(numbers), round(group[0].score, 4)))
    text = "\n".join(f"{i.text} {''.join(f'[{n}]' for n in i.citations)}" for i in items)
    return Brief(text, citations, items, max(s.score for s in relevant))


def _asked_part(question: Question) -> str:
    """What was asked, to follow «لا تذكر»: the question without its mark («كم جريحا سقط في التفجير»);
    «هل …» as «ما إذا …»; English: "how many were injured"."""
    text = question.standard.strip().rstrip("؟?!. ")
    if question.arabic:
        words = text.split()
        if words and normalize(words[0]) in ("هل", "اهل"):
            return " ".join(["ما إذا", *words[1:]])
        return text
    return text[:1].lower() + text[1:]


def partial(
    answerer: ExtractiveAnswerer, question: Question, scored: Sequence[ScoredSentence], subject: Subject
) -> Partial | None:
    """«تذكر المقالات X [1]، لكنها لا تذكر Y.»: the best on-subject sentences (at most two, two articles) and
    what was asked; None when no retrieved article is about the subject."""
    evidence: list[ScoredSentence] = []
    places = [c.tokens for c in question.constraints]

    def names_places(sentence: ScoredSentence) -> bool:  # «في حمص»: a sentence about Homs shows Homs is there
        tokens = content_tokens(sentence.span.text)
        return all(matched(p, tokens) for p in places)

    for sentence in sorted(scored, key=lambda s: (not names_places(s), -s.rank)):
        if _on_subject(sentence, question, subject) and article_key(sentence.passage) not in {
            article_key(s.passage) for s in evidence
        }:
            evidence.append(sentence)
        if len(evidence) >= _PARTIAL_EVIDENCE:
            break
    if not evidence:
        return None
    citations = [_citation(n, s, question, answerer) for n, s in enumerate(evidence, start=1)]
    markers = "".join(f"[{c.n}]" for c in citations)
    mentioned = subject.phrase(s.span.text for s in evidence) or (evidence[0].passage.name or "").strip()
    missing = _asked_part(question)
    if question.arabic:
        text = f"تذكر المقالات {mentioned} {markers}، لكنها لا تذكر {missing}."
    else:
        text = f"The articles mention {mentioned} {markers}, but they do not say {missing}."
    return Partial(re.sub(r"\s+", " ", text), citations, missing)


def nearest(scored: Sequence[ScoredSentence], start: int = 1, skip: Sequence[Citation] = ()) -> list[Citation]:
    """The best sentence of each of the :data:`NEAREST` best-ranked articles of ``scored`` (those quoted in
    ``skip`` left out), numbered from ``start``: where to look next, not an answer."""
    quoted = {(c.file, c.record, c.start) for c in skip}
    seen: set[tuple[str, str | None]] = set()
    out: list[Citation] = []
    for sentence in sorted(scored, key=lambda s: -s.rank):
        key = article_key(sentence.passage)
        if key in seen or (*key, sentence.span.start) in quoted:
            continue
        seen.add(key)
        span = sentence.span
        out.append(Citation.quoting(start + len(out), sentence.passage, span.start, span.end, span.text))
        if len(out) >= NEAREST:
            break
    return out
