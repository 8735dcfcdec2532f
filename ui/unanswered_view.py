"""A question the articles do not answer, in the chat: a partial answer («تذكر المقالات … لكنها لا تذكر …»)
with its sources, or "not in the articles"; under either, the nearest passages, each ``[n]`` opening its
passage in the source panel like a citation, and labelled as what they are: where to look, not an answer."""

from __future__ import annotations

from collections.abc import Callable

from ingest.textnorm import is_arabic
from rag.types import Answer, Citation
from ui.quotes import escape_text, linked_markers

__all__ = ["nearest_heading", "plain_nearest", "render_unanswered"]


def nearest_heading(answer: Answer) -> str:
    """ "Closest in the articles (not an answer)" in the question's language."""
    if is_arabic(answer.question) or not answer.question.strip():
        return "الأقرب في المقالات (ليست إجابة)"
    return "Closest in the articles (not an answer)"


def _markers(citations: list[Citation]) -> str:
    return " ".join(_marker(c) for c in citations)


def _marker(citation: Citation) -> str:
    return f"\\[{citation.n}\\]"


def render_unanswered(answer: Answer, turn: int, searched: str, source_line: Callable[[Citation], str]) -> str:
    """The chat Markdown of a partial answer or a refusal (``answer.found`` is False); ``searched`` opens it,
    ``source_line`` names one source (:func:`ui.render.source_line`)."""
    numbers = {c.n for c in [*answer.citations, *answer.nearest]}
    if answer.outcome == "partial":
        body = linked_markers(escape_text(answer.answer), turn, numbers)
        lines = [f'{searched}<div dir="auto" class="sanad-partial">\n\nℹ️ {body}\n\n</div>', ""]
        lines += [f"- {linked_markers(_marker(c), turn, numbers)} · {source_line(c)}" for c in answer.citations]
    else:
        lines = [f'{searched}<div dir="auto" class="sanad-notfound">\n\n⚠️ *{escape_text(answer.answer)}*\n\n</div>']
    if answer.nearest:
        markers = linked_markers(_markers(answer.nearest), turn, numbers)
        heading = escape_text(nearest_heading(answer))
        lines += ["", f'<p class="sanad-nearest" dir="auto">{heading}: {markers}</p>', ""]
        for c in answer.nearest:
            quote = escape_text(c.text if len(c.text) <= 160 else c.text[:160] + "…")
            lines.append(f"- {linked_markers(_marker(c), turn, numbers)} «{quote}» · {source_line(c)}")
    return "\n".join(lines)


def plain_nearest(answer: Answer) -> list[str]:
    """The nearest passages as plain-text lines (after a heading), or [] when there are none."""
    if not answer.nearest:
        return []
    lines = [f"[{c.n}] {c.file} ({c.start}–{c.end}): «{c.text}»" for c in answer.nearest]
    return ["", f"{nearest_heading(answer)}:", *lines]
