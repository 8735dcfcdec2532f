"""Load test: concurrent clients against the running chat or API, on 127.0.0.1 only.

Starts `sanad chat` (``--door chat``) or `sanad serve` (``--door openai``), a subprocess, the real
server, over an index of the seed articles, or drives one already running (``--url``).
``--clients`` threads, each a ``gradio_client.Client`` on ``/chat`` (or an ``openai.OpenAI``
client on ``/v1/chat/completions``), ask questions from the gold set for ``--duration`` seconds, at most
``--max-requests`` in all. Prints answers/s, latency p50/p95, errors, requests dropped (sent but
never answered), the server's resident memory before and after, and its growth per 1,000
requests after the first of ``--rounds`` rounds (the caches fill in the first).

    .venv/bin/python benchmarks/load.py [--clients 8] [--duration 60] [--max-requests 5000]
        [--rounds 3] [--max-growth-mb 150] [--json out.json] [--url http://127.0.0.1:7860/] [--door chat|openai]

Exit status 1 when a request failed or was dropped, or memory grew more than ``--max-growth-mb``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _questions() -> list[str]:
    lines = (ROOT / "eval" / "gold_seeds.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _wait_up(url: str, process: subprocess.Popen[bytes] | None, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the chat exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def _start_server(workdir: Path, door: str = "chat") -> tuple[str, subprocess.Popen[bytes]]:
    """Ingest the seed articles into a fresh index and start `sanad chat` (or `serve`) on a free local port."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    config = ROOT / "config.yaml"
    index = workdir / "index"
    base = [sys.executable, "-m", "ui.cli", "--config", str(config), "--index", str(index)]
    subprocess.run([*base, "ingest", "--quiet", str(ROOT / "data" / "articles")], check=True, env=env)
    port = _free_port()
    log = open(workdir / "chat.log", "wb")  # noqa: SIM115 - open for the server's lifetime
    process = subprocess.Popen(
        [*base, "chat" if door == "chat" else "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=log,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    _wait_up(url, process)
    return url, process


def _asker(url: str, door: str, timeout: float):
    """One client's way to ask: the answer's text for a question."""
    if door == "openai":
        from openai import OpenAI

        api = OpenAI(base_url=url + "v1", api_key=os.environ.get("SANAD_API_TOKEN", "none"), max_retries=0)
        return lambda q: (
            api.chat.completions.create(model="sanad", messages=[{"role": "user", "content": q}], timeout=timeout)
            .choices[0]
            .message.content
        )
    from gradio_client import Client

    client = Client(url, verbose=False)
    return lambda q: client.submit(q, api_name="/chat").result(timeout=timeout)


def run_load(
    url: str, clients: int, duration: float, max_requests: int, timeout: float, door: str = "chat"
) -> dict[str, object]:
    """Drive ``url`` with ``clients`` concurrent clients; return counts and latencies."""
    questions = _questions()
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client_loop(offset: int) -> None:
        nonlocal sent
        ask = _asker(url, door, timeout)
        i = offset
        while time.monotonic() < stop_at:
            with lock:
                if sent >= max_requests:
                    return
                sent += 1
            question = questions[i % len(questions)]
            i += clients
            started = time.perf_counter()
            try:
                answer = ask(question)
                if not isinstance(answer, str) or not answer.strip():
                    raise ValueError(f"empty answer to {question!r}")
                if answer.startswith("⚠️ تعذّر"):
                    raise ValueError(f"error shown for {question!r}: {answer[:200]}")
            except Exception as exc:  # every failure counts; the run goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + timeout + 30)
    elapsed = time.monotonic() - began
    answered = len(latencies)
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "sent": sent,
        "answered": answered,
        "errors": len(errors),
        "dropped": sent - answered - len(errors),
        "answers_per_s": round(answered / elapsed, 2) if elapsed else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1) if ordered else None,
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "error_samples": errors[:5],
        "latencies_s": latencies,
    }


