"""Text in an article that tries to instruct the model ("ignore previous instructions…").

Articles are data. Before passages go into a prompt, sentences that address the
assistant are replaced by :data:`REMOVED` and chat-template control tokens are
broken up (:func:`neutralise`); a claim in the model's answer that reads as such an
instruction is dropped by :mod:`rag.verify`. The text shown and cited is never changed.
"""

from __future__ import annotations

import re

from ingest.chunker import split_sentences

__all__ = ["REMOVED", "looks_like_instruction", "neutralise"]

REMOVED = "[…]"

_PATTERNS = [
    # English
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|context|passages?|above)\b",
    r"\b(new|updated|real|actual)\s+instructions?\b",
    r"\byou\s+(are|must|should|will)\s+now\b",
    r"\b(system|developer)\s+(prompt|message|instruction)s?\b",
    r"\bas an ai\b",
    r"\b(reply|respond|answer|say)\s+only\s+(with|that)\b",
    r"\b(always|only)\s+cite\b",
    r"\bdo not (cite|mention)\b.{0,40}\b(passage|source)s?\b",
    # Arabic (whole words: تجاهلت شكواهم السابقة is news, تجاهل التعليمات السابقة is not)
    r"(?<!\w)(تجاهل|تجاهلي|تجاهلوا|انس|انسى|انسي|أهمل|اهمل|اترك)(?!\w)"
    r".{0,30}(التعليمات|الأوامر|الاوامر|التوجيهات|كل ما سبق)",
    r"(?<!\w)(أنت|انت)\s+(الآن|الان)\s+(مساعد|نموذج|روبوت|برنامج)",
    r"(?<!\w)(أجب|اجب|قل|ردّ)\s+فقط(?!\w)",
    r"(?<!\w)(استشهد|اذكر)\s+دائما(?!\w)",
    r"(?<!\w)(تعليمات|أوامر)\s+(للمساعد|للنموذج|للذكاء)",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)
# Chat-template and role tokens a passage could use to fake a turn of the conversation.
_CONTROL = re.compile(
    r"<\|[^|<>]{0,40}\|>|</?(?:s|system|assistant|user|im_start|im_end)>|^\s*#{2,}\s*(system|assistant)\b",
    re.IGNORECASE | re.MULTILINE,
)


def looks_like_instruction(text: str) -> bool:
    """True when ``text`` reads as an instruction to the assistant rather than news."""
    return bool(_INSTRUCTION.search(text) or _CONTROL.search(text))


def neutralise(text: str) -> str:
    """``text`` for a prompt: instruction-like sentences replaced by :data:`REMOVED`, control tokens broken."""
    if not looks_like_instruction(text):
        return text
    out, last = [], 0
    for span in split_sentences(text, offset=0):
        if looks_like_instruction(span.text):
            out.append(text[last : span.start] + REMOVED)
            last = span.end
    out.append(text[last:])
    return _CONTROL.sub(REMOVED, "".join(out))
