"""What one ingest did."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IngestReport"]


@dataclass
class IngestReport:
    """Files added, updated, unchanged, removed, failed (with reasons) or repaired, and chunk counts."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for people: counts and time."""
        repaired = f", {len(self.repaired)} repaired" if self.repaired else ""
        return (
            f"files: {len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.failed)} failed{repaired}; chunks written: "
            f"{self.chunks_written} (index holds {self.chunks_total}); time: {self.seconds:.1f} s"
        )
