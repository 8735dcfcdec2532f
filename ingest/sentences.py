"""Which sentences of a passage an answer may quote, and the text embedded for each.

Ingest embeds exactly these sentences (stored under :func:`ingest.ids.sentence_id`) and the
answerer scores exactly these, so both import them from here: a change here changes both.
"""

from __future__ import annotations

from ingest.chunker import Span, split_sentences

__all__ = ["MIN_WORDS", "in_context", "quotable_sentences"]

#: Fewer words than this is a heading or a fragment, not an answer.
MIN_WORDS = 3


def in_context(sentence: str, title: str) -> str:
    """What is embedded for a sentence: the article's headline, then the sentence (as chunks are)."""
    if title and not sentence.startswith(title):
        return f"{title}\n\n{sentence}"
    return sentence


def quotable_sentences(text: str, start: int, title: str) -> list[tuple[int, Span]]:
    """The sentences of a passage that may be quoted, each with its position among all its sentences.

    ``text`` is the passage and ``start`` its offset in the file, so every span's offsets are
    the file's. The headline itself and fragments under :data:`MIN_WORDS` words are left out.
    """
    return [
        (k, span)
        for k, span in enumerate(split_sentences(text, offset=start))
        if len(span.text.split()) >= MIN_WORDS and span.text != title
    ]
