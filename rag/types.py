"""The typed results of Sanad's query API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ingest.errors import SanadError
from ingest.formats.document import PAGE_BREAK
from rag.answers.items import AnswerItem, Corroboration, ValueSources

__all__ = [
    "ARTICLE_FIELDS",
    "OUTCOMES",
    "Answer",
    "AnswerItem",
    "Citation",
    "Corroboration",
    "FilterError",
    "Passage",
    "SearchFilters",
    "ValueSources",
]


class FilterError(SanadError, ValueError):
    """A filter value cannot be read (the message names it)."""


@dataclass(frozen=True)
class SearchFilters:
    """Which articles a question is asked of: published ``since``..``until`` (inclusive; an undated
    article is outside any date range) by one of ``publishers`` (case-insensitive; any when empty)."""

    since: date | None = None
    until: date | None = None
    publishers: tuple[str, ...] = ()

    @classmethod
    def parse(cls, since: str | None = None, until: str | None = None, publishers: Sequence[str] = ()) -> SearchFilters:
        """Filters from text (``YYYY-MM-DD`` dates; empty values ignored).

        Raises:
            FilterError: a date is not ``YYYY-MM-DD``, or ``since`` is after ``until``.
        """

        def day(value: str | None, name: str) -> date | None:
            if value is None or not value.strip():
                return None
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise FilterError(f"{name} {value!r}: not a date (write YYYY-MM-DD)") from None

        out = cls(day(since, "since"), day(until, "until"), tuple(p.strip() for p in publishers if p and p.strip()))
        if out.since and out.until and out.since > out.until:
            raise FilterError(f"since {out.since} is after until {out.until}")
        return out

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.publishers)

    def describe(self, arabic: bool = True) -> str:
        """The filters in words (``"من 2012-03-01 إلى 2012-03-31، من sabq"``); ``""`` when none."""
        parts = []
        if self.since:
            parts.append(f"{'من' if arabic else 'from'} {self.since}")
        if self.until:
            parts.append(f"{'حتى' if arabic else 'until'} {self.until}")
        if self.publishers:
            parts.append(f"{'في' if arabic else 'in'} {(' أو ' if arabic else ' or ').join(self.publishers)}")
        return ("، " if arabic else ", ").join(parts)


#: The article attributes a passage and a citation carry (``None`` when unknown).
ARTICLE_FIELDS = ("title", "published", "publisher", "author", "url", "page", "record", "lead")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: ``text == source_text[start:end]``, the source being ``root/file``'s extracted
    text (the record ``record`` of it for a multi-article file).

    ``title`` is the article's headline (``lead`` its first words, when it has none); ``context`` the
    headline embedded with the chunk ("" when ``chunking.title_context`` is off); ``published`` is
    ``YYYY-MM-DD``; ``page`` the PDF page of ``start``.
    """

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
    context: str = ""
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    page: int | None = None
    record: str | None = None
    lead: str = ""

    @property
    def name(self) -> str:
        """The article's headline, else its first words (``lead``); ``""`` when neither is known."""
        return self.title or self.lead

    def page_at(self, offset: int) -> int | None:
        """The PDF page of the file offset ``offset`` (inside this passage); None when not paged."""
        if self.page is None:
            return None
        return self.page + self.text.count(PAGE_BREAK, 0, max(0, offset - self.start))

    def to_dict(self) -> dict[str, Any]:
        """The ``retrieved`` entry of ``sanad ask --json``."""
        return {
            "file": self.file,
            **{name: getattr(self, name) for name in ARTICLE_FIELDS},
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
    """Source ``[n]`` of an answer: an exact span of a source (``text == source_text[start:end]``, the
    text ``Assistant.read_source(file, record=record)`` returns), with its article's attributes.

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
    title: str = ""
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    page: int | None = None
    record: str | None = None
    lead: str = ""

    @property
    def name(self) -> str:
        """The article's headline, else its first words (``lead``); ``""`` when neither is known."""
        return self.title or self.lead

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
            **{name: getattr(self, name) for name in ARTICLE_FIELDS},
        }

    @classmethod
    def quoting(
        cls, n: int, passage: Passage, start: int | None = None, end: int | None = None, text: str | None = None
    ) -> Citation:
        """Source ``n``: the span ``start..end`` (``text``) of ``passage``'s file; the whole passage by default."""
        start = passage.start if start is None else start
        return cls(
            n=n,
            file=passage.file,
            root=passage.root,
            start=start,
            end=passage.end if end is None else end,
            text=passage.text if text is None else text,
            passage_start=passage.start,
            passage_end=passage.end,
            title=passage.title,
            published=passage.published,
            publisher=passage.publisher,
            author=passage.author,
            url=passage.url,
            page=passage.page_at(start),
            record=passage.record,
            lead=passage.lead,
        )

    def focused(self, start: int, end: int, text: str) -> Citation:
        """This citation with its focus on ``text`` (the file's ``start..end``, inside the span)."""
        if not (self.start <= start <= end <= self.end):
            raise ValueError(f"focus {start}..{end} is outside the cited span {self.start}..{self.end}")
        return replace(self, focus_start=start, focus_end=end, focus=text)


#: What an answer is: the asked thing quoted, the subject found but the asked fact not, or nothing about it.
OUTCOMES = ("answered", "partial", "not_found")


@dataclass
class Answer:
    """An answer with its sources; ``found`` is False when the articles do not hold it.

    ``outcome`` says which of :data:`OUTCOMES` it is (``partial``: the articles are about the question's
    subject but do not state what was asked, ``missing``); ``kind`` is the question's kind
    (:mod:`rag.answers.question`); ``nearest`` the passages closest to a question not answered, numbered
    after ``citations`` — where to look next, not an answer.
    """

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
    #: The distinct answers, each with every source that states it (one item for a single answer).
    items: list[AnswerItem] = field(default_factory=list)
    #: For a number, date or name asked: how many sources give each value (None when not read).
    corroboration: Corroboration | None = None
    #: ``answered``, ``partial`` or ``not_found`` (from ``found`` when not given).
    outcome: str = ""
    #: The question's kind: ``factoid``, ``broad``, ``why`` or ``yesno`` (None when it was not read).
    kind: str | None = None
    #: For a partial answer, what was asked and is not in the articles.
    missing: str | None = None
    #: Under a partial answer or a refusal: the closest passages, not presented as an answer.
    nearest: list[Citation] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.outcome:
            self.outcome = "answered" if self.found else "not_found"
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r}: expected one of {', '.join(OUTCOMES)}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sanad ask --json``."""
        out = {
            "question": self.question,
            "answer": self.answer,
            "found": self.found,
            "outcome": self.outcome,
            "kind": self.kind,
            "missing": self.missing,
            "mode": self.mode,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "items": [i.to_dict() for i in self.items],
            "corroboration": None if self.corroboration is None else self.corroboration.to_dict(),
            "nearest": [c.to_dict() for c in self.nearest],
            "retrieved": [p.to_dict() for p in self.retrieved],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.standalone_question is not None:
            out["standalone_question"] = self.standalone_question
        if self.generation is not None:
            out["generation"] = self.generation
        return out
