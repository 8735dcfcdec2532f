"""Where SaudiNewsNet is (read beside the project, never copied into it: CC BY-NC-SA) and how its daily
zips are read: one JSON list of ``{source, url, date_extracted, title, author, content}`` each."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Looked in, in order: ``$SANAD_SAUDINEWSNET_DIR``, ``../shared/data/saudinewsnet`` beside the project.
CANDIDATES = [
    os.environ.get("SANAD_SAUDINEWSNET_DIR", ""),
    str(ROOT.parent / "shared" / "data" / "saudinewsnet"),
    "/work/shared/data/saudinewsnet",
]


def find_dataset(day: str | None = None) -> Path | None:
    """The first candidate folder holding daily zips (``day``, e.g. ``2015-07-21.zip``, when given), or None."""
    for candidate in CANDIDATES:
        folder = Path(candidate) if candidate else None
        if folder is not None and ((folder / day).is_file() if day else any(folder.glob("*.zip"))):
            return folder
    return None


def read_zip(path: Path) -> list[dict[str, Any]]:
    """The articles of one daily zip, in file order."""
    with zipfile.ZipFile(path) as archive:
        out: list[dict[str, Any]] = []
        for member in sorted(m for m in archive.namelist() if m.endswith(".json")):
            out += json.loads(archive.read(member))
        return out


def iter_articles(folder: Path) -> Iterator[dict[str, Any]]:
    """Every article of every daily zip in ``folder``, in file-name (date) order."""
    for path in sorted(folder.glob("*.zip")):
        yield from read_zip(path)
