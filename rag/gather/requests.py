"""Which chat questions ask for a timeline: «ما تسلسل الأحداث في حمص؟», "timeline of the Homs siege".

A timeline is asked for explicitly: a phrase that names the order of events («تسلسل الأحداث»،
«التسلسل الزمني»، «الخط الزمني»، «يوماً بيوم»; "timeline", "chronology", "sequence of events",
"day by day") with the subject after it (or before "timeline"). Any other question is answered as
a question.

The preposition «لـ» is written joined to the subject's first word, and ل + «ال» is written «لل»
(«التسلسل الزمني لليمن»: اليمن). A first word that begins with ل itself («لبنان», «لقاء») is kept
whole, and after «لل» takes its own ل back («للبنان»: لبنان; «للقاء»: اللقاء); only the words in
:data:`LAM_NAMES` and :data:`LAM_NOUNS` are known to begin so.
"""

from __future__ import annotations

import re

__all__ = ["LAM_NAMES", "LAM_NOUNS", "timeline_subject"]

#: Names that begin with ل and take no «ال»: «للبنان» is ل + لبنان.
LAM_NAMES = ("لبنان", "ليبيا", "لندن", "لاهاي", "لوزان", "لشبونة", "لاتفيا", "ليتوانيا", "لافروف")
#: Nouns that begin with ل (and their plurals' stems): «للقاء» is ل + اللقاء, «للاجئين» ل + اللاجئين.
LAM_NOUNS = ("لقاء", "لجنة", "لجان", "لاجئ", "ليلة", "لائحة", "لعبة", "لواء")

_AR_LEAD = (
    r"^(?:(?:ما|ماهو|ما هو|ما هي|اعرض|أعرض|اعطني|أعطني|أعطِني|هات|أريد|اريد)\s+)?"
    r"(?:لي\s+)?(?:(?:ال)?تسلسل\s+(?:ال)?(?:أحداث|احداث|زمني)|(?:ال)?خط\s+(?:ال)?زمني|(?:ال)?جدول\s+(?:ال)?زمني)"
    r"(?:\s+(?P<prep>في|عن|حول|ب)(?=\s))?\s*"
)
_EN_LEAD = (
    r"^(?:(?:show|give|make)\s+(?:me\s+)?)?(?:a\s+|the\s+)?"
    r"(?:timeline|chronology|sequence\s+of\s+events)(?:\s+(?:of|for|on|about|in))?\s*:?\s*"
)
_PATTERNS = [
    re.compile(_AR_LEAD + r"(?P<subject>.+)$"),
    re.compile(
        r"^(?:ماذا|ما(?:ذا)?\s+الذي)\s+حدث\s+(?:(?P<prep>في|مع)\s+|(?=ل))(?P<subject>.+?)\s+يوم(?:ا|اً)?\s+بيوم$"
    ),
    re.compile(_EN_LEAD + r"(?P<subject>.+)$", re.IGNORECASE),
    re.compile(r"^what\s+happened\s+(?:in|to|at|with)\s+(?P<subject>.+?),?\s+day\s+by\s+day$", re.IGNORECASE),
    re.compile(r"^(?P<subject>.+?)\s+timeline$", re.IGNORECASE),
]
_END = re.compile(r"[\s?؟.!:]+$")
#: «لـ» or «ل» then a space: the preposition alone.
_LAM_APART = re.compile(r"^لـ*\s+|^لـ+")


def _begins_with(word: str, words: tuple[str, ...]) -> bool:
    return any(word == w or (len(w) > 3 and word.startswith(w)) for w in words)


def without_lam(subject: str) -> str:
    """``subject`` without the preposition «لـ» joined to (or written before) its first word."""
    apart = _LAM_APART.sub("", subject)
    if apart != subject or not subject.startswith("ل"):
        return apart
    word = subject.split()[0]
    if _begins_with(word, LAM_NAMES) or _begins_with(word, LAM_NOUNS):
        return subject  # «لبنان», «لقاء القمة»: the ل is the word's own
    if not word.startswith("لل"):
        return subject[1:]  # «لحادث»: حادث
    if _begins_with(word[1:], LAM_NAMES):
        return subject[1:]  # «للبنان»: لبنان
    if _begins_with(word[1:], LAM_NOUNS):
        return "ال" + subject[1:]  # «للقاء»: اللقاء
    return "ا" + subject[1:]  # «لليمن»: اليمن


def timeline_subject(question: str) -> str | None:
    """The subject when ``question`` asks for a timeline ("" never), else None."""
    text = _END.sub("", " ".join(question.split()))
    for pattern in _PATTERNS:
        found = pattern.match(text)
        if found:
            subject = found.group("subject").strip(" «»\"'")
            if "prep" in pattern.groupindex and found.group("prep") is None:  # Arabic, no other preposition
                subject = without_lam(subject).strip(" «»\"'")
            return subject or None
    return None
