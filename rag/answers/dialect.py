"""Dialect question words read as their standard forms, before anything else reads the question.

Analysts type Levantine, Gulf and Egyptian questions as often as standard ones: «شو صار بحمص؟» asks what
«ماذا حدث في حمص؟» asks. :func:`standardise` rewrites the question words (شو/إيش/ايش/وش → ماذا or ما،
وين → أين، ليش → لماذا، قديش/كام → كم، مين → من، إمتى/امتى → متى، شلون/إزاي → كيف، اللي → الذي), a dialect
«صار/حصل» after them as «حدث», a «ب» glued to the place after «حدث/جرى/حصل» as «في» («صار بدمشق» =
«حدث في دمشق»), a Levantine present «بيقود» as «يقود», and «كم واحد» (how many people) as «كم شخصا». A
question word put last («حصل ايه في حمص») moves to the front. Words are matched after
:func:`ingest.textnorm.normalize`; the rest of the question is kept as typed.
"""

from __future__ import annotations

import re

from ingest.textnorm import normalize

__all__ = ["is_dialect", "standardise"]

#: Dialect word (normalised) -> its standard form; "WHAT" is ماذا before a verb, ما before a noun.
_WORDS = {
    "شو": "WHAT",
    "شنو": "WHAT",
    "ايش": "WHAT",
    "ايشو": "WHAT",
    "وش": "WHAT",
    "ايه": "WHAT",
    "اش": "WHAT",
    "وين": "أين",
    "فين": "أين",
    "ليش": "لماذا",
    "ليه": "لماذا",
    "قديش": "كم",
    "كديش": "كم",
    "كام": "كم",
    "مين": "من",
    "منو": "من",
    "امتي": "متى",
    "ايمتي": "متى",
    "متين": "متى",
    "شلون": "كيف",
    "ازاي": "كيف",
    "اللي": "الذي",
}
#: Dialect verbs for "happened" and their standard form.
_HAPPENED = {"صار": "حدث", "صاير": "حدث", "حصل": "حدث", "صارت": "حدثت"}
#: Standard verbs after which a glued «ب» is «في» (a place or a day follows).
_EVENT_VERBS = frozenset({"حدث", "حدثت", "جري", "جرت", "وقع", "وقعت", "يحدث", "يجري"})
#: Nouns that «شو» asks about as «ما» («شو موقف…» = «ما موقف…»).
_NOUN_STARTS = ("ال",)
_WORD = re.compile(r"\S+")
#: Words that begin like a Levantine present verb («بي…») and are not one.
_NOT_VERBS = frozenset({"بيروت", "بيان", "بيت", "بين", "بينما", "بيع", "بنك", "بناء", "بنود", "بنت", "بيئه", "بتاريخ"})
_TRAILING = "؟?!.،,"


def _standard_word(word: str, following: str | None) -> str | None:
    """The standard form of one dialect word (None when it is not one); ``following`` is the next word."""
    key = normalize(word.strip(_TRAILING))
    bare = key[1:] if key[:1] in ("و", "ف") and key[1:] in _WORDS else key
    form = _WORDS.get(bare)
    if form is None:
        return None
    if form == "WHAT":
        nxt = normalize(following or "")
        noun = nxt.startswith(_NOUN_STARTS) or nxt in ("موقف", "وضع", "اسم", "سبب", "راي", "رد", "حال", "قصه", "عدد")
        form = "ما" if noun else "ماذا"
    return form


def is_dialect(question: str) -> bool:
    """True when ``question`` uses a dialect question word (:func:`standardise` changes it)."""
    return standardise(question) != question


def standardise(question: str) -> str:
    """``question`` with its dialect question words and «صار/حصل ب…» in their standard forms."""
    words = _WORD.findall(question)
    if not words:
        return question
    out: list[str] = []
    changed = False
    moved: str | None = None
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        form = _standard_word(word, following)
        end = word[len(word.rstrip(_TRAILING)) :]
        if form is not None:
            changed = True
            if out and form in ("ماذا", "ما") and moved is None:
                moved = "ماذا"  # «حصل ايه في حمص؟» -> «ماذا حصل في حمص؟»
                out[-1] += end
                continue
            out.append(form + end)
            continue
        key = normalize(word.strip(_TRAILING))
        if key in ("واحد", "وحده") and out and normalize(out[-1]) == "كم":  # «قديش واحد مات» = how many people
            out.append("شخصا" + end)
            continue
        if key in _HAPPENED and (changed or moved):
            out.append(_HAPPENED[key] + end)
            continue
        if (changed or moved) and re.match(r"^ب[يتن]\S{2,}$", key) and key not in _NOT_VERBS:
            out.append(word[1:])  # «بيقود» -> «يقود»: the Levantine present
            continue
        previous = normalize(out[-1].strip(_TRAILING)) if out else ""
        if (changed or moved) and previous in _EVENT_VERBS and key.startswith("ب") and len(key) >= 3:
            out += ["في", word[1:]]
            continue
        out.append(word)
    if moved is not None:
        first = normalize(out[0].strip(_TRAILING)) if out else ""
        if first in _HAPPENED:
            out[0] = _HAPPENED[first] + out[0][len(out[0].rstrip(_TRAILING)) :]
        out.insert(0, moved)
    if not changed:
        return question
    return " ".join(out)
