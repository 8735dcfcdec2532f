"""Plain text and Markdown: the file's text as decoded, a headline and a date from its first lines."""

from __future__ import annotations

from ingest.chunker import headline
from ingest.formats.dates import date_in_text
from ingest.formats.document import Document
from ingest.loader import decode_article

__all__ = ["read_text"]

#: Lines looked at for a date under the headline, and the longest line read as a dateline.
_DATE_LINES, _DATELINE_CHARS = 3, 40


def read_text(data: bytes, name: str) -> tuple[Document, str]:
    """The article and its encoding; the first line is its headline, a short line with a date among
    its first lines (a dateline) its date."""
    text, encoding = decode_article(data, name)
    first = [line for line in text.split("\n") if line.strip()][:_DATE_LINES]
    datelines = [line for line in first if len(line.strip()) <= _DATELINE_CHARS]
    return Document(text=text, title=headline(text), published=date_in_text("\n".join(datelines))), encoding
