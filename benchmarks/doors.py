"""What each door of ``sanad serve`` adds to an answer's latency, against ``Assistant.ask`` in process.

Ingests the seed articles into a fresh index, starts ``sanad serve`` over it (a subprocess on a
free 127.0.0.1 port) and asks every question of ``eval/gold_seeds.jsonl`` ``--rounds`` times
through each door, one request at a time: ``Assistant.ask`` in this process (the baseline), the
REST ``POST /api/ask``, OpenAI ``/v1/chat/completions`` (whole, and streamed: time to the first
content and to the end), MCP ``ask`` over streamable HTTP (one session), and the chat's ``/chat``
(``gradio_client``). Prints p50/p95 per door and the p50 overhead over the baseline.

    .venv/bin/python benchmarks/doors.py [--rounds 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.runtime import apply_defaults  # noqa: E402

apply_defaults()


def _questions() -> list[str]:
    lines = (ROOT / "eval" / "gold_seeds.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _figures(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
    }


def _timed(ask: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    ask(questions[0])  # warm: models, caches, connections
    took = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            ask(question)
            took.append(time.perf_counter() - started)
    return took


def _mcp_timings(url: str, questions: list[str], rounds: int) -> list[float]:
    from mcp import Client

    async def run() -> list[float]:
        took = []
        async with Client(f"{url}/mcp") as client:
            await client.call_tool("ask", {"question": questions[0]})
            for _ in range(rounds):
                for question in questions:
                    started = time.perf_counter()
                    result = await client.call_tool("ask", {"question": question})
                    took.append(time.perf_counter() - started)
                    assert not result.is_error, result.content
        return took

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked per door")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    import httpx
    from gradio_client import Client as GradioClient
    from openai import OpenAI

    from rag import Assistant
    from tests.conftest import free_port, write_config

    questions = _questions()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="sanad-doors-") as scratch:
        folder = Path(scratch)
        config = write_config(
            folder, corpus={"path": str(ROOT / "data" / "articles")}, index={"path": str(folder / "i")}
        )
        assistant = Assistant.from_config(config)
        assistant.ingest()
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "ui.cli", "--config", str(config), "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    httpx.get(f"{url}/v1/models", timeout=2).raise_for_status()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("sanad serve did not start") from None
                    time.sleep(0.5)
            rest = httpx.Client(timeout=120)
            api = OpenAI(base_url=f"{url}/v1", api_key="none", max_retries=0)
            chat = GradioClient(f"{url}/", verbose=False)

            def openai_whole(q: str) -> object:
                return api.chat.completions.create(model="sanad", messages=[{"role": "user", "content": q}])

            first_content: list[float] = []

            def openai_stream(q: str) -> object:
                started = time.perf_counter()
                seen = False
                for chunk in api.chat.completions.create(
                    model="sanad", messages=[{"role": "user", "content": q}], stream=True
                ):
                    if not seen and chunk.choices and chunk.choices[0].delta.content:
                        first_content.append(time.perf_counter() - started)
                        seen = True
                return None

            doors: dict[str, Callable[[str], object]] = {
                "Assistant.ask (in process)": assistant.ask,
                "POST /api/ask": lambda q: rest.post(f"{url}/api/ask", json={"question": q}).raise_for_status(),
                "/v1/chat/completions": openai_whole,
                "/v1/chat/completions stream (to the end)": openai_stream,
                "chat /chat (gradio_client)": lambda q: chat.submit(q, api_name="/chat").result(timeout=120),
            }
            for name, ask in doors.items():
                results[name] = _figures(_timed(ask, questions, args.rounds))
            results["/v1/chat/completions stream (first content)"] = _figures(first_content[1:])
            results["MCP ask (streamable HTTP)"] = _figures(_mcp_timings(url, questions, args.rounds))
        finally:
            server.terminate()
            server.wait(timeout=30)

    base = results["Assistant.ask (in process)"]["p50_ms"]
    print(f"{len(questions)} questions x {args.rounds} rounds, one at a time, {os.cpu_count()} cores")
    print(f"{'door':45} {'p50 ms':>8} {'p95 ms':>8} {'p50 overhead':>13}")
    for name, figures in results.items():
        overhead = figures["p50_ms"] - base
        print(f"{name:45} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f} {overhead:+12.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
