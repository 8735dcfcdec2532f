"""An :class:`~rag.types.Answer` as plain text for clients that show only text: the answer, then its sources."""

from __future__ import annotations

import re
from typing import Any

from ingest.textnorm import is_arabic
from rag.gather import Timeline
from rag.types import Answer, Citation
from rag.wording import page_label

__all__ = [
    "answer_with_sources",
    "history_turns",
    "sources_block",
    "timeline_reply",
    "verified_differs",
    "verified_note",
]

_HEADINGS = {"ar": "المصادر:", "en": "Sources:"}
_NEAREST = {"ar": "الأقرب في المقالات (ليست إجابة):", "en": "Closest in the articles (not an answer):"}
_VERIFIED = {"ar": "— الإجابة بعد التحقق —", "en": "— verified answer —"}
#: Where a sources block starts inside an earlier answer sent back as history.
_BLOCK_START = re.compile(
    r"\n\n(?:المصادر|Sources|الأقرب في المقالات \(ليست إجابة\)|Closest in the articles \(not an answer\)):\n\[1\] "
)
_QUOTE_CHARS = 160


def _lang(answer: Answer) -> str:
    return "ar" if is_arabic(answer.question) or not answer.question.strip() else "en"


def sources_block(answer: Answer) -> str:
    """``\\n\\nSources:\\n[1] file · start–end · «quote»`` (in the question's language), then under a partial
    answer or a refusal the nearest passages, headed as not an answer; "" when there are none."""
    blocks, arabic = [], _lang(answer) == "ar"
    if answer.citations:
        blocks.append("\n".join([_HEADINGS[_lang(answer)], *(_source_line(c, arabic) for c in answer.citations)]))
    if answer.nearest:
        blocks.append("\n".join([_NEAREST[_lang(answer)], *(_source_line(c, arabic) for c in answer.nearest)]))
    return "".join(f"\n\n{block}" for block in blocks)


def _source_line(citation: Citation, arabic: bool) -> str:
    """One source: ``[n] headline · outlet · date · file · start–end · «quote»`` (the page as «ص 2» in Arabic)."""
    quote = citation.focus or citation.text
    if len(quote) > _QUOTE_CHARS:
        quote = quote[: _QUOTE_CHARS - 1].rstrip() + "…"
    where = [citation.name, citation.publisher, citation.published, citation.file]
    if citation.record is not None:
        where.append(f"#{citation.record}")
    if citation.page is not None:
        where.append(page_label(citation.page, arabic))
    label = " · ".join(str(part) for part in where if part)
    return f"[{citation.n}] {label} · {citation.start}–{citation.end} · «{quote}»"


def answer_with_sources(answer: Answer) -> str:
    """The answer's text with its ``[n]`` markers, then the numbered sources."""
    return answer.answer + sources_block(answer)


def _skeleton(text: str) -> str:
    """``text`` without spaces and sentence punctuation ("claim [1]." and "claim. [1]" read the same)."""
    return re.sub(r"[\s.!?؟،,]+", "", text)


def verified_differs(shown: str, answer: Answer) -> bool:
    """True when verification changed what streamed (llm mode: markers removed, claims marked or dropped)."""
    return _skeleton(shown) != _skeleton(answer.answer)


def verified_note(answer: Answer) -> str:
    """The verified answer, headed, to follow a streamed text that verification changed."""
    return f"\n\n{_VERIFIED[_lang(answer)]}\n{answer.answer}"


def _text_of(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text"]
        return "".join(texts)
    return ""


def history_turns(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Earlier chat messages as the ``{"role", "content"}`` turns :meth:`rag.Assistant.ask` reads.

    Only user and assistant turns count (a client's system prompt does not steer Sanad); the
    sources block Sanad appended to its own earlier answers is dropped.
    """
    turns = []
    for message in messages:
        role = message.get("role")
        if role not in ("user", "assistant"):
            continue
        text = _text_of(message.get("content"))
        if role == "assistant":
            found = _BLOCK_START.search(text)
            text = text[: found.start()] if found else text
        turns.append({"role": role, "content": text})
    return turns


def timeline_reply(timeline: Timeline) -> str:
    """A timeline as a chat reply's text: its heading, the chart of articles per day (``sanad
    timeline``'s), then one line per article with its ``[n]`` and its file (as a sources list)."""
    from rag.wording import ARTICLE, count_phrase
    from ui.timeline import chart_lines, item_line

    arabic = is_arabic(timeline.subject)
    if not timeline.items:
        return (
            f"لا مقالات عن «{timeline.subject}» في الأرشيف."
            if arabic
            else f"No article about «{timeline.subject}» in the archive."
        )
    heading = "التسلسل الزمني" if arabic else "Timeline"
    lines = [f"{heading}: «{timeline.subject}» · {count_phrase(len(timeline.items), ARTICLE, arabic)}"]
    chart = chart_lines(timeline)
    lines += ["", *chart] if chart else []
    lines.append("")
    lines += [f"[{item.citation.n}] {item_line(item)} — {item.citation.file}" for item in timeline.items]
    return "\n".join(lines)
