"""The fixed sentences Sanad answers with when it does not quote the articles."""

from __future__ import annotations

from ingest.textnorm import is_arabic
from rag.types import SearchFilters

__all__ = [
    "EMPTY_QUESTION_AR",
    "EMPTY_QUESTION_EN",
    "NOT_FOUND_AR",
    "NOT_FOUND_EN",
    "UNSUPPORTED_LANGUAGE",
    "empty_question_message",
    "not_found_message",
]

NOT_FOUND_AR = "لا تحتوي المقالات المتاحة على إجابة عن هذا السؤال."
NOT_FOUND_EN = "The articles do not contain an answer to this question."
EMPTY_QUESTION_AR = "السؤال فارغ: اكتب سؤالاً عن المقالات."
EMPTY_QUESTION_EN = "The question is empty: ask something about the articles."
#: The answer to a question in a script Sanad does not read (Arabic and Latin only).
UNSUPPORTED_LANGUAGE = "يجيب سند عن الأسئلة بالعربية أو الإنجليزية. / Sanad answers questions in Arabic or English."


def not_found_message(question: str, scope: SearchFilters | None = None) -> str:
    """'Not in the articles', in the question's language (Arabic unless it reads as English);
    with ``scope``, 'not in the articles of that period/outlet', naming it."""
    arabic = is_arabic(question) or not question.strip()
    if scope is None or not scope.active:
        return NOT_FOUND_AR if arabic else NOT_FOUND_EN
    if arabic:
        return f"لا تحتوي مقالات هذه الفترة أو هذا المصدر ({scope.describe(True)}) على إجابة عن هذا السؤال."
    return f"The articles of that period or outlet ({scope.describe(False)}) do not contain an answer to this question."


def empty_question_message(question: str, cleaned: str) -> str:
    """'The question is empty', in Arabic unless the (cleaned) question reads as English."""
    return EMPTY_QUESTION_AR if is_arabic(question) or not cleaned else EMPTY_QUESTION_EN
