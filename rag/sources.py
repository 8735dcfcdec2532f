"""Reading an ingested article back, safely: only files the index lists, only inside their folder.

The chat's source reader goes through :func:`read_source`; a crafted name (``../``, an
absolute path, a symbolic link leading out of the ingested folder, a file never ingested)
is refused with :class:`SourceRefused`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingest.documents import extract, read_bytes
from ingest.errors import SanadError
from ingest.formats.records import DEFAULT_FIELDS, Fields
from ingest.loader import ArticleError
from ingest.manifest import FileRecord

__all__ = ["SourceRefused", "SourceText", "read_source"]

_DRIVE = re.compile(r"^[A-Za-z]:")  # a Windows absolute path


class SourceRefused(SanadError, ValueError):
    """The requested file is not an ingested article inside the corpus (the message names it)."""


@dataclass(frozen=True)
class SourceText:
    """An ingested article as the index read it: ``text[start:end]`` matches its citations.

    ``text`` is the extracted text (a page's main text, a PDF's text layer, a record's text);
    ``record`` names the article inside a multi-article file; ``article`` is its manifest entry
    (headline, date, outlet, author, URL).
    """

    file: str
    root: str
    text: str
    changed: bool  # the file on disk differs from the ingested version (offsets may be stale)
    record: str | None = None
    article: FileRecord | None = None


def read_source(
    records: Iterable[FileRecord],
    file: str,
    root: str | None = None,
    *,
    record: str | None = None,
    fields: Fields = DEFAULT_FIELDS,
) -> SourceText:
    """Read ``file`` (relative to its ingested folder, as citations name it) if the index lists it;
    ``record`` picks the article of a multi-article file (its first one when not given).

    Raises:
        SourceRefused: ``file`` is absolute, climbs out with ``..``, is not in ``records``,
            resolves (through a link) outside its folder, or can no longer be read.
    """
    parts = PurePosixPath(file.replace("\\", "/")).parts
    if not file or file.startswith(("/", "\\")) or Path(file).is_absolute() or ".." in parts or _DRIVE.match(file):
        raise SourceRefused(f"{file}: refused: not a file name inside the corpus")
    matches = [r for r in records if r.file == file and (root is None or r.root == root)]
    if record is not None:
        matches = [r for r in matches if r.record == record]
    if not matches:
        what = f"{file} [{record}]" if record is not None else file
        raise SourceRefused(f"{what}: refused: not an ingested article")
    entry = matches[0]
    folder = Path(entry.root).resolve()
    target = (folder / entry.file).resolve()
    if not target.is_relative_to(folder):
        raise SourceRefused(f"{file}: refused: it leads outside the corpus folder")
    try:
        raw = read_bytes(target)
        documents = extract(raw.data, str(target), fields)[0].documents
    except ArticleError as exc:
        raise SourceRefused(f"{file}: cannot be read now: {exc}") from exc
    found = next((d for d in documents if d.record == entry.record), None)
    if found is None:
        raise SourceRefused(f"{entry.name}: cannot be read now: the record is no longer in the file")
    sha = raw.sha256 if entry.record is None else found.content_hash()
    return SourceText(
        file=entry.file,
        root=entry.root,
        text=found.text,
        changed=sha != entry.sha256,
        record=entry.record,
        article=entry,
    )
