"""Reading article files: encoding detection and clear refusals.

:func:`read_article` defines "the file's original text" that all offsets refer
to: the decoded text without a byte-order mark, with ``\\r\\n``/``\\r`` read as
``\\n`` (what Python's ``open(path, encoding=...).read()`` gives).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SanadError
from ingest.textnorm import ARABIC_BLOCK

__all__ = [
    "Article",
    "ArticleError",
    "MAX_FILE_BYTES",
    "decode_article",
    "find_articles",
    "read_article",
    "read_bounded",
]

#: Largest file read (10 MiB, a few thousand news articles): a bigger one is refused with
#: its size, so one stray dump or log cannot stall an ingest or fill memory.
MAX_FILE_BYTES = 10 * 1024 * 1024

_ARABIC = re.compile(f"[{ARABIC_BLOCK}]")
_NOT_ARABIC_OR_ASCII = re.compile(f"[^\u0000-\u007f{ARABIC_BLOCK}]")
# Arabic, Arabic Supplement, whitespace, printable ASCII, guillemets, dashes/quotes, ellipsis.
_ARABIC_OR_ASCII_TEXT = re.compile(f"[{ARABIC_BLOCK}\u0750-\u077f\\s\x20-\x7e«»\u2010-\u201f\u2026]")


class ArticleError(SanadError, ValueError):
    """A file cannot be ingested; the message names the file and the reason."""


@dataclass(frozen=True)
class Article:
    """A decoded article and where it came from."""

    path: Path
    text: str
    encoding: str
    sha256: str
    size: int


def _universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_article(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as such; other
    bytes are tried as Windows-1256 (common for Arabic) and kept only if they
    read as Arabic/Latin text.

    Raises:
        ArticleError: empty, binary, or in no encoding Sanad recognises.
    """
    if not data.strip():
        raise ArticleError(f"{name}: empty file")
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), name), encoding.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise ArticleError(
                    f"{name}: starts with a {encoding} byte-order mark but is not {encoding}: {exc}"
                ) from None
    if b"\x00" in data:
        raise ArticleError(f"{name}: binary file (contains NUL bytes), not text")
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # Short Windows-1256 Arabic can also be valid UTF-8 (``آ،`` is the bytes of ``¡``). A UTF-8
    # reading without Arabic is dropped when the Windows-1256 one is ASCII and Arabic only.
    if text is not None and (text.isascii() or _ARABIC.search(text)):
        return _checked(text, name), "utf-8"
    arabic = _cp1256_text(data)
    if text is not None and (arabic is None or _NOT_ARABIC_OR_ASCII.search(arabic)):
        return _checked(text, name), "utf-8"
    if arabic is None:
        raise ArticleError(f"{name}: not UTF-8 and not readable as Windows-1256; save it as UTF-8")
    return _checked(arabic, name), "cp1256"


def _cp1256_text(data: bytes) -> str | None:
    """``data`` read as Windows-1256 if that gives Arabic/Latin text; else None."""
    text = data.decode("cp1256", errors="replace")
    readable = len(_ARABIC_OR_ASCII_TEXT.findall(text))
    if "\ufffd" in text or readable < 0.95 * len(text):
        return None
    return text


def _checked(text: str, name: str) -> str:
    text = _universal_newlines(text)
    if not text.strip():
        raise ArticleError(f"{name}: empty file (only whitespace)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > max(8, len(text) // 100):
        raise ArticleError(f"{name}: binary file (control characters), not text")
    return text


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them (``limit + 1`` are read to tell).

    Raises:
        ArticleError: unreadable, or larger than ``limit`` (the message names the file).
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise ArticleError(
            f"{path}: too large (over {limit / 2**20:.0f} MiB); split it into articles of a sensible size"
        )
    return data


def read_article(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Article:
    """Read and decode one article (one read: the hash and the text are of the same bytes).

    Raises:
        ArticleError: unreadable, larger than ``max_bytes``, empty, binary or undecodable
            (the message names the file).
    """
    data = read_bounded(path, max_bytes)
    text, encoding = decode_article(data, str(path))
    return Article(path=path, text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def find_articles(
    folder: Path,
    extensions: Iterable[str],
    skipped: list[tuple[Path, str]] | None = None,
    unsupported: list[Path] | None = None,
) -> Iterator[Path]:
    """Files under ``folder`` (recursively, sorted, hidden ones skipped) with one of ``extensions``.

    Symbolic links to files inside ``folder`` are read; links that lead outside it
    (the corpus is what is inside it) and broken links are skipped and, when
    ``skipped`` is given, appended to it with the reason. Linked folders are not entered.
    Other (non-hidden) files are appended to ``unsupported`` when it is given.
    """
    wanted = {e.lower() for e in extensions}
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() not in wanted:
            if unsupported is not None and path.is_file():
                unsupported.append(path)
            continue
        if path.is_symlink():
            reason = None
            if not path.exists():
                reason = "broken symbolic link: skipped"
            elif not path.resolve().is_relative_to(root):
                reason = f"symbolic link to {path.resolve()}, outside the folder: skipped"
            if reason:
                if skipped is not None:
                    skipped.append((path, reason))
                continue
        if path.is_file():
            yield path
