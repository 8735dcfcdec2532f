"""Score a benchmark run by ARCD half: the reader is trained on the fit half, judged on the test half.

    .venv/bin/python benchmarks/nearmiss.py --out-dir /tmp/nm              # ARCD near-miss, the product
    .venv/bin/python benchmarks/reader_eval.py /tmp/nm                     # split by article half
    .venv/bin/python benchmarks/reader_eval.py /tmp/nm --choose-on dev     # pick the threshold on dev

A run folder holds ``gold.jsonl`` and ``predictions/variant-00.jsonl`` (as nearmiss.py --out-dir, or
quality.py --predictions, leaves them). Questions are grouped by their ARCD article: ``dev`` (fit-side
articles the reader's training kept out, ``training/train_reader.py``), ``fit`` (trained on), ``test``
(never trained on). Non-ARCD ids (the seeds) form their own group.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.evaluate import score_prediction, threshold_sweep  # noqa: E402
from rag.gold import GoldItem  # noqa: E402

ARCD = ROOT.parent / "shared" / "data" / "arcd"


def half_of(source: str | None) -> str:
    if not source:
        return "other"
    digest = int(hashlib.sha1(str(source).encode()).hexdigest(), 16)
    if digest % 2:
        return "test"
    return "dev" if int(hashlib.sha1(str(source).encode()).hexdigest(), 16) % 10 == 0 else "fit"


def load(run: Path) -> list[dict]:
    sources = {}
    if (ARCD / "gold.jsonl").exists():
        for line in (ARCD / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            if line:
                row = json.loads(line)
                sources[row["id"]] = row["source"]
    gold = [json.loads(x) for x in (run / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x]
    predictions = {}
    for path in sorted((run / "predictions").glob("variant-00.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line:
                p = json.loads(line)
                predictions[p["id"]] = p
    rows = []
    for g in gold:
        if g["id"] not in predictions:
            continue
        item = GoldItem(g["id"], g["question"], g["answers"], g.get("source"))
        score = score_prediction(item, predictions[g["id"]])
        rows.append({**score, "half": half_of(sources.get(g["id"])), "group": g.get("group", "")})
    return rows


def line(name: str, m: dict[str, float]) -> str:
    return (
        f"| {name} | {int(m['answerable'])} | {m['answered']:.3f} | {m['answer_contains_gold']:.3f} | "
        f"{(m['answer_contains_gold'] / m['answered'] if m['answered'] else float('nan')):.3f} | "
        f"{m['focus_contains_gold']:.3f} | {m['focus_median_chars']:.0f} | {int(m['unanswerable'])} | "
        f"{m['no_answer_accuracy']:.3f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path)
    parser.add_argument("--thresholds", type=float, nargs="*",
                        default=[0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8])  # fmt: skip
    parser.add_argument("--choose-on", default="", help="a half whose best threshold to print (dev)")
    parser.add_argument("--min-answered", type=float, default=0.90, help="--choose-on: answered at least this")
    args = parser.parse_args(argv)
    rows = load(args.run)
    head = (
        "| half @ threshold | answerable | answered | contains gold | precision | focus gold | median focus "
        "| unanswerable | no-answer |"
    )
    print(head)
    print("|---" * 9 + "|")
    for half in ("fit", "dev", "test", "other"):
        subset = [r for r in rows if r["half"] == half]
        if not subset:
            continue
        for t, m in zip(args.thresholds, threshold_sweep(subset, args.thresholds), strict=True):
            print(line(f"{half} @ {t}", m))
    if args.choose_on:
        subset = [r for r in rows if r["half"] == args.choose_on]
        best = None
        for t, m in zip(args.thresholds, threshold_sweep(subset, args.thresholds), strict=True):
            if m["answered"] >= args.min_answered:
                best = t  # the highest threshold that still answers enough
        print(f"\nchosen on {args.choose_on}: {best} (highest with answered >= {args.min_answered})")
        balanced = max(
            zip(args.thresholds, threshold_sweep(subset, args.thresholds), strict=True),
            key=lambda tm: tm[1]["answer_contains_gold"] + tm[1]["no_answer_accuracy"],
        )
        print(f"chosen on {args.choose_on}: {balanced[0]} (most of contains gold + no-answer accuracy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
