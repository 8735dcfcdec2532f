"""Reading a question: what kind it is and what it asks (issue 30). The answer step gives each kind its form.

- **factoid**: one fact in a *slot* (``number``, ``date``, ``time``, ``person``, ``name``, ``place``,
  ``organisation``, or None for «ما هو …»), about an asked ``attribute`` («قتيل» in «كم قتيلا…»), under
  ``constraints``: the place, day, actor or event the question names.

  =====================================  =========  ===========  ===================================
  «كم قتيلا سقط في الرقة يوم الأحد؟»       number     {قتيل}       place «الرقة», day «يوم الأحد»
  «من يقود لواء التوحيد؟»                  person     {يقود}        —
  «متى انعقد مؤتمر أصدقاء سوريا في باريس؟»  date       {انعقد}       place «باريس»
  =====================================  =========  ===========  ===================================

- **broad**: what happened in / to X («ماذا حدث في دير الزور؟»), X's situation, what X said, did,
  demanded or decided («بماذا طالب المجلس الوطني؟»), X's position on Y («ما موقف الصين من القرار؟»), and
  open or plural questions («ما المدن التي شهدت اشتباكات؟», «من الدول التي عارضت القرار؟»). Answered with a
  brief of several sentences.
- **why** (why / how: «لماذا انشق…؟», «كيف ردت…؟») and **yesno** («هل …؟»): one evidence sentence, or a
  partial answer.

Dialect question words are read as their standard forms first (:mod:`rag.answers.dialect`): «شو صار بحمص؟»
reads as «ماذا حدث في حمص؟». Nothing here changes the question shown to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.textnorm import content_tokens, is_arabic, normalize
from rag.answers.dialect import standardise
from rag.answers.evidence import analyse_question

__all__ = ["EVENT_WORDS", "GENERIC_PLACES", "KINDS", "Constraint", "Question", "read_constraints", "read_question"]

#: The kinds of question, each with its answer form.
KINDS = ("factoid", "broad", "why", "yesno")

_V = r"(حدث|حدثت|جري|جرت|حصل|حصلت|يحدث|يجري|صار)"
_SAID = (
    r"(قال|قالت|يقول|تقول|يقولون|فعل|فعلت|طلب|طلبت|طالب|طالبت|يطالب|تطالب|قرر|قررت|اعلن|اعلنت|اكد|اكدت|"
    r"ذكر|ذكرت|تذكر|يذكر|جاء|دعا|دعت|اقترح|اقترحت|نفذ|نفذت|تضمن|تضمنت|ناقش|ناقشت|بحث|بحثت|نشر|نشرت|كشف|كشفت|"
    r"اورد|اوردت|افاد|افادت|اعتبر|اعتبرت|اتهم|اتهمت|وصف|وصفت|نقل|نقلت|نعرف|تعرف|يعرف|حقق|حققت)"
)
_GROUPS = (
    r"(المدن|الدول|البلدان|المناطق|الاحياء|الجهات|الاطراف|الفصائل|المحافظات|القري|المواقع|الشخصيات|"
    r"المسوولين|الاسلحه|الخسائر|المطالب|القرارات|الاجراءات|النتائج|الاسباب|التطورات|الاحداث|العمليات|الوزراء)"
)
_BROAD_AR = [
    rf"^(ماذا|ما الذي|ما ذا) {_V}",
    rf"^(ماذا|بماذا|ما الذي|ما ذا) {_SAID}",
    r"^(ماذا|ما) (عن|بشان)",
    r"^(ما|ماذا) (هو |هي )?(وضع|اوضاع|الوضع|حال|احوال|موقف|مواقف|راي|اراء|رد|ردود|رده|مطالب|قرارات|نتائج|"
    r"تداعيات|ابرز|اهم|تفاصيل|خلاصه|ملخص|حصيله|تطورات|مستجدات|قصه|ما جري)",
    rf"^(ما|ما هي|ماهي|اي|ايه|من) {_GROUPS}",
    rf"^(من|ما) (هم|هي) {_GROUPS}",
    r"^(حدثني|اخبرني|لخص|تحدث|اعطني|قدم) ",
    r"^(ما|ماهي|ما هي) (اخر|احدث|اهم|ابرز|جديد|مجمل) ",
    r"^(ما|ماهي|ما هي) ال\S+(ات|ون|ين) (التي|الذي|الذين|اللتي)",
    r"^كيف (رد|ردت|ردوا|تعامل|تعاملت|وصف|وصفت|علق|علقت|استقبل|استقبلت|تفاعل|تفاعلت|تطور|تطورت|كان|كانت)",
]
_BROAD_EN = [
    r"^what (happened|has happened|is happening|went on)",
    r"^what (did|does|do|has|have|had) .+ (say|said|do|done|demand|decide|announce|want|ask|propose|call)\b",
    r"^what (is|was|are|were) (the )?(situation|position|stance|reaction|response|demands|outcome)",
    r"^(which|what) (cities|countries|places|towns|regions|groups|parties|states|people|areas|officials)\b",
    r"^(tell me about|summari[sz]e|describe|give me an overview)",
    r"\b(position|stance) on\b",
]
_WHY_AR = r"^(لماذا|لم |ما سبب|ما اسباب|ما السبب|ما الذي دفع|ما دوافع|كيف|بسبب ماذا|علي اي اساس)"
_WHY_EN = r"^(why|how (?!many|much|old|long|far|big|tall|high|large|often))|^what (caused|led to|made)"
_YESNO_AR = r"^(هل|اهل|أ?ليس) "
_YESNO_EN = r"^(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should)\b"
_ORGANISATION = (
    r"^(ما|اي|ايه|من) (هي )?(الجهه|المنظمه|الحزب|الجماعه|الفصيل|التنظيم|الهيئه|المؤسسه|الشركه|الوزاره|"
    r"الصحيفه|الوكاله|المجموعه|الكتيبه|اللواء)|^(which|what) (organi[sz]ation|group|party|agency|company|ministry)"
)
#: Broad openings asking what someone said, did, demanded or thinks («ما موقف روسيا…», «ماذا قال المجلس…»,
#: «كيف ردت الحكومة…»): the first content word after them is the question's ``focus``, its actor.
_FOCUSED = [
    re.compile(p)
    for p in (
        rf"^(ماذا|بماذا|ما الذي|ما ذا) {_SAID}",
        r"^(ما|ماذا) (هو |هي )?(موقف|مواقف|راي|اراء|رد|ردود|رده|مطالب)",
        r"^كيف (رد|ردت|ردوا|تعامل|تعاملت|علق|علقت|استقبل|استقبلت|تفاعل|تفاعلت)",
        r"^what (did|does|do|has|have|had)",
    )
]
_PATTERNS = {
    "broad": [re.compile(p) for p in _BROAD_AR + _BROAD_EN],
    "why": [re.compile(_WHY_AR), re.compile(_WHY_EN)],
    "yesno": [re.compile(_YESNO_AR), re.compile(_YESNO_EN)],
}
_ORGANISATION_PATTERN = re.compile(_ORGANISATION)

# Constraints: a preposition and the words after it, up to the next preposition or the end.
_PREPOSITIONS = frozenset("في علي الي خلال امام قرب داخل عند منذ لدي ضد بحق in at on during near against since".split())
_DAY_WORDS = frozenset(
    "يوم امس اليوم غدا الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت ليله صباح مساء شهر عام سنه "
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر "
    "yesterday today sunday monday tuesday wednesday thursday friday saturday".split()
)
_EVENT_WORDS = frozenset(
    "تفجير انفجار هجوم اعتداء قصف غاره غارات اشتباكات اشتباك معركه معارك مؤتمر اجتماع قمه تظاهره مظاهره "
    "مسيره مسيرات حادث حادثه كارثه سيول زلزال انتخابات تصويت جلسه زياره حريق عمليه اغتيال انشقاق "
    "bombing attack explosion conference meeting summit protest election vote visit fire".split()
)
_ACTOR_WORDS = frozenset("قوات جيش الجيش كتائب لواء ميليشيا مسلحون مسلحين الثوار النظام forces army rebels".split())
_MAX_CONSTRAINT_WORDS = 3
#: Nouns that name no place of their own («مدينة حمص», «في أحياء تقع في دمشق»): the name after them does.
GENERIC_PLACES = frozenset(
    normalize("أحياء حي منطقة مناطق مدينة مدن محافظة محافظات بلدة قرية أنحاء أحد إحدى عدد مكان أماكن موقع مخيم").split()
)
_ASKING = frozenset("اي ايه ما ماذا من متي اين كم which what when where who how".split())
_DAY_WORDS, _EVENT_WORDS, _ACTOR_WORDS = (frozenset(normalize(" ".join(s)).split()) for s in (_DAY_WORDS, _EVENT_WORDS, _ACTOR_WORDS))
#: Nouns naming an event («تفجير», «معارك»): in «معارك العند» the place is what follows.
EVENT_WORDS = _EVENT_WORDS
#: Question words and frame words (with their clitic forms): not part of what a question is about.
_FRAME_TOKENS = frozenset(
    content_tokens(
        "ماذا بماذا لماذا وماذا ما من متى أين كيف كم هل أي أية الذي التي عدد اسم هو هي بشأن بخصوص حول إزاء تجاه "
        "what which who whom when where why how many much does did do is are was were name number tell me about"
    )
)


@dataclass(frozen=True)
class Constraint:
    """A place, day, actor or event the question names (``kind``), as written (``text``, standardised) and as
    stemmed tokens (``tokens``): an answer must meet it in its sentence or its article."""

    kind: str
    text: str
    tokens: frozenset[str]


@dataclass(frozen=True)
class Question:
    """What a question is (``kind``, one of :data:`KINDS`) and what it asks.

    ``standard`` is the question with dialect words in their standard forms (what is searched and read);
    ``slot`` the kind of fact a factoid asks for; ``attribute`` the stemmed tokens of the asked thing;
    ``constraints`` the place, day, actor or event it names; ``subject`` every content token naming what it
    is about (the attribute and the question words left out).
    """

    text: str
    standard: str
    kind: str
    slot: str | None = None
    attribute: frozenset[str] = frozenset()
    constraints: tuple[Constraint, ...] = ()
    subject: frozenset[str] = frozenset()
    dialect: bool = False
    #: A broad question's actor or place («روسيا» in «ما موقف روسيا من القرار؟»): a brief's sentences name it.
    focus: frozenset[str] = frozenset()

    @property
    def arabic(self) -> bool:
        """True when the question is in Arabic script (answers are worded in its language)."""
        return is_arabic(self.text) or not self.text.strip()


def _opening(text: str) -> str:
    words = normalize(text).split()
    if words and words[0][:1] in ("و", "ف") and words[0][1:] in ("ما", "من", "ماذا", "هل", "لماذا", "كيف", "اين"):
        words[0] = words[0][1:]  # «وماذا حدث» -> «ماذا حدث»
    return " ".join(words)


def _kind(opening: str) -> str:
    for kind in ("yesno", "broad", "why"):
        if any(p.search(opening) for p in _PATTERNS[kind]):
            return kind
    return "factoid"


def _focus(opening: str) -> frozenset[str]:
    """The first content word after a broad opening that names who or what it is about."""
    for pattern in _FOCUSED:
        found = pattern.search(opening)
        if found is not None:
            rest = opening[found.end() :]
            words = rest.split()[1:] if rest[:1].strip() else rest.split()  # the rest of a word the match cut
            for word in words:
                tokens = {t for t in content_tokens(word) if len(t) >= 3} - _FRAME_TOKENS
                if tokens and word not in _PREPOSITIONS:
                    return frozenset(tokens)
            return frozenset()
    return frozenset()


def _constraint_kind(words: list[str]) -> str:
    first = words[0].removeprefix("ال") if words[0].startswith("ال") else words[0]
    if words[0] in _DAY_WORDS or first in _DAY_WORDS or any(w.isdigit() for w in words):
        return "day"
    if words[0] in _EVENT_WORDS or first in _EVENT_WORDS:
        return "event"
    if words[0] in _ACTOR_WORDS:
        return "actor"
    return "place"


def _continues(previous: str, word: str) -> bool:
    """Whether ``word`` goes on the phrase ``previous`` is in: a defined noun or adjective («دير الزور», «الشرق
    الأوسط», «يوم الأحد»), not a relative pronoun, a verb or another preposition («عدن أطلق», «المجموعة التي»)."""
    if word in _PREPOSITIONS or word in ("التي", "الذي", "الذين", "اللذين", "اللتين", "اللاتي", "يوم"):
        return False
    bare = previous.removeprefix("ال")
    if word.startswith("ال") or previous == "يوم":
        return True
    verb = (word[:1] == "ت" and len(word) <= 3) or (word[:1] == "ي" and len(word) <= 4)  # «في أحياء تقع في دمشق»
    return (bare in GENERIC_PLACES or bare in _EVENT_WORDS) and not verb


def read_constraints(standard: str) -> tuple[Constraint, ...]:
    """The phrases after prepositions in ``standard`` («في الرقة», «يوم الأحد», «في تفجير المسجد»), as written."""
    raw = re.findall(r"[^\s؟?!.،,]+", standard)
    normal = [normalize(w) for w in raw]
    out: list[Constraint] = []
    i = 0
    while i < len(raw):
        word = normal[i]
        if word in _PREPOSITIONS or word == "يوم":
            start = i if word == "يوم" else i + 1
            phrase_raw, phrase = raw[start:], normal[start:]
            end = 1 if phrase and phrase[0] not in _PREPOSITIONS else 0
            while end and end < min(len(phrase), _MAX_CONSTRAINT_WORDS) and _continues(phrase[end - 1], phrase[end]):
                end += 1
            words, shown = phrase[:end], phrase_raw[:end]
            tokens = frozenset(content_tokens(" ".join(w for w in words if w not in ("يوم", "day"))))
            possessed = re.search(r"(ه|ها|هم|هما)$", shown[0]) if shown else None  # «في جولته»: his, not a name
            if words and tokens and words[0] not in _ASKING and not possessed:  # «في أي مدينة» asks
                out.append(Constraint(_constraint_kind(words), " ".join(shown), tokens))
            i = start + max(end, 1)
            continue
        i += 1
    return tuple(out)


def read_question(question: str) -> Question:
    """What kind of question ``question`` is and what it asks (Arabic, English or dialect)."""
    standard = standardise(question)
    opening = _opening(standard)
    kind = _kind(opening)
    needs = analyse_question(re.sub(r"^(\s*)ب(كم)\b", r"\1\2", standard))  # «بكم صوتا…» asks a number
    slot = needs.kind
    if _ORGANISATION_PATTERN.search(opening):
        slot = "organisation"
    if kind == "broad" and slot in ("person", "place") and re.match(r"^(من|اي|ايه|which|what) ", opening):
        slot = None  # «من الدول التي…» asks for a list, not one person
    constraints = read_constraints(standard)
    subject = frozenset(content_tokens(standard)) - needs.attribute - _FRAME_TOKENS
    return Question(
        text=question,
        standard=standard,
        kind=kind,
        slot=slot if kind == "factoid" else None,
        attribute=needs.attribute,
        constraints=constraints,
        subject=subject or frozenset(content_tokens(standard)),
        dialect=standard != question,
        focus=_focus(opening) if kind == "broad" else frozenset(),
    )
