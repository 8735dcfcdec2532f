"""Does a quoted sentence answer the factoid asked, or only its topic?

A factoid's answer must supply the asked kind of fact (a number for «كم», a date for «متى», the question's
own numbers not counted) and meet the question's constraints («في الرقة», «يوم الأحد») in its sentence or
its article: «كم قتيلا سقط في الرقة؟» is not answered by a toll in Homs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import re

from ingest.textnorm import content_tokens, normalize
from rag.answers.evidence import analyse_question, supplies
from rag.answers.question import Question, read_constraints
from rag.answers.subject import article_key, constraint_met, matched
from rag.gather.values import asked_values
from rag.types import Citation, Passage

__all__ = ["fact_checks", "same_event"]


def fact_checks(
    question: Question, citations: Sequence[Citation], passages: Sequence[Passage], idf: Callable[[str], float]
) -> bool:
    """True when the first citation answers ``question`` (always for why and yes/no questions)."""
    if question.kind != "factoid" or not citations:
        return True
    first = citations[0]
    if supplies(question.slot, first.text, analyse_question(question.standard).numbers) is False:
        return False
    if question.slot == "name" and question.arabic and not _names_something(question, first.text, idf):
        return False  # «ما اسم الضابط…» is not answered by a sentence naming nobody
    if question.slot == "number" and question.arabic and _counts_asked(question) and not any(
        v.score > 0 for v in asked_values(question.standard, first.text)
    ):
        return False  # «بكم صوتا…» is not answered by «ساعة ونصف الساعة»
    article: set[str] = content_tokens(first.text)
    for passage in passages:
        if article_key(passage) == (first.file, first.record):
            article |= content_tokens(f"{passage.context}\n{passage.title}\n{passage.text}")
    return all(constraint_met(c, article) for c in question.constraints)


#: A word this much rarer than the rarest known (share of an unseen word's IDF) reads as a name.
_RARE = 0.6


def _names_something(question: Question, sentence: str, idf: Callable[[str], float]) -> bool:
    """The sentence names someone or something: the names reader finds one, or a rare word the question does not
    hold follows the asked noun («صحيفة هاآرتس»; «ضابط قال…» names nobody)."""
    if asked_values(question.standard, sentence):
        return True
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
    return bool(re.search(r"(^|\s)(ب?كم|عدد) \S", normalize(question.standard)))


def same_event(question: Question, clause: str, sentence: str) -> bool:
    """True when a value stated in ``clause`` (of ``sentence``) is about the event the question names: each
    constraint is met in the clause, or in the sentence when the clause names no other place, day or actor
    of its kind («قُتِلَ الجمعة 29 شخصا في مناطق سورية مختلفة» is not a toll «في دمشق», though the sentence
    goes on to name Damascus). Always True for a question naming no constraint."""
    if not question.constraints:
        return True
    own = read_constraints(clause)
    clause_tokens, sentence_tokens = content_tokens(clause), content_tokens(sentence)
    for constraint in question.constraints:
        if constraint_met(constraint, clause_tokens):
            continue
        other = any(c.kind == constraint.kind and not matched(c.tokens, constraint.tokens) for c in own)
        if other or not constraint_met(constraint, sentence_tokens):
            return False
    return True
