"""The analyst question set (issue 30): each kind of question answered in its form, scored on a half.

    python benchmarks/analyst.py [--split heldout|tune|all] [--seeds-only] [--index DIR] [--out PRED.jsonl]

Reads ``eval/analyst.jsonl`` (questions as analysts ask them: broad, factoid, why/how, yes/no, in standard
Arabic, dialect and English; near misses; subjects the articles never mention), ingests the seeds plus the
SaudiNewsNet articles the set cites and 200 distractors (``benchmarks/analyst_corpus.py``) with the default
configuration, asks every question of the split, and prints:

- broad: answered with a brief quoting an accepted passage (answer contains a gold phrase);
- factoid: answered, and the gold in the first citation's focus (of answered);
- why/how and yes/no: answered with the gold phrase;
- near misses: partial or refused; absent subjects: refused;
- dialect / English: answered like their standard form (same outcome; when answered, same first source);
- the answer step's p50 (ms, without retrieval).

``--seeds-only`` asks the seed questions (and the absent subjects) over the five seeds alone (what CI runs).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from rag.runtime import apply_defaults  # noqa: E402

GOLD = ROOT / "eval" / "analyst.jsonl"
SEEDS = ROOT / "data" / "articles"


def load(path: Path = GOLD) -> list[dict[str, Any]]:
    """The analyst set's rows."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assistant_for(corpus: Path, index: Path, min_confidence: float | None = None):  # noqa: ANN201 (rag.Assistant)
    """An assistant over ``index`` with ``corpus`` ingested (quick when it is there already)."""
    from rag import Assistant
    from rag.config import SanadConfig

    config = SanadConfig()
    config.index.path = index
    config.answer.min_confidence = min_confidence
    assistant = Assistant(config)
    report = assistant.ingest([corpus])
    print(f"ingest {corpus}: {report.summary()}", file=sys.stderr, flush=True)
    return assistant


def score(rows: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The measures of the docstring, from gold ``rows`` and ``ask --json`` ``predictions`` by id."""
    from rag.evaluate import score_prediction
    from rag.gold.files import GoldItem

    per: dict[str, dict[str, Any]] = {}
    for row in rows:
        source = row.get("source") or None
        item = GoldItem(
            row["id"], row["question"], row["answers"], source, expect=row["expect"], kind=row["kind"],
            form=row["form"], variant_of=row.get("variant_of"), split=row.get("split"),
            sources=tuple(row.get("sources") or ([source] if source else [])),
        )
        per[row["id"]] = score_prediction(item, predictions[row["id"]])
    groups: dict[str, list[float]] = defaultdict(list)
    predictions = {  # answers from before outcomes existed: found or not
        i: {**p, "outcome": p.get("outcome") or ("answered" if p["found"] else "not_found")}
        for i, p in predictions.items()
    }
    for row in rows:
        s, p = per[row["id"]], predictions[row["id"]]
        if row["expect"] == "answered":
            answered = s["outcome"] == "answered"
            groups[f"{row['kind']}: answered"].append(answered)
            groups[f"{row['kind']}: answered with gold"].append(answered and s["answer_contains_gold"])
            if row["kind"] == "factoid" and answered:
                groups["factoid: gold in first focus, of answered"].append(s["first_focus_contains_gold"])
        elif row["expect"] == "partial":
            groups["near miss: partial or refused"].append(s["outcome_correct"])
            groups["near miss: partial"].append(s["outcome"] == "partial")
        else:
            groups["absent subject: refused"].append(s["outcome_correct"])
        standard = row.get("variant_of")
        if standard and standard in predictions:
            q = predictions[standard]
            same = p["outcome"] == q["outcome"] and (
                p["outcome"] != "answered" or _first(p) == _first(q) or s.get("answer_contains_gold", False)
            )
            groups[f"{row['form']}: answers like its standard form"].append(same)
        groups["answer step p50 (ms)"].append(float(p["timings_ms"].get("answer", 0.0)))
    out: dict[str, Any] = {}
    for key in sorted(groups):
        values = groups[key]
        if key.endswith("(ms)"):
            out[key] = (round(float(np.percentile(values, 50)), 1), len(values))
        else:
            out[key] = (round(float(np.mean(values)), 3), len(values))
    return out


def _first(prediction: dict[str, Any]) -> tuple[str, int] | None:
    citations = prediction.get("citations") or []
    return (citations[0]["file"], citations[0]["start"]) if citations else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("heldout", "tune", "all"), default="heldout")
    parser.add_argument("--seeds-only", action="store_true", help="seed questions over the five seeds alone")
    parser.add_argument("--index", type=Path, help="index folder (kept between runs; default: a temporary one)")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: written by analyst_corpus.py)")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--out", type=Path, help="write the predictions here")
    parser.add_argument("--min-confidence", type=float, help="answer.min_confidence (default: the product's)")
    parser.add_argument("--predictions", type=Path, help="score these predictions (ask --json + id) instead of asking")
    args = parser.parse_args(argv)
    apply_defaults()
    rows = [r for r in load(args.gold) if args.split == "all" or r.get("split") == args.split]
    if args.seeds_only:
        rows = [r for r in rows if r.get("corpus") != "saudinewsnet"]
    if args.predictions:  # another version's answers, e.g. before a change (docs/quality.md's before/after)
        lines = args.predictions.read_text(encoding="utf-8").splitlines()
        predictions = {p["id"]: p for p in map(json.loads, filter(str.strip, lines))}
        rows = [r for r in rows if r["id"] in predictions]
        _print(rows, predictions, args.split, f"predictions {args.predictions.name}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        corpus = SEEDS if args.seeds_only else args.corpus
        if corpus is None:
            from benchmarks.analyst_corpus import main as write_corpus

            corpus = Path(scratch) / "corpus"
            write_corpus([str(corpus)])
        assistant = assistant_for(corpus, args.index or Path(scratch) / "index", args.min_confidence)
        predictions = {r["id"]: assistant.ask(r["question"]).to_dict() for r in rows}
    if args.out:
        with args.out.open("w", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps({"id": r["id"], **predictions[r["id"]]}, ensure_ascii=False) + "\n")
    _print(rows, predictions, args.split, "seeds only" if args.seeds_only else "seeds + SaudiNewsNet")
    return 0


def _print(rows: list[dict[str, Any]], predictions: dict[str, dict[str, Any]], split: str, scope: str) -> None:
    print(f"analyst set, {split} half, {scope}: {len(rows)} questions")
    for key, (value, n) in score(rows, predictions).items():
        print(f"  {key:<48} {value:>7}  (n={n})")


if __name__ == "__main__":
    raise SystemExit(main())