def combine(rounds: list[dict[str, object]], clients: int) -> dict[str, object]:
    """The figures of several rounds of :func:`run_load` as one run's."""
    latencies = sorted(x for r in rounds for x in r["latencies_s"])  # type: ignore[attr-defined]
    seconds = sum(float(r["seconds"]) for r in rounds)  # type: ignore[arg-type]
    counts = {key: sum(int(r[key]) for r in rounds) for key in ("sent", "answered", "errors", "dropped")}  # type: ignore[call-overload]
    return {
        "clients": clients,
        "seconds": round(seconds, 1),
        **counts,
        "answers_per_s": round(counts["answered"] / seconds, 2) if seconds else 0.0,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000, 1)
        if latencies
        else None,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "error_samples": [e for r in rounds for e in r["error_samples"]][:5],  # type: ignore[attr-defined]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running chat on 127.0.0.1 (default: start one over the seed articles)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=5000, help="bound on requests sent")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one request may take")
    parser.add_argument("--max-growth-mb", type=float, default=150.0, help="allowed growth of the server's RSS")
    parser.add_argument("--pid", type=int, help="server process id for memory figures (with --url)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of load; growth per 1,000 requests is measured after the first"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--door", choices=["chat", "openai"], default="chat", help="the chat's /chat or /v1")
    args = parser.parse_args(argv)

    if args.url and urlparse(args.url).hostname not in {"127.0.0.1", "localhost"}:
        parser.error(f"{args.url}: the load test only runs against 127.0.0.1")  # checked before any request
    process = None
    with tempfile.TemporaryDirectory(prefix="sanad-load-") as scratch:
        if args.url:
            url, pid = args.url.rstrip("/") + "/", args.pid
            _wait_up(url, None, 10)
        else:
            url, process = _start_server(Path(scratch), args.door)
            pid = process.pid
        try:
            warm = run_load(url, 1, 0.1, 1, args.timeout, args.door)  # one question: models and caches loaded
            if warm["errors"]:
                raise RuntimeError(f"warm-up question failed: {warm['error_samples']}")
            before = _rss_mb(pid) if pid else None
            rounds, rss = [], []  # the first round fills the caches; the later ones show what keeps growing
            for n in range(max(1, args.rounds)):
                left = args.max_requests - sum(int(r["sent"]) for r in rounds)  # type: ignore[call-overload]
                share = -(-left // (max(1, args.rounds) - n))
                rounds.append(
                    run_load(url, args.clients, args.duration / max(1, args.rounds), share, args.timeout, args.door)
                )
                rss.append(_rss_mb(pid) if pid else None)
            figures = combine(rounds, args.clients)
            after = rss[-1]
            later = sum(int(r["answered"]) for r in rounds[1:])  # type: ignore[call-overload]
            per_1000 = None
            if pid and later:
                per_1000 = round((rss[-1] - rss[0]) * 1024 / later * 1000, 1)  # type: ignore[operator]
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)

    from ui.app import QUEUE_CONCURRENCY, QUEUE_MAX_SIZE

    figures.update(
        rss_before_mb=None if before is None else round(before, 1),
        rss_after_mb=None if after is None else round(after, 1),
        rss_growth_mb=None if before is None or after is None else round(after - before, 1),
        max_growth_mb=args.max_growth_mb,
        rss_by_round_mb=[None if x is None else round(x, 1) for x in rss],
        growth_kb_per_1000_requests=per_1000,
        queue={"default_concurrency_limit": QUEUE_CONCURRENCY, "max_size": QUEUE_MAX_SIZE},
        cpus=os.cpu_count(),
        door=args.door,
    )
    print(
        f"{args.door}: {figures['clients']} clients, {figures['seconds']} s: {figures['answered']} answered "
        f"({figures['answers_per_s']}/s), {figures['errors']} errors, {figures['dropped']} dropped; "
        f"latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms; "
        f"server RSS {figures['rss_before_mb']} -> {figures['rss_after_mb']} MB "
        f"(growth {figures['rss_growth_mb']} MB, bound {args.max_growth_mb} MB; "
        f"after the first round {figures['growth_kb_per_1000_requests']} KB per 1,000 requests); "
        f"queue: concurrency {QUEUE_CONCURRENCY}, max_size {QUEUE_MAX_SIZE}"
    )
    for sample in figures["error_samples"]:  # type: ignore[union-attr]
        print(f"  error: {sample}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    grown = figures["rss_growth_mb"] is not None and figures["rss_growth_mb"] > args.max_growth_mb  # type: ignore[operator]
    return 1 if figures["errors"] or figures["dropped"] or grown else 0


if __name__ == "__main__":
    sys.exit(main())
