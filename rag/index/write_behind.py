"""Store one batch while the next is encoded: the index writer's writes, in order, on one thread.

The writer submits each batch's store writes (Chroma, sentence vectors, BM25 tokens) and goes on to
encode the next batch. Before a checkpoint saves BM25 and the manifest it drains the queue, so the
manifest still never names a chunk that is not stored. At most one batch waits behind the one being
written, so memory stays bounded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

__all__ = ["WriteBehind"]

_STOP = None


class WriteBehind:
    """Runs submitted writes one at a time, in order, on a background thread; :meth:`drain` waits for
    them and raises the first one's error. Use as a context manager."""

    def __init__(self, depth: int = 1) -> None:
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="sanad-ingest-write", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            write = self._queue.get()
            try:
                if write is _STOP:
                    return
                if self._error is None:  # after a failure, later writes are dropped: drain() raises
                    write()
            except BaseException as exc:  # noqa: BLE001 - raised in the writer by drain()/submit()
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, write: Callable[[], None]) -> None:
        """Queue ``write`` (blocks while a batch already waits); raises an earlier write's error."""
        self._raise()
        self._queue.put(write)

    def drain(self) -> None:
        """Wait until every submitted write is done; raise the first failure."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        """Finish what was submitted and stop the thread (an error is kept for :meth:`drain`)."""
        self._queue.join()
        self._queue.put(_STOP)
        self._thread.join()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
