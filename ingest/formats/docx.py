"""Word documents: paragraphs in order (python-docx), title/author/date from the document properties."""

from __future__ import annotations

import io
import zipfile

from ingest.formats.dates import iso_date
from ingest.formats.document import Document
from ingest.loader import ArticleError

__all__ = ["read_docx"]

#: What python-docx's own template says when a document's properties were never set (its
#: author and the template's creation time): not the article's author or date.
_TEMPLATE_AUTHOR, _TEMPLATE_CREATED = "python-docx", "2013-12-23T23:15:00"


def read_docx(data: bytes, name: str) -> Document:
    """The paragraphs' text (one per line, empty ones dropped) and the core properties.

    Raises:
        ArticleError: not a zip / not a Word document, or no text in it.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ArticleError(f"{name}: not a Word document (.docx is a zip package): {exc}") from None
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        raise ArticleError(f"{name}: no text in the document")
    props = document.core_properties
    created = props.created
    if created is not None and created.strftime("%Y-%m-%dT%H:%M:%S") == _TEMPLATE_CREATED:
        created = None
    author = (props.author or "").strip()
    return Document(
        text="\n".join(paragraphs),
        title=(props.title or "").strip(),
        author="" if author == _TEMPLATE_AUTHOR else author,
        published=iso_date(created) if created else None,
    )
