"""Word documents: paragraphs in order (python-docx), title/author/date from the document properties."""

from __future__ import annotations

import io
import zipfile

from ingest.formats.dates import iso_date
from ingest.formats.document import Document
from ingest.loader import ArticleError

__all__ = ["read_docx"]


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
    return Document(
        text="\n".join(paragraphs),
        title=(props.title or "").strip(),
        author=(props.author or "").strip(),
        published=iso_date(props.created) if props.created else None,
    )
