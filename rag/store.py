"""The dense store: a Chroma collection behind llama-index's ``ChromaVectorStore``.

``persistent`` keeps Chroma's files in ``<index>/chroma``; ``http`` talks to a
``chroma run`` server. Sanad always passes its own vectors, so Chroma's default
embedding function (which would download a model) is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.config import StoreConfig

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

__all__ = [
    "SentenceVectors",
    "StoreUnavailableError",
    "describe_store",
    "forget_cached_client",
    "open_client",
    "open_sentence_vectors",
    "open_vector_store",
    "publish_index_state",
    "read_index_state",
    "sentence_collection_name",
    "text_hash",
]

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class StoreUnavailableError(RuntimeError):
    """The Chroma store cannot be opened or reached."""


def forget_cached_client(path: Path) -> None:
    """Make the next PersistentClient for ``path`` read the files anew.

    chromadb keeps one client system per path for the whole process; after the folder
    was deleted, or written by another process, that cached system is stale.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)  # private, but no public way exists


def _auth_headers(config: StoreConfig) -> dict[str, str] | None:
    """The auth header for the server, its token read from ``store.auth_token_env``."""
    if not config.auth_token_env:
        return None
    token = os.environ.get(config.auth_token_env)
    if not token:
        raise StoreUnavailableError(
            f"store.auth_token_env: the environment variable {config.auth_token_env} is not set or empty"
        )
    value = f"Bearer {token}" if config.auth_header.lower() == "authorization" else token
    return {config.auth_header: value}


def describe_store(config: StoreConfig, index_dir: Path) -> str:
    """Where the store is, for messages (never the token)."""
    if config.mode == "http":
        scheme = "https" if config.ssl else "http"
        return f"{scheme}://{config.host}:{config.port} ({config.tenant}/{config.database})"
    return str(index_dir / "chroma")


def open_client(config: StoreConfig, index_dir: Path, *, reset: bool = False, fresh: bool = False) -> ClientAPI:
    """A Chroma client for ``config``: a PersistentClient on ``index_dir/chroma`` or an HttpClient.

    Args:
        reset: persistent mode: delete the ``chroma`` folder first (it may be damaged).
        fresh: persistent mode: re-read the files (after another process wrote them).
    """
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if config.mode == "http":
        return chromadb.HttpClient(
            host=config.host,
            port=config.port,
            ssl=config.ssl,
            headers=_auth_headers(config),
            settings=settings,
            tenant=config.tenant,
            database=config.database,
        )
    path = index_dir / "chroma"
    if reset:  # remove the files, not just the collection: they may be damaged
        forget_cached_client(path)
        shutil.rmtree(path, ignore_errors=True)
    if fresh or not path.exists():
        forget_cached_client(path)
    return chromadb.PersistentClient(path=str(path), settings=settings, tenant=config.tenant, database=config.database)


#: Collection metadata keys: the stamp of the BM25 index matching the collection, and the build settings.
_LEXICAL_STAMP, _BUILD = "sanad_lexical_stamp", "sanad_build"


def publish_index_state(collection: Collection, lexical_stamp: str | None, build: dict[str, object]) -> None:
    """Record in the collection which BM25 index matches it and how it was built (after each checkpoint),
    so readers on other machines can tell when their BM25 copy is missing or stale."""
    state = {_LEXICAL_STAMP: lexical_stamp or "", _BUILD: json.dumps(build, sort_keys=True)}
    current = collection.metadata or {}
    if any(current.get(k) != v for k, v in state.items()):
        collection.modify(metadata={k: v for k, v in {**current, **state}.items() if not k.startswith("hnsw:")})


def read_index_state(collection: Collection) -> tuple[str | None, dict[str, object] | None]:
    """``(BM25 stamp, build settings)`` the last ingest recorded in the collection (None, None if none)."""
    meta = collection.metadata or {}
    build = meta.get(_BUILD)
    return (meta.get(_LEXICAL_STAMP) or None), (json.loads(build) if isinstance(build, str) else None)


def sentence_collection_name(collection: str) -> str:
    """The collection holding answer-sentence vectors beside ``collection`` (≤ 63 characters)."""
    return f"{collection[:53]}_sentences"


