"""A reader never answers from an index another process has since changed.

Embedded store: a long-lived reader (as the chat is) notices the manifest a `sanad ingest` in
another process wrote, and reopens. Server (`store.mode: http`): readers share the server's
collection, and a reader whose local BM25 copy is missing or older than the collection
rebuilds it from the collection's documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.textnorm import tokenize
from rag import Assistant
from rag.lexical import LexicalIndex
from tests.conftest import write_config
from tests.test_chroma_server import running_chroma
from tests.test_cli import sanad

pytestmark = pytest.mark.slow

QUESTION = "كم صاروخا سقط على البقاع الشمالي؟"
CHANGED = "سقطت 15 صاروخا مصدرها الأراضي السورية على البقاع الشمالي شرق لبنان."


def _ingest_elsewhere(config: Path, cwd: Path) -> None:
    """`sanad ingest` in another process, as a second terminal would run it."""
    done = sanad("--config", str(config), "ingest", "--quiet", cwd=cwd)
    assert done.returncode == 0, done.stderr


def test_embedded_reader_sees_an_ingest_by_another_process(small_config: Path, small_corpus: Path, tmp_path: Path):
    reader = Assistant.from_config(small_config)
    reader.ingest()
    before = reader.ask(QUESTION)
    assert before.found and "8 صواريخ" in before.answer

    (small_corpus / "c.txt").write_text(CHANGED, encoding="utf-8")
    _ingest_elsewhere(small_config, tmp_path)

    after = reader.ask(QUESTION)
    assert after.found and "15 صاروخا" in after.answer
    assert "8 صواريخ" not in after.answer
    assert all("8 صواريخ" not in p.text for p in after.retrieved)


def test_server_readers_see_another_process_ingest_and_rebuild_missing_bm25(small_corpus: Path, tmp_path: Path):
    with running_chroma(tmp_path / "server-data") as port:
        store = {"mode": "http", "host": "127.0.0.1", "port": port, "refresh_seconds": 0}
        (tmp_path / "writer").mkdir()
        (tmp_path / "reader").mkdir()
        writer = write_config(
            tmp_path / "writer", corpus={"path": str(small_corpus)}, index={"path": "index"}, store=store
        )
        # A reader on "another machine": its own, empty index folder (no manifest, no BM25).
        reader_config = write_config(tmp_path / "reader", corpus={"path": None}, index={"path": "index"}, store=store)
        _ingest_elsewhere(writer, tmp_path)

        reader = Assistant.from_config(reader_config)
        before = reader.ask(QUESTION)
        assert before.found and "8 صواريخ" in before.answer
        writer_bm25 = LexicalIndex.open(tmp_path / "writer" / "index" / "lexical")
        reader_bm25 = LexicalIndex.open(tmp_path / "reader" / "index" / "lexical")
        assert not (tmp_path / "reader" / "index" / "manifest.json").exists()
        assert reader_bm25.ids() == writer_bm25.ids() and len(reader_bm25) == 3
        assert reader_bm25.stamp == writer_bm25.stamp
        # The BM25 copy answers on its own, from the tokens the writer indexed.
        hits = reader_bm25.search(tokenize("البقاع الشمالي", stem=True), 3)
        assert hits and hits[0][0] in writer_bm25.ids()

        (small_corpus / "c.txt").write_text(CHANGED, encoding="utf-8")
        _ingest_elsewhere(writer, tmp_path)

        after = reader.ask(QUESTION)
        assert after.found and "15 صاروخا" in after.answer
        reader_bm25 = LexicalIndex.open(tmp_path / "reader" / "index" / "lexical")
        assert reader_bm25.stamp == LexicalIndex.open(tmp_path / "writer" / "index" / "lexical").stamp
        assert reader_bm25.stamp != writer_bm25.stamp

        # A second reader started now gets the new index at once.
        (tmp_path / "second").mkdir()
        second = write_config(tmp_path / "second", corpus={"path": None}, index={"path": "index"}, store=store)
        assert "15 صاروخا" in Assistant.from_config(second).ask(QUESTION).answer
