"""Check every citation a model writes against the passages it was given.

The model sees passages numbered ``[1]..[n]`` and is asked to put ``[k]`` after each
claim. Its answer is trusted only as far as these checks go:

* a marker naming no passage (``[7]`` of 5) is removed;
* a marker whose passage does not support its sentence (no shared content words, and
  the encoder does not find them close) is removed;
* a sentence left with no valid marker is kept but **marked** as unsupported
  (:data:`UNSUPPORTED_AR` / :data:`UNSUPPORTED_EN`): the reader sees that the model
  said it and that no article backs it. (Marking rather than dropping keeps the streamed
  text and the final text telling the same story.)
* a sentence that reads as an instruction to the assistant (text injected into an
  article: "ignore previous instructions…") is dropped;
* when no sentence keeps a valid marker, the answer is "not in the articles".

Valid markers are renumbered by first appearance, so the answer cites ``[1]..[k]`` and the
``citations`` list holds exactly those passages, each an exact span of its file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.textnorm import content_tokens, is_arabic, normalize
from rag.injection import looks_like_instruction
from rag.types import Citation, Passage

__all__ = [
    "MARKER",
    "MarkerStream",
    "Verified",
    "parse_marker",
    "split_claims",
    "verify_answer",
    "UNSUPPORTED_AR",
    "UNSUPPORTED_EN",
]

UNSUPPORTED_AR = "⚠ بلا مصدر"
UNSUPPORTED_EN = "⚠ no source"

_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
#: ``[1]``, ``[1, 2]``, ``[١]``, ``[Passage 2]``, ``[المقطع ٢]``.
MARKER = re.compile(
    rf"\[\s*(?:passage|source|المقطع|مقطع|المصدر|مصدر)?\s*([{_DIGITS}]+(?:\s*[,،]\s*[{_DIGITS}]+)*)\s*\]",
    re.IGNORECASE,
)
# A claim ends at a full stop / question mark / exclamation (Latin or Arabic), with the markers
# that follow it, or at a line break.
_CLAIM_END = re.compile(rf"[.!?؟]+(?:\s*{MARKER.pattern})*(?=\s|$)|\n+", re.IGNORECASE)
#: A content-word overlap share at or above this is support.
LEXICAL_SUPPORT = 0.3


def parse_marker(body: str) -> list[int]:
    """The passage numbers inside one marker's brackets (``"1، ٢"`` → ``[1, 2]``)."""
    return [int(part) for part in re.split(r"[,،\s]+", normalize(body)) if part.isdigit()]  # ٢ -> 2


def split_claims(text: str) -> list[str]:
    """Split an answer into claims (sentences with their markers); joining them gives ``text`` back."""
    claims, start = [], 0
    for match in _CLAIM_END.finditer(text):
        claims.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        claims.append(text[start:])
    return [c for c in claims if c]


@dataclass
class Verified:
    """A model's answer after verification (see the module docstring)."""

    text: str
    found: bool
    citations: list[Citation]
    removed: list[str] = field(default_factory=list)  # "[7]: no such passage", "[2]: does not support …"
    unsupported: list[str] = field(default_factory=list)  # claims kept but marked
    dropped: list[str] = field(default_factory=list)  # claims removed as instructions

    def report(self) -> dict[str, object]:
        """What verification changed, for ``Answer.verification``."""
        return {"removed_markers": self.removed, "unsupported_claims": self.unsupported, "dropped_claims": self.dropped}


def _lexical_share(claim: str, passage: str) -> float:
    tokens = content_tokens(claim)
    return len(tokens & content_tokens(passage)) / len(tokens) if tokens else 0.0


def verify_answer(
    text: str,
    question: str,
    passages: Sequence[Passage],
    *,
    close: Callable[[str, str], bool] | None = None,
) -> Verified:
    """Verify ``text`` (a model's answer citing ``passages`` as ``[1]..[n]``).

    Args:
        close: optional second test of support, ``close(claim, passage_text)`` (the encoder;
            used when a claim shares too few words with its passage, e.g. English over Arabic).
    """
    arabic = is_arabic(question)
    mark = UNSUPPORTED_AR if arabic else UNSUPPORTED_EN
    order: dict[int, int] = {}  # passage number in the prompt -> number in the answer
    removed: list[str] = []
    unsupported: list[str] = []
    dropped: list[str] = []
    parts: list[str] = []
    for claim in split_claims(text):
        if not claim.strip():  # line breaks between claims
            parts.append(claim)
            continue
        lead = claim[: len(claim) - len(claim.lstrip())]
        bare = MARKER.sub("", claim).strip()
        if not bare:  # a stray marker on its own
            removed.append(f"{claim.strip()}: not after a claim")
            parts.append(lead)
            continue
        if looks_like_instruction(bare):
            dropped.append(bare)
            continue
        kept: list[int] = []
        for match in MARKER.finditer(claim):
            for number in parse_marker(match.group(1)):
                if not 1 <= number <= len(passages):
                    removed.append(f"[{number}]: no such passage (the model was given {len(passages)})")
                elif number not in kept:
                    passage_text = passages[number - 1].text
                    if _lexical_share(bare, passage_text) >= LEXICAL_SUPPORT or (close and close(bare, passage_text)):
                        kept.append(number)
                    else:
                        removed.append(f"[{number}]: passage {number} does not support {bare[:60]!r}")
        for number in kept:
            order.setdefault(number, len(order) + 1)
        body = re.sub(r"\s+([.!?؟])", r"\1", MARKER.sub("", claim.strip()).strip())  # "claim [1]." -> "claim."
        if kept:
            body += " " + "".join(f"[{order[n]}]" for n in kept)
        else:
            unsupported.append(bare)
            body += f" [{mark}]"
        parts.append(lead + body)
    answer_text = re.sub(r"[ \t]+(?=\n|$)", "", "".join(parts)).strip()
    citations = [Citation.quoting(n, passages[number - 1]) for number, n in order.items()]
    return Verified(
        text=answer_text,
        found=bool(citations),
        citations=citations,
        removed=removed,
        unsupported=unsupported,
        dropped=dropped,
    )


class MarkerStream:
    """Fix markers while tokens stream: numbers outside ``1..n`` are removed at once, valid ones
    renumbered by first appearance. A ``[`` is held back until its marker is complete (or
    clearly is not one), so a half-written marker is never shown."""

    _MAX_HELD = 32

    def __init__(self, passages: int) -> None:
        self.passages = passages
        self.order: dict[int, int] = {}
        self._held = ""

    def feed(self, delta: str) -> str:
        """Text safe to show now."""
        out = []
        for ch in delta:
            if self._held:
                self._held += ch
                if ch == "]" or ch == "\n" or len(self._held) > self._MAX_HELD:
                    out.append(self._release())
            elif ch == "[":
                self._held = ch
            else:
                out.append(ch)
        return "".join(out)

    def flush(self) -> str:
        """Whatever is still held at the end of the stream."""
        return self._release() if self._held else ""

    def _release(self) -> str:
        held, self._held = self._held, ""
        match = MARKER.fullmatch(held)
        if not match:
            return held
        numbers = [n for n in parse_marker(match.group(1)) if 1 <= n <= self.passages]
        for n in numbers:
            self.order.setdefault(n, len(self.order) + 1)
        return "".join(f"[{self.order[n]}]" for n in dict.fromkeys(numbers))
