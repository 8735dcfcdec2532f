"""Stable ids of what the index stores: files, their chunks, and the chunks' quotable sentences.

The same folder, relative path and position always give the same id, so re-ingesting
upserts rather than duplicates, and a chunk id tells which file it belongs to.
"""

from __future__ import annotations

import hashlib

__all__ = ["chunk_id", "chunk_of_sentence", "file_id", "file_key_of", "sentence_id"]


def file_id(root: str, relative: str) -> str:
    """Stable id of a file: the same folder and relative path always give the same id."""
    return hashlib.sha1(f"{root}\0{relative}".encode()).hexdigest()[:16]


def chunk_id(file_key: str, index: int) -> str:
    """Stable id of the ``index``-th chunk of a file."""
    return f"{file_key}-{index:05d}"


def file_key_of(chunk: str) -> str:
    """The file key inside a chunk id (the inverse of :func:`chunk_id`'s first part)."""
    return chunk.rsplit("-", 1)[0]


def sentence_id(chunk: str, position: int) -> str:
    """Id of the ``position``-th sentence of a chunk in the sentence collection."""
    return f"{chunk}-s{position}"


def chunk_of_sentence(sentence: str) -> str:
    """The chunk id inside a sentence id (the inverse of :func:`sentence_id`'s first part)."""
    return sentence.rsplit("-s", 1)[0]
