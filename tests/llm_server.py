"""A scripted OpenAI-compatible server for tests.

It STANDS IN FOR A MODEL: no model can write adversarial answers on demand (wrong
citations, citations to passages that do not exist, obeyed injected instructions), so
this server streams completions the test scripts, over the same HTTP API (``/v1/models``,
``/v1/chat/completions`` with SSE streaming) that llama.cpp, Ollama and vLLM serve. The
client side is real: llama-index's ``OpenAILike`` and the ``openai`` package. A real
model runs end to end in tests/test_llm_real.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[list[dict[str, Any]]], str]


def passage_number(messages: list[dict[str, Any]], needle: str) -> int:
    """The number ``[n]`` the prompt gave the passage containing ``needle`` (0 when none does)."""
    prompt = messages[-1]["content"]
    for block in prompt.split("\n\n["):
        head, _, rest = block.partition("]")
        if needle in rest and head.strip("[").isdigit():
            return int(head.strip("["))
    return 0


class ScriptedLLM:
    """Serve ``reply`` (text, or a function of the request's messages) on 127.0.0.1.

    Args:
        model: the one model name it knows; others get OpenAI's 404.
        delay: seconds to wait before answering (timeouts).
        token_delay: seconds between streamed tokens.
        context_chars: prompts longer than this get OpenAI's 400 "maximum context length".
        tokenize: serve llama-cpp-python's ``/extras/tokenize/count`` (one token per word).
    """

    def __init__(
        self,
        reply: Reply,
        *,
        model: str = "scripted",
        delay: float = 0.0,
        token_delay: float = 0.0,
        context_chars: int | None = None,
        tokenize: bool = False,
    ) -> None:
        self.reply, self.model, self.delay, self.token_delay = reply, model, delay, token_delay
        self.context_chars, self.tokenize = context_chars, tokenize
        self.requests: list[dict[str, Any]] = []
        self.tokenize_calls = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.rstrip("/") == "/api/tags":  # Ollama's model list
                    self._json(200, {"models": [{"name": owner.model, "model": owner.model}]})
                elif self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": owner.model, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                if self.path == "/extras/tokenize/count" and owner.tokenize:
                    owner.tokenize_calls += 1
                    self._json(200, {"count": len(str(body.get("input", "")).split())})
                    return
                if self.path == "/api/chat":
                    self._ollama_chat(body)
                    return
                if self.path != "/v1/chat/completions":
                    self._json(404, {"error": {"message": f"{self.path}: not found"}})
                    return
                owner.requests.append(body)
                if owner.delay:
                    time.sleep(owner.delay)
                if body.get("model") != owner.model:
                    error = {"message": f"The model `{body.get('model')}` does not exist.", "code": "model_not_found"}
                    self._json(404, {"error": {**error, "type": "invalid_request_error"}})
                    return
                messages = body.get("messages", [])
                size = sum(len(str(m.get("content", ""))) for m in messages)
                if owner.context_chars is not None and size > owner.context_chars:
                    message = (
                        f"This model's maximum context length is {owner.context_chars} tokens. However, you "
                        f"requested {size} tokens. Please reduce the length of the messages."
                    )
                    self._json(400, {"error": {"message": message, "type": "invalid_request_error"}})
                    return
                text = owner.reply(messages) if callable(owner.reply) else owner.reply
                if not body.get("stream"):
                    choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                    self._json(
                        200,
                        {
                            "id": "x",
                            "object": "chat.completion",
                            "created": 0,
                            "model": owner.model,
                            "choices": [choice],
                        },
                    )
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                tokens = [text[i : i + 3] for i in range(0, len(text), 3)]
                for token in tokens:
                    chunk = {
                        "id": "x",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": owner.model,
                        "choices": [{"index": 0, "delta": {"content": token}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    if owner.token_delay:
                        time.sleep(owner.token_delay)
                end = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": owner.model,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

            def _ollama_chat(self, body: dict[str, Any]) -> None:
                """Ollama's own API: NDJSON lines, one per token, then ``done``."""
                owner.requests.append(body)
                if body.get("model") != owner.model:
                    self._json(404, {"error": f"model '{body.get('model')}' not found"})
                    return
                messages = body.get("messages", [])
                text = owner.reply(messages) if callable(owner.reply) else owner.reply
                base = {"model": owner.model, "created_at": "2026-01-01T00:00:00Z"}
                lines = [
                    {**base, "message": {"role": "assistant", "content": text[i : i + 3]}, "done": False}
                    for i in range(0, len(text), 3)
                ]
                lines.append(
                    {**base, "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
                )
                if not body.get("stream", True):
                    lines = [{**base, "message": {"role": "assistant", "content": text}, "done": True}]
                self.send_response(200)
                self.send_header("content-type", "application/x-ndjson")
                self.end_headers()
                for line in lines:
                    self.wfile.write((json.dumps(line) + "\n").encode())
                    self.wfile.flush()

        return Handler
