"""Any supported file to its articles: the format is chosen by the file's extension.

``.txt``/``.md`` plain text, ``.html``/``.htm`` saved pages, ``.pdf``, ``.docx``, and exports
with one article per record (``.json``, ``.jsonl``, ``.csv``, and ``.zip`` archives of them).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ingest.formats.document import Document, Extraction
from ingest.formats.docx import read_docx
from ingest.formats.html import read_html
from ingest.formats.pdf import read_pdf
from ingest.formats.records import DEFAULT_FIELDS, Fields, read_csv, read_json, read_jsonl
from ingest.formats.text import read_text
from ingest.loader import MAX_FILE_BYTES, ArticleError, read_bounded

__all__ = ["MAX_EXPORT_BYTES", "SUPPORTED_EXTENSIONS", "FileBytes", "extract", "is_single", "read_bytes"]

#: Largest PDF, export or archive read (exports hold thousands of articles; PDFs carry images).
MAX_EXPORT_BYTES = 256 * 1024 * 1024
_ONE = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
_MANY = {".json", ".jsonl", ".ndjson", ".csv"}
#: Every extension Sanad reads.
SUPPORTED_EXTENSIONS = (*sorted(_ONE), *sorted(_MANY), ".zip")


@dataclass(frozen=True)
class FileBytes:
    """A file's bytes and their hash (one read: the hash is of the bytes extracted)."""

    data: bytes
    sha256: str


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> FileBytes:
    """Read ``path`` (PDFs, exports and archives up to :data:`MAX_EXPORT_BYTES`, others ``max_bytes``).

    Raises:
        ArticleError: unreadable or too large (the message names the file).
    """
    suffix = path.suffix.lower()
    limit = max(max_bytes, MAX_EXPORT_BYTES) if suffix in {*_MANY, ".zip", ".pdf"} else max_bytes
    data = read_bounded(path, limit)
    return FileBytes(data=data, sha256=hashlib.sha256(data).hexdigest())


def extract(data: bytes, name: str, fields: Fields = DEFAULT_FIELDS) -> tuple[Extraction, str]:
    """The articles in a file's bytes (``name`` gives the format and names it in errors) and the
    text encoding (``"utf-8"`` for formats that are not plain text).

    Raises:
        ArticleError: the whole file cannot be read (damaged, encrypted, empty, no text, unsupported).
    """
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in {".txt", ".md"}:
        document, encoding = read_text(data, name)
        return Extraction([document]), encoding
    readers = {".html": read_html, ".htm": read_html, ".pdf": read_pdf, ".docx": read_docx}
    if suffix in readers:
        return Extraction([readers[suffix](data, name)]), "utf-8"
    many = {".json": read_json, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv}
    if suffix in many:
        return many[suffix](data, name, fields), "utf-8"
    if suffix == ".zip":
        return _read_zip(data, name, fields), "utf-8"
    raise ArticleError(f"{name}: unsupported type ({suffix or 'no extension'})")


def _read_zip(data: bytes, name: str, fields: Fields) -> Extraction:
    """Every supported member of a zip archive; records are named ``member:record``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            m for m in archive.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")
        ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArticleError(f"{name}: not a readable zip archive ({exc})") from None
    if sum(m.file_size for m in members) > MAX_EXPORT_BYTES:
        raise ArticleError(f"{name}: unpacks to over {MAX_EXPORT_BYTES / 2**20:.0f} MiB; split the archive")
    out = Extraction()
    for member in members:
        inner = f"{name}/{member.filename}"
        suffix = PurePosixPath(member.filename).suffix.lower()
        if suffix not in _ONE | _MANY:
            out.skipped.append((inner, "unsupported type"))
            continue
        try:
            found, _ = extract(archive.read(member), inner, fields)
        except (ArticleError, zipfile.BadZipFile, OSError, EOFError) as exc:
            out.problems.append((inner, str(exc).removeprefix(f"{inner}: ")))
            out.complete = False
            continue
        for document in found.documents:
            record = member.filename if document.record is None else f"{member.filename}:{document.record}"
            out.documents.append(replace(document, record=record))
        out.problems.extend(found.problems)
        out.failed_records.extend(f"{member.filename}:{r}" for r in found.failed_records)
        out.complete = out.complete and found.complete
    if not out.documents and not out.problems and not out.skipped:
        raise ArticleError(f"{name}: empty archive")
    return out


def is_single(document: Document) -> bool:
    """True for the one article of a one-article file (no record name)."""
    return document.record is None
