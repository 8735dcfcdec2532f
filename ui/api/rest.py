"""The plain JSON door: ``POST /api/ask`` returns exactly the object ``sanad ask --json`` prints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.questions import MAX_QUESTION_CHARS
from ui.api.guard import MAX_HISTORY_MESSAGES, AnswerSlots, FilterFields, SlotsFull, answer_failure
from ui.api.replies import history_turns

__all__ = ["AskRequest", "rest_router"]


class AskRequest(FilterFields):
    """A question, with the chat's earlier turns (``{"role", "content"}``) when it may be a follow-up,
    and optional ``since``/``until``/``publishers`` filters."""

    question: str = Field(..., max_length=MAX_QUESTION_CHARS)
    history: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_HISTORY_MESSAGES)
    top_k: int | None = Field(None, ge=1, le=50)
    mode: str | None = Field(None, pattern="^(extractive|llm)$")


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

    return router
