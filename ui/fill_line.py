"""The chat's one line on the index while vectors fill in: "vectors 42 % — the rest is searched by its words"."""

from __future__ import annotations

from ingest.errors import SanadError
from rag.assistant import Assistant

__all__ = ["REFRESH_SECONDS", "fill_line"]

#: How often an open chat page asks again.
REFRESH_SECONDS = 15.0


def fill_line(assistant: Assistant) -> str:
    """The line to show under the chat: empty once every chunk has its vector (or before any ingest)."""
    try:
        status = assistant.reader.status()
    except SanadError:
        return ""
    if not status.articles or status.vectors_done >= status.vectors_total:
        return ""
    arabic = f"المتجهات {status.percent:.0f} ٪ — يُبحث في الباقي بكلماته"
    return f"{status.line()}  \n{arabic}"  # two lines: each reads in its own direction
