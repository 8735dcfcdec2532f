"""A factoid answered by the asked fact itself: a sentence holding a value tied to the asked attribute.

The evidence fit (:mod:`rag.answers.confidence`) weighs a sentence's words; a number question's answer is
a number whose counted noun is the asked thing («137 دولة» for «كم دولة…»), a name question's a name after
the asked title («السفير الروسي … فيتالي تشوركين»). When the fit refuses (or its sentence fails the checks of
:mod:`rag.answers.checks`), such a sentence among the :data:`TYPED_CANDIDATES` best-ranked of all the retrieved
passages is quoted, if it passes those checks and the fit, within its own article, gives it :data:`TYPED_FLOOR`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.textnorm import content_tokens
from rag.answers.checks import fact_checks
from rag.answers.evidence import analyse_question
from rag.answers.extractive import ExtractiveAnswerer
from rag.answers.focus import focus_of
from rag.answers.question import Question
from rag.gather.answer import WideReading
from rag.gather.values import asked_values
from rag.types import Citation, Passage

__all__ = ["TYPED_CANDIDATES", "TYPED_FLOOR", "TYPED_SLOTS", "TYPED_TIE", "typed_fact"]

#: Slots whose values the readers of :mod:`rag.gather.values` see in text.
TYPED_SLOTS = frozenset({"number", "date", "person", "name"})
#: How many best-ranked sentences are read, and the least evidence confidence.
TYPED_CANDIDATES, TYPED_FLOOR = 4, 0.15
#: How tied the value must be: a number or date next to the asked noun; a name after the asked title (a quoted
#: phrase alone scores 2: «ما اسم زوجة…» is not answered by a quoted slogan).
TYPED_TIE = {"number": 1.5, "date": 3.0, "person": 3.0, "name": 3.0}


def typed_fact(
    answerer: ExtractiveAnswerer, question: Question, passages: Sequence[Passage], wide: WideReading
) -> tuple[list[Citation], float] | None:
    """``([citation], confidence)`` of the best-ranked sentence of ``wide`` (every retrieved passage's sentences,
    each weighed within its own article) stating the asked fact; None when none does."""
    if question.slot not in TYPED_SLOTS or not question.arabic:
        return None
    asked = question.standard
    needs, tokens = analyse_question(asked), content_tokens(asked)
    for sentence in wide.scored[:TYPED_CANDIDATES]:
        confidence = wide.confidence(sentence)
        if confidence < TYPED_FLOOR:
            continue
        values = asked_values(asked, sentence.span.text, sentence.passage.published)
        if not any(v.score >= TYPED_TIE[question.slot] for v in values):
            continue
        span = sentence.span
        focus = focus_of(span, tokens, needs, answerer.idf)
        citation = Citation.quoting(1, sentence.passage, span.start, span.end, span.text)
        citation = citation.focused(focus.start, focus.end, focus.text)
        if fact_checks(question, [citation], passages, answerer.idf):
            return [citation], confidence
    return None
