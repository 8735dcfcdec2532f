"""One article file made ready for the index: its record, its chunks and its headline (pure text).

The index writer (:mod:`rag.index.writer`) turns what this returns into stored chunks and
sentence vectors; benchmarks call it to see exactly what ingest embeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ingest.chunker import Span, chunk_text, headline
from ingest.loader import MAX_FILE_BYTES, ArticleError, read_article
from ingest.manifest import FileRecord

__all__ = ["ChunkingSettings", "PreparedArticle", "prepare_article"]


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

    @property
    def key(self) -> str:
        return self.record.key


def prepare_article(
    root: Path,
    relative: str,
    path: Path,
    chunking: ChunkingSettings,
    *,
    unchanged_sha256: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> PreparedArticle | None:
    """Read and chunk ``path`` (``relative`` to its ingested folder ``root``).

    Returns None when the file's hash is ``unchanged_sha256`` (nothing to do).

    Raises:
        ArticleError: the file cannot be read, or holds no words (the message names the file).
    """
    article = read_article(path, max_bytes=max_bytes)
    if unchanged_sha256 is not None and unchanged_sha256 == article.sha256:
        return None
    spans = chunk_text(article.text, max_chars=chunking.max_chars, max_sentences=chunking.max_sentences)
    if not spans:
        raise ArticleError(f"{path}: no text to index (no words found)")
    record = FileRecord(
        root=str(root),
        file=relative,
        sha256=article.sha256,
        size=article.size,
        chunks=len(spans),
        encoding=article.encoding,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    title = headline(article.text) if chunking.title_context else ""
    return PreparedArticle(record=record, spans=spans, title=title)
