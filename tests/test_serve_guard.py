"""What ``sanad serve`` checks before it answers: the token setting, a busy port, the answer slots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag.config import ConfigError, load_config
from tests.conftest import ROOT, free_port, write_config
from ui.api.guard import AnswerSlots, SlotsFull, load_api_token
from ui.api.openai_routes import answer_failure
from ui.auth import AuthError
from ui.ports import PortBusy, check_port


def _sanad(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def test_the_token_setting_names_a_variable_never_the_token(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(ConfigError, match="ui.api_token"):
        load_config(write_config(tmp_path, ui={"api_token": "s3cret"}))
    monkeypatch.delenv("SANAD_NO_SUCH_TOKEN", raising=False)
    with pytest.raises(AuthError, match="SANAD_NO_SUCH_TOKEN is not set"):
        load_api_token("env:SANAD_NO_SUCH_TOKEN")
    monkeypatch.setenv("SANAD_ARABIC_TOKEN", "رمز-سري")
    with pytest.raises(AuthError, match="ASCII"):
        load_api_token("env:SANAD_ARABIC_TOKEN")
    monkeypatch.setenv("SANAD_GOOD_TOKEN", " abc-123 ")
    assert load_api_token("env:SANAD_GOOD_TOKEN") == "abc-123" and load_api_token(None) is None


def test_a_busy_port_is_one_line_naming_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortBusy, match="--port"):
            check_port("127.0.0.1", port)
        config = write_config(tmp_path, index={"path": str(tmp_path / "index")})
        result = _sanad("--config", str(config), "serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"sanad: error: 127.0.0.1:{port} is in use: pick another port with --port (or set ui.port)"
    ]
    check_port("127.0.0.1", free_port())  # a free one passes


def test_serve_stops_at_a_missing_token_variable(tmp_path: Path) -> None:
    config = write_config(tmp_path, index={"path": str(tmp_path / "index")}, ui={"api_token": "env:SANAD_UNSET_TOKEN"})
    result = _sanad("--config", str(config), "serve", "--port", str(free_port()), env={"SANAD_UNSET_TOKEN": ""})
    assert result.returncode == 2 and "SANAD_UNSET_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_answer_slots_queue_then_refuse() -> None:
    slots = AnswerSlots(concurrency=1, max_waiting=1)
    release, running, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with slots.hold():
            running.set()
            release.wait(10)
            order.append("first")

    def second() -> None:
        with slots.hold():
            order.append("second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert running.wait(10)
    threads[1].start()
    deadline = time.monotonic() + 10
    while not slots.full and time.monotonic() < deadline:  # the second is admitted and waits
        time.sleep(0.01)
    assert slots.full
    with pytest.raises(SlotsFull, match="busy"), slots.hold():
        pass
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first", "second"] and not slots.full
    status, body = answer_failure(SlotsFull("busy"))
    assert status == 429 and body["error"]["type"] == "rate_limit_error"
