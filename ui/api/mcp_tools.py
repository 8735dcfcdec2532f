"""The MCP door (official ``mcp`` SDK): tools ``ask``, ``search``, ``timeline``, ``read_source`` and
``index_status`` over one assistant.

Served over streamable HTTP at ``/mcp`` by ``sanad serve`` and over stdio by ``sanad mcp``.
Inputs are typed; outputs are structured (a JSON schema per tool) and also sent as JSON text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ConfigDict, Field

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.questions import MAX_QUESTION_CHARS
from rag.types import SearchFilters
from ui.api.guard import MAX_HISTORY_MESSAGES, AnswerSlots, SlotsFull

__all__ = [
    "AskResult",
    "CitationOut",
    "PassageOut",
    "SearchResult",
    "SourceOut",
    "StatusOut",
    "TimelineItemOut",
    "TimelineResult",
    "Turn",
    "build_mcp",
]

INSTRUCTIONS = (
    "Sanad answers questions about an archive of Arabic news articles, quoting the exact passages it rests on. "
    "Use `ask` for an answer with citations (found=false means the articles do not hold it: say so, do not guess), "
    "`search` for passages only, `timeline` for every article about a subject (one quote each, by date), "
    "and `read_source` to open a cited file; a citation's text is "
    "read_source(file).text[start:end]."
)


class Turn(BaseModel):
    """An earlier turn of the conversation."""

    role: Literal["user", "assistant"]
    content: str


class CitationOut(BaseModel):
    """Source ``[n]``: ``text`` is the file's ``start..end``; ``focus`` the clause holding the answer."""

    model_config = ConfigDict(extra="allow")  # and whatever else ``sanad ask --json`` carries
    n: int
    file: str
    start: int
    end: int
    text: str
    focus_start: int | None = None
    focus_end: int | None = None
    focus: str | None = None


class AskResult(BaseModel):
    """An answer: ``found`` is false when the articles do not contain it."""

    answer: str
    found: bool
    outcome: str = Field(
        "answered",
        description="answered; partial (the articles are about the subject but do not state what was asked: "
        "`missing`); or not_found.",
    )
    kind: str | None = Field(None, description="The question's kind: factoid, broad, why or yesno.")
    missing: str | None = Field(None, description="For a partial answer: what was asked and is not in the articles.")
    confidence: float
    citations: list[CitationOut]
    nearest: list[CitationOut] = Field(
        default_factory=list,
        description="Under a partial answer or not_found: the closest passages (where to look, not an answer).",
    )
    standalone_question: str | None = Field(None, description="What was searched when the question was a follow-up.")
    items: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The distinct answers: text, the citation numbers stating it, confidence, value and key.",
    )
    corroboration: dict[str, Any] | None = Field(
        None, description="For a number, date or name: verdict agree/differ, summary, and each value's citations."
    )


class PassageOut(BaseModel):
    """A retrieved passage: ``text`` is the file's ``start..end``."""

    model_config = ConfigDict(extra="allow")
    file: str
    title: str
    start: int
    end: int
    text: str
    score: float


class SearchResult(BaseModel):
    """Passages in rank order."""

    passages: list[PassageOut]


class TimelineItemOut(CitationOut):
    """An article about the subject: its quote (a citation), ``relevance``, and ``also``, the copies of the
    same story other outlets printed."""

    relevance: float
    also: list[CitationOut] = Field(default_factory=list)


class TimelineResult(BaseModel):
    """The articles about ``subject``: dated ones by date, then the ``undated`` ones."""

    subject: str
    items: list[TimelineItemOut]
    undated: int


class SourceOut(BaseModel):
    """An ingested article as the index read it (what citations index into)."""

    file: str
    record: str | None = None
    text: str
    changed: bool = Field(description="The file on disk differs from the ingested version (offsets may be stale).")


class StatusOut(BaseModel):
    """How far the index is: every article is searchable by its words once ingested; vectors fill in behind."""

    line: str = Field(description="One line for people, e.g. 'vectors 42 % — the rest is searched by its words'.")
    articles: int
    searchable: int
    articles_with_vectors: int
    vectors_done: int = Field(description="Chunks with vectors.")
    vectors_total: int = Field(description="All chunks.")
    percent: float
    filling: bool = Field(description="The vector stage runs now.")
    rate: float | None = Field(description="Chunks stored per second by the running (or last) vector stage.")
    eta_seconds: float | None
    last_error: str | None
    updated: float | None = Field(description="When the vector stage last saved its progress (Unix time).")


