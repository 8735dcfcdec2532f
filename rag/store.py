"""The dense store: a Chroma collection behind llama-index's ``ChromaVectorStore``.

``persistent`` keeps Chroma's files in ``<index>/chroma``; ``http`` talks to a
``chroma run`` server. Sanad always passes its own vectors, so Chroma's default
embedding function (which would download a model) is never used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.config import StoreConfig

__all__ = ["forget_cached_client", "open_vector_store", "StoreUnavailableError"]

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


def open_vector_store(
    config: StoreConfig, index_dir: Path, *, reset: bool = False, fresh: bool = False
) -> ChromaVectorStore:
    """Open (creating if needed) the collection that holds Sanad's chunks.

    Args:
        config: the ``store`` section.
        index_dir: the index folder (persistent mode keeps Chroma in ``index_dir/chroma``).
        reset: delete the collection first (for ``sanad ingest --rebuild``); in persistent
            mode the whole ``chroma`` folder is removed, so a damaged one is recreated.
        fresh: re-read the persistent files (after another process wrote them).

    Raises:
        StoreUnavailableError: the folder or server cannot be opened.
    """
    import chromadb
    import chromadb.errors
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    try:
        if config.mode == "http":
            client = chromadb.HttpClient(host=config.host, port=config.port, settings=settings)
        else:
            path = index_dir / "chroma"
            if reset:  # remove the files, not just the collection: they may be damaged
                forget_cached_client(path)
                shutil.rmtree(path, ignore_errors=True)
            if fresh or not path.exists():
                forget_cached_client(path)
            client = chromadb.PersistentClient(path=str(path), settings=settings)
        if reset:
            try:
                client.delete_collection(config.collection)
            except (ValueError, chromadb.errors.NotFoundError):
                pass  # nothing to reset
        collection = client.get_or_create_collection(config.collection, metadata={"hnsw:space": "cosine"})
    except Exception as exc:  # chromadb raises many types: name the store in one message
        where = f"http://{config.host}:{config.port}" if config.mode == "http" else str(index_dir / "chroma")
        raise StoreUnavailableError(
            f"store: cannot open Chroma collection {config.collection!r} at {where}: {exc}"
        ) from exc
    return ChromaVectorStore(chroma_collection=collection)
