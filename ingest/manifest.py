"""The manifest: which files are in the index, their hashes, and how the index was built.

Stored as ``<index>/manifest.json``, written atomically (temporary file + rename).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.errors import SanadError
from ingest.ids import chunk_id, file_id

__all__ = ["FileRecord", "Manifest", "ManifestError"]

_VERSION = 1


class ManifestError(SanadError, RuntimeError):
    """The manifest cannot be read."""


@dataclass
class FileRecord:
    """One ingested article: a file, or one record (``record``) of a multi-article file.

    ``sha256`` is the file's hash for a one-article file and the record's content hash for a
    record; ``file_sha256`` is always the file's (an unchanged file is not read again).
    """

    root: str
    file: str
    sha256: str
    size: int
    chunks: int
    encoding: str
    ingested_at: str
    record: str | None = None
    file_sha256: str = ""
    title: str = ""
    published: str | None = None
    publisher: str = ""
    author: str = ""
    url: str = ""
    paged: bool = False
    #: The article's first words, naming it where it has no headline (``""`` when it has one).
    lead: str = ""

    @property
    def key(self) -> str:
        return file_id(self.root, self.file if self.record is None else f"{self.file}\0{self.record}")

    @property
    def name(self) -> str:
        """How reports name it: the file, and the record inside it when there is one."""
        return self.file if self.record is None else f"{self.file} [{self.record}]"

    @property
    def chunk_ids(self) -> list[str]:
        return [chunk_id(self.key, i) for i in range(self.chunks)]

    @property
    def path(self) -> Path:
        return Path(self.root) / self.file


@dataclass
class Manifest:
    """What the index holds; ``build`` records the settings its vectors and tokens depend on."""

    build: dict[str, object] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read ``path``; an absent file is an empty manifest."""
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {key: FileRecord(**row) for key, row in data["files"].items()}
            return cls(build=dict(data["build"]), files=files)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ManifestError(f"{path}: manifest is damaged ({exc}); run `sanad ingest --rebuild`") from exc

    def save(self, path: Path) -> None:
        """Write atomically: readers see the old or the new manifest, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        payload = {
            "version": _VERSION,
            "build": self.build,
            "files": {key: asdict(record) for key, record in sorted(self.files.items())},
        }
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    @property
    def chunk_count(self) -> int:
        return sum(record.chunks for record in self.files.values())

    def by_path(self) -> dict[tuple[str, str], list[FileRecord]]:
        """Records grouped by ``(root, relative file)`` (several for a multi-article file)."""
        grouped: dict[tuple[str, str], list[FileRecord]] = {}
        for record in self.files.values():
            grouped.setdefault((record.root, record.file), []).append(record)
        return grouped
