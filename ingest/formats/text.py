"""Plain text and Markdown: the file's text as decoded, a headline and a date from its first lines,
or from a front matter block above the text.

A front matter block (as static-site generators write it) opens the file with a line ``---``, holds
``key: value`` lines (``published``, ``publisher``, ``title``, ``author``, ``url``; ``#`` lines are
comments, other keys are ignored) and closes with ``---``. It is metadata, not article: the
article's text, and every offset into it, starts after the closing line.
"""

from __future__ import annotations

import re

from ingest.chunker import headline
from ingest.formats.dates import date_in_text, iso_date
from ingest.formats.document import Document
from ingest.loader import decode_article

__all__ = ["FRONT_MATTER_KEYS", "read_text", "split_front_matter"]

#: Lines looked at for a date under the headline, and the longest line read as a dateline.
_DATE_LINES, _DATELINE_CHARS = 3, 40
#: The keys a front matter block may set (the rest are ignored).
FRONT_MATTER_KEYS = ("published", "publisher", "title", "author", "url")
_FRONT = re.compile(r"\A---[ \t]*\r?\n((?:[ \t]*(?:#[^\n]*|[A-Za-z_]+[ \t]*:[^\n]*)?\r?\n)*?)---[ \t]*(?:\r?\n|\Z)")
_FIELD = re.compile(r"^[ \t]*([A-Za-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.M)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``text``'s front matter (the known keys, values unquoted) and the article after it; ``({}, text)``
    when the text opens with no front matter block naming a known key."""
    block = _FRONT.match(text)
    if not block:
        return {}, text
    fields = {k.lower(): v.strip("\"'") for k, v in _FIELD.findall(block.group(1)) if k.lower() in FRONT_MATTER_KEYS}
    if not fields:
        return {}, text
    return fields, text[block.end() :]


def read_text(data: bytes, name: str) -> tuple[Document, str]:
    """The article and its encoding; the first line is its headline, a short line with a date among
    its first lines (a dateline) its date, unless a front matter block says otherwise."""
    decoded, encoding = decode_article(data, name)
    fields, text = split_front_matter(decoded)
    first = [line for line in text.split("\n") if line.strip()][:_DATE_LINES]
    datelines = [line for line in first if len(line.strip()) <= _DATELINE_CHARS]
    document = Document(
        text=text,
        title=fields.get("title") or headline(text),
        published=iso_date(fields["published"]) if "published" in fields else date_in_text("\n".join(datelines)),
        publisher=fields.get("publisher", ""),
        author=fields.get("author", ""),
        url=fields.get("url", ""),
    )
    return document, encoding
