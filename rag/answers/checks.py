"""Does a quoted sentence answer the factoid asked, or only its topic?

A factoid's answer must supply the asked kind of fact (a number for «كم», a date for «متى», the question's
own numbers not counted) and meet the question's constraints («في الرقة», «يوم الأحد») in its sentence or
its article: «كم قتيلا سقط في الرقة؟» is not answered by a toll in Homs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import re

from ingest.textnorm import content_tokens, normalize
from ingest.chunker import Span
from rag.answers.evidence import analyse_question, supplies
from rag.answers.focus import clauses
from rag.answers.question import EVENT_WORDS, GENERIC_PLACES, Constraint, Question, read_constraints
from rag.answers.subject import article_key, constraint_met, matched
from rag.gather.values import asked_values
from rag.types import Citation, Passage

__all__ = ["fact_checks", "named_places", "same_event", "tied_to_event", "value_window"]


def fact_checks(
    question: Question, citations: Sequence[Citation], passages: Sequence[Passage], idf: Callable[[str], float]
) -> bool:
    """True when a quoted sentence answers ``question`` (always for why and yes/no questions): it holds the asked
    kind (a number, a date, a name), and the places the question names are in its sentence or article."""
    if question.kind != "factoid" or not citations:
        return True
    return any(_answers(question, c, passages, idf) for c in citations)


def _answers(question: Question, cited: Citation, passages: Sequence[Passage], idf: Callable[[str], float]) -> bool:
    numbers = analyse_question(question.standard).numbers
    if question.slot == "number" and supplies("number", cited.text, numbers, folded=True) is False:
        return False
    if question.slot == "date" and not supplies("date", cited.text, numbers, folded=True) and not _WHEN.search(cited.text):
        return False  # «متى» is answered by a date, a number, or a time in words («في عهد الرسول», «خلال عصر النهضة»)
    if question.slot == "name" and question.arabic and not _names_something(question, cited.text, idf):
        return False  # «ما اسم الضابط…» is not answered by a sentence naming nobody
    counted = asked_values(question.standard, cited.text) if question.slot == "number" else []
    if question.arabic and _counts_asked(question) and counted and not any(v.score > 0 for v in counted):
        return False  # numbers read, none of them counting the asked noun
    if not question.arabic:  # an English place name cannot be looked for in Arabic articles
        return True
    article: set[str] = content_tokens(cited.text)
    elsewhere: set[str] = set()
    for passage in passages:
        tokens = content_tokens(f"{passage.context}\n{passage.title}\n{passage.text}")
        if article_key(passage) == (cited.file, cited.record):
            article |= tokens
        else:
            elsewhere |= tokens
    if not tied_to_event(question, cited, idf):
        return False
    # a place the question names counts when another retrieved article names it: then the articles tell places
    # apart, and the cited one must be about the asked place («في حمص», not the Damascus article)
    return all(constraint_met(c, article) or not matched(c.tokens, elsewhere) for c in named_places(question, idf))


_WHEN = re.compile(
    r"\d|(^|\s)[وب]?(ال)?(عهد|عصر|خلال|عند|عندما|حين|حينما|أثناء|اثناء|عمر|سنة|سنه|عام|مرحلة|فترة|أوائل|اوائل|أواخر|"
    r"اواخر|منتصف|بداية|بدايه|نهاية|نهايه|قرن|ق\.م)"
)
#: A name in another script («Cancer», «中华人民共和国») or in brackets after the asked noun («(سلالة تشينغ)»).
_FOREIGN_OR_BRACKETED = re.compile(r"[A-Za-z]{3,}|[\u4e00-\u9fff]+|\([^()]{2,40}\)")
#: A word this much rarer than the rarest known (share of an unseen word's IDF) reads as a name.
_RARE = 0.6
#: Place words: one written without «ال» is a name unless this common; a defined one only when this rare.
_COMMON, _NAMED = 0.25, 0.8


def _names_something(question: Question, sentence: str, idf: Callable[[str], float]) -> bool:
    """The sentence names someone or something: the names reader finds one, or a rare word the question does not
    hold follows the asked noun («صحيفة هاآرتس»; «ضابط قال…» names nobody)."""
    if asked_values(question.standard, sentence) or _FOREIGN_OR_BRACKETED.search(sentence):
        return True  # a name read after a title or quoted; a name in Latin or CJK script, or in brackets
    words = sentence.split()
    rare = _RARE * idf("\u0000unseen")
    asked = content_tokens(question.standard)
    for before, word in zip(words, words[1:], strict=False):
        tokens = content_tokens(word)
        if matched(question.attribute, content_tokens(before)) and tokens and not tokens & asked:
            if all(idf(t) >= rare for t in tokens):
                return True
    return False


def _counts_asked(question: Question) -> bool:
    """A number question naming what it counts («كم دولة», «عدد القتلى»)."""
    found = re.search(r"(?:^|\s)(?:ب?كم|عدد) (\S+)", normalize(question.standard))
    return found is not None and bool(content_tokens(found[1]))


def value_window(text: str, at: int) -> tuple[str, str]:
    """The clause of sentence ``text`` holding character ``at`` (a value), from the value on, and the rest of the
    sentence after that clause («وقالت بعثة … في مالي … إنه أعيد بناء ثمانية من بين 14 ضريحا»: the shrines are
    not Mali's; the place before the value belongs to the speaker)."""
    parts = clauses(Span(text, 0, len(text)))
    clause = next((c for c in parts if c.start <= at < c.end), None)
    if clause is None:
        return text[at:], ""
    return text[at : clause.end], text[clause.end :]


def named_places(question: Question, idf: Callable[[str], float]) -> list[Constraint]:
    """The places the question names by name («دمشق» in «في قصف مدينة دمشق», «العند» in «في معارك العند»,
    «جازان»; not «البئر» when wells are common): each constraint's rare words after an event or generic noun."""
    named = (_name_of(c, idf) for c in question.constraints if c.kind in ("place", "event"))
    return [c for c in named if c is not None]


def _name_of(constraint: Constraint, idf: Callable[[str], float]) -> Constraint | None:
    words = constraint.text.split()
    while words and normalize(words[0]).removeprefix("ال") in GENERIC_PLACES | EVENT_WORDS:
        words = words[1:]
    unseen = idf("\u0000unseen")
    tokens: set[str] = set()
    for word in words:  # a name: written without «ال» («حمص», «جازان»), or a defined word as rare as names
        defined = normalize(word).startswith("ال")
        tokens |= {t for t in content_tokens(word) if idf(t) >= (_NAMED if defined else _COMMON) * unseen}
    return Constraint("place", " ".join(words), frozenset(tokens)) if tokens else None


def same_event(
    question: Question, clause: str, after: str, idf: Callable[[str], float], *, following: bool = True
) -> bool:
    """True when a value stated in ``clause`` is about the place the question names: the clause names it; or the
    clause names no other place («في …») and the first place named ``after`` it is the question's
    («قُتِلَ الجمعة 29 شخصا في مناطق سورية مختلفة» is not a toll «في دمشق», though the sentence goes on to name
    Damascus; in «أصيب 22 … في دمشق القديمة، فيما سمع دوي انفجارات في حمص» the 22 are Damascus's); a sentence
    naming no place is taken as its article's. ``following=False`` reads the clause alone (corroboration: a
    place spelt another way later in the sentence, «سوروتش» for «سروج», must not split one event). Always True
    for a question naming no place."""
    places = named_places(question, idf)
    if not places:
        return True
    own, later = _located(clause, idf), (_located(after, idf) if following else [])
    clause_tokens = content_tokens(clause)
    for place in places:
        if matched(place.tokens, clause_tokens):
            continue
        if any(not matched(c.tokens, place.tokens) for c in own):
            return False
        if later and not matched(place.tokens, later[0].tokens):  # the sentence goes on to another place
            return False
    return True


def _located(text: str, idf: Callable[[str], float]) -> list[Constraint]:
    """The places named «في …» in ``text`` (as :func:`named_places` reads a question's), in order."""
    phrases = [c for c in read_constraints(text) if re.search(rf"(^|\s)في\s+{re.escape(c.text)}", text)]
    named = (_name_of(c, idf) for c in phrases if c.kind in ("place", "event"))
    return [c for c in named if c is not None]


def tied_to_event(question: Question, citation: Citation, idf: Callable[[str], float]) -> bool:
    """For a number or date question naming a place or day: some value tied to the asked attribute in the cited
    sentence is stated of that event (:func:`same_event`); True when no tied value is read."""
    if question.slot not in ("number", "date") or not question.constraints or not question.arabic:
        return True
    tied = [v for v in asked_values(question.standard, citation.text, citation.published) if v.score > 0]
    return not tied or any(same_event(question, *value_window(citation.text, v.start), idf) for v in tied)
