"""Turning an :class:`rag.types.Answer` into chat Markdown (answer, then numbered sources)."""

from __future__ import annotations

import html

from rag.textnorm import is_arabic
from rag.types import Answer

__all__ = ["render_answer", "render_error", "render_question", "render_sources"]

_LRI, _PDI = "\u2066", "\u2069"  # Unicode left-to-right isolate / pop directional isolate


def _escape(text: str) -> str:
    """Article text is shown as text: HTML escaped, Markdown markers neutralised."""
    escaped = html.escape(text, quote=False)
    for marker in ("*", "_", "`", "[", "]", "#", "|"):
        escaped = escaped.replace(marker, "\\" + marker)
    return escaped.replace("\n", " ")


def render_sources(answer: Answer) -> str:
    """The numbered sources block: file name, offsets and the quoted passage."""
    if not answer.citations:
        return ""
    heading = "المصادر" if is_arabic(answer.question) else "Sources"
    lines = [f"**{heading}**", ""]
    for citation in answer.citations:
        lines.append(f"{citation.n}. `{citation.file}` ({citation.start}–{citation.end}): «{_escape(citation.text)}»")
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    """The whole chat message: the answer (marked when not found) and its sources."""
    body = _escape(answer.answer).replace("\\[", "[").replace("\\]", "]")
    if not answer.found:
        return f"⚠️ *{body}*"
    return f"{body}\n\n{render_sources(answer)}"


def render_error(message: str) -> str:
    """An error message shown as text (it may quote a path or a question)."""
    return _escape(message)


def render_question(question: str) -> str:
    """The user's question as the chat shows it: as typed, as text (HTML and Markdown escaped)."""
    return _escape(question)
