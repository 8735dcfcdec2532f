"""Ingest's stages: files read ahead of the real encoder, in order, errors named; the report's
per-stage seconds; `sanad ingest`'s batch thread count (embedding.ingest_threads)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from ingest.loader import ArticleError
from ingest.prepare import PreparedFile
from rag import Assistant
from rag.config import ChunkingConfig, EmbeddingConfig
from rag.index.stages import FileJob, LocalStages, PrepareSettings
from tests.conftest import write_config

ARTICLES = {
    "a.txt": "مجلس الأمن يناقش الأزمة السورية\nعقد مجلس الأمن جلسة طارئة لمناقشة الوضع في سوريا.",
    "b.txt": "مؤتمر في باريس\nعقد مؤتمر أصدقاء الشعب السوري في باريس بحضور ممثلين عن مئة دولة.",
    "c.txt": "",  # no words: an ArticleError that names the file
    "d.txt": "لاجئون في لبنان\nسجلت الأمم المتحدة 250,000 لاجئ سوري في الدول المجاورة.",
}


def _jobs(folder: Path) -> list[FileJob]:
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [FileJob(folder, name, folder / name) for name in ARTICLES]


def test_files_come_back_in_order_with_their_errors(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    settings = PrepareSettings(ChunkingConfig())
    stages = LocalStages(embed_model=None, read_ahead=2)  # type: ignore[arg-type]  # prepare needs no encoder
    results = list(stages.prepare(jobs, settings))
    assert [job.relative for job, _ in results] == list(ARTICLES)
    outcomes = dict((job.relative, outcome) for job, outcome in results)
    assert isinstance(outcomes["c.txt"], ArticleError) and "c.txt" in str(outcomes["c.txt"])
    for name in ("a.txt", "b.txt", "d.txt"):
        prepared = outcomes[name]
        assert isinstance(prepared, PreparedFile)
        [article] = prepared.articles
        text = ARTICLES[name]
        assert [text[s.start : s.end] for s in article.spans] == [s.text for s in article.spans]
        assert article.title == text.splitlines()[0]


def test_the_reader_stops_when_the_writer_stops(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path) * 50  # far more than the read-ahead
    stages = LocalStages(embed_model=None, read_ahead=2)  # type: ignore[arg-type]
    before = threading.active_count()
    results = stages.prepare(jobs, PrepareSettings(ChunkingConfig()))
    next(results)
    results.close()  # the writer failed: the thread must not keep reading
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == before


def test_an_unexpected_read_error_reaches_the_writer(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    jobs[1] = FileJob(tmp_path, "b.txt", tmp_path / "b.txt", previous=("not a record",))  # type: ignore[arg-type]
    results = LocalStages(embed_model=None).prepare(jobs, PrepareSettings(ChunkingConfig()))  # type: ignore[arg-type]
    assert next(results)[0].relative == "a.txt"
    with pytest.raises(AttributeError):
        next(results)


def test_the_report_says_what_was_encoded_and_where_time_went(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _jobs(corpus)
    config = write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(tmp_path / "index")})
    assistant = Assistant.from_config(config)
    batches = []
    report = assistant.ingest(on_batch=lambda so_far: batches.append(so_far.texts_embedded))
    assert sorted(report.added) == ["a.txt", "b.txt", "d.txt"] and [n for n, _ in report.failed] == ["c.txt"]
    # every chunk and quotable sentence once: at least one text per chunk, none encoded twice
    assert report.chunks_written <= report.texts_embedded <= 2 * report.chunks_written + 6
    assert batches and batches[-1] == report.texts_embedded
    assert report.encode_seconds > 0 and report.write_seconds > 0
    assert report.encode_seconds + report.write_seconds + report.read_wait_seconds <= report.seconds
    assert f"{report.texts_embedded} texts encoded" in report.summary()
    again = assistant.ingest()
    assert again.texts_embedded == 0 and "texts encoded" not in again.summary()


def test_a_batch_job_uses_every_core_unless_told() -> None:
    assert EmbeddingConfig().threads == 1  # answering: one thread
    assert EmbeddingConfig().for_ingest().threads == (os.cpu_count() or 1)
    assert EmbeddingConfig(ingest_threads=1).for_ingest().threads == 1
    configured = EmbeddingConfig(ingest_threads=3, batch_size=8).for_ingest()
    assert configured.threads == 3 and configured.batch_size == 8


def test_writes_run_in_order_behind_the_writer_and_their_error_is_raised() -> None:
    from rag.index.write_behind import WriteBehind

    done: list[int] = []
    with WriteBehind() as writes:
        for n in range(20):
            writes.submit(lambda n=n: (time.sleep(0.001), done.append(n)))
        writes.drain()
        assert done == list(range(20))

        def fail() -> None:
            raise OSError("Chroma: disk full")

        writes.submit(fail)
        with pytest.raises(OSError, match="disk full"):
            writes.drain()
        writes.drain()  # raised once; the writer decides what follows
        writes.submit(lambda: done.append(99))
        writes.drain()
        assert done[-1] == 99