Since = Annotated[str | None, Field(description="Only articles published on or after this day (YYYY-MM-DD).")]
Until = Annotated[str | None, Field(description="Only articles published on or before this day (YYYY-MM-DD).")]
Publishers = Annotated[list[str] | None, Field(max_length=50, description="Only these outlets (any case).")]


def _filters(since: str | None, until: str | None, publishers: list[str] | None) -> SearchFilters | None:
    parsed = SearchFilters.parse(since, until, publishers or ())
    return parsed if parsed.active else None


@contextmanager
def _told() -> Iterator[None]:
    """Sanad's own errors (refused file, empty index, busy) reach the client with their message."""
    try:
        yield
    except (SanadError, SlotsFull) as exc:
        raise ToolError(str(exc)) from exc


def build_mcp(assistant: Assistant, slots: AnswerSlots) -> MCPServer:
    """An MCP server with Sanad's five tools; answers and searches share ``slots`` with the other doors."""
    server = MCPServer("sanad", instructions=INSTRUCTIONS)

    @server.tool()
    def ask(
        question: Annotated[str, Field(max_length=MAX_QUESTION_CHARS, description="Arabic or English.")],
        history: Annotated[
            list[Turn] | None, Field(max_length=MAX_HISTORY_MESSAGES, description="Earlier turns")
        ] = None,
        top_k: Annotated[int | None, Field(ge=1, le=50, description="Passages to retrieve.")] = None,
        since: Since = None,
        until: Until = None,
        publishers: Publishers = None,
    ) -> AskResult:
        """Answer a question from the articles, citing the exact passages used (optionally only from the
        articles of a period and/or outlets: then found=false means not in those articles)."""
        turns = [turn.model_dump() for turn in history or []]
        with _told():
            filters = _filters(since, until, publishers)
            with slots.hold():
                reply = assistant.ask(question, turns, top_k=top_k, filters=filters)
        return AskResult(
            answer=reply.answer,
            found=reply.found,
            outcome=reply.outcome,
            kind=reply.kind,
            missing=reply.missing,
            confidence=round(reply.confidence, 4),
            citations=[CitationOut(**c.to_dict()) for c in reply.citations],
            nearest=[CitationOut(**c.to_dict()) for c in reply.nearest],
            standalone_question=reply.standalone_question,
            items=[i.to_dict() for i in reply.items],
            corroboration=None if reply.corroboration is None else reply.corroboration.to_dict(),
        )

    @server.tool()
    def search(
        query: Annotated[str, Field(max_length=MAX_QUESTION_CHARS, description="What to look for.")],
        k: Annotated[int, Field(ge=1, le=50, description="Passages to return.")] = 5,
        since: Since = None,
        until: Until = None,
        publishers: Publishers = None,
    ) -> SearchResult:
        """The passages that best match ``query``, with their scores and offsets (no answer)."""
        with _told():
            filters = _filters(since, until, publishers)
            with slots.hold():
                passages = assistant.search(query, top_k=k, filters=filters)
        return SearchResult(passages=[PassageOut(**p.to_dict()) for p in passages])

    @server.tool()
    def timeline(
        subject: Annotated[str, Field(max_length=MAX_QUESTION_CHARS, description="What to follow, e.g. سيول جدة.")],
        max_articles: Annotated[int | None, Field(ge=1, le=200, description="Most articles to list.")] = None,
        since: Since = None,
        until: Until = None,
        publishers: Publishers = None,
    ) -> TimelineResult:
        """Every article about ``subject``, one quoted sentence each, in date order (undated ones last);
        copies of one story are one item, the others in ``also``."""
        with _told():
            filters = _filters(since, until, publishers)
            with slots.hold():
                got = assistant.timeline(subject, filters=filters, max_articles=max_articles).to_dict()
        return TimelineResult(**{key: got[key] for key in ("subject", "items", "undated")})

    @server.tool()
    def read_source(
        file: Annotated[str, Field(description="A citation's file name.")],
        record: Annotated[str | None, Field(description="A citation's record (an article inside an export).")] = None,
    ) -> SourceOut:
        """The extracted text of an ingested article (what citations index into); names outside the
        corpus are refused."""
        with _told():
            source = assistant.read_source(file, record=record)
        return SourceOut(file=source.file, record=source.record, text=source.text, changed=source.changed)

    @server.tool()
    def index_status() -> StatusOut:
        """How far the index is: articles searchable, vectors done/total (the rest is searched by its
        words), the vector stage's rate, ETA and last error."""
        with _told():
            status = assistant.reader.status()
        return StatusOut(line=status.line(), **status.to_dict())

    return server
