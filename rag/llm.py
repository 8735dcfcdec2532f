"""The optional LLM: llama-index's ``OpenAILike`` (any OpenAI-compatible server) or ``Ollama``.

Only the two classes named in ``llm.provider`` are ever built: nothing here falls back
to llama-index's global LLM setting (which would be OpenAI, or a mock model echoing
the prompt). Errors users hit — server down, unknown model, refused key, timeout — come
back as one :class:`LLMError` line naming the setting to check.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence

from llama_index.core.base.llms.base import BaseLLM
from llama_index.core.llms import ChatMessage

from ingest.errors import SanadError
from ingest.textnorm import arabic_chars
from rag.config import LLMConfig

__all__ = ["LLMError", "ContextTooLongError", "build_llm", "stream_chat", "complete_chat", "token_counter"]


class LLMError(SanadError, RuntimeError):
    """The model server could not answer; the message says what to check."""


class ContextTooLongError(LLMError):
    """The prompt does not fit the model's context."""


def _api_key(config: LLMConfig) -> str:
    if not config.api_key:
        return "not-needed"  # local servers ignore it; the OpenAI client insists on one
    var = config.api_key.removeprefix("env:")
    value = os.environ.get(var)
    if not value:
        raise LLMError(f"llm.api_key: the environment variable {var} is not set")
    return value


def build_llm(config: LLMConfig) -> BaseLLM:
    """The LLM client ``config`` describes (no request is made yet)."""
    if not config.base_url or not config.model:
        raise LLMError("llm.base_url and llm.model must be set to use answer.mode: llm")
    if config.provider == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=config.model,
            base_url=config.base_url.rstrip("/"),
            request_timeout=config.timeout,
            temperature=config.temperature,
            context_window=config.context_window,
            additional_kwargs={"num_predict": config.max_tokens},
        )
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=config.model,
        api_base=config.base_url.rstrip("/"),
        api_key=_api_key(config),
        is_chat_model=True,
        context_window=config.context_window,
        max_tokens=config.max_tokens,
        temperature=config.temperature,
        timeout=config.timeout,
        max_retries=0,  # a server that is down should say so now, not after minutes of retries
    )


def _is_context_error(message: str) -> bool:
    lowered = message.lower()
    return "context" in lowered and any(w in lowered for w in ("length", "window", "exceed", "too long", "maximum"))


def explain(exc: Exception, config: LLMConfig) -> LLMError:
    """One clear :class:`LLMError` for whatever the client library raised."""
    where = config.base_url
    name = type(exc).__name__
    message = str(getattr(exc, "message", "") or exc)
    status = getattr(exc, "status_code", None)
    if isinstance(exc, LLMError):
        return exc
    if "Timeout" in name or "timed out" in message.lower():
        return LLMError(f"llm: no reply from {where} within {config.timeout:g} s (llm.timeout)")
    if "Connect" in name or "Connection" in name:
        return LLMError(f"llm: cannot reach the model server at {where}; is it running? (llm.base_url)")
    if status in (401, 403) or "Authentication" in name or "PermissionDenied" in name:
        return LLMError(f"llm: the server at {where} refused the API key (llm.api_key)")
    if status == 404 or "NotFound" in name:
        return LLMError(f"llm: the server at {where} has no model {config.model!r} (llm.model){_models_hint(config)}")
    if _is_context_error(message):
        return ContextTooLongError(f"llm: the prompt is longer than the model's context: {message[:200]}")
    return LLMError(f"llm: the server at {where} failed: {message[:300]}")


def _models_hint(config: LLMConfig) -> str:
    """``; it has: a, b`` from the server's model list, when it gives one quickly."""
    base = (config.base_url or "").rstrip("/")
    url = f"{base}/api/tags" if config.provider == "ollama" else f"{base}/models"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            data = json.load(response)
        names = [m.get("id") or m.get("name") for m in data.get("data", data.get("models", []))]
        names = [n for n in names if n]
    except (OSError, ValueError, AttributeError):
        return ""
    return f"; it has: {', '.join(names[:10])}" if names else ""


def stream_chat(llm: BaseLLM, messages: Sequence[ChatMessage], config: LLMConfig) -> Iterator[str]:
    """The answer's text deltas as the server sends them; errors become :class:`LLMError`."""
    try:
        for chunk in llm.stream_chat(list(messages)):
            if chunk.delta:
                yield chunk.delta
    except Exception as exc:  # the client libraries raise many types: one message
        raise explain(exc, config) from exc


def complete_chat(llm: BaseLLM, messages: Sequence[ChatMessage], config: LLMConfig) -> str:
    """The whole reply to ``messages`` (used for short tasks such as rewriting a follow-up)."""
    try:
        return llm.chat(list(messages)).message.content or ""
    except Exception as exc:
        raise explain(exc, config) from exc


def _estimate(text: str) -> int:
    # Multilingual BPE vocabularies split Arabic finely: about one token per 2 characters is a
    # safe (high) estimate; English runs about 4 characters a token.
    arabic = arabic_chars(text)
    return arabic // 2 + (len(text) - arabic) // 3 + 1


def token_counter(config: LLMConfig) -> Callable[[str], int]:
    """Count tokens as the model does when the server can tell (llama.cpp and llama-cpp-python
    servers have a tokenize endpoint), else estimate generously from the characters."""
    root = (config.base_url or "").rstrip("/").removesuffix("/v1")
    probes = [
        (f"{root}/extras/tokenize/count", lambda t: {"input": t}, lambda d: int(d["count"])),  # llama-cpp-python
        (f"{root}/tokenize", lambda t: {"content": t}, lambda d: len(d["tokens"])),  # llama.cpp server
    ]
    chosen: list[tuple[str, Callable[[str], object], Callable[[dict], int]]] = []
    probed = False

    def ask(url: str, body: object, read: Callable[[dict], int]) -> int:
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return read(json.load(response))

    def count(text: str) -> int:
        nonlocal probed
        if config.provider == "openai-compatible" and not probed:
            probed = True
            for url, body, read in probes:
                try:
                    ask(url, body("probe"), read)
                except (OSError, ValueError, KeyError, TypeError, urllib.error.HTTPError):
                    continue
                chosen.append((url, body, read))
                break
        if chosen:
            url, body, read = chosen[0]
            try:
                return ask(url, body(text), read)
            except (OSError, ValueError, KeyError, TypeError):
                pass
        return _estimate(text)

    return count
