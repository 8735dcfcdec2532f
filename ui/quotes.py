"""Article text as the chat shows it: escaped, quoted with its focus marked, with ``[n]`` links to the panel."""

from __future__ import annotations

import html
import re

from rag.types import Citation

__all__ = ["cite_link", "escape_text", "focused_quote", "linked_markers"]


def escape_text(text: str) -> str:
    """Article text is shown as text: HTML escaped, Markdown markers neutralised."""
    escaped = html.escape(text, quote=False)
    for marker in ("*", "_", "`", "[", "]", "#", "|"):
        escaped = escaped.replace(marker, "\\" + marker)
    return escaped.replace("\n", " ")


_MARKER = re.compile(r"\\\[(\d+)\\\]")


def linked_markers(escaped: str, turn: int, numbers: set[int]) -> str:
    """Turn the ``[n]`` markers of cited sources into links the page opens in the source panel."""

    def link(match: re.Match[str]) -> str:
        n = int(match[1])
        return cite_link(turn, n) if n in numbers else f"[{n}]"

    return _MARKER.sub(link, escaped)


def cite_link(turn: int, n: int) -> str:
    """The ``[n]`` marker of source ``n`` of answer ``turn``: a link the page opens in the source panel."""
    return f'<a class="sanad-cite" href="#sanad-cite-{turn}-{n}" title="{_SHOW}">[{n}]</a>'


_SHOW = "اعرض المقطع · show the passage"


def focused_quote(citation: Citation) -> str:
    """The quoted sentence as text, its focus (the clause that answers) in a ``<mark>``."""
    text, start = citation.text, citation.start
    lo, hi = (citation.focus_start or start) - start, (citation.focus_end or citation.end) - start
    if (lo, hi) == (0, len(text)) or not 0 <= lo < hi <= len(text):
        return escape_text(text)
    return f"{escape_text(text[:lo])}<mark>{escape_text(text[lo:hi])}</mark>{escape_text(text[hi:])}"
