"""The chat's 👍 / 👎 under each answer: what each does (the layout and wiring are in :mod:`ui.app`).

A 👍 keeps the answer as confirmed; a 👎 keeps it as wrong at once and opens a small form under the
chat for "the right answer is …" or "it should have said: not in the articles" (each replaces the
bare 👎). Every judgement goes through :meth:`rag.Assistant.judge` (a gold file; the index is never
changed).
"""

from __future__ import annotations

from typing import Any

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.gold.feedback import Judgement
from rag.types import Answer
from ui.labels import LABELS, localise_reason

__all__ = ["Shown", "feedback_values", "judge_correction", "judge_reaction", "shown_answer"]

#: What the chat keeps of an answer it showed, to judge it later: the message's index in the chat,
#: the question, the answer, whether it was found, its citations (``ask --json`` objects), what was searched.
Shown = dict[str, Any]


def shown_answer(message: int, question: str, answer: Answer) -> Shown:
    """The record of ``answer``, shown as chat message number ``message`` (counting every message)."""
    return {
        "message": message,
        "question": question,
        "answer": answer.answer,
        "found": answer.found,
        "citations": [c.to_dict() for c in answer.citations],
        "standalone_question": answer.standalone_question,
    }


def feedback_values(shown: list[Shown], messages: list[Any]) -> list[str | None]:
    """The thumb each assistant message of ``messages`` shows ("Like", "Dislike" or None), in order: the
    chat re-sends its messages with each new answer, and the thumbs already given must stay lit."""
    verdicts = {record["message"]: record.get("thumb") for record in shown}
    return [verdicts.get(i) for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "assistant"]


def _find(shown: list[Shown], message: Any) -> Shown | None:
    index = message[0] if isinstance(message, list | tuple) else message
    return next((s for s in shown if s["message"] == index), None)


def _judge(assistant: Assistant, record: Shown, verdict: str, lang: str, **extra: Any) -> str | None:
    """Save one judgement; the error to show (in ``lang``) when it cannot be saved, else None."""
    try:
        assistant.judge(
            Judgement(
                question=record["question"],
                answer=record["answer"],
                found=record["found"],
                verdict=verdict,  # type: ignore[arg-type]
                citations=record["citations"],
                standalone_question=record["standalone_question"],
                **extra,
            )
        )
    except SanadError as exc:
        return LABELS[lang]["cannot_save"].format(reason=localise_reason(str(exc), lang))
    return None


def judge_reaction(
    assistant: Assistant, shown: list[Shown], message: Any, liked: Any, lang: str
) -> tuple[str, Shown | None, list[Shown]]:
    """A 👍 (``liked`` True or "Like") or 👎 (False or "Dislike") on chat message ``message``.

    Returns the status line to show, the answer a 👎 opens the correction form for (None: close it),
    and ``shown`` with the thumb now lit on that answer.
    """
    record = _find(shown, message)
    if record is None:
        return LABELS[lang]["nothing_to_judge"], None, shown
    thumb = "Like" if liked in (True, "Like") else "Dislike" if liked in (False, "Dislike") else None
    lit = [{**r, "thumb": thumb} if r is record else r for r in shown]
    if thumb == "Like":
        return _judge(assistant, record, "up", lang) or LABELS[lang]["saved_up"], None, lit
    if thumb == "Dislike":
        failed = _judge(assistant, record, "down", lang)
        return (failed, None, lit) if failed else (LABELS[lang]["saved_down"], record, lit)
    return "", None, lit  # a thumb taken back: the last judgement stands until another replaces it


def judge_correction(
    assistant: Assistant, record: Shown | None, correct: str, not_in_articles: bool, lang: str
) -> tuple[str, Shown | None]:
    """The form's answer for the 👎'd ``record``: the right answer (``correct``) or "not in the articles".
    Returns the status line and the record the form stays open for (None once saved)."""
    if record is None:
        return LABELS[lang]["nothing_to_judge"], None
    if not not_in_articles and not correct.strip():
        return LABELS[lang]["saved_down"], record
    failed = _judge(
        assistant,
        record,
        "down",
        lang,
        correct_answer=None if not_in_articles else correct,
        not_in_articles=not_in_articles,
    )
    if failed:
        return failed, record
    return LABELS[lang]["saved_notfound" if not_in_articles else "saved_fix"], None
