"""Ingest's heavy stages on a Ray cluster: files read and texts encoded by two pools of Ray actors.

:class:`RayStages` implements :class:`rag.index.stages.IngestStages`; the index writer in this process
stays the single writer (manifest, BM25, Chroma writes, checkpoints). Each encoder actor loads the
model once, with ``threads`` threads, and reserves that many of the cluster's CPUs. Reader actors
reserve none (the encoder is ~98 % of ingest) and live as long as the stages (Ray stops idle task
workers within seconds, and a new one imports Sanad again); they run on this process's node unless
the files are at the same path on every node (``shared_files``), so no node reads a path it lacks.

``ray`` is imported on first use (:mod:`rag.index.ray_cluster`); workers need Sanad installed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from types import ModuleType, TracebackType
from typing import Any

from ingest.loader import ArticleError
from ingest.prepare import PreparedFile
from rag.config import EmbeddingConfig
from rag.index.ray_cluster import RayUnavailableError, connect, import_ray
from rag.index.stages import FileJob, PrepareSettings, prepare_job

__all__ = ["EncoderWorker", "FileReader", "RayStages"]

#: Files read by one call to a reader (a call costs ~1 ms; an article ~1-10 ms to read).
FILES_PER_CALL = 4
#: Reader actors (at most; no more than encoder workers).
READERS = 4
#: Pieces queued on each encoder actor, so it never waits for the driver between two.
PIECES_PER_ACTOR = 2
#: Seconds to wait for the encoder actors to load before saying the cluster lacks CPUs.
START_TIMEOUT = 180.0

Outcome = PreparedFile | ArticleError


class FileReader:
    """Reads files in its own process (the body of a Ray actor)."""

    def prepare(self, jobs: Sequence[FileJob], settings: PrepareSettings) -> list[Outcome]:
        """:func:`rag.index.stages.prepare_job` over ``jobs``, in order."""
        return [prepare_job(job, settings) for job in jobs]


class EncoderWorker:
    """One encoder, loaded once in its own process (the body of a Ray actor)."""

    def __init__(self, embedding_json: str) -> None:
        from rag.embeddings import build_embedding
        from rag.runtime import apply_defaults

        apply_defaults()  # a worker process is an entry point: OMP_WAIT_POLICY etc. before the model loads
        self.model = build_embedding(EmbeddingConfig.model_validate_json(embedding_json))

    def dimension(self) -> int:
        """Length of this encoder's vectors (also: the model has loaded)."""
        return len(self.model.get_query_embedding("dimension"))

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One passage vector per text, as :class:`rag.index.stages.LocalStages` makes them."""
        return self.model.get_text_embedding_batch(texts)


class RayStages:
    """Reading and encoding on Ray; use as a context manager (or call :meth:`close`).

    Args:
        embedding: the encoder each actor loads (its ``threads`` are replaced by ``threads``).
        address: a running cluster (``auto``, ``HOST:PORT``, ``ray://HOST:PORT``); None or ``local``
            starts a local Ray with ``num_cpus`` (default: every core). A Ray already initialised in
            this process is used as it is.
        workers: encoder actors (default: the cluster's CPUs // ``threads``).
        threads: encoder threads (and reserved CPUs) per actor (default: ``embedding.ingest_threads`` or 1).
        shared_files: the files are at the same path on every node, so any node may read them.
        in_flight: calls to readers queued at once (default: twice the workers, at least 4).

    Raises:
        RayUnavailableError: ray is missing, the cluster cannot be reached, or its free CPUs cannot
            hold ``workers`` actors of ``threads`` CPUs.
    """

    def __init__(
        self,
        embedding: EmbeddingConfig,
        *,
        address: str | None = None,
        workers: int | None = None,
        threads: int | None = None,
        num_cpus: int | None = None,
        shared_files: bool = False,
        in_flight: int | None = None,
    ) -> None:
        self._ray: ModuleType = import_ray()
        self._started = connect(address, num_cpus)
        self.threads = threads or embedding.ingest_threads or 1
        self.batch_size = embedding.batch_size
        try:
            cpus = int(self._ray.available_resources().get("CPU", 0))
            self.workers = workers or max(1, cpus // self.threads)
            self.in_flight = in_flight or max(4, 2 * self.workers)
            reader = self._ray.remote(num_cpus=0, **self._placement(shared_files))(FileReader)
            self._readers = [reader.remote() for _ in range(min(READERS, self.workers))]
            self._actors = self._start_actors(embedding.model_copy(update={"threads": self.threads}))
            self._ray.get([r.prepare.remote([], None) for r in self._readers])  # each has imported Sanad
        except BaseException:
            self.close()
            raise

    def _placement(self, shared_files: bool) -> dict[str, Any]:
        if shared_files:
            return {"scheduling_strategy": "SPREAD"}
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        here = self._ray.get_runtime_context().get_node_id()
        return {"scheduling_strategy": NodeAffinitySchedulingStrategy(node_id=here, soft=False)}

    def _start_actors(self, embedding: EmbeddingConfig) -> list[Any]:
        ray = self._ray
        actor = ray.remote(num_cpus=self.threads)(EncoderWorker)
        self._actors = [actor.remote(embedding.model_dump_json()) for _ in range(self.workers)]
        loaded = [a.dimension.remote() for a in self._actors]
        ready, _ = ray.wait(loaded, num_returns=len(loaded), timeout=START_TIMEOUT)
        if len(ready) < len(loaded):
            free = ray.available_resources().get("CPU", 0)
            raise RayUnavailableError(
                f"ingest --ray: {len(ready)} of {self.workers} encoder workers started in {START_TIMEOUT:.0f} s "
                f"({self.threads} CPU each, {free:g} CPUs free in the cluster): ask for fewer --workers"
            )
        ray.get(loaded)  # raises a worker's load error here
        return self._actors

    def prepare(self, jobs: Sequence[FileJob], settings: PrepareSettings) -> Iterator[tuple[FileJob, Outcome]]:
        """Each job with its prepared file (or error), in order; at most ``in_flight`` calls queued at once."""
        groups = [list(jobs[i : i + FILES_PER_CALL]) for i in range(len(jobs))[::FILES_PER_CALL]]
        return self._prepared(groups, settings)

    def _prepared(self, groups: list[list[FileJob]], settings: PrepareSettings) -> Iterator[tuple[FileJob, Outcome]]:
        ray = self._ray
        shared = ray.put(settings)
        running: deque[tuple[list[FileJob], Any]] = deque()
        waiting = deque(groups)
        sent = 0
        try:
            while waiting or running:
                while waiting and len(running) < self.in_flight:
                    group = waiting.popleft()
                    reader = self._readers[sent % len(self._readers)]
                    running.append((group, reader.prepare.remote(group, shared)))
                    sent += 1
                group, ref = running.popleft()
                yield from zip(group, ray.get(ref), strict=True)
        finally:
            for _, ref in running:
                ray.cancel(ref)

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors of ``texts`` in order: pieces of ``embedding.batch_size`` go to whichever
        actor is free (up to :data:`PIECES_PER_ACTOR` queued on each)."""
        ray = self._ray
        pieces = [texts[i : i + self.batch_size] for i in range(len(texts))[:: self.batch_size]]
        results: list[list[list[float]]] = [[] for _ in pieces]
        free = [actor for _ in range(PIECES_PER_ACTOR) for actor in self._actors]
        busy: dict[Any, tuple[int, Any]] = {}
        following = 0
        while following < len(pieces) or busy:
            while free and following < len(pieces):
                actor = free.pop(0)
                busy[actor.embed.remote(pieces[following])] = (following, actor)
                following += 1
            done, _ = ray.wait(list(busy), num_returns=1)
            for ref in done:
                index, actor = busy.pop(ref)
                results[index] = ray.get(ref)
                free.append(actor)
        return [vector for piece in results for vector in piece]

    def close(self) -> None:
        """Stop the actors, and Ray itself if this object started it."""
        ray = self._ray
        for actor in getattr(self, "_actors", []) + getattr(self, "_readers", []):
            ray.kill(actor)
        self._actors, self._readers = [], []
        if self._started and ray.is_initialized():
            ray.shutdown()
            self._started = False

    def __enter__(self) -> RayStages:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def describe(self) -> str:
        """One line for people: the workers and their threads."""
        return f"ray: {self.workers} encoder worker(s) x {self.threads} thread(s)"
