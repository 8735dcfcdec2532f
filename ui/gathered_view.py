"""A gathered answer in the chat (:mod:`rag.gather.answer`): the corroboration line, then one list item per
distinct answer, each quote's focus marked, each ``[n]`` opening its source in the panel."""

from __future__ import annotations

from rag.types import Answer, Citation
from ui.quotes import escape_text, focused_quote, linked_markers

__all__ = ["gathered_body", "is_gathered"]


def is_gathered(answer: Answer) -> bool:
    """True when ``answer`` lists several answers or compares values (else it shows as one quote)."""
    return answer.found and (len(answer.items) > 1 or answer.corroboration is not None)


def _markers(numbers: tuple[int, ...] | list[int]) -> str:
    return "".join(f"\\[{n}\\]" for n in numbers)


def gathered_body(answer: Answer, turn: int) -> str:
    """The answer's Markdown: a ``sanad-corroboration`` line (values, their sources, agree/differ), then the
    items as a list, each its first source's sentence with every source's marker."""
    cited: dict[int, Citation] = {c.n: c for c in answer.citations}
    numbers = set(cited)
    lines = []
    if answer.corroboration is not None:
        values = " — ".join(
            f"<b>{escape_text(v.value)}</b> {_markers(v.citations)}" for v in answer.corroboration.values
        )
        verdict = "agree" if answer.corroboration.agree else "differ"
        line = f"{values}: {escape_text(answer.corroboration.summary)}"
        linked = linked_markers(line, turn, numbers)
        lines += [f'<p class="sanad-corroboration sanad-{verdict}" dir="auto">{linked}</p>', ""]
    for item in answer.items:
        first = cited.get(item.citations[0])
        quote = focused_quote(first) if first is not None else escape_text(item.text)
        lines.append(f"- {linked_markers(f'{quote} {_markers(item.citations)}', turn, numbers)}")
    return "\n".join(lines)
