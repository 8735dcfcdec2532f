"""Follow-up questions: rewrite "ومتى قُتل؟" into a question that stands on its own.

Retrieval sees one question at a time, so a follow-up that leans on the previous turn
("when was he killed?", "وماذا عن حلب؟") is rewritten first. With an LLM the model
rewrites it (:func:`llm_rewrite`); without one a tested rule carries the previous
question's subject over (:func:`carry_over`): when the new question names too little
of its own, or points back with a pronoun, the content words of the previous
(already standalone) question are appended to it.
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
    written = _content_words(question)
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


def carry_over(question: str, previous: str) -> str:
    """``question`` with the previous question's content words appended when it is a follow-up."""
    if not previous or not is_follow_up(question):
        return question
    have = {normalize(w) for w in _WORD.findall(question)}
    carried = [w for w in dict.fromkeys(_content_words(previous)) if normalize(w) not in have]
    return f"{question} ({' '.join(carried)})" if carried else question


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
