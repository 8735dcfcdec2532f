"""The focus of a quoted sentence: its shortest clause that holds the answer.

A cited sentence is often 300-400 characters; the fact asked for sits in one clause of it. The
sentence is cut at punctuation and at the words that open a clause («بأن»، «الذي»، «حيث», "that",
"which"…); the run of up to three adjacent clauses where the question's terms meet the expected answer
type (a number for «كم», a date for «متى») and at least four words the question does not hold, shortest
first, is the focus. Offsets are the file's, inside the sentence. Gold answer in the focus, of answered
questions: ARCD 0.66 at a median of 80 characters, seeds 0.85 at 98 (docs/quality.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.chunker import Span
from ingest.textnorm import content_tokens
from rag.answers.evidence import QuestionNeeds, supplies

__all__ = ["clauses", "focus_of"]

# A clause ends at punctuation, or before a word that opens a subordinate or reported clause.
_BREAK = re.compile(
    r"[،,؛;:()«»\"“”]+\s*"
    r"|\s+(?=(?:[وف]?(?:بأن|بان|أن|ان|إن|لأن|الذي|التي|الذين|اللذين|اللتين|حيث|بينما|فيما|كما|لكن|إذ|اذ|بعدما"
    r"|عندما|حين|حينما|قبل|بعد|منذ|مما|وذلك|ليصبح|لتصبح))\s)"
    r"|\s+(?=(?:that|which|who|whom|where|when|while|because|after|before|since|although)\s)",
    re.IGNORECASE,
)
#: A clause with fewer words than this joins its neighbour (a name alone is not a clause).
_MIN_WORDS = 3
#: Weight of the focus's length (share of the sentence) against the question terms it holds.
_LENGTH_PENALTY = 0.2
_TYPE_BONUS = 0.5
#: Most adjacent clauses in a focus, and the fewest words it must hold beyond the question's.
_MAX_CLAUSES, _MIN_NEW_WORDS = 3, 4


def clauses(span: Span) -> list[Span]:
    """``span`` cut into clauses (each an exact span of the same text, in order, covering its words)."""
    text, pieces, start = span.text, [], 0
    for match in _BREAK.finditer(text):
        if match.start() > start:
            pieces.append((start, match.start()))
        start = match.end()
    if start < len(text):
        pieces.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and len(text[merged[-1][0] : merged[-1][1]].split()) < _MIN_WORDS:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if len(merged) > 1 and len(text[merged[-1][0] : merged[-1][1]].split()) < _MIN_WORDS:
        last = merged.pop()
        merged[-1] = (merged[-1][0], last[1])
    return [
        Span(text[a:b].strip(), span.start + a + _lead(text[a:b]), span.start + b - _trail(text[a:b]))
        for a, b in merged
    ]


def _lead(piece: str) -> int:
    return len(piece) - len(piece.lstrip())


def _trail(piece: str) -> int:
    return len(piece) - len(piece.rstrip())


def focus_of(span: Span, question_tokens: set[str], needs: QuestionNeeds, idf: Callable[[str], float]) -> Span:
    """The run of one to three adjacent clauses of ``span`` that best holds the answer: the question's
    terms, the expected answer type, something the question does not already say, and shortness;
    ``span`` itself when it has a single clause."""
    parts = clauses(span)
    if len(parts) <= 1:
        return span
    weight = sum(idf(t) for t in question_tokens) or 1.0
    best, best_score = span, float("-inf")
    for i in range(len(parts)):
        for j in range(i, min(len(parts), i + _MAX_CLAUSES)):
            window = Span(
                span.text[parts[i].start - span.start : parts[j].end - span.start], parts[i].start, parts[j].end
            )
            tokens = content_tokens(window.text)
            score = sum(idf(t) for t in question_tokens & tokens) / weight
            score += _TYPE_BONUS if supplies(needs.kind, window.text, needs.numbers) else 0.0
            score -= _LENGTH_PENALTY * len(window.text) / len(span.text)
            if len(tokens - question_tokens) < _MIN_NEW_WORDS:  # only the question's own words: no answer
                score -= 1.0
            if score > best_score:
                best, best_score = window, score
    return best
