"""How far the index is: articles searchable by their words, chunks with vectors, the fill's rate and ETA.

The vector stage (:mod:`rag.index.fill`) saves its progress in ``<index>/fill.json`` after each batch
(atomically; a reader sees the last one whole). :func:`index_status` adds what the stores hold now, so
``sanad status``, ``/api/status``, the MCP tool and the chat all say the same thing.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["FillProgress", "IndexStatus", "index_status"]


class FillProgress:
    """The vector stage's own record of a run: when it began, chunks stored, rate, ETA, last error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._state: dict[str, object] = {}
        self._began = 0.0
        self._stored = 0

    def _save(self) -> None:
        self._state["updated"] = time.time()
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self._state), encoding="utf-8")
        os.replace(tmp, self.path)

    def begin(self, pending: int, stored: int) -> None:
        """A run starts with ``pending`` chunks to encode, ``stored`` in Chroma already."""
        previous = read_fill_state(self.path)
        self._began, self._stored = time.monotonic(), 0
        self._state = {
            "running": True,
            "pid": os.getpid(),
            "started": time.time(),
            "pending_at_start": pending,
            "stored": 0,
            "rate": previous.get("rate"),  # until this run has its own
            "eta_seconds": None,
            "encode_seconds": 0.0,
            "last_error": previous.get("last_error"),
        }
        self._save()

    def batch(self, chunks: int, encode_seconds: float, *, remaining: int) -> None:
        """``chunks`` more stored (``encode_seconds`` of encoding); ``remaining`` still wait."""
        self._stored += chunks
        elapsed = max(time.monotonic() - self._began, 1e-9)
        rate = self._stored / elapsed
        self._state.update(
            stored=self._stored,
            rate=round(rate, 3),
            eta_seconds=round(max(remaining, 0) / rate, 1) if rate > 0 else None,
            encode_seconds=round(float(self._state["encode_seconds"]) + encode_seconds, 2),  # type: ignore[arg-type]
        )
        self._save()

    def failed(self, error: BaseException) -> None:
        """The run stopped on ``error`` (a Ctrl-C is not an error)."""
        if not isinstance(error, KeyboardInterrupt):
            self._state["last_error"] = f"{type(error).__name__}: {error}"
        self._state["running"] = False
        self._save()

    def end(self, remaining: int) -> None:
        """The run ended with ``remaining`` chunks still waiting (0: the index is whole)."""
        self._state.update(running=False, eta_seconds=0.0 if not remaining else None)
        if not remaining:
            self._state["last_error"] = None
        self._save()


def read_fill_state(path: Path) -> dict[str, object]:
    """What :class:`FillProgress` last saved in ``path`` (empty when nothing was, or it cannot be read)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


@dataclass(frozen=True)
class IndexStatus:
    """The index as it stands: every field is JSON-ready (``/api/status`` returns them as they are).

    ``searchable`` articles can be found and quoted (by their words at least); ``vectors_done`` of
    ``vectors_total`` chunks have their vectors (the rest are searched by their words, and encoded on
    demand when a question needs them). ``rate`` is chunks stored per second by the running (or last)
    vector stage, ``eta_seconds`` its estimate of the time left; ``filling`` says whether it runs now.
    """

    articles: int
    searchable: int
    articles_with_vectors: int
    vectors_done: int
    vectors_total: int
    filling: bool
    rate: float | None
    eta_seconds: float | None
    last_error: str | None
    updated: float | None

    @property
    def percent(self) -> float:
        """Share of chunks with vectors, 0-100 (100 for an empty index)."""
        return 100.0 * self.vectors_done / self.vectors_total if self.vectors_total else 100.0

    def line(self) -> str:
        """One line for people, e.g. ``vectors 42 % — the rest is searched by its words``."""
        if not self.articles:
            return "the index is empty: run `sanad ingest`"
        if self.vectors_done >= self.vectors_total:
            return f"{self.searchable:,} articles searchable; vectors 100 %"
        eta = f", about {_duration(self.eta_seconds)} left" if self.filling and self.eta_seconds else ""
        state = "" if self.filling else " (paused: `sanad vectors` goes on)"
        return f"vectors {self.percent:.0f} %{eta}{state} — the rest is searched by its words"

    def to_dict(self) -> dict[str, object]:
        """The fields and ``percent``, for JSON."""
        return {**asdict(self), "percent": round(self.percent, 1)}


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def index_status(stored: tuple[int, int], pending: tuple[int, int], fill_state: Path) -> IndexStatus:
    """The status of an index holding ``stored`` ``(articles, chunks)`` (its manifest's), ``pending``
    ``(chunks, articles)`` of them still without vectors, the vector stage's record in ``fill_state``."""
    state = read_fill_state(fill_state)
    articles, total = stored
    pending_chunks, pending_articles = pending
    filling = bool(state.get("running")) and _alive(state.get("pid"))
    rate, eta, updated = state.get("rate"), state.get("eta_seconds"), state.get("updated")
    return IndexStatus(
        articles=articles,
        searchable=articles,
        articles_with_vectors=articles - pending_articles,
        vectors_done=max(total - pending_chunks, 0),
        vectors_total=total,
        filling=filling,
        rate=float(rate) if isinstance(rate, int | float) else None,
        eta_seconds=float(eta) if filling and isinstance(eta, int | float) else None,
        last_error=str(state["last_error"]) if state.get("last_error") else None,
        updated=float(updated) if isinstance(updated, int | float) else None,
    )
