"""Dates as Arabic news writes them, Gregorian or Hijri: «15 أغسطس», «15 أغسطس (آب) 2015», «30 شوال الجاري»,
«1436/10/30 هـ», «2015/8/15». Hijri dates are converted to the Gregorian day with the Umm al-Qura calendar
(:mod:`hijridate`, the Saudi official calendar). A date without a year takes it from the article's
publication day: a Gregorian month its Gregorian year, a Hijri month its Hijri year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hijridate import Gregorian, Hijri

from ingest.textnorm import normalize
from rag.gather.numbers import Token, bare

__all__ = ["DateSpan", "date_spans"]

_GREGORIAN = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يوليو": 7,
    "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8,
    "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
}  # fmt: skip
_HIJRI = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الثاني": 4, "ربيع الآخر": 4, "جمادى الأولى": 5,
    "جمادى الآخرة": 6, "جمادى الثانية": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}  # fmt: skip
_MONTHS = {normalize(k): ("gregorian", v) for k, v in _GREGORIAN.items()} | {
    normalize(k): ("hijri", v) for k, v in _HIJRI.items()
}
_HIJRI_MARK = frozenset({"هـ", "ه", "هجري", "هجريه", "للهجره"})
_SEPARATORS = frozenset("/-")


@dataclass(frozen=True)
class DateSpan:
    """A date over tokens ``first``..``last``: the Gregorian ``day`` (ISO), the ``calendar`` it was
    written in, and whether its year came from the publication day (``year_inferred``)."""

    first: int
    last: int
    day: str
    calendar: str
    year_inferred: bool


def _gregorian(calendar: str, year: int, month: int, day: int) -> str | None:
    """The ISO Gregorian day, or None for a day that does not exist (31 June, 30 in a 29-day Hijri month)."""
    try:
        if calendar == "hijri":
            return Hijri(year, month, day).to_gregorian().isoformat()
        return date(year, month, day).isoformat()
    except (ValueError, OverflowError):
        return None


def _year(calendar: str, published: str | None) -> int | None:
    """The year, in ``calendar``, of the publication day ``published`` (YYYY-MM-DD)."""
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
        return day.year if calendar == "gregorian" else Gregorian(day.year, day.month, day.day).to_hijri().year
    except (ValueError, OverflowError):
        return None


def _month(toks: list[Token], i: int) -> tuple[str, int, int] | None:
    """(calendar, month, index of its last token) for a month name of one or two words at ``toks[i]``."""
    if i >= len(toks) or toks[i].kind != "word":
        return None
    if i + 1 < len(toks) and toks[i + 1].kind == "word":
        two = f"{bare(toks[i].norm)} {toks[i + 1].norm}"
        if two in _MONTHS:
            return (*_MONTHS[two], i + 1)
    for form in (toks[i].norm, bare(toks[i].norm)):
        if form in _MONTHS and " " not in form:
            return (*_MONTHS[form], i)
    return None


def _numeric(toks: list[Token], i: int) -> DateSpan | None:
    """«1436/10/30 هـ», «15/8/2015»: three numbers joined by / or -, the year first or last."""
    parts, j = [], i
    while j < len(toks) and toks[j].kind == "num" and toks[j].norm.isdigit() and len(parts) < 3:
        parts.append(int(toks[j].norm))
        if len(parts) < 3 and not (j + 1 < len(toks) and toks[j + 1].norm in _SEPARATORS):
            break
        j += 2
    if len(parts) < 3:
        return None
    last = i + 4
    year, month, day = parts if parts[0] > 31 else (parts[2], parts[1], parts[0])
    if month > 12 and day <= 12:
        month, day = day, month
    marked = last + 1 < len(toks) and toks[last + 1].norm in _HIJRI_MARK
    calendar = "hijri" if marked or 1300 <= year <= 1500 else "gregorian"
    iso = _gregorian(calendar, year, month, day)
    return DateSpan(i, last + (1 if marked else 0), iso, calendar, False) if iso else None


def _named(toks: list[Token], i: int, published: str | None) -> DateSpan | None:
    """«15 أغسطس (آب) 2015», «30 شوال الجاري»: a day number, a month name, an optional year."""
    if not toks[i].norm.isdigit() or not 1 <= int(toks[i].norm) <= 31:
        return None
    month = _month(toks, i + 1)
    if month is None:
        return None
    calendar, number, last = month
    j = last + 1
    alternative = _month(toks, j + 1) if j < len(toks) and toks[j].norm == "(" else None
    if alternative and alternative[2] + 1 < len(toks) and toks[alternative[2] + 1].norm == ")":
        j = alternative[2] + 2  # «أغسطس (آب)»
    year, inferred = None, False
    if j < len(toks) and toks[j].kind == "num" and toks[j].norm.isdigit() and len(toks[j].norm) == 4:
        year, last = int(toks[j].norm), j
        if j + 1 < len(toks) and toks[j + 1].norm in _HIJRI_MARK | {"م"}:
            last = j + 1
    else:
        year, inferred = _year(calendar, published), True
    iso = _gregorian(calendar, year, number, int(toks[i].norm)) if year else None
    return DateSpan(i, last, iso, calendar, inferred) if iso else None


def date_spans(toks: list[Token], published: str | None = None) -> list[DateSpan]:
    """Every full date (day, month, year known or inferred from ``published``) of ``toks``, left to right."""
    out: list[DateSpan] = []
    i = 0
    while i < len(toks):
        span = _numeric(toks, i) or _named(toks, i, published) if toks[i].kind == "num" else None
        if span:
            out.append(span)
            i = span.last + 1
        else:
            i += 1
    return out
