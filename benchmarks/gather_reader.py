"""Could issue 23's reader tell the answering sentences gathering misses from topical ones? (issue 25)

    python benchmarks/gather_corpus.py /tmp/gather --extra 200
    nice -n 10 python benchmarks/gather_answers.py --corpus /tmp/gather --index /tmp/gather-index   # builds both
    nice -n 10 python benchmarks/gather_reader.py --index /tmp/gather-index

For every question of ``eval/gather_multi.jsonl``, every sentence of the retrieved passages (what
gathering reads) is scored by the evidence fit within its own article (``rag.gather.answer``) and by the
reader (``rag.reader``), and labelled by whether it holds one of the question's gold answers. Prints the
AUC of each score and of their logits summed, over all sentences and over those the evidence puts
between 0.1 and 0.4 (where the answers gathering misses sit), for all questions and each half.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.gather_baseline import MULTI, holds, load  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402


def auc(scores: list[float], labels: list[bool]) -> float:
    """The probability that a positive outscores a negative (ties count half); nan without both."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def sentences(index: Path) -> list[dict]:
    """Every retrieved sentence of every multi-answer question: its line, own confidence, reader
    probability and whether it holds a gold answer."""
    from rag import Assistant
    from rag.config import SanadConfig
    from rag.gather.answer import read_wide
    from rag.reader.reader import Reader

    def assistant(path: Path) -> Assistant:
        config = SanadConfig()
        config.index.path = path
        return Assistant(config)

    whole, seeds = assistant(index), assistant(index.with_name(index.name + "-seeds"))
    reader = Reader()
    out = []
    for line, row in enumerate(load(MULTI), start=1):
        question = row["question"]
        retrieval, answerer = (seeds if row.get("scope") == "seeds" else whole).reader.retrieve(question, 5, None)
        wide = read_wide(answerer, question, retrieval.query_embedding, retrieval.passages)
        readings = reader.read(question, [s.span.text for s in wide.scored])
        forms = [[a["value"], *a.get("aliases", [])] for a in row["answers"]]
        for s, reading in zip(wide.scored, readings, strict=True):
            gold = any(holds(s.span.text, f) for f in forms)
            out.append({"line": line, "own": wide.confidence(s), "reader": reading.probability, "gold": gold})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="the index gather_answers.py built (and -seeds)")
    args = parser.parse_args()
    apply_defaults()
    rows = sentences(args.index)
    halves = (("all", lambda r: True), ("odd", lambda r: r["line"] % 2), ("even", lambda r: not r["line"] % 2))
    bands = (("every sentence", lambda r: True), ("evidence 0.1-0.4", lambda r: 0.1 <= r["own"] < 0.4))
    for name, keep in halves:
        for band, inside in bands:
            part = [r for r in rows if keep(r) and inside(r)]
            labels = [r["gold"] for r in part]
            figures = {
                "evidence": auc([r["own"] for r in part], labels),
                "reader": auc([r["reader"] for r in part], labels),
                "summed logits": auc([_logit(r["own"]) + _logit(r["reader"]) for r in part], labels),
            }
            shown = ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
            print(f"{name:4} {band:17} {len(part):4} sentences, {sum(labels):3} holding a gold answer: AUC {shown}")


if __name__ == "__main__":
    main()
