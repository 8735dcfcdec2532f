"""Which chat questions ask for a timeline: «ما تسلسل الأحداث في حمص؟», "timeline of the Homs siege".

A timeline is asked for explicitly: a phrase that names the order of events («تسلسل الأحداث»،
«التسلسل الزمني»، «الخط الزمني»، «يوماً بيوم»; "timeline", "chronology", "sequence of events",
"day by day") with the subject after it (or before "timeline"). Any other question is answered as
a question.
"""

from __future__ import annotations

import re

__all__ = ["timeline_subject"]

_AR_LEAD = (
    r"^(?:(?:ما|ماهو|ما هو|ما هي|اعرض|أعرض|اعطني|أعطني|أعطِني|هات|أريد|اريد)\s+)?"
    r"(?:لي\s+)?(?:(?:ال)?تسلسل\s+(?:ال)?(?:أحداث|احداث|زمني)|(?:ال)?خط\s+(?:ال)?زمني|(?:ال)?جدول\s+(?:ال)?زمني)"
    r"(?:\s+(?:في|عن|ل|لـ|حول|ب))?\s*"
)
_EN_LEAD = (
    r"^(?:(?:show|give|make)\s+(?:me\s+)?)?(?:a\s+|the\s+)?"
    r"(?:timeline|chronology|sequence\s+of\s+events)(?:\s+(?:of|for|on|about|in))?\s*:?\s*"
)
_PATTERNS = [
    re.compile(_AR_LEAD + r"(?P<subject>.+)$"),
    re.compile(r"^(?:ماذا|ما(?:ذا)?\s+الذي)\s+حدث\s+(?:في|ل|لـ|مع)\s*(?P<subject>.+?)\s+يوم(?:ا|اً)?\s+بيوم$"),
    re.compile(_EN_LEAD + r"(?P<subject>.+)$", re.IGNORECASE),
    re.compile(r"^what\s+happened\s+(?:in|to|at|with)\s+(?P<subject>.+?),?\s+day\s+by\s+day$", re.IGNORECASE),
    re.compile(r"^(?P<subject>.+?)\s+timeline$", re.IGNORECASE),
]
_END = re.compile(r"[\s?؟.!:]+$")


def timeline_subject(question: str) -> str | None:
    """The subject when ``question`` asks for a timeline ("" never), else None."""
    text = _END.sub("", " ".join(question.split()))
    for pattern in _PATTERNS:
        found = pattern.match(text)
        if found:
            return found.group("subject").strip(" «»\"'") or None
    return None
