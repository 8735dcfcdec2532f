"""The typed results of Sanad's query API."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Answer", "Citation", "Passage"]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: ``text == file_text[start:end]`` of ``root/file``."""

    chunk_id: str
    file: str
    root: str
    start: int
    end: int
    text: str
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``retrieved`` entry of ``sanad ask --json``."""
        return {
            "file": self.file,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 6),
            "lexical_score": None if self.lexical_score is None else round(self.lexical_score, 6),
            "chunk_id": self.chunk_id,
        }


@dataclass(frozen=True)
class Citation:
    """Source ``[n]`` of an answer: an exact span of a file (``text == file_text[start:end]``).

    ``focus`` is the clause of ``text`` that holds the answer (``focus == file_text[focus_start:focus_end]``,
    inside ``start..end``); the whole span when no shorter clause was chosen.
    """

    n: int
    file: str
    root: str
    start: int
    end: int
    text: str
    passage_start: int
    passage_end: int
    focus_start: int | None = None
    focus_end: int | None = None
    focus: str | None = None

    def __post_init__(self) -> None:
        if self.focus is None:  # no clause chosen: the focus is the whole span
            object.__setattr__(self, "focus_start", self.start)
            object.__setattr__(self, "focus_end", self.end)
            object.__setattr__(self, "focus", self.text)

    def to_dict(self) -> dict[str, Any]:
        """The ``citations`` entry of ``sanad ask --json``."""
        return {
            "n": self.n,
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "passage_start": self.passage_start,
            "passage_end": self.passage_end,
            "focus_start": self.focus_start,
            "focus_end": self.focus_end,
            "focus": self.focus,
        }

    @classmethod
    def quoting(
        cls, n: int, passage: Passage, start: int | None = None, end: int | None = None, text: str | None = None
    ) -> Citation:
        """Source ``n``: the span ``start..end`` (``text``) of ``passage``'s file; the whole passage by default."""
        return cls(
            n=n,
            file=passage.file,
            root=passage.root,
            start=passage.start if start is None else start,
            end=passage.end if end is None else end,
            text=passage.text if text is None else text,
            passage_start=passage.start,
            passage_end=passage.end,
        )

    def focused(self, start: int, end: int, text: str) -> Citation:
        """This citation with its focus on ``text`` (the file's ``start..end``, inside the span)."""
        if not (self.start <= start <= end <= self.end):
            raise ValueError(f"focus {start}..{end} is outside the cited span {self.start}..{self.end}")
        return replace(self, focus_start=start, focus_end=end, focus=text)


@dataclass
class Answer:
    """An answer with its sources; ``found`` is False when the articles do not hold it."""

    question: str
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[Passage] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    #: ``extractive`` (quoted sentences) or ``llm`` (a model's verified answer).
    mode: str = "extractive"
    #: What was searched for when the question was a follow-up rewritten from the chat history.
    standalone_question: str | None = None
    #: llm mode: model, tokens, tokens/s, and what verification removed, marked or dropped.
    generation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sanad ask --json``."""
        out = {
            "question": self.question,
            "answer": self.answer,
            "found": self.found,
            "mode": self.mode,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [p.to_dict() for p in self.retrieved],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.standalone_question is not None:
            out["standalone_question"] = self.standalone_question
        if self.generation is not None:
            out["generation"] = self.generation
        return out
