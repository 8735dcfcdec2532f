"""The value a sentence gives for what a question asks (a number, a date, a name), and whether two
articles' values agree: the pieces of corroboration («29 قتيلاً [1][3] — 3 قتلى [2]»).

Which number answers «كم قتيلا سقط في تفجير سروج؟» in «قتل 30 شخصا وأصيب نحو 100 آخرون»? Each number
is scored by the words that belong to it: its counted noun (the word after it and its scale and unit),
the word before it (approximators such as «نحو» skipped), and, more weakly, the words between it and
its neighbour numbers. A word counts when it is in the asked attribute's synonym class (killed:
قتيل/قتلى/مقتل/مصرع/وفاة…; injured: جريح/مصاب/إصابة/أصيب…), or, for other attributes, when it has
the question's counted noun's stem or consonant root (قاضيا ~ قاض، ضريحا ~ أضرحة). A word of the other
class counts against. The question's other content words near a number add a little; a percentage
is not an answer unless the question asks «نسبة»; «من 24» after another number is the whole, not the
part; years, clock times and the question's own numbers are never answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ingest.textnorm import ARABIC_STOPWORDS, content_tokens, normalize
from rag.answers.evidence import analyse_question
from rag.gather.dates import date_spans
from rag.gather.names import name_key, name_spans
from rag.gather.numbers import NumberSpan, Token, bare, number_spans, tokens

__all__ = ["PEGS", "Value", "asked_values", "same_value"]

#: Currencies pegged to the US dollar: units per dollar (SAMA and CBUAE pegs).
PEGS = {"USD": 1.0, "SAR": 3.75, "AED": 3.6725}
_CLASSES = {
    "killed": ("قتل", "قتيل", "مقتل", "مصرع", "وفاه", "وفيات", "توفي", "توفو", "ضحيه", "ضحايا", "استشهد", "شهيد"),
    "injured": ("جرح", "جريح", "اصيب", "اصاب", "مصاب", "يصاب"),
}
_GENERIC = frozenset("شخص اشخاص شخصا فرد افراد نسمه حاله حالات مواطن مواطنا مواطنين اخرون اخرين".split())
#: ... and nouns of people that, after a number, do not stop the word before it from saying what the
#: number counts: «قتل أكثر من 300 عسكري» is a toll.
_PEOPLE = _GENERIC | frozenset(
    "عسكري عسكريا عسكريين جندي جنديا جنود مدني مدنيا مدنيين طفل طفلا اطفال امراه نساء رجل رجال شرطي "
    "شرطيا عنصر عنصرا عناصر مقاتل مقاتلا مقاتلين مسلح مسلحا مسلحين".split()
)
_FRAME = frozenset("كم عدد ما هو هي اجمالي بلغ بلغت يبلغ تبلغ".split())
_YEAR_CUES = frozenset("عام العام سنه السنه لعام بعام للعام منذ".split())
_YEAR_MARKS = frozenset("م ه هـ".split())
_WINDOW = 8


@dataclass(frozen=True)
class Value:
    """A value as one sentence writes it: ``text`` is ``sentence[start:end]``; ``key`` is the normalised
    value («27», «9000», «68.18e9 SAR», «2015-08-15», «سيف يوسف احمد الفلاسي»). Numbers keep their
    ``amount``, ``unit`` (ISO currency, "%" or None), written ``decimals`` and ``scale``; dates the
    ``calendar`` they were written in and whether the year was inferred from the publication day."""

    kind: str
    text: str
    start: int
    end: int
    key: str
    amount: float | None = None
    unit: str | None = None
    decimals: int = 0
    scale: float = 1.0
    approximate: bool = False
    calendar: str | None = None
    year_inferred: bool = False
    #: How strongly the words around it tie it to the asked attribute (> 0: its counted noun or a
    #: neighbour is the asked thing; 0 or less: only the best of what the sentence holds).
    score: float = 0.0


def _skeleton(word: str) -> str:
    """A crude consonant root: clitics, plural/feminine endings, a plural prefix «ا» and long vowels dropped."""
    w = bare(word)
    for suffix in ("ات", "ون", "ين", "ان", "هم", "ها", "ه", "ا", "ي"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            w = w[: -len(suffix)]
    if w.startswith("ا") and len(w) >= 4:
        w = w[1:]
    return w[0] + "".join(ch for ch in w[1:] if ch not in "اوي") if w else w


def _similar(a: str, b: str) -> bool:
    """Same word up to clitics, endings and broken plurals (قاضيا ~ قاض، ضريحا ~ أضرحة، سيارة ~ سيارات)."""
    if bare(a) == bare(b):
        return True
    if content_tokens(a) & content_tokens(b):
        return True
    sa = _skeleton(a)
    return len(sa) >= 2 and sa == _skeleton(b)


def _word_class(word: str) -> str | None:
    w = bare(word)
    return next((name for name, stems in _CLASSES.items() if w.startswith(stems) or word.startswith(stems)), None)


@dataclass(frozen=True)
class _Asked:
    counted: str | None  # the noun after «كم» / «عدد»
    cls: str | None  # the attribute's synonym class
    words: tuple[str, ...]  # the question's other content words
    percent: bool


def _asked(question: str) -> _Asked:
    words = [w for w in normalize(question).split() if not w.isdigit()]
    counted = None
    for i, w in enumerate(words):
        if w in ("كم", "عدد") and counted is None:  # «كم قتيلا», «كم عدد اليمنيين», «كم بلغت السحوبات»
            counted = next((x for x in words[i + 1 :] if x not in _FRAME), None)
    content = tuple(w for w in words if w not in _FRAME and content_tokens(w))
    cls = _word_class(counted) if counted else None
    cls = cls or next((c for c in map(_word_class, content) if c), None)
    return _Asked(counted, cls, content, "نسبه" in words)


def _match(word: str, asked: _Asked) -> float:
    """How much ``word`` says a number is about the asked attribute: 1 same, 0 nothing, -1 the other class."""
    if asked.cls:
        cls = _word_class(word)
        if cls:
            return 1.0 if cls == asked.cls else -1.0
    if asked.counted and _similar(word, asked.counted):
        return 0.4 if bare(asked.counted) in _GENERIC else 1.0
    return 0.0


def _counts_other(after: Token | None, asked: _Asked) -> bool:
    """Whether the word after a number is its own counted noun, of something the question does not ask
    («سحوبات 16 ألف جهاز»): then the word before the number is not about it. Generic nouns («أشخاص»,
    «آخرون»), verbs («يعالجون») and words after a preposition («بحادث») count nothing."""
    if after is None or _match(after.norm, asked) != 0 or after.norm in ARABIC_STOPWORDS:
        return False
    word = after.norm
    if bare(word) in _PEOPLE or word.startswith(("اخر", "ب", "ل", "ك", "ف")) or _word_class(word):
        return False
    return not (word[:1] in "يت" and word.endswith(("ون", "ين", "ان")))


def _is_year_or_time(toks: list[Token], n: NumberSpan) -> bool:
    if n.scale != 1 or n.unit or n.decimals or n.worded:
        return False
    before = toks[n.first - 1].norm if n.first else ""
    after = toks[n.last + 1].norm if n.last + 1 < len(toks) else ""
    if before in ("الساعه", ":") or after == ":":
        return True
    year = 1300 <= n.amount <= 2100 and len(toks[n.first].norm) == 4
    return year and (before in _YEAR_CUES or bare(before) in _YEAR_CUES or after in _YEAR_MARKS)


def _score(toks: list[Token], spans: list[NumberSpan], k: int, asked: _Asked) -> float:
    n = spans[k]
    a = n.last + 1
    if a + 1 < len(toks) and toks[a].norm == "من" and k + 1 < len(spans) and spans[k + 1].first == a + 1:
        a = spans[k + 1].last + 1  # «ثلاث من 24 طائرة»: the part counts the whole's noun
    while a < len(toks) and toks[a].kind == "punct" and toks[a].norm in '()[]«»"':
        a += 1
    after = toks[a] if a < len(toks) and toks[a].kind == "word" else None
    p = n.first - 1
    while p >= 0 and (toks[p].kind == "punct" or bare(toks[p].norm) in ("نحو", "حوالي", "قرابه", "زهاء", "اكثر")):
        p -= 1
    if p >= 0 and toks[p].norm == "من" and p > 0 and bare(toks[p - 1].norm) in ("اكثر", "اقل", "يزيد", "ازيد"):
        p -= 2
    before = toks[p] if p >= 0 else None
    score = 4 * _match(after.norm, asked) if after else 0.0
    if before is not None and before.kind == "word" and score <= 0 and not _counts_other(after, asked):
        # a number followed by its own counted noun («27 قتيلا ونحو 100 جريح») is not about the word before it
        score += 3 * _match(before.norm, asked)
    lo = max(spans[k - 1].last + 1 if k else 0, n.first - _WINDOW)
    hi = min(spans[k + 1].first - 1 if k + 1 < len(spans) else len(toks), n.last + 1 + _WINDOW)
    for i in [*range(lo, p), *range(n.last + 2, hi)]:
        if toks[i].kind == "word":
            near = 1 / (1 + abs(i - n.first) / 3)
            score += near * _match(toks[i].norm, asked)
            score += 0.5 * near * any(_similar(toks[i].norm, w) for w in asked.words)
    if n.unit == "%" and not asked.percent:
        score -= 5
    if before is not None and before.norm in ("من", "اصل") and k > 0 and spans[k - 1].last >= p - 3:
        score -= 5  # «أول ثلاث (طائرات) من 24 طائرة»: the whole, not the part
    if n.unit in PEGS and not (after and _match(after.norm, asked) > 0):
        score += 1  # «كم بلغت الإيرادات»: an amount of money
    return score


def _number_key(n: NumberSpan) -> str:
    if n.scale >= 1e6:
        figure = f"{n.written:.{n.decimals}f}" if n.decimals else f"{n.written:g}"
        key = f"{figure}e{round(math.log10(n.scale))}"
    else:
        key = f"{n.amount:.{n.decimals}f}" if n.decimals and n.scale == 1 else f"{n.amount:.10g}"
    return f"{key}%" if n.unit == "%" else f"{key} {n.unit}" if n.unit else key


def _numbers(question: str, sentence: str, toks: list[Token], published: str | None) -> list[Value]:
    asked = _asked(question)
    own = {float(x.replace(",", ".")) for x in analyse_question(question).numbers}
    taken = {i for d in date_spans(toks, published) for i in range(d.first, d.last + 1)}
    spans = [n for n in number_spans(toks) if n.first not in taken]
    scored = []
    for k, n in enumerate(spans):
        if _is_year_or_time(toks, n) or (n.scale == 1 and not n.worded and n.amount in own):
            continue
        score = _score(toks, spans, k, asked)
        if score > -2:
            start, end = toks[n.first].start, toks[n.last].end
            value = Value(
                "number", sentence[start:end], start, end, _number_key(n),
                n.amount, n.unit, n.decimals, n.scale, n.approximate, score=score,
            )  # fmt: skip
            scored.append((-score, n.first, value))
    return [v for *_, v in sorted(scored, key=lambda s: (s[0], s[1]))]


def _dates(question: str, sentence: str, toks: list[Token], published: str | None) -> list[Value]:
    asked = _asked(question)
    scored = []
    for d in date_spans(toks, published):
        near = [t.norm for t in toks[max(0, d.first - _WINDOW) : d.last + _WINDOW] if t.kind == "word"]
        score = sum(any(_similar(w, q) for q in asked.words) for w in near) - d.year_inferred * 0.5
        start, end = toks[d.first].start, toks[d.last].end
        text = sentence[start:end]
        value = Value("date", text, start, end, d.day, calendar=d.calendar, year_inferred=d.year_inferred, score=score)
        scored.append((-score, d.first, value))
    return [v for *_, v in sorted(scored, key=lambda s: (s[0], s[1]))]


def _names(question: str, sentence: str, toks: list[Token]) -> list[Value]:
    asked = _asked(question)
    held = frozenset(bare(w) for w in normalize(question).split()) | frozenset(normalize(question).split())
    scored = []
    for n in name_spans(toks, held):
        score = 2.0 if n.how == "quoted" else 1.0
        score += 2 * any(_similar(n.title, w) for w in asked.words) if n.title else 0
        start, end = toks[n.first].start, toks[n.last].end
        text = sentence[start:end]
        scored.append((-score, n.first, Value("name", text, start, end, name_key(text), score=score)))
    return [v for *_, v in sorted(scored, key=lambda s: (s[0], s[1]))]


def asked_values(question: str, sentence: str, published: str | None = None) -> list[Value]:
    """The values in ``sentence`` that answer ``question``'s asked attribute, most likely first ([] when
    none). ``published`` (YYYY-MM-DD, the article's day) gives the year of a date written without one."""
    kind = analyse_question(question).kind
    toks = tokens(sentence)
    if kind == "number":
        return _numbers(question, sentence, toks, published)
    if kind == "date":
        return _dates(question, sentence, toks, published)
    if kind in ("name", "person"):
        return _names(question, sentence, toks)
    return []


def _bounds(v: Value) -> tuple[float, float]:
    """The interval of true values that ``v`` as written rounds from, in US dollars when it is money."""
    amount = v.amount or 0.0
    half = 0.5 * 10.0**-v.decimals * v.scale
    rate = PEGS.get(v.unit or "", 1.0)
    return (amount - half) / rate, (amount + half) / rate


def same_value(a: Value, b: Value) -> bool:
    """True when ``a`` and ``b`` state the same fact value.

    Dates: the same Gregorian day (a Hijri date converted). Names: the same first and last word, and
    the shorter name's words in order within the longer («سيف يوسف الفلاسي» ~ «سيف يوسف أحمد الفلاسي»).
    Numbers: counts are exact (27 ≠ 28, 9000 ≠ 7000) whatever approximator stands before them. Money
    («68.18 مليار ريال» ~ «18 مليار دولار», pegged currencies converted) and figures of which one is
    written with decimals («29.5 مليون» ~ «30 مليون») agree when the ranges their written precision
    rounds from (± half the last written digit, times the scale word) overlap; a figure without a unit
    takes the other's. A percentage only agrees with a percentage; different unpegged currencies never.
    """
    if a.kind != b.kind:
        return False
    if a.kind == "name":
        short, long = sorted((a.key.split(), b.key.split()), key=len)
        if not short or short[0] != long[0] or short[-1] != long[-1]:
            return False
        rest = iter(long)
        return all(word in rest for word in short)
    if a.kind != "number":
        return a.key == b.key
    unit_a, unit_b = a.unit or b.unit, b.unit or a.unit
    if (unit_a == "%") != (unit_b == "%"):
        return False
    money = unit_a in PEGS or unit_b in PEGS
    if unit_a != unit_b and not (unit_a in PEGS and unit_b in PEGS):
        return False
    if not money and not (a.decimals or b.decimals):
        return a.amount == b.amount
    a, b = replace(a, unit=unit_a), replace(b, unit=unit_b)
    (lo_a, hi_a), (lo_b, hi_b) = _bounds(a), _bounds(b)
    return lo_a <= hi_b and lo_b <= hi_a
