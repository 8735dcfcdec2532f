"""Gold files: questions with their answers and source, one JSON object per line.

``{"id", "question", "answers": [...], "source": file or null}``; ``source: null`` with ``answers: []``
means the articles do not contain the answer. Other fields are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SanadError

__all__ = ["GoldFileError", "GoldItem", "read_gold"]


class GoldFileError(SanadError, ValueError):
    """A gold file cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class GoldItem:
    """One gold question."""

    id: str
    question: str
    answers: list[str]
    source: str | None

    @property
    def answerable(self) -> bool:
        return bool(self.source) and bool(self.answers)


def read_gold(path: Path) -> list[GoldItem]:
    """Read a gold file.

    Raises:
        GoldFileError: the file cannot be read, or a line is not JSON or lacks a field (the message
            names file, line and field).
    """
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot read the gold file: {exc}") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{number}: not JSON: {exc}") from None
        for key in ("id", "question", "answers"):
            if key not in row:
                raise GoldFileError(f"{path}:{number}: missing field {key!r}")
        if not isinstance(row["answers"], list):
            raise GoldFileError(f"{path}:{number}: field 'answers' must be a list")
        items.append(
            GoldItem(str(row["id"]), str(row["question"]), [str(a) for a in row["answers"]], row.get("source"))
        )
    return items
