"""Gold files: questions with their answers and source, one JSON object per line.

``{"id", "question", "answers": [...], "source": file or null}``; ``answers: []`` means the articles
do not contain the answer; answers with ``source: null`` are answerable from any article (an analyst's
correction whose sentence was not found in the index). A line with ``"gold": false`` is a judgement
that names no answer (a bare 👎) and is skipped; a later line with an earlier line's ``id`` replaces it
(an analyst who judged a question again). Other fields are ignored.

An analyst question set (``eval/analyst.jsonl``, issue 30) adds ``expect`` — the outcome a right answer has:
``answered``, ``partial`` (the subject is in the articles, the asked fact is not) or ``not_found`` — the
question's ``kind`` (``factoid``, ``broad``, ``why``, ``yesno``), its ``form`` (``standard``, ``dialect``,
``english``), ``variant_of`` (the standard question a dialect or English one rephrases), ``split``
(``tune`` or ``heldout``) and ``sources`` (every article a broad question's brief may quote; urls or names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SanadError

__all__ = ["EXPECTED", "GoldFileError", "GoldItem", "read_gold"]

#: The outcomes a gold question may expect (:data:`rag.types.OUTCOMES`).
EXPECTED = ("answered", "partial", "not_found")


class GoldFileError(SanadError, ValueError):
    """A gold file cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class GoldItem:
    """One gold question."""

    id: str
    question: str
    answers: list[str]
    source: str | None
    expect: str | None = None
    kind: str | None = None
    form: str | None = None
    variant_of: str | None = None
    split: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


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
    items: dict[str, GoldItem] = {}
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
        if row.get("gold", True) is False:
            items.pop(str(row["id"]), None)  # judged again, without an answer: the earlier gold goes too
            continue
        expect = row.get("expect")
        if expect is not None and expect not in EXPECTED:
            raise GoldFileError(f"{path}:{number}: field 'expect' must be one of {', '.join(EXPECTED)}, not {expect!r}")
        items.pop(str(row["id"]), None)  # a later judgement of the same question takes the last place
        source = row.get("source") or None
        items[str(row["id"])] = GoldItem(
            str(row["id"]),
            str(row["question"]),
            [str(a) for a in row["answers"]],
            source,
            expect=expect,
            kind=row.get("kind"),
            form=row.get("form"),
            variant_of=row.get("variant_of"),
            split=row.get("split"),
            sources=tuple(str(s) for s in row.get("sources") or ([source] if source else [])),
        )
    return list(items.values())
