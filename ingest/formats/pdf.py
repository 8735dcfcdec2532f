"""PDF text layers in logical Arabic order, one paragraph a line, one page break between pages.

pypdf's layout mode keeps each line whole; many Arabic PDFs (Chromium's among them) store
glyphs in visual order, so such a line reads right to left letter by letter. A page whose
words end in ``لا`` more often than they start with ``ال`` is in visual order: each Arabic line
is reversed, Latin/digit runs are turned back, paired brackets and guillemets the renderer
mirrored (``»…«`` for ``«…»``) are swapped back, and NFKC folds the presentation forms
(ﻻ ﺍ ﻟ) to base letters. Glyphs without a Unicode mapping (NUL) are dropped, and a mark the
layout set apart between spaces goes back onto its letter. The printed lines of a paragraph
are then joined back into running text (a line break inside a paragraph is a space): what a
sentence is must not depend on where the printer wrapped it. docs/formats.md has the measurements.
"""

from __future__ import annotations

import io
import re
import unicodedata

from ingest.chunker import headline
from ingest.formats.document import PAGE_BREAK, Document
from ingest.formats.pdf_words import drawn_words, mend_words
from ingest.loader import ArticleError
from ingest.textnorm import ARABIC_BLOCK, normalize

__all__ = ["read_pdf", "visual_to_logical"]

_ARABIC = re.compile(f"[{ARABIC_BLOCK}\ufb50-\ufdff\ufe70-\ufeff]")
# A left-to-right run of a visual line (Latin words, numbers), read as drawn. A bracket pair that
# encloses Latin after Latin is part of the run (``BBC (News)``: Unicode bidi rule N0 gives it the
# run's direction); a pair around Arabic or around a lone number belongs to the Arabic text.
_LTR_WORDS = r"[A-Za-z0-9](?:[A-Za-z0-9 .,:;/%+\-]*[A-Za-z0-9])?"
_LTR_RUN = re.compile(
    rf"{_LTR_WORDS}(?:(?<=[A-Za-z])(?: ?\({_LTR_WORDS}\)| ?\[{_LTR_WORDS}\])(?:[ .,:;/%+\-]*{_LTR_WORDS})?)*"
)
# Characters a right-to-left run is drawn with mirrored (Unicode Bidi_Mirroring_Glyph, the paired
# ones): read back in logical order, each is its pair.
_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
# The layout's spacing around a mirrored pair is off by one glyph (``( وفق`` for ``(وفق``): no
# space after an opening bracket or before a closing one.
_BRACKET_SPACE = re.compile(r"(?<=[(\[{«‹]) +| +(?=[)\]}»›])")
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = re.compile(r"\S+")
# A line with neither (``=====``) separates sections; a line of marks alone is a vowel the layout
# set on a row of its own.
_WORD_OR_MARK = re.compile(f"[^\\W_]|[{_MARKS}]")
# A mark the layout set apart between spaces goes back on its letter: tanween ends a word (the
# space after it stays), other marks (shadda, vowels) sit inside one.
_LONE_MARKS = re.compile(f"(?<=\\S) *([{_MARKS}]+) {{2,}}(?=\\S)|(?<=\\S) ([{_MARKS}]+) (?=\\S)")
# Bold fonts: a word ending in tanween comes out glued in front of the word before it ("لافتاًهناك"
# for "هناك لافتاً"); tanween only ends words, so the two are split and put back in order.
_GLUED_TANWEEN = re.compile(r"(\S*[\u064b-\u064d])([\u0621-\u064a]\S*)")
# A printed line that ends a sentence (closing quotes or brackets may follow the mark), and the
# share of the page's longest line under which such a line is a paragraph's last.
_LINE_ENDS_SENTENCE = re.compile(r"[.!?؟؛…:][\"'»”’)\]]*$")
_SHORT_LINE = 0.8
# The layout's space inside curly quotes, and straight quotes (" or '') with the spaces after them.
_CURLY_SPACE = re.compile(r"(?<=“) +| +(?=”)")
_STRAIGHT = re.compile(r"(?:''|\")(?: +)?")
# The layout's space after the hyphen of an Arabic compound («التركية- السورية»); a slash is left as it
# is (sources write «ديسمبر/ كانون» as often as «آذار/مارس»).
_COMPOUND_SPACE = re.compile(f"(?<=[{ARABIC_BLOCK}]-) (?=[{ARABIC_BLOCK}])")
# A /Title that names a file or an address (Chromium's, for a page without a <title>).
_FILE_OR_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://\S*|[^\s/\\]+\.(?:html?|xhtml|pdf|docx?|odt|txt|md))$", re.I)
_UNMAPPED = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")  # glyphs without a Unicode mapping


