"""Saved web pages: the article's main text and metadata, by trafilatura (no menus, boxes, footers, scripts)."""

from __future__ import annotations

from ingest.formats.dates import iso_date
from ingest.formats.document import Document
from ingest.loader import ArticleError, decode_article

__all__ = ["read_html"]


def read_html(data: bytes, name: str) -> Document:
    """The main text of a news page with its headline, date, site name, author and canonical URL.

    Raises:
        ArticleError: not decodable, or no article text found in the page.
    """
    import trafilatura  # imported when a page is read: it loads lxml and its models

    text, _ = decode_article(data, name)
    found = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, favor_precision=True)
    body = (getattr(found, "text", None) or "").strip()
    if not body:
        raise ArticleError(f"{name}: no article text found in the page")
    return Document(
        text=body,
        title=(found.title or "").strip(),
        published=iso_date(found.date),
        publisher=(found.sitename or "").strip(),
        author=(found.author or "").strip(),
        url=(found.url or "").strip(),
    )
