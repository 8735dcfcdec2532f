"""The plain JSON door: ``POST /api/ask`` returns exactly the object ``sanad ask --json`` prints,
``POST /api/timeline`` the one ``sanad timeline --json`` prints; ``POST /api/feedback`` keeps an
analyst's judgement of an answer, ``GET /api/feedback`` lists the gold items the judgements make
(:mod:`rag.gold.feedback`); ``GET /api/status`` says how far the index is (``sanad status --json``'s object)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.gold.feedback import MAX_CORRECTION_CHARS, Judgement
from rag.questions import MAX_QUESTION_CHARS, QuestionRefused
from ui.api.guard import MAX_HISTORY_MESSAGES, AnswerSlots, FilterFields, SlotsFull, answer_failure, error_body
from ui.api.replies import history_turns

__all__ = ["AskRequest", "FeedbackRequest", "TimelineRequest", "rest_router"]


class AskRequest(FilterFields):
    """A question, with the chat's earlier turns (``{"role", "content"}``) when it may be a follow-up,
    and optional ``since``/``until``/``publishers`` filters."""

    question: str = Field(..., max_length=MAX_QUESTION_CHARS)
    history: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_HISTORY_MESSAGES)
    top_k: int | None = Field(None, ge=1, le=50)
    mode: str | None = Field(None, pattern="^(extractive|llm)$")


class TimelineRequest(FilterFields):
    """A subject (``"سيول جدة"``), with optional ``since``/``until``/``publishers`` filters and the most
    articles to list (default ``timeline.max_articles``)."""

    subject: str = Field(..., max_length=MAX_QUESTION_CHARS)
    max_articles: int | None = Field(None, ge=1, le=200)


class FeedbackRequest(BaseModel):
    """A judgement of an answer ``/api/ask`` (or any door) gave: the question, the answer as given
    (``answer``, ``found``, ``citations`` as in ``ask --json``), 👍 ``up`` or 👎 ``down``, and with
    ``down`` the right answer or ``not_in_articles``."""

    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: str = Field("", max_length=20_000)
    found: bool
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    verdict: Literal["up", "down"]
    correct_answer: str | None = Field(None, max_length=MAX_CORRECTION_CHARS)
    not_in_articles: bool = False
    standalone_question: str | None = Field(None, max_length=MAX_QUESTION_CHARS * 2)


def rest_router(assistant: Assistant, slots: AnswerSlots) -> APIRouter:
    """The ``/api`` routes over ``assistant``; answers share ``slots`` with the other API doors."""
    router = APIRouter(prefix="/api")

    @router.post("/ask", response_model=None)
    async def ask(request: AskRequest) -> JSONResponse:
        def answer() -> dict[str, Any]:
            filters = request.filters()
            with slots.hold():
                reply = assistant.ask(
                    request.question,
                    history_turns(request.history),
                    top_k=request.top_k,
                    mode=request.mode,
                    filters=filters,
                )
            return reply.to_dict()

        try:
            return JSONResponse(await run_in_threadpool(answer))
        except (SlotsFull, SanadError) as exc:
            status, body = answer_failure(exc)
            return JSONResponse(body, status_code=status)

    @router.post("/timeline", response_model=None)
    async def timeline(request: TimelineRequest) -> JSONResponse:
        def gather() -> dict[str, Any]:
            filters = request.filters()
            with slots.hold():
                return assistant.timeline(request.subject, filters=filters, max_articles=request.max_articles).to_dict()

        try:
            return JSONResponse(await run_in_threadpool(gather))
        except QuestionRefused as exc:  # an empty subject, or one in a script Sanad does not read
            return JSONResponse(error_body(str(exc), param="subject"), status_code=400)
        except (SlotsFull, SanadError) as exc:
            status, body = answer_failure(exc)
            return JSONResponse(body, status_code=status)

    @router.post("/feedback", response_model=None)
    async def feedback(request: FeedbackRequest) -> JSONResponse:
        try:
            judgement = Judgement(**request.model_dump())
        except SanadError as exc:  # contradictory: a correction with 👍, or with "not in the articles"
            return JSONResponse(error_body(str(exc)), status_code=400)
        try:
            line = await run_in_threadpool(assistant.judge, judgement)
        except SanadError as exc:  # the judgements file cannot be written
            return JSONResponse(error_body(str(exc), "server_error"), status_code=503)
        return JSONResponse({key: line[key] for key in ("id", "gold", "answers", "source")})

    @router.get("/feedback", response_model=None)
    async def gold() -> JSONResponse:
        try:
            items = await run_in_threadpool(assistant.feedback.gold_items)
        except SanadError as exc:
            return JSONResponse(error_body(str(exc), "server_error"), status_code=503)
        return JSONResponse({"path": str(assistant.feedback.path), "gold": [vars(item) for item in items]})

    @router.get("/status", response_model=None)
    async def status() -> JSONResponse:
        try:
            got = await run_in_threadpool(assistant.reader.status)
        except SanadError as exc:
            return JSONResponse(error_body(str(exc), "server_error"), status_code=503)
        return JSONResponse({**got.to_dict(), "line": got.line()})

    return router