def visual_to_logical(line: str) -> str:
    """One visually ordered Arabic line in logical order.

    The line is read right to left, except its left-to-right runs (Latin, numbers), which stay as
    drawn; outside those runs each mirrored bracket or guillemet is turned back into its pair.
    """
    pieces: list[str] = []
    pos = 0
    for run in _LTR_RUN.finditer(line):
        pieces.append(line[pos : run.start()][::-1].translate(_MIRRORED))
        pieces.append(run.group(0))
        pos = run.end()
    pieces.append(line[pos:][::-1].translate(_MIRRORED))
    return _BRACKET_SPACE.sub("", "".join(reversed(pieces)))


def _is_visual(lines: list[str]) -> bool:
    words = [unicodedata.normalize("NFKC", w) for line in lines for w in _WORD.findall(line)]
    starts = sum(w.startswith("ال") for w in words)
    ends = sum(w.endswith("لا") for w in words)
    return ends > starts


def _rejoin(match: re.Match[str]) -> str:
    marks = match.group(1) or match.group(2)
    return marks + " " if re.search("[\u064b-\u064d]", marks) else marks


def _quote_spaces(paragraph: str) -> str:
    """A paragraph without the layout's space inside its quotes: after “ and before ”, and inside
    each pair of ``"`` or ``''`` (taken in turn, opening then closing) when they pair up."""
    paragraph = _CURLY_SPACE.sub("", paragraph)
    marks = list(_STRAIGHT.finditer(paragraph))
    if not marks or len(marks) % 2:
        return paragraph
    pieces, at = [], 0
    for i, mark in enumerate(marks):
        pieces.append(paragraph[at : mark.start()])
        if i % 2:  # closing: no space before it
            pieces[-1] = pieces[-1].rstrip(" ")
        pieces.append(mark.group(0) if i % 2 else mark.group(0).rstrip(" "))  # opening: none after it
        at = mark.end()
    pieces.append(paragraph[at:])
    return "".join(pieces)


def _paragraphs(lines: list[str], widths: list[int]) -> list[str]:
    """The printed lines of a page joined into paragraphs, each line break inside one a space.

    A paragraph ends at an empty line (pypdf's layout mode writes one for a vertical gap larger
    than the line spacing) and after a line that ends a sentence and stops short of the page's
    longest line (a paragraph's last line, where no gap sets paragraphs apart). A line without a
    word or a mark (``=====``) stands alone: it separates sections. ``widths`` are the lines'
    extents in the layout's columns.
    """
    full = max(widths, default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line, width in zip(lines, widths, strict=True):
        separator = bool(line) and not _WORD_OR_MARK.search(line)
        if current and separator:
            paragraphs.append(" ".join(current))
            current = []
        if line:
            current.append(line)
        last = separator or (_LINE_ENDS_SENTENCE.search(line) is not None and width < _SHORT_LINE * full)
        if current and (not line or last):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _page_text(raw: str) -> str:
    rows = _UNMAPPED.sub("", raw).replace("\r\n", "\n").replace(PAGE_BREAK, " ").split("\n")
    lines = [row.strip() for row in rows]
    if _is_visual(lines):
        lines = [visual_to_logical(line) if _ARABIC.search(line) else line for line in lines]
    lines = [unicodedata.normalize("NFKC", line).strip() for line in lines]
    paragraphs = _paragraphs(lines, [len(row.strip()) for row in rows])
    text = "\n".join(
        _quote_spaces(_COMPOUND_SPACE.sub("", re.sub(r" {2,}", " ", _LONE_MARKS.sub(_rejoin, paragraph))))
        for paragraph in paragraphs
    )
    return _GLUED_TANWEEN.sub(lambda m: f"{m.group(2)} {m.group(1)}", text)


def _title(stated: str, text: str) -> str:
    """The article's headline: the PDF's ``/Title`` unless that is no headline, else the first line's
    (:func:`ingest.chunker.headline`, as for a .txt).

    Not a headline: a file name or address (what Chromium writes for a page without a ``<title>``),
    or the opening words of the text cut short (a page titled with its first words, Word's default).
    """
    if _FILE_OR_URL.match(stated):
        stated = ""
    first = normalize(text.split("\n", 1)[0])
    if stated and first.startswith(normalize(stated)) and len(normalize(stated)) < len(first):
        stated = ""
    return stated or headline(text)


def read_pdf(data: bytes, name: str) -> Document:
    """The text layer of every page, in order, one paragraph a line, :data:`PAGE_BREAK` between pages.

    Raises:
        ArticleError: not a PDF or damaged, encrypted, or without a text layer (a scan).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ArticleError(f"{name}: encrypted PDF (password-protected); save an unprotected copy")
        pages = [
            mend_words(_page_text(page.extract_text(extraction_mode="layout") or ""), drawn_words(page))
            for page in reader.pages
        ]
        info = reader.metadata or {}
    except ArticleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ArticleError(f"{name}: damaged or not a PDF ({exc})") from None
    if not any(re.search(r"\w", page) for page in pages):
        raise ArticleError(f"{name}: no text layer (scanned PDF?); run OCR on it first")
    text = PAGE_BREAK.join(pages)
    return Document(
        text=text,
        title=_title(str(info.get("/Title") or "").strip(), text),
        author=str(info.get("/Author") or "").strip(),
        paged=True,
    )
