"""PDF text layers in logical Arabic order, one page break between pages.

pypdf's layout mode keeps each line whole; many Arabic PDFs (Chromium's among them) store
glyphs in visual order, so such a line reads right to left letter by letter. A page whose
words end in ``لا`` more often than they start with ``ال`` is in visual order: each Arabic line
is reversed, Latin/digit runs are turned back, and NFKC folds
the presentation forms (ﻻ ﺍ ﻟ) to base letters. Glyphs without a Unicode mapping (NUL) are
dropped, and a mark the layout set apart between spaces goes back onto its letter.
docs/formats.md has the measurements.
"""

from __future__ import annotations

import io
import re
import unicodedata

from ingest.formats.document import PAGE_BREAK, Document
from ingest.loader import ArticleError
from ingest.textnorm import ARABIC_BLOCK

__all__ = ["read_pdf", "visual_to_logical"]

_ARABIC = re.compile(f"[{ARABIC_BLOCK}\ufb50-\ufdff\ufe70-\ufeff]")
_LTR_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,:;/%+\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = re.compile(r"\S+")
# A mark the layout set apart between spaces goes back on its letter: tanween ends a word (the
# space after it stays), other marks (shadda, vowels) sit inside one.
_LONE_MARKS = re.compile(f"(?<=\\S) *([{_MARKS}]+) {{2,}}(?=\\S)|(?<=\\S) ([{_MARKS}]+) (?=\\S)")
# Bold fonts: a word ending in tanween comes out glued in front of the word before it ("لافتاًهناك"
# for "هناك لافتاً"); tanween only ends words, so the two are split and put back in order.
_GLUED_TANWEEN = re.compile(r"(\S*[\u064b-\u064d])([\u0621-\u064a]\S*)")
_UNMAPPED = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")  # glyphs without a Unicode mapping


def visual_to_logical(line: str) -> str:
    """One visually ordered Arabic line in logical order."""
    line = line[::-1]
    return _LTR_RUN.sub(lambda m: m.group(0)[::-1], line)


def _is_visual(lines: list[str]) -> bool:
    words = [unicodedata.normalize("NFKC", w) for line in lines for w in _WORD.findall(line)]
    starts = sum(w.startswith("ال") for w in words)
    ends = sum(w.endswith("لا") for w in words)
    return ends > starts


def _rejoin(match: re.Match[str]) -> str:
    marks = match.group(1) or match.group(2)
    return marks + " " if re.search("[\u064b-\u064d]", marks) else marks


def _page_text(raw: str) -> str:
    lines = [line.strip() for line in _UNMAPPED.sub("", raw).replace("\r\n", "\n").split("\n")]
    if _is_visual(lines):
        lines = [visual_to_logical(line) if _ARABIC.search(line) else line for line in lines]
    text = "\n".join(
        re.sub(r" {2,}", " ", _LONE_MARKS.sub(_rejoin, unicodedata.normalize("NFKC", line))) for line in lines
    )
    text = _GLUED_TANWEEN.sub(lambda m: f"{m.group(2)} {m.group(1)}", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip().replace(PAGE_BREAK, " ")


def read_pdf(data: bytes, name: str) -> Document:
    """The text layer of every page, in order, :data:`PAGE_BREAK` between pages.

    Raises:
        ArticleError: not a PDF or damaged, encrypted, or without a text layer (a scan).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ArticleError(f"{name}: encrypted PDF (password-protected); save an unprotected copy")
        pages = [_page_text(page.extract_text(extraction_mode="layout") or "") for page in reader.pages]
        info = reader.metadata or {}
    except ArticleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ArticleError(f"{name}: damaged or not a PDF ({exc})") from None
    if not any(re.search(r"\w", page) for page in pages):
        raise ArticleError(f"{name}: no text layer (scanned PDF?); run OCR on it first")
    return Document(
        text=PAGE_BREAK.join(pages),
        title=str(info.get("/Title") or "").strip(),
        author=str(info.get("/Author") or "").strip(),
        paged=True,
    )
