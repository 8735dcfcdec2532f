"""Numbers as Arabic news writes them: digits (Western or Arabic-Indic, thousands separators, decimals),
number words in their gender and case forms («ثلاث/ثلاثة», «ثلاثون/ثلاثين», «مئة/مائة»), scale words
(«9 آلاف», «67 مليارا», «454.4 مليار ريال»), approximators («نحو 100») and currency units.

The sentence is never changed: :func:`tokens` keeps each token's offsets in it, and matching uses the
token's :func:`ingest.textnorm.normalize` form only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.textnorm import normalize

__all__ = ["CURRENCIES", "NumberSpan", "Token", "bare", "number_spans", "tokens"]

_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
_TOKEN = re.compile(
    rf"(?P<num>[{_DIGIT}]+(?:[.,\u066b\u066c][{_DIGIT}]+)*)"
    r"|(?P<word>(?:[^\W\d_]|[\u0610-\u061a\u064b-\u065f\u0670])+)"
    r"|(?P<punct>[^\w\s])"
)
_CLITICS = ("وال", "بال", "فال", "لل", "ال", "و", "ف", "ب", "ل")

_UNITS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثه": 3,
    "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8,
    "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
}  # fmt: skip
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50,
    "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90,
}  # fmt: skip
_HUNDREDS = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200}
_SCALES = {
    "الف": 1e3, "الفا": 1e3, "الاف": 1e3, "الفين": 2e3, "الفان": 2e3, "مليون": 1e6, "مليونا": 1e6,
    "ملايين": 1e6, "مليونين": 2e6, "مليار": 1e9, "مليارا": 1e9, "مليارات": 1e9, "بليون": 1e9,
    "مليارين": 2e9, "تريليون": 1e12,
}  # fmt: skip
#: Currency words (normalised, without clitics) and the ISO code they give.
CURRENCIES = {
    "ريال": "SAR", "ريالا": "SAR", "ريالات": "SAR", "دولار": "USD", "دولارا": "USD", "دولارات": "USD",
    "درهم": "AED", "درهما": "AED", "دراهم": "AED", "يورو": "EUR", "جنيه": "EGP", "جنيها": "EGP",
}  # fmt: skip
# Words before a number that make it approximate or a bound; they do not change the value.
_APPROX = frozenset("نحو حوالي قرابه زهاء يقارب يناهز اكثر اقل يزيد ازيد".split())
_PERCENT = ("%", "٪")
# The tables are written as Arabic is spelled; matching is on normalised forms (مئة -> ميه).
_UNITS, _TENS, _HUNDREDS, _SCALES, CURRENCIES = (
    {normalize(k): v for k, v in table.items()} for table in (_UNITS, _TENS, _HUNDREDS, _SCALES, CURRENCIES)
)


@dataclass(frozen=True)
class Token:
    """One token of a sentence: its ``norm`` form for matching and its offsets in the sentence."""

    norm: str
    start: int
    end: int
    kind: str  # "num" | "word" | "punct"


@dataclass(frozen=True)
class NumberSpan:
    """A number phrase over tokens ``first``..``last`` (inclusive): ``amount`` after its scale word, the
    ``written`` figure before it and its ``decimals``, ``scale`` (1, 1e3, 1e6, 1e9), currency ``unit`` or
    "%" (None when none), an ``approximate`` word before it («نحو»), and whether it is ``worded``."""

    first: int
    last: int
    amount: float
    written: float
    decimals: int
    scale: float
    unit: str | None
    approximate: bool
    worded: bool


def tokens(sentence: str) -> list[Token]:
    """Digits, words and punctuation marks of ``sentence`` with their offsets (spaces dropped)."""
    out = []
    for m in _TOKEN.finditer(sentence):
        kind = m.lastgroup or "punct"
        norm = normalize(m.group()) if kind != "punct" else m.group()
        if kind == "num":
            norm = "".join(str(int(ch)) if ch.isdigit() else ch for ch in m.group())
        out.append(Token(norm or m.group(), m.start(), m.end(), kind))
    return out


def bare(word: str) -> str:
    """A normalised ``word`` without one leading conjunction, preposition or article, when enough is left."""
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            return word[len(clitic) :]
    return word


def _digits(text: str) -> tuple[float, int] | None:
    """(value, decimals) of a digit token: «354,863» and «354٬863» group thousands, «68.18» has 2 decimals."""
    groups = re.split(r"[,\u066c]", text)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and "." not in groups[0]:
        text = "".join(groups)
    text = text.replace(",", ".").replace("\u066b", ".")
    if text.count(".") > 1:
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), decimals


def _word_number(word: str) -> tuple[str, float] | None:
    """("unit"|"ten"|"hundred"|"scale", value) for a number word, with or without one clitic."""
    for form in (word, bare(word), word[1:] if word[:1] in "وبلف" else word):
        if form in _UNITS:
            return "unit", _UNITS[form]
        if form in _TENS:
            return "ten", _TENS[form]
        if form in _HUNDREDS:
            return "hundred", _HUNDREDS[form]
        for suffix in ("ميه", "مايه"):  # ثلاثمئة, خمسمائة
            if form.endswith(suffix) and form[: -len(suffix)] in _UNITS:
                return "hundred", _UNITS[form[: -len(suffix)]] * 100
        if form in _SCALES:
            return "scale", _SCALES[form]
    return None


def _words_amount(toks: list[Token], i: int) -> tuple[float, int, float] | None:
    """(amount, index of the last token, scale) of the number words starting at ``toks[i]``."""
    total, last, seen, scale = 0.0, -1, False, 1.0
    j = i
    while j < len(toks) and toks[j].kind == "word":
        word = toks[j].norm
        if word == "الاثنين" or (word.startswith("ال") and j == i and word[2:] not in _UNITS and word not in _SCALES):
            break  # Monday; «الثلاث» (the three) is a number, «الف» is not an article
        part = _word_number(word)
        if part is None:
            if word == "و" and seen:
                j += 1
                continue
            break
        kind, value = part
        if kind == "scale" and not seen and value in (1e3, 1e6, 1e9) and word not in ("الف", "مليون", "مليار"):
            break  # «آلاف» alone: thousands, not a count
        if kind == "unit" and value == 10 and seen and total < 10:
            total += 10  # ثلاثة عشر
        elif kind == "hundred" and seen and total < 10 and value == 100:
            total *= 100  # ثلاث مئة
        elif kind == "scale":
            total, scale = (total or 1) * value, value
        else:
            total += value
        seen, last = True, j
        j += 1
        if kind == "scale":
            break
    if last == i and toks[i].norm in ("واحد", "واحده"):
        return None  # «عائلة واحدة»: «one» follows its noun as an adjective, it does not count
    return (total, last, scale) if seen else None


def number_spans(toks: list[Token]) -> list[NumberSpan]:
    """Every number phrase of ``toks``, left to right, with scale word, unit and approximator."""
    out: list[NumberSpan] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "num":
            parsed = _digits(tok.norm)
            if parsed is None:
                i += 1
                continue
            amount, decimals, last, scale, worded = parsed[0], parsed[1], i, 1.0, False
            written = amount
        elif tok.kind == "word" and (words := _words_amount(toks, i)) is not None:
            amount, last, scale = words
            decimals, worded, written = 0, True, amount / scale
        else:
            i += 1
            continue
        nxt = last + 1
        while nxt < len(toks) and toks[nxt].norm in ")":
            nxt += 1
        if nxt < len(toks) and toks[nxt].kind == "word" and not worded:
            part = _word_number(toks[nxt].norm)
            if part and part[0] in ("scale", "hundred") and part[1] in (1e3, 1e6, 1e9, 1e12, 100):
                scale, last, nxt = part[1], nxt, nxt + 1
                amount *= scale
        unit = None
        if nxt < len(toks) and toks[nxt].norm in _PERCENT:
            unit, last = "%", nxt
        elif nxt < len(toks) and toks[nxt].kind == "word":
            unit = CURRENCIES.get(toks[nxt].norm) or CURRENCIES.get(bare(toks[nxt].norm))
            last = nxt if unit else last
        before = {bare(toks[k].norm) for k in range(max(0, i - 2), i)} | {toks[k].norm for k in range(max(0, i - 2), i)}
        out.append(NumberSpan(i, last, amount, written, decimals, scale, unit, bool(before & _APPROX), worded))
        i = last + 1
    return out
