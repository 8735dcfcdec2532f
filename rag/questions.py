"""What is searched for a question: markup dropped, length capped, unreadable scripts refused."""

from __future__ import annotations

from ingest.errors import SanadError
from ingest.textnorm import readable_script, strip_markup
from rag.messages import UNSUPPORTED_LANGUAGE, empty_question_message

__all__ = ["MAX_QUESTION_CHARS", "QuestionRefused", "clean_question"]

#: Longest question text used for retrieval; the rest is ignored.
MAX_QUESTION_CHARS = 2000


class QuestionRefused(SanadError, ValueError):
    """A query that cannot be searched (empty, or in a script Sanad does not read); the message says which."""


def clean_question(question: str) -> tuple[str, str | None]:
    """``(text to search for, None)``, or ``(text, reply)`` for a question that cannot be searched:
    empty (no letter or digit once tags are dropped) or mostly in a script other than Arabic and Latin."""
    text = strip_markup(question[: MAX_QUESTION_CHARS * 4]).strip()[:MAX_QUESTION_CHARS]
    if not any(ch.isalnum() for ch in text):
        return text, empty_question_message(question, text)
    if not readable_script(text):
        return text, UNSUPPORTED_LANGUAGE
    return text, None
