"""Arabic words as a PDF draws them, to mend the words of its layout text.

pypdf's layout mode places characters on a grid of columns, so where two glyphs of one word touch
it may put a space between them («م ؤتمر») or move a diacritic across a space («قُتِ لَالجمعة»,
a tanween onto the next word). Its visitor reports each piece of text where it is drawn: an Arabic
piece is a word or part of one, in logical order, with its marks, and the pieces of a word touch
(no drawn space between them). :func:`drawn_words` gathers those words; :func:`mend_words` rejoins
and re-marks the layout text's words by them, changing only words the drawing shows otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = ["drawn_words", "mend_words"]

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_MARK = re.compile(f"[{_MARKS}]")
# A word's core: Arabic letters with their marks (tatweel too); what surrounds it is punctuation.
_CORE = re.compile(f"[\u0621-\u064a\u0671-\u06d3{_MARKS}\u0640]+")
_LONE_MARKS = re.compile(f"^[{_MARKS}]+$")
_ARABIC_PIECE = re.compile(f"[\u0621-\u064a\u0671-\u06d3{_MARKS}]")  # a letter or a mark drawn on its own
# Marks no Arabic word has there: tanween before the word's end (an alef or ta marbuta may follow it),
# or two short vowels (or a vowel and sukun) on one letter.
_IMPLAUSIBLE = re.compile(r"[\u064b-\u064d](?![\u0627\u0649\u0629]?$)|[\u064e\u064f\u0650\u0652]{2}")
_UNMAPPED = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _bare(word: str) -> str:
    return _MARK.sub("", word)


def drawn_words(page: Any) -> set[str]:
    """The Arabic words ``page`` (a pypdf page) draws, NFKC-folded, with their marks: the pieces on
    one baseline, right to left, joined where no space is drawn between them."""
    pieces: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text and text != "\n":
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            pieces.append((y, x, abs(size * tm[3] * cm[3]) or 1.0, text))

    page.extract_text(visitor_text=visit)
    rows: list[list[tuple[float, float, float, str]]] = []
    for piece in pieces:
        if rows and abs(rows[-1][-1][0] - piece[0]) <= 0.5 * max(piece[2], rows[-1][-1][2]):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    words: set[str] = set()
    for row in rows:
        current = ""
        for _, _, _, text in sorted(row, key=lambda p: -p[1]):  # right to left
            folded = _UNMAPPED.sub("", unicodedata.normalize("NFKC", text))  # a glyph without Unicode: lost
            if _ARABIC_PIECE.search(folded) and not re.search(r"\s", folded.strip()):
                current += folded.strip()
            else:
                words.update(_CORE.findall(current))
                current = ""
        words.update(_CORE.findall(current))
    return {w for w in words if _ARABIC_LETTER.search(w)}


def _by_bare(words: Iterable[str]) -> dict[str, str]:
    """Each drawn word by its letters alone, where only one drawn word has those letters."""
    found: dict[str, set[str]] = {}
    for word in words:
        found.setdefault(_bare(word), set()).add(word)
    return {bare: next(iter(ws)) for bare, ws in found.items() if len(ws) == 1}


def _core(token: str) -> tuple[str, str, str]:
    """``token`` as (punctuation before, the Arabic core, punctuation after); core "" if none."""
    match = _CORE.search(token)
    if not match:
        return token, "", ""
    return token[: match.start()], match.group(0), token[match.end() :]


def mend_words(text: str, drawn: set[str]) -> str:
    """``text`` (one page of layout text, logical order) with its Arabic words mended by ``drawn``:
    two neighbours whose letters together are one drawn word (and are not both drawn words) are
    joined, or split again where two drawn words meet («قُتِ لَالجمعة» → «قُتِلَ الجمعة»); a word whose letters are a drawn word's but whose marks differ takes the drawn word's
    marks; a mark standing alone between spaces (its letter is elsewhere) is dropped."""
    if not drawn:
        return text
    bare = _by_bare(drawn)
    lines = []
    for line in text.split("\n"):
        tokens = line.split(" ")
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if i + 1 < len(tokens):
                joined = _join(token, tokens[i + 1], drawn, bare)
                if joined is not None:
                    tokens[i + 1] = joined
                    i += 1
                    continue
            out.append(_remark(token, drawn, bare))
            i += 1
        lines.append(" ".join(t for t in out if not _LONE_MARKS.match(t)))
    return "\n".join(lines)


def _join(left: str, right: str, drawn: set[str], bare: dict[str, str]) -> str | None:
    """``left`` and ``right`` as one token when the drawing shows one word there, else None."""
    before, a, tail = _core(left)
    head, b, after = _core(right)
    if not a or not b or tail or head:
        return None
    if a in drawn and b in drawn:
        return None
    if a + b in drawn:
        return before + a + b + after
    cut = _two_words(a + b, drawn)  # a mark or letter moved across the space: two drawn words
    if cut and cut != len(a):
        return before + (a + b)[:cut] + " " + (a + b)[cut:] + after
    whole = _bare(a + b)
    if whole in bare and (_bare(a) not in bare or _bare(b) not in bare):
        return before + bare[whole] + after
    return None


def _misplaced(layout: str, drawn: str) -> bool:
    """Whether ``layout``'s marks sit where Arabic cannot have them (tanween inside a word, two vowels on
    one letter) and ``drawn``'s do not: then the drawn word's order is right. (A bold font draws a mark
    as a piece of its own, which may sort before its letter: a plausible layout word is kept.)"""
    return _IMPLAUSIBLE.search(layout) is not None and _IMPLAUSIBLE.search(drawn) is None


def _two_words(letters: str, drawn: set[str]) -> int:
    """Where ``letters`` splits into two drawn words, the first ending in a mark (the layout moved a
    vowel across the space: «قُتِلَ|الجمعة»); 0 if nowhere."""
    return next(
        (
            cut
            for cut in range(2, len(letters) - 1)
            if _MARK.match(letters[cut - 1]) and letters[:cut] in drawn and letters[cut:] in drawn
        ),
        0,
    )


def _remark(token: str, drawn: set[str], bare: dict[str, str]) -> str:
    before, core, after = _core(token)
    if not core or core in drawn:
        return token
    mended = bare.get(_bare(core))
    if mended and (sorted(_MARK.findall(mended)) != sorted(_MARK.findall(core)) or _misplaced(core, mended)):
        return before + mended + after  # a mark lost or gained across a space, or set on the wrong letter
    cut = _two_words(core, drawn)  # two words the layout ran together («قُتِلَالجمعة»)
    return before + core[:cut] + " " + core[cut:] + after if cut else token

