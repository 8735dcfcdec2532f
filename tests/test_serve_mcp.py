"""Sanad's MCP tools through the official ``mcp`` SDK client: streamable HTTP at ``/mcp`` of
``sanad serve``, and stdio from ``sanad mcp`` (both real subprocesses over the seed index)."""

from __future__ import annotations

import asyncio
import sys

import httpx
import pytest

mcp = pytest.importorskip("mcp", reason="the mcp SDK is a dependency of sanad")
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared._httpx_utils import create_mcp_http_client  # noqa: E402

from tests.conftest import ROOT  # noqa: E402
from tests.serve_support import TOKEN, command_env, serve_config  # noqa: E402

QUESTION = "من هو قائد لواء التوحيد؟"
TOOLS = {"ask", "search", "timeline", "read_source", "index_status"}


def _over_http(url: str, token: str | None = TOKEN) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(streamable_http_client(f"{url}/mcp", http_client=create_mcp_http_client(headers=headers)))


#: The articles name Hollande but not his age: a partial answer.
NEAR_MISS = "كم عمر الرئيس الفرنسي فرنسوا هولاند؟"


async def _exercise(client: Client) -> dict:
    """List the tools and call each; return what came back."""
    async with client:
        tools = await client.list_tools()
        asked = await client.call_tool("ask", {"question": QUESTION})
        searched = await client.call_tool("search", {"query": "انشقاق العميد عوض العلي", "k": 3})
        file = asked.structured_content["citations"][0]["file"]
        opened = await client.call_tool("read_source", {"file": file})
        refused = await client.call_tool("read_source", {"file": "../config.yaml"})
        invalid = await client.call_tool("search", {"query": "سوريا", "k": 0})
        scoped = await client.call_tool("ask", {"question": QUESTION, "since": "2031-01-01"})
        bad_date = await client.call_tool("search", {"query": "سوريا", "until": "أمس"})
        partial = await client.call_tool("ask", {"question": NEAR_MISS})
        status = await client.call_tool("index_status", {})
    return {
        "partial": partial,
        "status": status,
        "scoped": scoped,
        "bad_date": bad_date,
        "tools": tools,
        "ask": asked,
        "search": searched,
        "open": opened,
        "refused": refused,
        "invalid": invalid,
    }


def _check(seed_assistant, got: dict) -> None:
    tools = {tool.name: tool for tool in got["tools"].tools}
    assert set(tools) == TOOLS
    assert all(tool.output_schema for tool in tools.values())  # structured outputs, typed
    assert "question" in tools["ask"].input_schema["properties"]

    reference = seed_assistant.ask(QUESTION)
    asked = got["ask"].structured_content
    assert not got["ask"].is_error and asked["found"] == reference.found is True
    assert asked["answer"] == reference.answer
    assert asked["citations"] == [c.to_dict() for c in reference.citations]
    assert asked["items"] == [i.to_dict() for i in reference.items] and asked["items"]
    for citation in asked["citations"]:
        assert (
            seed_assistant.read_source(citation["file"]).text[citation["start"] : citation["end"]] == citation["text"]
        )

    passages = got["search"].structured_content["passages"]
    assert len(passages) == 3 and passages[0]["score"] >= passages[-1]["score"]
    assert any("عوض" in p["text"] for p in passages)
    for passage in passages:
        assert seed_assistant.read_source(passage["file"]).text[passage["start"] : passage["end"]] == passage["text"]

    opened = got["open"].structured_content
    assert opened["text"] == seed_assistant.read_source(opened["file"]).text and opened["changed"] is False
    assert got["refused"].is_error and "refused" in got["refused"].content[0].text
    assert got["invalid"].is_error
    scoped = got["scoped"].structured_content  # the seeds carry no date: no article of 2031 onwards
    assert scoped["found"] is False and scoped["citations"] == [] and "2031-01-01" in scoped["answer"]
    assert got["bad_date"].is_error and "YYYY-MM-DD" in got["bad_date"].content[0].text
    partial, near = got["partial"].structured_content, seed_assistant.ask(NEAR_MISS)  # the subject, not the fact
    assert partial["outcome"] == near.outcome == "partial" and partial["kind"] == "factoid" and partial["missing"]
    assert partial["found"] is False and partial["nearest"] == [c.to_dict() for c in near.nearest] and near.nearest
    status = got["status"].structured_content  # the seeds were ingested whole: words and vectors
    assert status == {**seed_assistant.reader.status().to_dict(), "line": seed_assistant.reader.status().line()}
    assert status["searchable"] == status["articles"] > 0 and status["percent"] == 100.0


def test_mcp_over_streamable_http(seed_assistant, serve_url: str) -> None:
    _check(seed_assistant, asyncio.run(_exercise(_over_http(serve_url))))


def _innermost(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def test_mcp_over_http_needs_the_token(serve_url: str) -> None:
    async def list_without_token() -> None:
        async with _over_http(serve_url, token=None) as client:
            await client.list_tools()

    with pytest.raises(BaseException) as caught:  # noqa: B017 - the SDK wraps its MCPError in task groups
        asyncio.run(list_without_token())
    assert isinstance(_innermost(caught.value), mcp.MCPError) and "error response" in str(_innermost(caught.value))
    refused = httpx.post(f"{serve_url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"


def test_mcp_over_stdio(seed_assistant, seed_corpus, tmp_path) -> None:
    config = serve_config(tmp_path, seed_corpus, seed_assistant.config.index.path)
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "ui.cli", "--config", str(config), "mcp"], env=command_env(), cwd=ROOT
    )
    _check(seed_assistant, asyncio.run(_exercise(Client(server))))
