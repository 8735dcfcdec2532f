"""Adding files to the corpus folder and ingesting them; a file the ingest refuses leaves no trace."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.errors import SanadError
from rag.index.report import IngestReport

__all__ = ["CorpusWriteError", "add_to_corpus"]

Refused = list[tuple[str, str]]


class CorpusWriteError(SanadError, RuntimeError):
    """Files could not be written into the corpus folder; what was there is put back."""


def add_to_corpus(
    files: Sequence[str | Path],
    corpus: Path,
    extensions: Sequence[str],
    ingest: Callable[[list[Path]], IngestReport],
) -> tuple[IngestReport, Refused]:
    """Copy ``files`` into ``corpus`` (by base name) and ``ingest([corpus])``.

    A file of another type, or whose name is a link or folder in ``corpus``, is refused with its
    reason. A copied file the ingest fails on is removed again (or the file it replaced put
    back); if the ingest itself fails, every copied file is, and the error is raised.

    Returns:
        the ingest's report and the refused files with their reasons.
    """
    corpus.mkdir(parents=True, exist_ok=True)
    wanted = [e.lower() for e in extensions]
    with tempfile.TemporaryDirectory(prefix="sanad-upload-") as backups:
        saved: dict[Path, Path | None] = {}
        try:
            refused = _save(files, corpus, wanted, Path(backups), saved)
            if not saved:
                return IngestReport(), refused
            report = ingest([corpus])
        except OSError as exc:
            _restore(saved)
            raise CorpusWriteError(f"{corpus}: cannot add the files: {exc}") from exc
        except BaseException:
            _restore(saved)
            raise
        _restore(saved, {Path(name).name for name, _ in report.failed})
    return report, refused


def _save(
    files: Sequence[str | Path], corpus: Path, extensions: list[str], backups: Path, saved: dict[Path, Path | None]
) -> Refused:
    """Copy each file in; record in ``saved`` each target with a backup of the file it replaced (or None)."""
    refused: Refused = []
    for upload in files:
        name = Path(upload).name
        target = corpus / name
        if Path(name).suffix.lower() not in extensions:
            refused.append((name, f"not an article file (expected {', '.join(extensions)})"))
        elif target.is_symlink() or (target.exists() and not target.is_file()):
            refused.append((name, "the articles folder holds a link or folder of that name; not replaced"))
        else:
            backup = None
            if target.exists():
                backup = backups / name
                shutil.copy2(target, backup)
            saved[target] = backup
            shutil.copyfile(upload, target)
    return refused


def _restore(saved: dict[Path, Path | None], names: set[str] | None = None) -> None:
    """Put back what the copies replaced (only files named in ``names``, or all): the folder as it was."""
    for target, backup in saved.items():
        if names is None or target.name in names:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                shutil.copy2(backup, target)
