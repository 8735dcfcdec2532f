"""Chunks stored by their words but not yet by their vectors: the queue the vector stage empties.

`sanad ingest` stores every chunk here first (with its BM25 tokens beside it, in ``<index>/lexical``):
from then on the chunk can be found and quoted. The vector stage takes the newest articles' chunks
(publication day, undated last; ties in the order they were stored), writes them to Chroma with their
vectors and deletes them here. Vectors a question encoded on demand are kept by their text's hash, so
the vector stage does not encode those texts again.

One SQLite file, ``<index>/pending.sqlite`` (WAL: the serving process reads and remembers vectors
while an ingest in another process writes).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence, Set
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.schema import TextNode

from rag.store.records import DOCUMENT_KEY, publisher_key, stored_node
from rag.store.sentences import SentenceVectors, text_hash
from rag.types import SearchFilters

__all__ = ["PendingChunks", "SentencesAhead"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    day INTEGER NOT NULL,
    publisher TEXT NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc);
CREATE INDEX IF NOT EXISTS chunks_order ON chunks (day DESC, seq);
CREATE TABLE IF NOT EXISTS vectors (h TEXT PRIMARY KEY, v BLOB NOT NULL);
"""
#: Ids per SQL statement (SQLite's default limit on parameters is 32,766).
_BATCH = 900


