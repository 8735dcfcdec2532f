"""Optional login (``ui.auth``): users from an environment variable or a file; the real server
refuses the app to anyone not logged in."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rag import Assistant
from rag.config import ConfigError, load_config
from tests.conftest import free_port, write_config
from ui.app import launch
from ui.auth import AuthError, load_users


def test_users_from_an_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANAD_TEST_USERS", "سلمى:كلمة-سر, omar:p:w:d\nnour:x")
    assert load_users("env:SANAD_TEST_USERS") == [("سلمى", "كلمة-سر"), ("omar", "p:w:d"), ("nour", "x")]


def test_users_from_a_file(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("# editors\nsalma:secret\n\nomar:other\n", encoding="utf-8")
    assert load_users(f"file:{users}") == [("salma", "secret"), ("omar", "other")]


def test_login_off_by_default() -> None:
    assert load_users(None) is None
    assert load_config(None).ui.auth is None


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ("env:SANAD_TEST_MISSING", None, "environment variable SANAD_TEST_MISSING is not set"),
        ("env:SANAD_TEST_USERS", "salma", r"\$SANAD_TEST_USERS: entry 1 is not 'user:password'"),
        ("env:SANAD_TEST_USERS", " , ", r"\$SANAD_TEST_USERS: no users"),
        ("file:/nonexistent/users.txt", None, "/nonexistent/users.txt: cannot read"),
    ],
)
def test_bad_user_sources_are_named(monkeypatch: pytest.MonkeyPatch, spec: str, value: str | None, message: str):
    monkeypatch.delenv("SANAD_TEST_MISSING", raising=False)
    if value is not None:
        monkeypatch.setenv("SANAD_TEST_USERS", value)
    with pytest.raises(AuthError, match=message):
        load_users(spec)


def test_config_refuses_an_auth_value_that_is_not_env_or_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ui.auth"):
        load_config(write_config(tmp_path, ui={"auth": "salma:secret"}))


@pytest.mark.slow
def test_the_chat_asks_for_a_login(seed_assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANAD_TEST_USERS", "salma:كلمة-سر")
    config = seed_assistant.config.model_copy(deep=True)
    config.ui.auth = "env:SANAD_TEST_USERS"
    port = free_port()
    app = launch(Assistant(config), host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=30) as anonymous:
            assert anonymous.get("/config").status_code == 401
            wrong = anonymous.post("/login", data={"username": "salma", "password": "wrong"})
            assert wrong.status_code == 400
        with httpx.Client(base_url=url, timeout=30) as user:
            assert user.post("/login", data={"username": "salma", "password": "كلمة-سر"}).status_code == 200
            assert user.get("/config").status_code == 200
    finally:
        app.close()


def test_sanad_chat_stops_with_the_missing_variable_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import main

    monkeypatch.delenv("SANAD_TEST_MISSING", raising=False)
    config = write_config(tmp_path, index={"path": str(tmp_path / "index")}, ui={"auth": "env:SANAD_TEST_MISSING"})
    assert main(["--config", str(config), "chat", "--port", str(free_port())]) == 2
    assert "ui.auth: environment variable SANAD_TEST_MISSING is not set" in capsys.readouterr().err
