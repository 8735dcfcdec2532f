"""Follow-up benchmark: does a follow-up asked after its first question get the answer its written-out
form gets alone? (eval/followups_seeds.jsonl over the seed articles, no LLM.)

For each pair the first question is asked, then the follow-up with that turn as history (as the chat
passes it), then the written-out question with no history. The two answers *agree* when both refuse,
or both quote the same sentence (file and offsets of the first citation).

    .venv/bin/python benchmarks/followups.py            # prints agreement and each pair's searched question
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.types import Answer  # noqa: E402

PAIRS = ROOT / "eval" / "followups_seeds.jsonl"


@dataclass(frozen=True)
class Pair:
    """A first question, a follow-up to it, and the follow-up written out in full by hand."""

    id: str
    first: str
    follow_up: str
    written_out: str
    source: str | None = None


@dataclass(frozen=True)
class Outcome:
    pair: Pair
    searched: str
    follow_up: Answer
    written_out: Answer

    @property
    def agree(self) -> bool:
        return agree(self.follow_up, self.written_out)


def read_pairs(path: Path = PAIRS) -> list[Pair]:
    """The pairs of ``path`` (JSON lines: id, first, follow_up, written_out, source)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Pair(**json.loads(line)) for line in lines if line.strip()]


def quoted(answer: Answer) -> tuple[str, int, int] | None:
    """The sentence an answer quotes first (file, start, end); None when it refuses."""
    if not answer.found or not answer.citations:
        return None
    c = answer.citations[0]
    return (c.file, c.start, c.end)


def agree(a: Answer, b: Answer) -> bool:
    """Both refuse, or both quote the same sentence of the same file first."""
    return quoted(a) == quoted(b)


def ask_pairs(assistant, pairs: list[Pair]) -> list[Outcome]:
    """Each pair asked as the chat asks it: first question, follow-up with history, written-out alone."""
    outcomes = []
    for pair in pairs:
        first = assistant.ask(pair.first)
        follow = assistant.ask(pair.follow_up, history=[(pair.first, first.answer)])
        alone = assistant.ask(pair.written_out)
        outcomes.append(Outcome(pair, follow.standalone_question or pair.follow_up, follow, alone))
    return outcomes


def main() -> None:
    from rag import Assistant
    from rag.runtime import apply_defaults
    from tests.conftest import SEEDS, write_config

    apply_defaults()
    pairs = read_pairs()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder, corpus={"path": str(SEEDS)}, index={"path": str(folder / "index")})
        assistant = Assistant.from_config(config)
        assistant.ingest()
        started = time.perf_counter()
        outcomes = ask_pairs(assistant, pairs)
        seconds = time.perf_counter() - started
    for o in outcomes:
        mark = "=" if o.agree else "x"
        print(f"{mark} {o.pair.id} {o.searched}  | follow-up {quoted(o.follow_up)} written-out {quoted(o.written_out)}")
    agreed = sum(o.agree for o in outcomes)
    found = sum(o.written_out.found for o in outcomes)
    print(
        f"\nagreement {agreed}/{len(outcomes)} = {agreed / len(outcomes):.2f}  "
        f"(written-out answered {found}/{len(outcomes)}; {seconds:.1f} s for {3 * len(outcomes)} questions)"
    )


if __name__ == "__main__":
    main()
