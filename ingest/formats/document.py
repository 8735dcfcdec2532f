"""What a format extractor returns: one or more articles (text + metadata) read from one file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

__all__ = ["Document", "Extraction", "PAGE_BREAK"]

#: Between the pages of a PDF's text: a span's page is 1 + the page breaks before it.
PAGE_BREAK = "\f"


@dataclass(frozen=True)
class Document:
    """One article: ``text`` is what the index stores and what every offset indexes.

    ``published`` is an ISO date (``YYYY-MM-DD``) or None; ``record`` names the article inside
    a multi-article file (its id field or its line/row number), None for a one-article file;
    ``paged`` is True when ``text`` holds :data:`PAGE_BREAK` between pages (PDFs).
    """

    text: str
    title: str = ""
    published: str | None = None
    publisher: str = ""
    author: str = ""
    url: str = ""
    record: str | None = None
    paged: bool = False

    def content_hash(self) -> str:
        """A hash of the text and metadata: a changed record has another one."""
        return hashlib.sha256(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass
class Extraction:
    """The articles read from one file and, for multi-article files, the records that could not
    be read (``(where, reason)``, where = ``file: line N`` or ``file [record]``) and, in archives, the
    members skipped for their type."""

    documents: list[Document] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: Records named in ``problems`` whose id is known (a stored version of them is kept).
    failed_records: list[str] = field(default_factory=list)
    #: False when some record could not even be told apart (a line that does not parse): then
    #: no stored article of the file is dropped for being absent.
    complete: bool = True
