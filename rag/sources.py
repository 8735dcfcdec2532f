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

from ingest.errors import SanadError
from ingest.loader import ArticleError, read_article
from ingest.manifest import FileRecord

__all__ = ["SourceRefused", "SourceText", "read_source"]

_DRIVE = re.compile(r"^[A-Za-z]:")  # a Windows absolute path


class SourceRefused(SanadError, ValueError):
    """The requested file is not an ingested article inside the corpus (the message names it)."""


@dataclass(frozen=True)
class SourceText:
    """An ingested article as the index read it: ``text[start:end]`` matches its citations."""

    file: str
    root: str
    text: str
    changed: bool  # the file on disk differs from the ingested version (offsets may be stale)


def read_source(records: Iterable[FileRecord], file: str, root: str | None = None) -> SourceText:
    """Read ``file`` (relative to its ingested folder, as citations name it) if the index lists it.

    Raises:
        SourceRefused: ``file`` is absolute, climbs out with ``..``, is not in ``records``,
            resolves (through a link) outside its folder, or can no longer be read.
    """
    parts = PurePosixPath(file.replace("\\", "/")).parts
    if not file or file.startswith(("/", "\\")) or Path(file).is_absolute() or ".." in parts or _DRIVE.match(file):
        raise SourceRefused(f"{file}: refused: not a file name inside the corpus")
    matches = [r for r in records if r.file == file and (root is None or r.root == root)]
    if not matches:
        raise SourceRefused(f"{file}: refused: not an ingested article")
    record = matches[0]
    folder = Path(record.root).resolve()
    target = (folder / record.file).resolve()
    if not target.is_relative_to(folder):
        raise SourceRefused(f"{file}: refused: it leads outside the corpus folder")
    try:
        article = read_article(target)
    except ArticleError as exc:
        raise SourceRefused(f"{file}: cannot be read now: {exc}") from exc
    return SourceText(file=record.file, root=record.root, text=article.text, changed=article.sha256 != record.sha256)
