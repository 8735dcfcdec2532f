"""What one ingest did."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IngestReport"]


@dataclass
class IngestReport:
    """Articles added, updated, unchanged, removed, failed (with reasons) or repaired, files skipped, and
    chunk counts. A record of a multi-article file is named ``file [record]``."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Files in a folder that are not read, with why (``("photo.xyz", "unsupported type")``).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    #: Distinct texts encoded (chunks and quotable sentences, each with its headline).
    texts_embedded: int = 0
    #: Where the time went: encoding; storing (Chroma, sentence vectors, BM25 tokens: on a thread of its
    #: own, while the next batch is encoded); and waiting for files to be read (reading also runs beside
    #: the encoder: this is only what it did not hide).
    encode_seconds: float = 0.0
    write_seconds: float = 0.0
    read_wait_seconds: float = 0.0
    #: Seconds until every article was searchable by its words (the words stage), from the run's start.
    searchable_seconds: float = 0.0
    #: Chunks the vector stage stored with their vectors in this run, and chunks still without them.
    vectors_stored: int = 0
    vectors_pending: int = 0

    @property
    def texts_per_second(self) -> float:
        """Texts encoded per second of encoding."""
        return self.texts_embedded / self.encode_seconds if self.encode_seconds > 0 else 0.0

    def summary(self) -> str:
        """One line for people: counts and time."""
        repaired = f", {len(self.repaired)} repaired" if self.repaired else ""
        if self.skipped:
            names = ", ".join(f"{name} ({why})" for name, why in self.skipped[:5])
            more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
            repaired += f", {len(self.skipped)} skipped: {names}{more}"
        return (
            f"files: {len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.failed)} failed{repaired}; chunks written: "
            f"{self.chunks_written} (index holds {self.chunks_total}); time: {self.seconds:.1f} s"
            + (
                f" ({self.texts_embedded} texts encoded in {self.encode_seconds:.1f} s, {self.texts_per_second:.1f}/s)"
                if self.texts_embedded
                else ""
            )
            + (f"; {self.vectors_pending} chunks await vectors (`sanad vectors`)" if self.vectors_pending else "")
        )
