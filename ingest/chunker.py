"""Sentence-aware chunking of Arabic text with exact character offsets.

Every span returned here satisfies ``text[span.start:span.end] == span.text``
on the original string: nothing is normalised or re-joined, so citations can
quote the source file exactly.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Span", "split_sentences", "chunk_text", "headline", "opening_words"]

#: Longest first line still taken for an article's headline.
HEADLINE_MAX_CHARS = 200
#: How an article without a headline is named: its first words, up to this many (and characters).
OPENING_WORDS, OPENING_MAX_CHARS = 8, 64


@dataclass(frozen=True)
class Span:
    """A piece of a text, with its offsets into that text."""

    text: str
    start: int
    end: int


# A sentence ends at . ! ? ؟ ؛ ; (possibly repeated, possibly followed by closing quotes)
# when what follows is whitespace, the end of the text, or a letter glued to the full stop
# (the seeds contain `حمص" .وعاد`). A full stop between digits (3.5) never ends a sentence.
_SENTENCE_END = re.compile(
    r"""(?:[.!?؟؛;…]+)["'»”’)\]]*(?=\s|$|[^\W\d_])""",
    re.UNICODE,
)
# A line made only of punctuation and symbols (`=====`) separates sections.
_SEPARATOR_LINE = re.compile(r"^[\W_]+$", re.UNICODE)
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
_SOFT_BREAK = re.compile(r"[،,:]\s")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """The span ``text[start:end]`` without surrounding whitespace; None if it has no word."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or not _HAS_WORD.search(text, start, end):
        return None
    return Span(text[start:end], start, end)


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of each line (without its newline) that is not a separator line."""
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip() and not _SEPARATOR_LINE.match(body.strip()):
            yield pos, pos + len(body)
        pos += len(line)


def _split_long(text: str, span: Span, max_chars: int) -> Iterator[Span]:
    """Cut a sentence longer than ``max_chars`` at commas, else at spaces."""
    start, end = span.start, span.end
    while end - start > max_chars:
        window_end = start + max_chars
        cut = -1
        for match in _SOFT_BREAK.finditer(text, start + max_chars // 3, window_end):
            cut = match.end()
        if cut < 0:
            cut = text.rfind(" ", start + max_chars // 3, window_end)
            cut = cut + 1 if cut > 0 else window_end
        piece = _trimmed(text, start, cut)
        if piece:
            yield piece
        start = cut
    piece = _trimmed(text, start, end)
    if piece:
        yield piece


def split_sentences(text: str, *, max_chars: int = 450, offset: int = 0) -> list[Span]:
    """Split ``text`` into sentences at Arabic and Latin terminators and line breaks.

    Sentences longer than ``max_chars`` are cut at ``،``/``,`` (or spaces).
    Separator lines such as ``=====`` and spans without a word are dropped.

    Args:
        text: the original text.
        max_chars: longest sentence kept whole.
        offset: added to every start/end (for text that is a slice of a file).

    Returns:
        Sentences in reading order; ``text[s.start - offset:s.end - offset] == s.text``.
    """
    if max_chars < 20:
        raise ValueError(f"max_chars must be at least 20, got {max_chars}")
    sentences: list[Span] = []
    for line_start, line_end in _lines(text):
        cursor = line_start
        for match in _SENTENCE_END.finditer(text, line_start, line_end):
            sentence = _trimmed(text, cursor, match.end())
            if sentence:
                sentences.extend(_split_long(text, sentence, max_chars))
            cursor = match.end()
        sentence = _trimmed(text, cursor, line_end)
        if sentence:
            sentences.extend(_split_long(text, sentence, max_chars))
    if offset:
        sentences = [Span(s.text, s.start + offset, s.end + offset) for s in sentences]
    return sentences


def _section_breaks(text: str) -> list[int]:
    """Offsets of separator lines, which chunks never cross."""
    breaks = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.strip() and _SEPARATOR_LINE.match(line.strip()):
            breaks.append(pos)
        pos += len(line)
    return breaks


def chunk_text(text: str, *, max_chars: int = 450, max_sentences: int = 3) -> list[Span]:
    """Group consecutive sentences into chunks of at most ``max_chars`` / ``max_sentences``.

    A chunk spans from its first sentence's start to its last sentence's end in
    the original text (the whitespace between them included), and never crosses
    a separator line.

    Raises:
        ValueError: if ``max_sentences`` < 1 or ``max_chars`` < 20.
    """
    if max_sentences < 1:
        raise ValueError(f"max_sentences must be at least 1, got {max_sentences}")
    sentences = split_sentences(text, max_chars=max_chars)
    breaks = _section_breaks(text)
    chunks: list[Span] = []
    group: list[Span] = []

    def flush() -> None:
        if group:
            start, end = group[0].start, group[-1].end
            chunks.append(Span(text[start:end], start, end))
            group.clear()

    for sentence in sentences:
        if group:
            # A separator line lies between the last sentence and this one (breaks are sorted).
            first = bisect.bisect_left(breaks, group[-1].end)
            crosses_break = first < len(breaks) and breaks[first] < sentence.start
            too_long = sentence.end - group[0].start > max_chars
            if crosses_break or too_long or len(group) >= max_sentences:
                flush()
        group.append(sentence)
    flush()
    return chunks


def headline(text: str) -> str:
    """The article's headline, or ``""``: its first non-empty line when that is short
    (≤ ``HEADLINE_MAX_CHARS``), does not end like a sentence, and more text follows.

    News articles and encyclopedia pages open with their title. Chunks further down
    rarely repeat it (they say "he" or "the city"), so it is added to what is
    embedded and indexed for each chunk.
    """
    lines = _lines(text)
    first = next(lines, None)
    if first is None or next(lines, None) is None:
        return ""
    line = text[first[0] : first[1]].strip()
    if len(line) > HEADLINE_MAX_CHARS or not _HAS_WORD.search(line) or _SENTENCE_END.search(line[-1:] + " "):
        return ""
    return line


def opening_words(text: str, words: int = OPENING_WORDS, max_chars: int = OPENING_MAX_CHARS) -> str:
    """How to name an article that has no headline: its first ``words`` words (at most ``max_chars``
    characters, cut between words), then "…" when the article goes on; ``""`` for an empty text."""
    found = text.split()
    shown = ""
    for word in found[:words]:
        longer = f"{shown} {word}" if shown else word
        if len(longer) > max_chars:
            shown = shown or word[:max_chars]
            break
        shown = longer
    if not shown:
        return ""
    whole = " ".join(found)
    shown = shown.rstrip("،,:؛;")
    return shown if shown == whole else shown + "…"
