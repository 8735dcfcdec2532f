"""Follow-up questions: rewrite "ومتى قُتل؟" into a question that stands on its own.

Retrieval sees one question at a time, so a follow-up that leans on the previous turn
("when was he killed?", "وماذا عن حلب؟") is rewritten first. With an LLM the model
rewrites it (:func:`llm_rewrite`); without one a tested rule carries the previous
question's subject over (:func:`carry_over`): when the new question names too little
of its own, or points back with a pronoun, the previous (already standalone) question's
subject — its content words without its question frame («كم عدد»، «في أي مدينة») — is put
in brackets right after the pronoun or demonstrative («من المسؤول عن ذلك (القتلى)؟»), or
before the question mark, and the opening "and" goes («ومتى؟» -> «متى (…)؟»). The follow-up's
own question word and asked attribute come first, so they stay in charge of the answer
(benchmarks/followups.py: answers agree with the question written out in full, 22 of 26).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from ingest.textnorm import ARABIC_STOPWORDS, ENGLISH_STOPWORDS, normalize, strip_markup

__all__ = ["Turn", "carry_over", "is_follow_up", "llm_rewrite_messages", "previous_questions", "standalone_question"]

Turn = tuple[str, str]  # (question, answer)

_WORD = re.compile(r"\w+", re.UNICODE)
# Question words and pronouns, after rag.textnorm.normalize (alef/yaa/taa folded).
_QUESTION_WORDS = frozenset(
    "ما ماذا من متي اين كيف لماذا كم هل اي وما وماذا ومن ومتي واين وكيف ولماذا وكم وهل واي فما فمن فمتي "
    "what who whom when where why how which whose and also".split()
)
_POINTERS = frozenset(
    "هو هي هم هما هن ذلك تلك هذا هذه هناك هؤلاء اولئك وهو وهي وهم عنه عنها عنهم منه منها له لها لهم فيه فيها "
    "he she it they him her them his its their there that this those these then".split()
)
_AND_OPENERS = frozenset({"and", "also", "وماذا", "وكذلك", "وايضا"})
# Verbs of saying name no subject: «وماذا قال عن …؟» still asks about the previous turn's speaker.
_SAYING = frozenset(
    "قال يقول صرح اضاف اكد وصف ذكر اعتبر وقال وصرح واضاف واكد ووصف وذكر "
    "say says said tell told add added describe described call called".split()
)
# Nouns that frame a question right after its question word («كم عدد»، «في أي مدينة», "which city"):
# they say what kind of answer is asked, not what the question is about, so they are not carried.
_FRAME_NOUNS = frozenset(
    "عدد اسم نوع نسبه مقدار حجم ساعه وقت عام سنه يوم شهر تاريخ مدينه بلد دوله مكان منطقه عاصمه بلده قريه "
    "number name kind type time hour year date day month city country town place region capital".split()
)
#: A question naming fewer things than this leans on the previous turn; one that points back
#: (a pronoun) must name at least ``_POINTING_OWN_WORDS``, one opening with "and" ``_AND_OWN_WORDS``.
_MIN_OWN_WORDS, _POINTING_OWN_WORDS, _AND_OWN_WORDS = 2, 3, 4
# Arabic pronoun suffixes on a verb or noun (قتله، قائدها، زعيمهم) point back too.
_SUFFIX = re.compile(r"^\w{3,}(ه|ها|هم|هما|هن)$")


def _plain(text: str) -> str:
    return html.unescape(strip_markup(text)).strip()


def _content_words(text: str) -> list[str]:
    """Words of ``text`` (as written) that are not question words, pronouns or stop words."""
    out = []
    for word in _WORD.findall(text):
        key = normalize(word)
        if key in _QUESTION_WORDS or key in _POINTERS or key in ARABIC_STOPWORDS or key in ENGLISH_STOPWORDS:
            continue
        if key.isdigit() or len(key) < 2:
            continue
        out.append(word)
    return out


def _pointer(word: str) -> bool:
    """A pronoun or demonstrative, also with a clitic in front (بذلك، وعنه، فيها)."""
    return word in _POINTERS or (len(word) > 2 and word[0] in "وفبلك" and word[1:] in _POINTERS)


def is_follow_up(question: str) -> bool:
    """True when ``question`` cannot stand on its own: it names fewer than two things of its own; or it
    points back (a pronoun or demonstrative: "he", "there", عنه، قائدها) and names fewer than three; or it
    opens with "and" (ومتى…، وماذا…، And …, What about …) and names fewer than four.

    A question that names its own subject is never a follow-up, whatever pronoun it contains
    ("Who was in the delegation that was due to arrive in Moscow?" is asked as it is).
    """
    words = [normalize(w) for w in _WORD.findall(question)]
    if not words:
        return False
    written = [w for w in _content_words(question) if normalize(w).lower() not in _SAYING]
    # as written: ة is not the pronoun ه; a word with a pronoun suffix (قائدها) names nothing of its own
    suffixed = [w for w in written if _SUFFIX.match(w) and not w.startswith("ال")]
    own = len(written) - len(suffixed)
    opens_with_and = (
        words[0] in _AND_OPENERS
        or (words[0].startswith(("و", "ف")) and words[0][1:] in _QUESTION_WORDS)
        or " ".join(words[:2]).lower() in ("what about", "how about")
    )
    copula = {i for i, w in enumerate(words) if w in ("هو", "هي", "هم") and i and words[i - 1] in _QUESTION_WORDS}
    points_back = bool(suffixed) or any(  # "ما هي" is "what is", not "what is she"
        _pointer(w.lower()) for i, w in enumerate(words) if i not in copula
    )
    if opens_with_and:
        return own < _AND_OWN_WORDS
    if points_back:
        return own < _POINTING_OWN_WORDS
    return own < _MIN_OWN_WORDS


def _subject(previous: str) -> list[str]:
    """The content words of ``previous`` without its question frame (the noun right after its
    question word: «كم عدد القتلى» -> القتلى, «في أي مدينة عقد…» -> عقد…), each once."""
    words = _WORD.findall(previous)
    frame = {
        i
        for i, word in enumerate(words)
        if i and normalize(word).lower() in _FRAME_NOUNS and normalize(words[i - 1]).lower() in _QUESTION_WORDS
    }
    kept = [w for i, w in enumerate(words) if i not in frame]
    return list(dict.fromkeys(_content_words(" ".join(kept))))


def _without_and(question: str) -> str:
    """``question`` without its conversational "and" («ومتى…» -> «متى…», "And how many…" -> "how many…"):
    the question written out in full would not open with it."""
    match = _WORD.match(question.lstrip())
    if match is None:
        return question
    text, word = question.lstrip(), match.group()
    if word.lower() in ("and", "also") and len(text.split()) > 1:
        return text[match.end() :].lstrip()
    if word[:1] in "وف" and normalize(word[1:]) in _QUESTION_WORDS:
        return text[1:]
    return question


def carry_over(question: str, previous: str) -> str:
    """``question`` with the previous question's subject carried in when it is a follow-up (and its opening
    "and" dropped): in brackets right after its first pronoun or demonstrative (ذلك، هناك، عنه), else before
    the question mark."""
    if not previous or not is_follow_up(question):
        return question
    have = {normalize(w) for w in _WORD.findall(question)}
    carried = [w for w in _subject(previous) if normalize(w) not in have]
    if not carried:
        return question
    question, insert = _without_and(question), f" ({' '.join(carried)})"
    words = [(m, normalize(m.group()).lower()) for m in _WORD.finditer(question)]
    for i, (match, key) in enumerate(words):
        if key in ("هو", "هي", "هم") and i and words[i - 1][1] in _QUESTION_WORDS:
            continue  # "ما هي" is "what is", not "what is she"
        if _pointer(key):  # a suffixed word (بيانه الختامي) keeps its adjectives: the end is better
            return question[: match.end()] + insert + question[match.end() :]
    body = question.rstrip()
    end = len(body.rstrip("?؟!."))
    return body[:end] + insert + body[end:]


def previous_questions(history: Sequence[Any] | None) -> list[Turn]:
    """The ``(question, answer)`` turns of a chat history.

    Accepts Gradio's messages (``{"role": ..., "content": ...}``, content as text or
    content blocks), ``(question, answer)`` pairs, or bare question strings.
    """
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, str):
            turns.append((_plain(item), ""))
        elif isinstance(item, dict):
            content = item.get("content", "")
            if isinstance(content, list):
                content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
            text = _plain(str(content))
            if item.get("role") == "user":
                turns.append((text, ""))
            elif item.get("role") == "assistant" and turns and not turns[-1][1]:
                turns[-1] = (turns[-1][0], text)
        elif isinstance(item, list | tuple) and item:
            turns.append((_plain(str(item[0] or "")), _plain(str(item[1] or "")) if len(item) > 1 else ""))
    return [t for t in turns if t[0]]


def llm_rewrite_messages(question: str, turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Chat messages asking a model to make ``question`` standalone (the last three turns as context)."""
    context = "\n".join(f"Q: {q}\nA: {a[:400]}" for q, a in turns[-3:])
    return [
        {
            "role": "system",
            "content": "Rewrite the user's follow-up question so that it can be understood without the "
            "conversation: replace pronouns with the names they refer to. Keep the language of the "
            "follow-up question. Reply with the rewritten question only.",
        },
        {"role": "user", "content": f"Conversation:\n{context}\n\nFollow-up question: {question}"},
    ]


def standalone_question(
    question: str, history: Sequence[Any] | None, rewrite: Callable[[str, list[Turn]], str] | None = None
) -> str:
    """The question retrieval should see.

    Args:
        rewrite: a model's rewriter ``rewrite(question, turns)``; when None, or when its reply is
            empty or far longer than a question, the carry-over rule is used.
    """
    turns = previous_questions(history)
    if not turns:
        return question
    if rewrite is not None:
        lines = _plain(rewrite(question, turns)).splitlines()
        reply = lines[0].strip(" \"'«»") if lines else ""
        if reply and len(reply) <= 4 * len(question) + 200:
            return reply
    standalone = ""
    for asked, _ in turns:  # earlier follow-ups carry their own subjects forward
        standalone = carry_over(asked, standalone)
    return carry_over(question, standalone)
