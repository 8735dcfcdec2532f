"""What every API door checks before it answers: the bearer token, the request's size, free answer slots."""

from __future__ import annotations

import hmac
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.errors import SanadError
from rag.types import FilterError, SearchFilters
from ui.auth import AuthError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_HISTORY_MESSAGES",
    "PROTECTED_PREFIXES",
    "AnswerSlots",
    "ApiGuard",
    "FilterFields",
    "SlotsFull",
    "answer_failure",
    "error_body",
    "load_api_token",
]

#: Largest request body the API reads (a question is at most 2,000 characters; history is capped too).
MAX_BODY_BYTES = 512 * 1024
#: Most earlier messages of a conversation an API request may send.
MAX_HISTORY_MESSAGES = 40
#: The paths ``ui.api_token`` protects; the chat at ``/`` keeps its own login (``ui.auth``).
PROTECTED_PREFIXES = ("/v1", "/mcp", "/api")


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None, param: str | None = None):
    """An OpenAI-style error object: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def answer_failure(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The status and error object for an answer that could not be given: busy (429), a filter that
    cannot be read (400), any other Sanad error (503: empty or damaged index, store or model down)."""
    if isinstance(exc, SlotsFull):
        return 429, error_body(str(exc), "rate_limit_error", "busy")
    if isinstance(exc, FilterError):
        return 400, error_body(str(exc), param="since/until")
    assert isinstance(exc, SanadError), exc
    return 503, error_body(str(exc), "server_error", type(exc).__name__)


class FilterFields(BaseModel):
    """A request's optional date and outlet filters (``YYYY-MM-DD``; outlets case-insensitive)."""

    since: str | None = Field(None, description="Only articles published on or after this day (YYYY-MM-DD).")
    until: str | None = Field(None, description="Only articles published on or before this day (YYYY-MM-DD).")
    publishers: list[str] = Field(default_factory=list, max_length=50, description="Only these outlets.")

    def filters(self) -> SearchFilters | None:
        """The :class:`rag.types.SearchFilters` asked for; None when none.

        Raises:
            FilterError: a date is not ``YYYY-MM-DD``, or ``since`` is after ``until``.
        """
        parsed = SearchFilters.parse(self.since, self.until, self.publishers)
        return parsed if parsed.active else None


def load_api_token(spec: str | None) -> str | None:
    """The token ``ui.api_token`` (``env:VAR``) points to; None when the API is open.

    Raises:
        AuthError: the variable is unset, empty, or not printable ASCII.
    """
    if not spec:
        return None
    var = spec.removeprefix("env:")
    token = os.environ.get(var, "").strip()
    if not token:
        raise AuthError(f"ui.api_token: environment variable {var} is not set (or empty)")
    if not token.isascii() or any(ch.isspace() for ch in token):
        raise AuthError(f"ui.api_token: ${var} must be printable ASCII without spaces (it travels in an HTTP header)")
    return token


class SlotsFull(SanadError, RuntimeError):
    """Every answer slot is taken and the waiting line is full (the message says so)."""


class AnswerSlots:
    """At most ``concurrency`` answers at once across the API doors, and ``max_waiting`` requests waiting.

    The same limits as the chat's queue (``ui.app.QUEUE_CONCURRENCY``, ``QUEUE_MAX_SIZE``).
    """

    def __init__(self, concurrency: int, max_waiting: int):
        self.concurrency = concurrency
        self.max_waiting = max_waiting
        self._free = threading.Semaphore(concurrency)
        self._count = threading.Lock()
        self._admitted = 0  # running + waiting

    @property
    def full(self) -> bool:
        """True when a new request would be refused now."""
        return self._admitted >= self.concurrency + self.max_waiting

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for a slot (blocking this thread) and hold it for the block.

        Raises:
            SlotsFull: too many requests are already running or waiting.
        """
        with self._count:
            if self.full:
                raise SlotsFull(f"busy: {self.concurrency} answers running and {self.max_waiting} waiting; retry later")
            self._admitted += 1
        try:
            with self._free:
                yield
        finally:
            with self._count:
                self._admitted -= 1


class ApiGuard:
    """ASGI middleware for the protected prefixes: the bearer token (when set) and the body size.

    A request without the right ``Authorization: Bearer`` header gets 401, a body over
    :data:`MAX_BODY_BYTES` gets 413, both as OpenAI-style error objects. Streams pass through untouched.
    """

    def __init__(self, app: ASGIApp, token: str | None, max_body: int = MAX_BODY_BYTES):
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PROTECTED_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.token is not None and not self._authorised(headers.get("authorization", "")):
            message = "missing or wrong API token: send 'Authorization: Bearer <token>'"
            body = error_body(message, code="invalid_api_key")
            await _reply(send, 401, body, {"www-authenticate": "Bearer"})
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await _reply(send, 413, error_body(f"request body over {self.max_body} bytes", code="request_too_large"))
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._bounded(receive), tracked)
        except _BodyTooLarge as exc:  # a chunked body (no Content-Length) that grew past the limit
            if started:
                raise
            await _reply(send, 413, error_body(str(exc), code="request_too_large"))

    def _authorised(self, header: str) -> bool:
        scheme, _, given = header.partition(" ")
        assert self.token is not None
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())

    def _bounded(self, receive: Receive) -> Receive:
        """``receive`` that stops a chunked body growing past the limit (no Content-Length to check first)."""
        seen = 0
        limit = self.max_body

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge(limit)
            return message

        return bounded


class _BodyTooLarge(SanadError, ValueError):
    def __init__(self, limit: int):
        super().__init__(f"request body over {limit} bytes")


async def _reply(send: Send, status: int, body: dict[str, Any], extra: dict[str, str] | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
