"""Publication dates to ISO ``YYYY-MM-DD`` (from metadata fields and an article's first lines)."""

from __future__ import annotations

import re
from datetime import date, datetime

__all__ = ["iso_date", "date_in_text"]

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_MONTHS = {
    # Levantine/Iraqi, Egyptian/Gulf and English month names
    **dict.fromkeys(["كانون الثاني", "يناير", "january", "jan"], 1),
    **dict.fromkeys(["شباط", "فبراير", "february", "feb"], 2),
    **dict.fromkeys(["آذار", "اذار", "مارس", "march", "mar"], 3),
    **dict.fromkeys(["نيسان", "أبريل", "ابريل", "إبريل", "april", "apr"], 4),
    **dict.fromkeys(["أيار", "ايار", "مايو", "may"], 5),
    **dict.fromkeys(["حزيران", "يونيو", "يونيه", "june", "jun"], 6),
    **dict.fromkeys(["تموز", "يوليو", "يوليه", "july", "jul"], 7),
    **dict.fromkeys(["آب", "اب", "أغسطس", "اغسطس", "august", "aug"], 8),
    **dict.fromkeys(["أيلول", "ايلول", "سبتمبر", "september", "sep"], 9),
    **dict.fromkeys(["تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر", "october", "oct"], 10),
    **dict.fromkeys(["تشرين الثاني", "نوفمبر", "november", "nov"], 11),
    **dict.fromkeys(["كانون الأول", "كانون الاول", "ديسمبر", "december", "dec"], 12),
}
_NAMED = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\s*,?\s+(\d{4})\b",
    re.IGNORECASE,
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat() if 1800 <= year <= 2200 else None
    except ValueError:
        return None


def iso_date(value: object) -> str | None:
    """``value`` (an ISO date/time, ``D/M/YYYY``, ``14 مارس 2012``, a datetime) as ``YYYY-MM-DD``; else None."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str) or not value.strip():
        return None
    return date_in_text(value)


def date_in_text(text: str) -> str | None:
    """The first date written in ``text`` as ``YYYY-MM-DD`` (Arabic-Indic digits read too); else None."""
    text = text.translate(_DIGITS)
    found = []
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0))):
        match = pattern.search(text)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            found.append((match.start(), _valid(*parts)))
    match = _NAMED.search(text)
    if match:
        found.append((match.start(), _valid(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))))
    dates = [iso for _, iso in sorted(found) if iso]
    return dates[0] if dates else None
