"""Arabic text normalisation and tokenisation, for matching only.

The original text is never changed: these functions produce keys that are
compared with each other (BM25 tokens, answer scoring, evaluation), while
display and citations always quote the source file as it is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "ARABIC_BLOCK",
    "ARABIC_STOPWORDS",
    "ENGLISH_STOPWORDS",
    "arabic_chars",
    "content_tokens",
    "is_arabic",
    "normalize",
    "readable_script",
    "strip_markup",
    "tokenize",
]

#: The Arabic Unicode block (letters, digits, marks, punctuation), as a regex class body.
ARABIC_BLOCK = "\u0600-\u06ff"
#: Arabic presentation forms (the glyphs PDFs often carry: ﻻ ﺍ ﻟ), as a regex class body.
ARABIC_PRESENTATION_FORMS = "\ufb50-\ufeff"

# Harakat, shadda, sukun, superscript alef, Quranic marks; tatweel; zero-width and direction marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u061c]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        # Arabic-Indic and Eastern Arabic-Indic digits.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "٫": ".",
        "٬": ",",
    }
)
_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_ARABIC_CHAR = re.compile(f"[{ARABIC_BLOCK}]")
# Letters Sanad reads: Latin (up to Latin Extended-B), the Arabic block, Arabic presentation forms.
_READABLE_LETTER = re.compile(f"[\u0000-\u024f{ARABIC_BLOCK}{ARABIC_PRESENTATION_FORMS}]")
# Markup pasted into a question or kept in a chat message: script/style elements whole, other tags.
_MARKUP = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)|<[^<>]{0,500}>", re.IGNORECASE | re.DOTALL)

#: Function words that carry no topic; compared after :func:`normalize`.
ARABIC_STOPWORDS: frozenset[str] = frozenset(
    """
    في من الي علي عن ان او ثم حتي مع بين الذي التي الذين هذا هذه ذلك تلك هو هي هم
    كان كانت قد لقد ما لا لم لن هل كل بعد قبل عند منذ اي كما لكن بل اذا ايضا فيه
    فيها به بها له لها وهو وهي وقد وفي ومن وان الا غير حيث ذات هناك هنا عليه عليها
    اليه منه منها عنه انه انها التي الذي و ف ب ل ك
    ماذا متي اين كيف لماذا كم من
    """.split()
)
ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    """
    a an the of in on at to for from by with and or is are was were be been what which
    who whom whose when where why how did do does that this these those it its as
    about into than then there their they he she his her him we you i not no
    """.split()
)


def normalize(text: str) -> str:
    """Return ``text`` folded for matching.

    NFKC (presentation forms such as ``ﻻ`` become ``لا``), invisible and
    direction marks removed, diacritics and tatweel removed, alef/yaa/taa
    marbuta/hamza carriers folded, Arabic-Indic digits to ASCII, Latin
    lower-cased, punctuation turned into spaces, whitespace collapsed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD).lower()
    text = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join(text.split())


def is_arabic(text: str) -> bool:
    """True when Arabic letters are at least a third of the letters in ``text``."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return arabic > 0 and arabic * 2 >= latin


def arabic_chars(text: str) -> int:
    """How many characters of ``text`` are in the Arabic block."""
    return len(_ARABIC_CHAR.findall(text))


def readable_script(text: str) -> bool:
    """True unless most letters are in scripts other than Arabic and Latin (Cyrillic, CJK, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    ours = sum(1 for ch in letters if _READABLE_LETTER.match(ch))
    return ours * 2 >= len(letters)


def strip_markup(text: str) -> str:
    """``text`` with HTML tags (and script/style elements whole) replaced by spaces."""
    return _MARKUP.sub(" ", text)


@lru_cache(maxsize=1)
def _stemmers() -> tuple[object, object]:
    import Stemmer  # PyStemmer: Snowball stemmers, MIT/BSD

    return Stemmer.Stemmer("arabic"), Stemmer.Stemmer("english")


def _split_run_together(token: str) -> list[str]:
    """Extra pieces for words fused at a definite article, e.g. ``الاممالمتحده``.

    The seeds contain words typed without a space (``الأممالمتحدة``). When a long
    token holds ``ال`` after its fourth letter, both halves are returned so that
    a question with the words apart still matches. The token itself is kept by
    the caller, so a false split only adds a weak extra term.
    """
    if len(token) < 9:
        return []
    pieces = []
    for i in range(4, len(token) - 3):
        if token.startswith("ال", i):
            pieces = [token[:i], token[i:]]
            break
    return pieces


def tokenize(text: str, *, stem: bool = True, drop_stopwords: bool = True) -> list[str]:
    """Split ``text`` into normalised (and optionally stemmed) word tokens.

    Arabic words use the Snowball Arabic stemmer, Latin words the English one.
    Run-together words at a definite article add their halves as extra tokens.
    """
    words = _WORD.findall(normalize(text))
    out: list[str] = []
    arabic_stemmer, english_stemmer = _stemmers() if stem else (None, None)
    for word in words:
        ascii_word = word.isascii()
        if drop_stopwords and word in (ENGLISH_STOPWORDS if ascii_word else ARABIC_STOPWORDS):
            continue
        pieces = [word] if ascii_word else [word, *_split_run_together(word)]
        for piece in pieces:
            if stem:
                stemmer = english_stemmer if ascii_word else arabic_stemmer
                piece = stemmer.stemWord(piece)  # type: ignore[attr-defined]
            if piece:
                out.append(piece)
    return out


def content_tokens(text: str, *, stem: bool = True) -> set[str]:
    """The set of stemmed content tokens of ``text`` (stop words dropped)."""
    return set(tokenize(text, stem=stem))
