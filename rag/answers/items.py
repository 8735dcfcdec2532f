"""The parts of an answer that gathers several (issue 25): its distinct answers (:class:`AnswerItem`) and,
for an asked number, date or name, how many sources give each value (:class:`Corroboration`).
Re-exported by :mod:`rag.types`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["AnswerItem", "Corroboration", "ValueSources"]


@dataclass(frozen=True)
class AnswerItem:
    """One distinct answer of several (``Answer.items``): the sentence quoted for it (``text``, source
    ``citations[0]``), the other sources stating the same (``citations[1:]``), how sure the answer step is,
    and for a number, date or name question the ``value`` read in it as written and its normalised ``key``."""

    text: str
    citations: tuple[int, ...]
    confidence: float
    value: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """An ``items`` entry of ``sanad ask --json``."""
        return {
            "text": self.text,
            "citations": list(self.citations),
            "confidence": round(self.confidence, 4),
            "value": self.value,
            "key": self.key,
        }


@dataclass(frozen=True)
class ValueSources:
    """One value of a corroborated answer: as first written, its normalised ``key``, the ``citations``
    giving it, and how many distinct ``articles`` and ``outlets`` they are."""

    value: str
    key: str
    citations: tuple[int, ...]
    articles: int
    outlets: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "key": self.key,
            "citations": list(self.citations),
            "articles": self.articles,
            "outlets": self.outlets,
        }


@dataclass(frozen=True)
class Corroboration:
    """How many sources give each value of an asked number, date or name, most sources first
    (:mod:`rag.gather.corroborate`); ``summary`` says it in words ("2 sources agree, 1 differs")."""

    values: tuple[ValueSources, ...]
    summary: str

    @property
    def agree(self) -> bool:
        """True when every source gives the same value."""
        return len(self.values) == 1

    def to_dict(self) -> dict[str, Any]:
        """The ``corroboration`` object of ``sanad ask --json``."""
        return {
            "verdict": "agree" if self.agree else "differ",
            "summary": self.summary,
            "values": [v.to_dict() for v in self.values],
        }