def open_vector_store(
    config: StoreConfig, index_dir: Path, *, reset: bool = False, fresh: bool = False
) -> ChromaVectorStore:
    """Open (creating if needed) the collection that holds Sanad's chunks.

    Args:
        config: the ``store`` section.
        index_dir: the index folder (persistent mode keeps Chroma in ``index_dir/chroma``).
        reset: delete the collection (and its sentence collection) first, for ``sanad ingest
            --rebuild``; in persistent mode the whole ``chroma`` folder is removed, so a damaged
            one is recreated.
        fresh: re-read the persistent files (after another process wrote them).

    Raises:
        StoreUnavailableError: the folder or server cannot be opened.
    """
    import chromadb.errors

    try:
        client = open_client(config, index_dir, reset=reset, fresh=fresh)
        if reset:
            for name in (config.collection, sentence_collection_name(config.collection)):
                try:
                    client.delete_collection(name)
                except (ValueError, chromadb.errors.NotFoundError):
                    pass  # nothing to reset
        collection = client.get_or_create_collection(config.collection, metadata={"hnsw:space": "cosine"})
    except StoreUnavailableError:
        raise
    except Exception as exc:  # chromadb raises many types: name the store in one message
        raise StoreUnavailableError(
            f"store: cannot open Chroma collection {config.collection!r} at {describe_store(config, index_dir)}: {exc}"
        ) from exc
    return ChromaVectorStore(chroma_collection=collection)


def open_sentence_vectors(config: StoreConfig, index_dir: Path) -> SentenceVectors:
    """The answer-sentence vectors beside the chunks (the client is shared with :func:`open_vector_store`)."""
    try:
        client = open_client(config, index_dir)
        collection = client.get_or_create_collection(
            sentence_collection_name(config.collection), metadata={"hnsw:space": "cosine"}
        )
    except StoreUnavailableError:
        raise
    except Exception as exc:
        raise StoreUnavailableError(
            f"store: cannot open Chroma collection {sentence_collection_name(config.collection)!r} at "
            f"{describe_store(config, index_dir)}: {exc}"
        ) from exc
    return SentenceVectors(collection)


def text_hash(text: str) -> str:
    """Short hash identifying the exact text a sentence vector was made from."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class SentenceVectors:
    """Vectors of answer sentences, embedded at ingest (ids ``<chunk id>-s<k>``).

    Each row keeps the hash of the text it was embedded from; a row whose text differs
    (a stale row left by a killed ingest) is never returned, so the answerer embeds that
    sentence itself and answers exactly as without this store.
    """

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    def get(self, ids: Sequence[str], texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of ``texts`` (keyed by text) whose row in ``ids`` matches the text."""
        if not ids:
            return {}
        wanted = {i: text_hash(t) for i, t in zip(ids, texts, strict=True)}
        by_id = dict(zip(ids, texts, strict=True))
        got = self.collection.get(ids=list(dict.fromkeys(ids)), include=["embeddings", "metadatas"])
        found: dict[str, np.ndarray] = {}
        embeddings = got["embeddings"] if got["embeddings"] is not None else []
        for row_id, meta, vector in zip(got["ids"], got["metadatas"] or [], embeddings, strict=False):
            if (meta or {}).get("h") == wanted.get(row_id):
                found[by_id[row_id]] = np.asarray(vector, dtype=np.float32)
        return found

    def write(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]], documents: Sequence[str]
    ) -> None:
        """Upsert rows; ``documents`` are the file keys (for deleting a file's rows)."""
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=[list(v) for v in vectors[start:end]],
                metadatas=[
                    {"document_id": d, "h": text_hash(t)}
                    for d, t in zip(documents[start:end], texts[start:end], strict=True)
                ],
            )

    def delete_documents(self, keys: Sequence[str]) -> None:
        """Delete every row of the files ``keys``."""
        for start in range(0, len(keys), _DELETE_BATCH):
            self.collection.delete(where={"document_id": {"$in": list(keys[start : start + _DELETE_BATCH])}})


_WRITE_BATCH = 4000
_DELETE_BATCH = 5000
