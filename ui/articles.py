"""How an article is named in the chat and the Sources view: headline · outlet · date, and the rest."""

from __future__ import annotations

import html

from ingest.manifest import FileRecord
from rag.types import Citation

__all__ = ["about_article", "format_size", "meta_html", "source_choice", "sources_rows"]


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def about_article(title: str | None, publisher: str | None, published: str | None) -> str:
    """Headline · outlet · date, the parts known (``""`` when none is). ``title`` is the headline, or
    the first words of an article without one."""
    return " · ".join(part for part in (title, publisher, published) if part)


def meta_html(citation: Citation, ar: bool) -> str:
    """Headline · outlet · date, author, page and link of the cited article (``""`` when none is known)."""
    parts = []
    about = about_article(citation.name, citation.publisher, citation.published)
    if about:
        parts.append(f'<p class="sanad-meta" dir="auto"><b>{_html(about)}</b></p>')
    extra = []
    if citation.author:
        extra.append(_html(citation.author))
    if citation.record:
        extra.append(f'{"السجل" if ar else "record"} <bdi dir="ltr">{_html(citation.record)}</bdi>')
    if citation.page:
        extra.append(f"{'صفحة' if ar else 'page'} {citation.page}")
    if citation.url:
        url = _html(citation.url)
        extra.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer" dir="ltr">{url}</a>')
    if extra:
        parts.append(f'<p class="sanad-byline" dir="auto">{" · ".join(extra)}</p>')
    return "".join(parts)


def source_choice(record: FileRecord) -> tuple[str, str]:
    """The Sources view's picker entry for an article: (label, value); the value is read back by
    :func:`ui.handlers.open_source` (``file`` or ``file`` + U+001F + ``record``)."""
    about = about_article(record.title or record.lead, record.publisher, record.published)
    value = record.file if record.record is None else f"{record.file}\x1f{record.record}"
    return (f"{about} — {record.name}" if about else record.name), value


def format_size(size: int) -> str:
    """A file size for people: bytes, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def sources_rows(records: list[FileRecord]) -> list[list[object]]:
    """One table row per ingested article: headline, outlet, date, file (and record), size, chunks,
    when ingested (UTC, to the minute)."""
    return [
        [r.title or r.lead, r.publisher, r.published or "", r.name, format_size(r.size), r.chunks]
        + [_minute(r.ingested_at)]
        for r in records
    ]


def _minute(stamp: str) -> str:
    return stamp.replace("T", " ")[:16]