class PendingChunks:
    """The chunks of ``path`` awaiting vectors, and vectors encoded ahead of the vector stage.

    Args:
        path: the SQLite file (created when absent).
        timeout: seconds a write waits for another process's; a question passes a short one and
            skips remembering vectors rather than wait.
    """

    def __init__(self, path: Path, *, timeout: float = 60.0) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def _write(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _select(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _select_in(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        """``sql`` with one ``({})`` placeholder list, run over ``values`` in batches."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _BATCH):
            part = list(values[start : start + _BATCH])
            rows += self._select(sql.format(",".join("?" * len(part))), part)
        return rows

    # ----------------------------------------------------------------- chunks
    def add(self, nodes: Sequence[TextNode], documents: Sequence[str]) -> None:
        """Store ``nodes`` (their vectors are not needed); ``documents`` are their article keys."""
        rows = []
        for node, doc in zip(nodes, documents, strict=True):
            meta = node.metadata
            rows.append(
                (
                    node.node_id,
                    doc,
                    int(meta.get("published_day") or 0),
                    str(meta.get("publisher_key", "")),
                    node.text,
                    json.dumps(meta, ensure_ascii=False),
                )
            )
        self._write("INSERT OR REPLACE INTO chunks (id, doc, day, publisher, text, meta) VALUES (?,?,?,?,?,?)", rows)

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Forget the chunks ``ids``."""
        self._write("DELETE FROM chunks WHERE id = ?", [(i,) for i in ids])

    def delete_documents(self, keys: Sequence[str]) -> None:
        """Forget every chunk of the articles ``keys``."""
        self._write("DELETE FROM chunks WHERE doc = ?", [(k,) for k in keys])

    def count(self) -> int:
        """Chunks awaiting vectors."""
        return int(self._select("SELECT COUNT(*) FROM chunks")[0][0])

    def count_documents(self) -> int:
        """Articles with at least one chunk awaiting vectors."""
        return int(self._select("SELECT COUNT(DISTINCT doc) FROM chunks")[0][0])

    def ids(self) -> dict[str, str]:
        """Every pending chunk id with its article's content hash (``sha256`` of its metadata)."""
        return {i: json.loads(m).get("sha256", "") for i, m in self._select("SELECT id, meta FROM chunks")}

    def holding(self, ids: Sequence[str]) -> set[str]:
        """Those of ``ids`` that await vectors."""
        return {row[0] for row in self._select_in("SELECT id FROM chunks WHERE id IN ({})", list(ids))}

    def rows(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """``id -> (text, metadata)`` as a Chroma row reads (its ``document_id`` included)."""
        got = self._select_in("SELECT id, doc, text, meta FROM chunks WHERE id IN ({})", list(ids))
        return {i: (text, {**json.loads(meta), DOCUMENT_KEY: doc}) for i, doc, text, meta in got}

    def document_rows(self, keys: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
        """``(text, metadata)`` of every pending chunk of the articles ``keys``."""
        got = self._select_in("SELECT doc, text, meta FROM chunks WHERE doc IN ({})", list(keys))
        return [(text, {**json.loads(meta), DOCUMENT_KEY: doc}) for doc, text, meta in got]

    def nodes(self, ids: Sequence[str]) -> list[TextNode]:
        """The chunks ``ids`` as nodes to encode and store (in the order of ``ids``; absent ones left out)."""
        rows = self.rows(ids)
        return [stored_node(i, rows[i][0], rows[i][1]) for i in ids if i in rows]

    def next_ids(self, limit: int, skip: Set[str] = frozenset()) -> list[str]:
        """The next ``limit`` chunks to encode, ``skip`` left out: newest publication day first, undated
        last, then as stored; whole articles (a batch ends at an article's last chunk unless one article
        alone exceeds it)."""
        got = self._select("SELECT id, doc FROM chunks ORDER BY day DESC, seq LIMIT ?", (limit + len(skip) + 1,))
        got = [row for row in got if row[0] not in skip]
        if len(got) <= limit:
            return [i for i, _ in got]
        last = got[limit][1]
        whole = [i for i, doc in got[:limit] if doc != last]
        return whole or [i for i, _ in got[:limit]]

    def matching(self, filters: SearchFilters) -> set[str]:
        """Pending chunk ids of the articles ``filters`` allow (as :func:`rag.store.records.filter_where`)."""
        clauses, params = [], []
        if filters.since:
            clauses.append("day >= ?")
            params.append(int(filters.since.strftime("%Y%m%d")))
        if filters.until:
            clauses.append("day <= ? AND day > 0")
            params.append(int(filters.until.strftime("%Y%m%d")))
        if filters.since and not filters.until:
            clauses.append("day > 0")
        if filters.publishers:
            keys = [publisher_key(p) for p in filters.publishers]
            clauses.append(f"publisher IN ({','.join('?' * len(keys))})")
            params.extend(keys)
        where = " AND ".join(clauses) or "1"
        return {row[0] for row in self._select(f"SELECT id FROM chunks WHERE {where}", params)}

    # ----------------------------------------------------------------- vectors encoded ahead
    def remember(self, vectors: Mapping[str, Sequence[float]]) -> bool:
        """Keep vectors by their text (encoded for a question); False when the file was busy."""
        rows = [(text_hash(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        try:
            self._write("INSERT OR REPLACE INTO vectors (h, v) VALUES (?, ?)", rows)
        except sqlite3.OperationalError:  # another process writes: the vector stage encodes them itself
            return False
        return True

    def recall(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The kept vectors of ``texts`` (keyed by text)."""
        by_hash = {text_hash(t): t for t in texts}
        got = self._select_in("SELECT h, v FROM vectors WHERE h IN ({})", list(by_hash))
        return {by_hash[h]: np.frombuffer(v, dtype=np.float32) for h, v in got}

    def forget(self, texts: Sequence[str]) -> None:
        """Drop the kept vectors of ``texts`` (stored in Chroma now)."""
        self._write("DELETE FROM vectors WHERE h = ?", [(text_hash(t),) for t in texts])

    def forget_all_vectors(self) -> None:
        """Drop every kept vector (nothing awaits them any more)."""
        self._write("DELETE FROM vectors", [()])


class SentencesAhead(SentenceVectors):
    """Stored sentence vectors, and those a question encoded ahead of the vector stage."""

    def __init__(self, stored: SentenceVectors, pending: PendingChunks) -> None:
        super().__init__(stored.collection)
        self.pending = pending

    def get(self, ids: Sequence[str], texts: Sequence[str]) -> dict[str, np.ndarray]:
        """As :meth:`SentenceVectors.get`, then the vectors kept for the texts still missing."""
        found = super().get(ids, texts)
        missing = [t for t in texts if t not in found]
        if missing:
            found.update(self.pending.recall(missing))
        return found
