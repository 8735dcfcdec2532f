"""Shared set-up for the tests of ``sanad serve`` and ``sanad mcp``: the real command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT, free_port, write_config

TOKEN = "s3cret-test-token-42"
TOKEN_VAR = "SANAD_TEST_API_TOKEN"


def serve_config(folder: Path, corpus: Path, index: Path) -> Path:
    """A config over an already ingested ``index`` of ``corpus``, with the API behind :data:`TOKEN`."""
    return write_config(
        folder, corpus={"path": str(corpus)}, index={"path": str(index)}, ui={"api_token": f"env:{TOKEN_VAR}"}
    )


def command_env() -> dict[str, str]:
    """The environment ``sanad`` runs with in these tests: this checkout first, the token set."""
    return {**os.environ, "PYTHONPATH": str(ROOT), TOKEN_VAR: TOKEN}


@contextmanager
def served(config: Path, seconds: float = 240) -> Iterator[str]:
    """``sanad --config CONFIG serve`` on a free 127.0.0.1 port; yields its base URL once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "ui.cli", "--config", str(config), "serve", "--port", str(port)]
    log = config.parent / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=command_env(), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"sanad serve exited {process.returncode}: {log.read_text(errors='replace')}")
            try:
                urllib.request.urlopen(f"{url}/v1/models", timeout=5)
            except urllib.error.HTTPError as exc:  # 401 without the token: it is up
                if exc.code == 401:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"sanad serve did not answer in {seconds} s: {log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
