"""The load-test script, run briefly against the real `sanad chat` and `sanad serve` (subprocesses on 127.0.0.1):
every request answered, none failed or dropped, memory growth under the script's bound.
The figures themselves (answers/s, latency) are the benchmark's output, not asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("door", ["chat", "openai"])  # the chat's /chat, sanad serve's /v1/chat/completions
def test_load_script_reports_no_errors_and_bounded_memory(tmp_path: Path, door: str) -> None:
    out = tmp_path / "load.json"
    script = str(ROOT / "benchmarks" / "load.py")
    done = subprocess.run(
        [sys.executable, script, "--clients", "4", "--duration", "8", "--json", str(out), "--door", door],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["answered"] > 4 and figures["errors"] == 0 and figures["dropped"] == 0
    assert figures["sent"] == figures["answered"]
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert figures["rss_before_mb"] > 0 and figures["rss_growth_mb"] <= figures["max_growth_mb"]
    assert figures["queue"] == {"default_concurrency_limit": 2, "max_size": 64}
    # growth after the first of three rounds (the caches fill in it), per 1,000 requests: a figure, not a bound
    assert len(figures["rss_by_round_mb"]) == 3 and isinstance(figures["growth_kb_per_1000_requests"], float)
    assert figures["door"] == door and "answered" in done.stdout and "KB per 1,000 requests" in done.stdout


def test_load_script_refuses_a_remote_url() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--url", "http://example.com/", "--duration", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode != 0 and "127.0.0.1" in done.stderr
