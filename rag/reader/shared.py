"""One reader per process, loaded at first use (``answer.reader: auto``)."""

from __future__ import annotations

import logging
import threading

from rag.reader.reader import Reader

__all__ = ["shared_reader"]

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_reader: Reader | None = None
_failed: str | None = None


def shared_reader() -> Reader | None:
    """The process's :class:`Reader`, or None when its weights cannot be loaded (the reason is logged
    once, and answers take the evidence path as with ``answer.reader: off``)."""
    global _reader, _failed
    if _reader is not None or _failed is not None:
        return _reader
    with _lock:
        if _reader is None and _failed is None:
            try:
                _reader = Reader()
            except (FileNotFoundError, KeyError, ValueError) as exc:
                _failed = str(exc)
                _log.warning("answer.reader: auto, but the reader cannot load (%s); answering without it", exc)
    return _reader
