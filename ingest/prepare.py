"""One file made ready for the index: its articles' records, chunks and headlines (pure text).

The index writer (:mod:`rag.index.writer`) turns what this returns into stored chunks and
sentence vectors; benchmarks call it to see exactly what ingest embeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ingest.chunker import Span, chunk_text, opening_words
from ingest.documents import extract, read_bytes
from ingest.formats.document import PAGE_BREAK, Document
from ingest.formats.records import DEFAULT_FIELDS
from ingest.loader import MAX_FILE_BYTES, ArticleError
from ingest.manifest import FileRecord

__all__ = ["ChunkingSettings", "PreparedArticle", "PreparedFile", "prepare_article", "prepare_file"]


class ChunkingSettings(Protocol):
    """How articles are cut (the ``chunking`` section of the configuration)."""

    max_chars: int
    max_sentences: int
    title_context: bool


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready to store: ``spans`` are its chunks, ``title`` the headline embedded with
    each chunk (``""`` when ``chunking.title_context`` is off or there is none)."""

    record: FileRecord
    spans: list[Span]
    title: str
    #: Offsets of the page breaks in a PDF's text (``ingest.formats.document.PAGE_BREAK``).
    page_breaks: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return self.record.key


@dataclass
class PreparedFile:
    """A file's articles to store, those stored already and unchanged, the records that failed
    and the archive members skipped (``(where, reason)``). ``complete`` is False when some record
    could not be told apart (a line that does not parse): then no stored article of the file is
    dropped for being absent."""

    articles: list[PreparedArticle] = field(default_factory=list)
    unchanged: list[FileRecord] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    complete: bool = True
    #: Stored articles kept as they are because their record failed this time.
    kept: list[FileRecord] = field(default_factory=list)


def prepare_file(
    root: Path,
    relative: str,
    path: Path,
    chunking: ChunkingSettings,
    *,
    known: Sequence[FileRecord] = (),
    fields: Mapping[str, Sequence[str]] = DEFAULT_FIELDS,
    max_bytes: int = MAX_FILE_BYTES,
) -> PreparedFile:
    """Read, extract and chunk ``path`` (``relative`` to its ingested folder ``root``).

    ``known`` are the file's articles already in the index: when the file's hash is theirs
    nothing is extracted; else each article whose content hash is unchanged is kept as is.

    Raises:
        ArticleError: the whole file cannot be read, or holds no words (the message names the file).
    """
    raw = read_bytes(path, max_bytes=max_bytes)
    if known and all(r.file_sha256 == raw.sha256 or (not r.file_sha256 and r.sha256 == raw.sha256) for r in known):
        return PreparedFile(unchanged=list(known))
    extraction, encoding = extract(raw.data, str(path), fields)
    stored = {r.record: r for r in known}
    out = PreparedFile(problems=list(extraction.problems), skipped=list(extraction.skipped))
    out.complete = extraction.complete
    out.kept = [stored[r] for r in extraction.failed_records if r in stored]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for document in extraction.documents:
        single = document.record is None
        sha = raw.sha256 if single else document.content_hash()
        previous = stored.get(document.record)
        if previous is not None and previous.sha256 == sha:
            out.unchanged.append(replace(previous, file_sha256=raw.sha256))
            continue
        spans = chunk_text(document.text, max_chars=chunking.max_chars, max_sentences=chunking.max_sentences)
        if not spans:
            if single:
                raise ArticleError(f"{path}: no text to index (no words found)")
            out.problems.append((f"{path} [{document.record}]", "no text to index (no words found)"))
            if document.record in stored:
                out.kept.append(stored[document.record])
            continue
        record = _record(root, relative, document, sha, raw.sha256, len(raw.data), len(spans), encoding, now)
        title = document.title if chunking.title_context else ""
        breaks = tuple(i for i, ch in enumerate(document.text) if ch == PAGE_BREAK) if document.paged else ()
        out.articles.append(PreparedArticle(record=record, spans=spans, title=title, page_breaks=breaks))
    if not out.articles and not out.unchanged and not out.problems:
        if out.skipped:
            raise ArticleError(f"{path}: no supported files in the archive")
        raise ArticleError(f"{path}: no articles in the file")
    return out


def _record(
    root: Path, relative: str, doc: Document, sha: str, file_sha: str, size: int, chunks: int, encoding: str, now: str
) -> FileRecord:
    return FileRecord(
        root=str(root),
        file=relative,
        sha256=sha,
        size=size if doc.record is None else len(doc.text.encode()),
        chunks=chunks,
        encoding=encoding,
        ingested_at=now,
        record=doc.record,
        file_sha256=file_sha,
        title=doc.title,
        published=doc.published,
        publisher=doc.publisher,
        author=doc.author,
        url=doc.url,
        paged=doc.paged,
        lead="" if doc.title else opening_words(doc.text),
    )


def prepare_article(
    root: Path,
    relative: str,
    path: Path,
    chunking: ChunkingSettings,
    *,
    unchanged_sha256: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> PreparedArticle | None:
    """The first article of ``path`` (one-article files); None when the file's hash is ``unchanged_sha256``.

    Raises:
        ArticleError: the file cannot be read, or holds no words (the message names the file).
    """
    raw = read_bytes(path, max_bytes=max_bytes)
    if unchanged_sha256 is not None and unchanged_sha256 == raw.sha256:
        return None
    prepared = prepare_file(root, relative, path, chunking, max_bytes=max_bytes)
    if not prepared.articles:
        raise ArticleError(f"{path}: {prepared.problems[0][1] if prepared.problems else 'no articles'}")
    return prepared.articles[0]
