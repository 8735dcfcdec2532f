"""The OpenAI-compatible door: ``GET /v1/models`` and ``POST /v1/chat/completions`` (streamed or not).

The last user message is the question and the earlier ones its history. The reply's text carries
the ``[n]`` markers and ends with a numbered sources list (so plain clients show sources); the
response also carries a top-level ``citations`` array with the objects of ``sanad ask --json``
(in a stream: on the last chunk before ``data: [DONE]``), and a ``sanad`` object with ``found``,
``outcome`` (answered / partial / not_found), the question's ``kind``, ``missing`` (what a partial answer
lacks), ``nearest`` (the passages closest to a question not answered), ``confidence``, ``mode`` and
``standalone_question``. A question asking for a timeline («ما تسلسل الأحداث في …؟», "timeline of …") gets the
subject's timeline, as the chat does (``sanad.timeline``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.gather import Timeline, timeline_subject
from rag.questions import MAX_QUESTION_CHARS
from rag.types import Answer, FilterError, SearchFilters
from ui.api.guard import MAX_HISTORY_MESSAGES, AnswerSlots, FilterFields, SlotsFull, answer_failure, error_body
from ui.api.replies import (
    answer_with_sources,
    history_turns,
    sources_block,
    timeline_reply,
    verified_differs,
    verified_note,
)

__all__ = ["MODEL_ID", "ChatMessage", "ChatRequest", "openai_router"]

#: The one model this door serves: Sanad over the ingested articles, in ``answer.mode``.
MODEL_ID = "sanad"


class ChatMessage(BaseModel):
    """One message of an OpenAI chat request (text, or a list of content parts)."""

    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(FilterFields):
    """An OpenAI ``chat.completions`` request; sampling options are accepted and ignored. Sanad's own
    fields: ``top_k``, and ``since``/``until``/``publishers`` (only articles of that period and outlet)."""

    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[ChatMessage]
    stream: bool = False
    top_k: int | None = Field(None, ge=1, le=50, description="Sanad extension: passages to retrieve.")


def _error(status: int, message: str, kind: str = "invalid_request_error", code: str | None = None, param=None):
    return JSONResponse(error_body(message, kind, code, param), status_code=status)


def _question_and_history(request: ChatRequest) -> tuple[str, list[dict[str, str]]] | JSONResponse:
    if not request.messages:
        return _error(400, "messages is empty: send at least one user message", param="messages")
    *earlier, last = [m.model_dump() for m in request.messages]
    if last.get("role") != "user":
        return _error(400, "the last message must be the user's question", param="messages")
    question = history_turns([last])[0]["content"]
    if not question.strip():
        return _error(400, "the last user message has no text", param="messages")
    if len(question) > MAX_QUESTION_CHARS:
        return _error(400, f"question of {len(question)} characters: at most {MAX_QUESTION_CHARS}", code="too_long")
    if len(earlier) > MAX_HISTORY_MESSAGES:
        return _error(400, f"{len(earlier)} earlier messages: at most {MAX_HISTORY_MESSAGES}", param="messages")
    return question, history_turns(earlier)


def _extras(answer: Answer) -> dict[str, Any]:
    return {
        "citations": [c.to_dict() for c in answer.citations],
        "sanad": {
            "found": answer.found,
            "outcome": answer.outcome,
            "kind": answer.kind,
            "missing": answer.missing,
            "nearest": [c.to_dict() for c in answer.nearest],
            "confidence": round(answer.confidence, 4),
            "mode": answer.mode,
            "standalone_question": answer.standalone_question,
            "items": [i.to_dict() for i in answer.items],
            "corroboration": None if answer.corroboration is None else answer.corroboration.to_dict(),
        },
    }


def _chunk(cid: str, created: int, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
    body = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def openai_router(assistant: Assistant, slots: AnswerSlots) -> APIRouter:
    """The ``/v1`` routes over ``assistant``; answers share ``slots`` with the other API doors."""
    router = APIRouter(prefix="/v1")

    @router.get("/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "sanad"}]}

    @router.post("/chat/completions", response_model=None)
    async def chat_completions(request: ChatRequest) -> JSONResponse | StreamingResponse:
        if request.model != MODEL_ID:
            return _error(404, f"model {request.model!r} does not exist: use {MODEL_ID!r}", code="model_not_found")
        parsed = _question_and_history(request)
        if isinstance(parsed, JSONResponse):
            return parsed
        question, history = parsed
        try:
            filters = request.filters()
        except FilterError as exc:
            return _error(400, str(exc), param="since/until")
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        subject = timeline_subject(question)
        if subject is not None:  # «ما تسلسل الأحداث في …؟»: the subject's timeline, as the chat gives it
            return await _timeline(assistant, slots, subject, filters, (cid, created, request.stream))
        if request.stream:
            if slots.full:
                status, body = answer_failure(SlotsFull("busy: every answer slot is taken; retry later"))
                return JSONResponse(body, status_code=status)
            events = _stream(assistant, slots, (question, history, request.top_k, filters), cid, created)
            return StreamingResponse(events, media_type="text/event-stream", headers={"cache-control": "no-cache"})

        def answer() -> Answer:
            with slots.hold():
                return assistant.ask(question, history, top_k=request.top_k, filters=filters)

        try:
            reply = await run_in_threadpool(answer)
        except (SlotsFull, SanadError) as exc:
            status, body = answer_failure(exc)
            return JSONResponse(body, status_code=status)
        message = {"role": "assistant", "content": answer_with_sources(reply)}
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": MODEL_ID,
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                **_extras(reply),
            }
        )

    return router


async def _timeline(
    assistant: Assistant,
    slots: AnswerSlots,
    subject: str,
    filters: SearchFilters | None,
    reply: tuple[str, int, bool],
) -> JSONResponse | StreamingResponse:
    """The timeline of ``subject`` as a completion (or a stream of one piece): the text of
    :func:`ui.api.replies.timeline_reply`, each item's citation in ``citations`` and the whole
    ``sanad timeline --json`` object in ``sanad.timeline``."""
    cid, created, stream = reply

    def build() -> Timeline:
        with slots.hold():
            return assistant.timeline(subject, filters=filters)

    try:
        timeline = await run_in_threadpool(build)
    except (SlotsFull, SanadError) as exc:
        status, body = answer_failure(exc)
        return JSONResponse(body, status_code=status)
    text = timeline_reply(timeline)
    extras = {
        "citations": [item.citation.to_dict() for item in timeline.items],
        "sanad": {"found": bool(timeline.items), "timeline": timeline.to_dict()},
    }
    if stream:
        events = [
            _chunk(cid, created, {"role": "assistant", "content": ""}),
            _chunk(cid, created, {"content": text}),
            _chunk(cid, created, {}, "stop", **extras),
            "data: [DONE]\n\n",
        ]
        return StreamingResponse(iter(events), media_type="text/event-stream", headers={"cache-control": "no-cache"})
    message = {"role": "assistant", "content": text}
    choice = {"index": 0, "message": message, "finish_reason": "stop"}
    body = {"id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID, "choices": [choice]}
    return JSONResponse({**body, **extras})


def _stream(
    assistant: Assistant,
    slots: AnswerSlots,
    asked: tuple[str, list[dict[str, str]], int | None, SearchFilters | None],
    cid: str,
    created: int,
) -> Iterator[str]:
    """Server-sent events: the role, the answer's pieces, its sources, the final chunk with citations, [DONE]."""
    question, history, top_k, filters = asked
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    try:
        with slots.hold():
            shown = ""
            for piece in assistant.stream(question, history, top_k=top_k, filters=filters):
                if isinstance(piece, Answer):
                    tail = verified_note(piece) if verified_differs(shown, piece) else ""
                    yield _chunk(cid, created, {"content": tail + sources_block(piece)})
                    yield _chunk(cid, created, {}, "stop", **_extras(piece))
                else:
                    shown += piece
                    yield _chunk(cid, created, {"content": piece})
    except (SlotsFull, SanadError) as exc:  # the headers are sent: the error goes in the stream
        yield f"data: {json.dumps(answer_failure(exc)[1], ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"
