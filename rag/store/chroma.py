"""The dense store: a Chroma collection behind llama-index's ``ChromaVectorStore``.

``persistent`` keeps Chroma's files in ``<index>/chroma``; ``http`` talks to a
``chroma run`` server. Sanad always passes its own vectors, so Chroma's default
embedding function (which would download a model) is never used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.errors import SanadError
from rag.config import StoreConfig
from rag.store.sentences import SentenceVectors

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

__all__ = [
    "StoreUnavailableError",
    "describe_store",
    "forget_cached_client",
    "open_client",
    "open_sentence_vectors",
    "open_vector_store",
    "sentence_collection_name",
]


class StoreUnavailableError(SanadError, RuntimeError):
    """The Chroma store cannot be opened or reached."""


def forget_cached_client(path: Path) -> None:
    """Make the next PersistentClient for ``path`` read the files anew.

    chromadb keeps one client system per path for the whole process; after the folder
    was deleted, or written by another process, that cached system is stale.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    # chromadb's own attribute: its public clear_system_cache() would drop every path's system,
    # those of clients still in use included; nothing public forgets one path.
    SharedSystemClient._identifier_to_system.pop(str(path), None)


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
