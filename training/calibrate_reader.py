"""Calibrate a trained reader on held-out ARCD articles and record it in ``reader.json``.

    .venv/bin/python -m training.calibrate_reader                      # score kind + Platt scaling, on dev
    .venv/bin/python -m training.calibrate_reader --threshold 0.6      # also record the answer threshold

Dev = the fit-side ARCD articles training kept out (``training.train_reader.is_dev``). The raw score
with the best dev AUC (the answerability logit, the best span's margin over "no answer", or their sum)
is mapped to a probability by logistic regression on dev sentences. The threshold is chosen on the
product's answers to dev questions (benchmarks/reader_eval.py --choose-on dev), never on the seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.reader import Reader  # noqa: E402
from rag.reader.weights import DEFAULT_WEIGHTS  # noqa: E402
from training.reader_data import arcd_examples  # noqa: E402
from training.train_reader import ARCD, auc, is_dev  # noqa: E402


def logistic_fit(features: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 100) -> np.ndarray:
    """Weights of ``sigmoid(features @ w)`` fit to 0/1 labels ``y`` by Newton's method, with a little L2."""
    w = np.zeros(features.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-features @ w))
        gradient = features.T @ (p - y) + l2 * w
        hessian = features.T @ (features * (p * (1 - p))[:, None]) + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def platt(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(scale, bias)`` of ``sigmoid(scale * x + bias)``."""
    scale, bias = logistic_fit(np.stack([x, np.ones_like(x)], axis=1), y)
    return float(scale), float(bias)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--threshold", type=float, help="record this answer threshold (chosen on dev)")
    args = parser.parse_args(argv)
    info_path = args.weights / "reader.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if args.threshold is None:
        reader = Reader(args.weights)
        dev = [e for e in arcd_examples(ARCD, {"fit"}) if is_dev(e.article)]
        groups: dict[str, list] = {}
        for e in dev:
            groups.setdefault(e.question, []).append(e)
        answer, margin, labels = [], [], []
        for question, examples in groups.items():
            for e, r in zip(examples, reader.read(question, [e.sentence for e in examples]), strict=True):
                answer.append(r.answer_logit)
                margin.append(r.span_margin)
                labels.append(e.label)
        y = np.array(labels, dtype=float)
        kinds = {"answer": np.array(answer), "span": np.array(margin), "sum": np.array(answer) + np.array(margin)}
        aucs = {k: auc(v.tolist(), labels) for k, v in kinds.items()}
        kind = max(aucs, key=lambda k: aucs[k])
        scale, bias = platt(kinds[kind], y)
        info["calibration"] = {
            "score": kind,
            "scale": scale,
            "bias": bias,
            "threshold": info.get("calibration", {}).get("threshold", 0.5),
            "dev_sentences": len(labels),
            "dev_auc": aucs,
        }
        print(json.dumps(info["calibration"], indent=1))
    else:
        info.setdefault("calibration", {})["threshold"] = args.threshold
        print(f"threshold {args.threshold} recorded")
    info_path.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
