"""Fit the answer confidence: a logistic model over each candidate sentence's evidence.

    python benchmarks/nearmiss.py --out-dir /tmp/nm --build-only       # the ARCD near-miss corpus + gold
    python benchmarks/calibrate.py --nearmiss /tmp/nm --work /tmp/calib

Ingests the near-miss ARCD corpus (and the seed articles) with the real product, and for every
question takes the candidate sentences the extractive answerer scores, each with its evidence
(``rag.answers.extractive.FEATURES``) and a label: 1 when the sentence holds the question's gold answer.
The model is fit on the questions of one half of the ARCD articles (split by article) and judged on
the other half and on the seed set (eval/gold_seeds.jsonl + eval/nearmiss_seeds.jsonl, never fit):
false answers to near-miss questions against false refusals, for each way of choosing and thresholding.
Prints the coefficients that ``rag/answers/confidence.py`` uses (``CALIBRATION``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.textnorm import is_arabic, normalize  # noqa: E402
from rag.answers.confidence import FEATURES  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import load_config  # noqa: E402
from rag.gold import read_gold  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402

Row = dict[str, object]


def contains(text: str, answers: list[str]) -> bool:
    haystack = normalize(text)
    return any(normalize(a) and normalize(a) in haystack for a in answers)


def collect(corpus: Path, gold: list[dict], index: Path, split: str | None) -> list[Row]:
    """One row per question: its candidates' evidence and labels, in the answerer's rank order."""
    config = load_config(ROOT / "config.yaml", index)
    assistant = Assistant(config)
    if not config.index.path.joinpath("manifest.json").exists():
        print(f"ingest {corpus}: {assistant.ingest([corpus]).summary()}", file=sys.stderr)
    rows = []
    for item in gold:
        retrieval, answerer = assistant.reader.retrieve(item["question"], top_k=10)
        scored = answerer.score_sentences(item["question"], retrieval.query_embedding, retrieval.passages)
        article = item.get("article") or item.get("source") or ""
        half = split or ("fit" if int(hashlib.sha1(str(article).encode()).hexdigest(), 16) % 2 == 0 else "test")
        rows.append(
            {
                "id": item["id"],
                "half": half,
                "arabic": is_arabic(item["question"]),
                "answerable": bool(item["answers"]),
                "score": [s.score for s in scored],
                "x": [list(s.evidence) for s in scored],
                "y": [int(bool(item["answers"]) and contains(s.span.text, item["answers"])) for s in scored],
            }
        )
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method (IRLS) with an L2 penalty; the bias is the last weight."""
    a = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(a.shape[1])
    penalty = np.eye(a.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-a @ w))
        gradient = a.T @ (p - y) + penalty @ w
        hessian = a.T @ (a * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def probability(w: np.ndarray, x: list[list[float]]) -> np.ndarray:
    a = np.hstack([np.asarray(x, dtype=float).reshape(-1, len(FEATURES)), np.ones((len(x), 1))])
    return 1 / (1 + np.exp(-a @ w))


def question_features(row: Row) -> list[float]:
    """The question-level evidence: the top-ranked sentence's, and how far its cosine leads the next ones."""
    x = row["x"]
    others = [v[0] for v in x[1:4]]
    gap = x[0][0] - (sum(others) / len(others) if others else 0.0)
    return [*x[0], gap, row["score"][0]]


def decisions(
    rows: list[Row], w: np.ndarray, policy: str, wq: np.ndarray | None = None
) -> list[tuple[bool, float, bool]]:
    """Per question: (answerable, confidence, the chosen sentence holds the gold answer)."""
    out = []
    for row in rows:
        if not row["x"]:
            out.append((row["answerable"], 0.0, False))
            continue
        if policy == "support" or not row["arabic"]:  # today's confidence; English questions keep it
            out.append((row["answerable"], row["score"][0], bool(row["y"][0])))
            continue
        if policy == "question":
            a = np.asarray([*question_features(row), 1.0])
            out.append((row["answerable"], float(1 / (1 + np.exp(-a @ wq))), bool(row["y"][0])))
            continue
        p = probability(w, row["x"])
        chosen = int(np.argmax(p))
        out.append((row["answerable"], float(p.max()), bool(row["y"][chosen])))
    return out


def curve(decided: list[tuple[bool, float, bool]], thresholds: list[float]) -> list[str]:
    lines = ["| threshold | answered (answerable) | contains gold | no-answer acc (near-miss) |", "|---|---|---|---|"]
    answerable = [d for d in decided if d[0]]
    unanswerable = [d for d in decided if not d[0]]
    for t in thresholds:
        answered = np.mean([c >= t for _, c, _ in answerable]) if answerable else float("nan")
        gold = np.mean([c >= t and g for _, c, g in answerable]) if answerable else float("nan")
        refused = np.mean([c < t for _, c, _ in unanswerable]) if unanswerable else float("nan")
        lines.append(f"| {t:.2f} | {answered:.3f} | {gold:.3f} | {refused:.3f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nearmiss", type=Path, required=True, help="folder from nearmiss.py --build-only")
    parser.add_argument("--work", type=Path, required=True, help="indexes and collected evidence (reused)")
    parser.add_argument("--l2", type=float, default=3.0)
    args = parser.parse_args(argv)
    apply_defaults()
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / "evidence.json"
    if cache.exists():
        rows = json.loads(cache.read_text())
    else:
        arcd = [json.loads(line) for line in (args.nearmiss / "gold.jsonl").read_text().splitlines() if line]
        seeds = [
            {"id": i.id, "question": i.question, "answers": i.answers, "source": i.source}
            for path in (ROOT / "eval" / "gold_seeds.jsonl", ROOT / "eval" / "nearmiss_seeds.jsonl")
            for i in read_gold(path)
        ]
        rows = collect(args.nearmiss / "docs", arcd, args.work / "arcd-index", None)
        rows += collect(ROOT / "data" / "articles", seeds, args.work / "seed-index", "seeds")
        cache.write_text(json.dumps(rows))
    train = [r for r in rows if r["half"] == "fit" and r["arabic"]]
    x = np.asarray([v for r in train for v in r["x"]], dtype=float)
    y = np.asarray([v for r in train for v in r["y"]], dtype=float)
    w = fit(x, y, args.l2)
    print("sentence model: " + ", ".join(f'"{n}": {v:.3f}' for n, v in zip([*FEATURES, "bias"], w, strict=True)))
    print(f"fit on {len(train)} questions ({len(x)} sentences, {int(y.sum())} holding the answer)\n")
    asked = [r for r in train if r["x"]]
    xq = np.asarray([question_features(r) for r in asked], dtype=float)
    yq = np.asarray([float(r["answerable"]) for r in asked])
    wq = fit(xq, yq, args.l2)
    names = [*FEATURES, "gap", "support", "bias"]
    print("CALIBRATION = {" + ", ".join(f'"{n}": {v:.3f}' for n, v in zip(names, wq, strict=True)) + "}\n")
    thresholds = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
    for half in ("test", "seeds"):
        subset = [r for r in rows if r["half"] == half]
        counts = f"{sum(r['answerable'] for r in subset)} answerable, {sum(not r['answerable'] for r in subset)} not"
        for policy in ("support", "best", "question"):
            print(f"### {half} ({counts}), policy {policy}\n")
            print("\n".join(curve(decisions(subset, w, policy, wq), thresholds)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
