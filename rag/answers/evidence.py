"""Does a sentence supply what a question asks? The question's expected answer type and asked
attribute, and detectors for the types that can be seen in text (numbers, dates, times).

«كم عمر هولاند؟» asks for a number (``kind``) about «عمر» (``attribute``): a sentence about
Hollande that holds no number and never says «عمر» is on topic, not an answer.
Everything is compared after :func:`ingest.textnorm.normalize`; nothing here changes text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.textnorm import content_tokens, normalize

__all__ = ["DETECTABLE", "QuestionNeeds", "analyse_question", "supplies"]

#: Answer types a detector can see in a sentence; for the others (person, place, name) only the
#: asked attribute is checked.
DETECTABLE = frozenset({"number", "date", "time"})

# Question openings, on normalised words (alef, yaa, taa marbuta folded); the longest match wins.
_KINDS: list[tuple[str, str]] = [
    (r"^(في )?(اي|اية) (ساعه|وقت)|^(what|which) time|^at what (time|hour)", "time"),
    (r"^متي|^(في )?(اي|اية) (عام|سنه|يوم|شهر|تاريخ|قرن|عهد|فتره)|^(ما|ما هو|ما هي) (تاريخ|عام|سنه)", "date"),
    (r"^when|^(in )?(what|which) (year|date|day|month|century|decade)", "date"),
    (r"^كم|^(ما|ما هو|ما هي) (عدد|نسبه|مقدار|حجم|طول|عرض|ارتفاع|مساحه|عمر|قيمه|مبلغ|سعر|درجه)", "number"),
    (r"^how (many|much|old|long|far|big|tall|high|large)|^what (is the )?(number|percentage|share|amount)", "number"),
    (r"^(ما|ما هو|ما هي) (اسم|لقب)|^(what|which) (is|was) (the|his|her|its|their) name", "name"),
    (r"^اين|^(في |الي |من )?(اي|اية) (مدينه|بلد|دوله|منطقه|مكان|عاصمه|بلده|قريه|حي|محافظه|جزيره|قاره)", "place"),
    (r"^where|^(in |to |from )?(what|which) (city|country|town|village|region|place|capital|province)", "place"),
    (r"^من (هو|هي|هم|هما)|^من |^(who|whom|whose)\b", "person"),
]
_KIND_PATTERNS = [(re.compile(p), kind) for p, kind in _KINDS]
# Words that frame the question rather than name what it asks about.
_FRAME = frozenset(
    "ما ماذا من متي اين كيف لماذا كم هل اي ايه هو هي هم هما في الي الذي التي عدد اسم نوع يبلغ بلغ تبلغ "
    "يسمي تسمي سمي يطلق اطلق يعرف تعرف عرف قيمه مقدار نسبه حجم "
    "what which who whom whose when where why how many much is are was were the a an of name number kind "
    "type called does did do".split()
)
# Nouns that name the answer's type right after a question word («في أي مدينة», "which year"): frame
# there, the asked thing elsewhere («كم دولة صوتت»).
_TYPE_NOUNS = frozenset(
    "ساعه وقت عام سنه يوم شهر تاريخ قرن مدينه بلد دوله مكان منطقه عاصمه بلده قريه حي محافظه "
    "time hour year date day month century city country town place region capital province".split()
)
_WH = frozenset("اي ايه ما which what".split())
#: Content words after the question's frame that make up the asked attribute.
_ATTRIBUTE_WORDS = 1
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(am|pm)\b|o.?clock")
_NUMBER_WORDS = frozenset(
    "واحد واحده اثنان اثنين اثنتان اثنتين ثلاث ثلاثه اربع اربعه خمس خمسه ست سته سبع سبعه ثماني ثمانيه ثمان "
    "تسع تسعه عشر عشره عشرون عشرين ثلاثون ثلاثين اربعون اربعين خمسون خمسين ستون ستين سبعون سبعين ثمانون "
    "ثمانين تسعون تسعين مئه مائه مئتا مئتي مئتين مئات الف الفا الفين الاف الوف مليون ملايين مليار مليارات "
    "عشرات نصف ربع ثلث خمس عشرات بضع بضعه عده اغلبيه "
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "hundreds thousand thousands million millions billion dozen dozens half quarter".split()
)
_DATE_WORDS = frozenset(
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر كانون شباط اذار نيسان ايار "
    "حزيران تموز اب ايلول تشرين محرم صفر ربيع جمادي رجب شعبان رمضان شوال القعده الحجه الاثنين الثلاثاء "
    "الاربعاء الخميس الجمعه السبت الاحد امس اليوم غدا الماضي المقبل القادم هجري هجريه ميلادي ميلاديه القرن "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday yesterday today tomorrow century".split()
)
_TIME_WORDS = frozenset("صباحا مساء مساءا ظهرا فجرا ليلا عصرا منتصف الساعه noon midnight morning evening".split())
_CLITICS = ("وال", "بال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
# The same words as normalised text spells them («مئة» is «ميه» once hamza forms are folded). The evidence
# features keep the sets above: the confidence model was fit with them (rag.answers.confidence).
_FOLDED = {
    name: frozenset(normalize(" ".join(words)).split())
    for name, words in (("number", _NUMBER_WORDS), ("date", _DATE_WORDS), ("time", _TIME_WORDS))
}


@dataclass(frozen=True)
class QuestionNeeds:
    """What a question asks for: an answer ``kind`` (None when it does not say), the stemmed tokens of
    the ``attribute`` it asks about (empty when it names none), and the numbers it already holds."""

    kind: str | None
    attribute: frozenset[str]
    numbers: frozenset[str]


def _words(text: str) -> list[str]:
    return normalize(text).split()


def _bare(word: str) -> str:
    """``word`` without one leading clitic or article (وال، بال، و، ب…), when enough is left."""
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            return word[len(clitic) :]
    return word


def analyse_question(question: str) -> QuestionNeeds:
    """The answer type and asked attribute of ``question`` (Arabic or English)."""
    words = _words(question)
    if words and words[0][:1] in ("و", "ف") and words[0][1:] in ("ما", "من", "متي", "اين", "كم", "ماذا", "اي"):
        words[0] = words[0][1:]  # ومتى -> متى
    opening = " ".join(words)
    kind = next((k for pattern, k in _KIND_PATTERNS if pattern.search(opening)), None)
    attribute: set[str] = set()
    for i, word in enumerate(words):
        if word in _FRAME or _bare(word) in _FRAME or word.isdigit():
            continue
        if word in _TYPE_NOUNS and i and words[i - 1] in _WH:
            continue
        attribute |= content_tokens(word)  # stop words give none
        if len(attribute) >= _ATTRIBUTE_WORDS:
            break
    return QuestionNeeds(kind, frozenset(attribute), frozenset(_DIGITS.findall(normalize(question))))


def supplies(
    kind: str | None, text: str, question_numbers: frozenset[str] = frozenset(), *, folded: bool = False
) -> bool | None:
    """Whether ``text`` holds an answer of ``kind`` (a number, a date, a time), numbers the question
    already holds not counted; None when ``kind`` cannot be seen in text (person, place, name, none).
    ``folded``: number, date and time words matched as normalised text spells them («مئة»)."""
    if kind not in DETECTABLE:
        return None
    if folded and kind is not None:
        normal = normalize(text)
        if ({_bare(w) for w in normal.split()} | set(normal.split())) & _FOLDED[kind]:
            return True
    normal = normalize(text)
    words = {_bare(w) for w in normal.split()} | set(normal.split())
    numbers = set(_DIGITS.findall(normal)) - question_numbers
    if kind == "number":
        return bool(numbers) or bool(words & _NUMBER_WORDS)
    if kind == "date":
        years = set(_YEAR.findall(normal)) - question_numbers
        return bool(years) or bool(words & _DATE_WORDS)
    return bool(_CLOCK.search(normal)) or bool(words & _TIME_WORDS) and (bool(numbers) or "منتصف" in words)
