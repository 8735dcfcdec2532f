"""``sanad serve``: the chat at ``/``, the OpenAI-compatible API at ``/v1``, MCP at ``/mcp`` and
``POST /api/ask``, in one process on one port; ``sanad mcp``: the MCP tools over stdio."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rag.assistant import Assistant
from ui.api.guard import AnswerSlots, ApiGuard, error_body, load_api_token
from ui.api.mcp_tools import build_mcp
from ui.api.openai_routes import openai_router
from ui.api.rest import rest_router
from ui.ports import check_port

__all__ = ["build_server", "serve", "serve_stdio"]


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """A malformed request body, as an OpenAI-style 400 naming the first bad field."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")
    return JSONResponse(error_body(message, param=where or None), status_code=400)


def build_server(assistant: Assistant, host: str = "127.0.0.1", chat: bool = True) -> FastAPI:
    """The ASGI app of ``sanad serve`` over ``assistant`` (``chat=False``: the API doors only).

    Raises:
        AuthError: ``ui.api_token`` or ``ui.auth`` names a variable or file that is missing.
    """
    from ui.app import QUEUE_CONCURRENCY, QUEUE_MAX_SIZE, build_app, page_options

    token = load_api_token(assistant.config.ui.api_token)
    slots = AnswerSlots(QUEUE_CONCURRENCY, QUEUE_MAX_SIZE)  # the chat queue's limits, for the API doors
    mcp = build_mcp(assistant, slots)
    mcp_http = mcp.streamable_http_app(streamable_http_path="/mcp", host=host)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    app = FastAPI(title="Sanad", lifespan=lifespan, docs_url="/api/docs", openapi_url="/api/openapi.json")
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(openai_router(assistant, slots))
    app.include_router(rest_router(assistant, slots))
    app.router.routes.extend(mcp_http.routes)  # POST/GET/DELETE /mcp, before the chat's catch-all mount
    app.add_middleware(ApiGuard, token=token)
    if chat:
        import gradio as gr

        app = gr.mount_gradio_app(app, build_app(assistant), path="/", **page_options(assistant))
    return app


def serve(assistant: Assistant, host: str | None = None, port: int | None = None, **uvicorn_options: Any) -> None:
    """Serve every door on ``host:port`` (default ``ui.host``/``ui.port``) until interrupted."""
    import uvicorn

    host = host or assistant.config.ui.host
    port = port or assistant.config.ui.port
    check_port(host, port)
    app = build_server(assistant, host)
    print(f"Sanad: http://{host}:{port}/ (chat) · /v1 (OpenAI-compatible) · /mcp (MCP) · /api/ask", flush=True)
    uvicorn_options.setdefault("log_level", "warning")
    uvicorn_options.setdefault("timeout_graceful_shutdown", 5)  # open streams and keep-alive clients
    uvicorn.run(app, host=host, port=port, **uvicorn_options)


def serve_stdio(assistant: Assistant) -> None:
    """Serve the MCP tools over stdin/stdout (for clients that launch a command) until the client closes."""
    from ui.app import QUEUE_CONCURRENCY, QUEUE_MAX_SIZE

    build_mcp(assistant, AnswerSlots(QUEUE_CONCURRENCY, QUEUE_MAX_SIZE)).run("stdio")
