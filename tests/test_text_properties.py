"""Property-based tests (hypothesis) of normalisation, tokenisation, decoding and chunking on
messy text: zero-width characters, direction marks, mixed scripts, presentation forms, kashida
runs, odd line breaks, long lines without punctuation."""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ingest.chunker import chunk_text, headline, split_sentences
from ingest.loader import ArticleError, decode_article
from ingest.textnorm import normalize, tokenize

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)]
DIACRITICS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0670"]
TATWEEL = "\u0640"
PRESENTATION = ["\ufefb", "\ufef5", "\ufe8d", "\ufe91", "\ufee3", "\ufb50", "\ufdf2", "\ufe8e", "\ufeea"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202e", "\u2066"]
INVISIBLE += ["\u2067", "\u2069", "\ufeff", "\u00ad", "\u061c"]
LATIN = list("abcXYZéß")
DIGITS = list("0123") + ["\u0663", "\u06f5"]
PUNCT = list(".!?;,:\"'()[]«»…-=*_") + ["؟", "؛", "،", "\u201d"]
SPACES = [" ", " ", " ", "\n", "\n\n", "\t", "\u00a0", "\u3000", "\u2028", "\x0b", "\x0c", "\x1c", "\x85"]
CP1256_ARABIC = [ch for ch in ARABIC_LETTERS + DIACRITICS if ch.encode("cp1256", errors="ignore")]
OTHER = ["😀", "🇸🇾", "中", "ж", "א", "<b>", "&amp;", "\u0300"]

pieces = st.sampled_from(
    ARABIC_LETTERS
    + DIACRITICS
    + [TATWEEL, TATWEEL * 6]
    + PRESENTATION
    + INVISIBLE
    + LATIN
    + DIGITS
    + PUNCT
    + SPACES
    + OTHER
)
# Arabic-looking words (with marks inside them) more often than single characters.
words = st.lists(st.sampled_from(ARABIC_LETTERS + PRESENTATION) | pieces, min_size=1, max_size=12).map("".join)
messy = st.lists(words | pieces, max_size=400).map("".join)
WORD_CHAR = re.compile(r"[^\W_]", re.UNICODE)
ARABIC_RANGE = re.compile("[\u0600-\u06ff]")

# derandomize: CI runs the same 300 examples each time, so a pass here is a pass there; run
# with HYPOTHESIS_RANDOM=1 to explore new examples while working on the text code.
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not os.environ.get("HYPOTHESIS_RANDOM"),
)


@SETTINGS
@given(messy)
@example("ســــــوريا ﻻ\u200f تـــركيا\u200c " * 3)
def test_normalize_folds_marks_away_and_is_stable(text: str) -> None:
    folded = normalize(text)
    assert not set(folded) & set(INVISIBLE + DIACRITICS + [TATWEEL])
    assert folded == folded.strip() and "  " not in folded
    assert normalize(folded) == folded
    assert all(token and not any(ch.isspace() for ch in token) for token in tokenize(text))
    assert all(token and not any(ch.isspace() for ch in token) for token in tokenize(text, stem=False))


def test_marks_kashida_and_presentation_forms_match_the_plain_word() -> None:
    plain = tokenize("لا سوريا الأمم المتحدة")
    assert tokenize("ﻻ ســــوريا\u200f الأُمَم\u200c المتّحدة") == plain
    assert normalize("ﻻ") == "لا"
    assert normalize("\u202bدمشق\u202c\u200e Damascus") == "دمشق damascus"


@SETTINGS
@given(messy, st.integers(min_value=20, max_value=600), st.integers(min_value=1, max_value=5))
@example("كلمة" * 3000, 450, 3)  # a very long line without punctuation or spaces
@example(("بدون ترقيم " * 400) + "\n=====\n" + ("نص آخر " * 200), 450, 3)
@example("\u200f.\u200f\n" * 50 + "ﻻ", 20, 1)
def test_chunks_quote_the_text_and_cover_every_word(text: str, max_chars: int, max_sentences: int) -> None:
    chunks = chunk_text(text, max_chars=max(max_chars, 50), max_sentences=max_sentences)
    limit = max(max_chars, 50)
    previous_end = 0
    covered = bytearray(len(text))
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text  # offsets quote the original exactly
        assert chunk.start >= previous_end  # in order, no overlap
        assert chunk.text and not chunk.text[0].isspace() and not chunk.text[-1].isspace()
        assert len(chunk.text) <= limit
        assert WORD_CHAR.search(chunk.text)
        covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
        previous_end = chunk.end
    # No gaps beyond whitespace, punctuation and separator lines: every letter or digit is in a chunk.
    lost = [ch for i, ch in enumerate(text) if not covered[i] and WORD_CHAR.match(ch)]
    assert not lost, f"letters or digits left out of every chunk: {lost[:10]}"


@SETTINGS
@given(messy, st.integers(min_value=0, max_value=10_000))
def test_sentences_keep_exact_offsets_with_an_offset(text: str, offset: int) -> None:
    for span in split_sentences(text, max_chars=120, offset=offset):
        assert text[span.start - offset : span.end - offset] == span.text
    line = headline(text)
    assert line == "" or line in text


@SETTINGS
@given(messy, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decoding_gives_back_the_text_as_python_reads_it(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding == "utf-8" and not text.isascii() and not ARABIC_RANGE.search(text):
        # Truly ambiguous bytes: UTF-8 without Arabic (``ß``) that read as Windows-1256 give
        # Arabic and ASCII only (``أں``). For an Arabic archive the loader reads them as Arabic
        # by design (test below), so they are not this property's business.
        other = data.decode("cp1256", errors="replace")
        assume(not all(ch.isascii() or "\u0600" <= ch <= "\u06ff" for ch in other))
    try:
        decoded, _ = decode_article(data, "x.txt")
    except ArticleError as error:  # refused only when there is no text or it looks binary
        assert str(error).startswith("x.txt: ")
        assert not WORD_CHAR.search(text) or "binary" in str(error)
        return
    # Python's decoders drop the one byte-order mark the encoder wrote; plain UTF-8 gets none
    # written, so a leading U+FEFF in the text is read as the mark.
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if encoding == "utf-8":
        expected = expected.removeprefix("\ufeff")
    assert decoded == expected
    for chunk in chunk_text(decoded):
        assert decoded[chunk.start : chunk.end] == chunk.text


@SETTINGS
@given(st.text(alphabet=st.sampled_from(CP1256_ARABIC + [" ", ".", "،", "\n", "؟"] + DIGITS[:4]), min_size=1))
@example("آ،")  # also valid UTF-8 (``¡``): the Arabic reading wins
def test_windows_1256_arabic_is_read(text: str) -> None:
    if not text.strip():
        return
    data = text.encode("cp1256")
    try:  # bytes that are also UTF-8 Arabic (``ط،`` is ``ء``) are read as UTF-8: truly ambiguous
        assume(not re.search("[\u0600-\u06ff]", data.decode("utf-8")))
    except UnicodeDecodeError:
        pass
    decoded, encoding = decode_article(data, "x.txt")
    assert decoded == text
    assert encoding in {"cp1256", "utf-8"}  # pure ASCII is also valid UTF-8
