"""The index commands of ``sanad``: ``ingest`` (words, then vectors), ``vectors`` and ``status``.

``sanad ingest`` announces "N articles searchable" as soon as the words stage is done, then runs the
vector stage in the same process at a lower priority (:data:`FILL_NICE`), with a progress bar and ETA;
Ctrl-C or a kill there loses nothing (`sanad vectors` or the next ingest goes on). ``--words-only``
stops after the words stage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.index.ray_stages import RayStages
    from rag.index.report import IngestReport

__all__ = ["FILL_NICE", "add_index_commands", "run_ingest", "run_status", "run_vectors"]

#: Niceness the vector stage of `sanad ingest` / `sanad vectors` runs at: questions answered by another
#: process on the same cores go first.
FILL_NICE = 10


def add_index_commands(commands: Any) -> None:
    """Declare ``ingest``, ``vectors`` and ``status`` on the ``sanad`` sub-parsers ``commands``."""
    ingest = commands.add_parser("ingest", help="add, update and remove articles: words first, vectors behind")
    ingest.add_argument("paths", nargs="*", type=Path, help="folders or files (default: corpus.path)")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and ingest from scratch")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--words-only", action="store_true", help="stop once every article is searchable (`sanad vectors` later)"
    )
    _add_ray(ingest)
    vectors = commands.add_parser("vectors", help="encode what the last ingests left without vectors, newest first")
    vectors.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_ray(vectors)
    status = commands.add_parser("status", help="articles searchable, vectors done/total, rate, ETA, last error")
    status.add_argument("--json", action="store_true", help="print the status as JSON")


def _add_ray(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="read and encode on Ray (pip install 'sanad[ray]'): a local Ray on every core, or the cluster at "
        "ADDRESS (auto, HOST:PORT, ray://HOST:PORT); this process still writes the index",
    )
    command.add_argument("--workers", type=int, metavar="N", help="with --ray: encoder workers (default: one per CPU)")
    command.add_argument(
        "--shared-files", action="store_true", help="with --ray: the files are at the same path on every node"
    )


class _Bars:
    """The words stage's bar (files) and the vector stage's (chunks, with rate and ETA), on stderr."""

    def __init__(self, quiet: bool, vectors: bool = True) -> None:
        self.quiet, self.vectors = quiet, vectors
        self.files: Any = None
        self.chunks: Any = None
        self.stored = 0

    def progress(self, done: int, total: int, name: str) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        if self.files is None:
            self.files = tqdm(total=total, unit="file", desc="words", file=sys.stderr)
        self.files.set_postfix_str(name[-40:], refresh=False)
        self.files.update(1)

    def searchable(self, report: IngestReport) -> None:
        if self.files is not None:
            self.files.close()
        articles = len(report.added) + len(report.updated) + len(report.unchanged)
        print(f"{articles:,} articles searchable ({report.searchable_seconds:.1f} s)", flush=True)
        if self.vectors:
            self.start_vectors(report.vectors_pending)

    def start_vectors(self, pending: int) -> None:
        if pending:
            print(f"vectors: {pending:,} chunks to encode, newest articles first (Ctrl-C stops; nothing is lost)")
        if hasattr(os, "nice"):
            os.nice(FILL_NICE)
        if not self.quiet and pending:
            from tqdm import tqdm

            self.chunks = tqdm(total=pending, unit="chunk", desc="vectors", file=sys.stderr)

    def on_batch(self, report: IngestReport) -> None:
        """Move the vector bar by the chunks stored since the last batch (words batches move nothing)."""
        if self.chunks is None:
            return
        self.chunks.update(report.vectors_stored - self.stored)
        self.stored = report.vectors_stored
        self.chunks.set_postfix_str(f"{report.texts_per_second:.1f} texts/s", refresh=False)

    def close(self) -> None:
        for bar in (self.files, self.chunks):
            if bar is not None:
                bar.close()


def run_ingest(assistant: Assistant, args: argparse.Namespace) -> int:
    """``sanad ingest``: the words stage, then (unless ``--words-only``) the vector stage."""
    from rag.index.build import StageHooks

    bars = _Bars(args.quiet, vectors=not args.words_only)
    hooks = StageHooks(vectors=not args.words_only, on_searchable=bars.searchable)
    with _stages(assistant, args) as stages:
        if stages is not None:
            print(stages.describe())
        try:
            report = assistant.ingest(
                args.paths or None,
                rebuild=args.rebuild,
                progress=bars.progress,
                on_batch=bars.on_batch,
                stages=stages,
                hooks=hooks,
            )
        finally:
            bars.close()
    print(report.summary())
    for name, reason in report.failed:
        print(f"  failed: {name}: {reason}")
    for name, reason in report.skipped:
        print(f"  skipped: {name} ({reason})")
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def run_vectors(assistant: Assistant, args: argparse.Namespace) -> int:
    """``sanad vectors``: the vector stage alone."""
    from rag.index.build import fill_vectors

    bars = _Bars(args.quiet)
    status = assistant.reader.status()
    bars.start_vectors(status.vectors_total - status.vectors_done)
    with _stages(assistant, args) as stages:
        try:
            report = fill_vectors(assistant.config, assistant.embed_model, stages=stages, on_batch=bars.on_batch)
        finally:
            bars.close()
    texts, per_second = report.texts_embedded, report.texts_per_second
    rate = f" ({texts:,} texts encoded, {per_second:.1f}/s)" if texts else ""
    left = f"; {report.vectors_pending:,} still without" if report.vectors_pending else ""
    print(f"vectors: {report.vectors_stored:,} chunks stored in {report.seconds:.1f} s{rate}{left}")
    return 0


def run_status(assistant: Assistant, args: argparse.Namespace) -> int:
    """``sanad status``: one line (or JSON) on how far the index is."""
    status = assistant.reader.status()
    if args.json:
        print(json.dumps(status.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(status.line())
    with_vectors = status.articles_with_vectors
    print(f"articles: {status.articles:,} ({status.searchable:,} searchable, {with_vectors:,} with vectors)")
    print(f"vectors: {status.vectors_done:,} of {status.vectors_total:,} chunks ({status.percent:.1f} %)")
    if status.rate:
        eta = f", ETA {status.eta_seconds / 60:.0f} min" if status.eta_seconds else ""
        print(f"vector stage: {'running' if status.filling else 'stopped'}, {status.rate:.2f} chunks/s{eta}")
    if status.last_error:
        print(f"last error: {status.last_error}")
    return 0


def _stages(assistant: Assistant, args: argparse.Namespace) -> AbstractContextManager[RayStages | None]:
    """The Ray stages ``--ray`` asks for (None without it); a path right after ``--ray`` is a path."""
    from rag.config import ConfigError

    if args.ray is None:
        if args.workers or args.shared_files:
            raise ConfigError("--workers and --shared-files go with --ray")
        return nullcontext()
    from rag.index.ray_cluster import is_address
    from rag.index.ray_stages import RayStages

    address = args.ray
    if not is_address(address):
        if not Path(address).exists():
            raise ConfigError(
                f"--ray: {address!r} is not a Ray address (auto, HOST:PORT, ray://HOST:PORT) nor a file or folder"
            )
        if not hasattr(args, "paths"):
            raise ConfigError(f"--ray: {address!r} is not a Ray address (auto, HOST:PORT, ray://HOST:PORT)")
        args.paths.insert(0, Path(address))
        address = "local"
    return RayStages(assistant.config.embedding, address=address, workers=args.workers, shared_files=args.shared_files)
