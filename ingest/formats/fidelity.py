"""How faithfully an extraction kept an article's words: the share recovered, in order."""

from __future__ import annotations

import difflib
import unicodedata

from ingest.textnorm import normalize

__all__ = ["words_in_order"]


def _words(text: str) -> list[str]:
    return normalize(unicodedata.normalize("NFKC", text)).split()


def words_in_order(reference: str, extracted: str) -> float:
    """The share of ``reference``'s normalised words that ``extracted`` holds in the same order
    (the longest matching word blocks, in order, over the reference's word count); 1.0 is perfect."""
    ref, got = _words(reference), _words(extracted)
    if not ref:
        return 1.0
    matcher = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(ref)
