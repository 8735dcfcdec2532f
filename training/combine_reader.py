"""Fit how the reader's probability and the evidence fit's confidence combine, on held-out ARCD.

    .venv/bin/python benchmarks/nearmiss.py --out-dir /tmp/nm --build-only    # the ARCD near-miss corpus
    .venv/bin/python -m training.combine_reader --nearmiss /tmp/nm --work /tmp/combine

For the near-miss questions of the dev articles (fit-side ARCD articles the reader's training kept
out), every candidate sentence the product reads gets ``logit(reader probability)`` and
``logit(evidence confidence)`` (rag/answers/confidence.py) and a label (1: it holds the gold answer; all
0 for a question whose answer was deleted). A logistic model over the two is fit there and written to
``reader.json`` (``combination``); the answer step then quotes the candidate with the highest combined
probability. The test half and the seeds are never read here.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.reader_eval import half_of  # noqa: E402
from ingest.textnorm import normalize  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import load_config  # noqa: E402
from rag.reader.weights import DEFAULT_WEIGHTS  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402
from training.calibrate_reader import logistic_fit  # noqa: E402


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def collect(corpus: Path, gold: list[dict], index: Path) -> list[dict]:
    config = load_config(ROOT / "config.yaml", index)
    config.answer.min_confidence = 0.0
    assistant = Assistant(config)
    if not index.joinpath("manifest.json").exists():
        print(f"ingest {corpus}: {assistant.ingest([corpus]).summary()}", file=sys.stderr)
    rows = []
    for item in gold:
        retrieval, answerer = assistant.reader.retrieve(item["question"], top_k=10)
        scored = answerer.score_sentences(item["question"], retrieval.query_embedding, retrieval.passages)
        if not scored or answerer.reader is None:
            continue
        readings = answerer.reader.read(
            item["question"], [s.span.text for s in scored[: config.answer.reader_candidates]]
        )
        for i, reading in enumerate(readings):
            evidence = answerer.evidence_confidence(item["question"], scored, i)
            holds = bool(item["answers"]) and any(
                normalize(a) and normalize(a) in normalize(scored[i].span.text) for a in item["answers"]
            )
            rows.append({"id": item["id"], "reader": logit(reading.probability), "evidence": logit(evidence),
                         "y": int(holds), "answerable": bool(item["answers"])})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nearmiss", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    args = parser.parse_args(argv)
    apply_defaults()
    args.work.mkdir(parents=True, exist_ok=True)
    sources = {}
    for line in (ROOT.parent / "shared" / "data" / "arcd" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line:
            row = json.loads(line)
            sources[row["id"]] = row["source"]
    gold = [json.loads(x) for x in (args.nearmiss / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x]
    dev = [g for g in gold if half_of(sources.get(g["id"])) == "dev"]
    rows = collect(args.nearmiss / "docs", dev, args.work / "index")
    x = np.array([[r["reader"], r["evidence"]] for r in rows])
    y = np.array([r["y"] for r in rows], dtype=float)
    w = logistic_fit(np.concatenate([x, np.ones((len(x), 1))], axis=1), y, l2=1e-2)
    info_path = args.weights / "reader.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info["combination"] = {"reader": float(w[0]), "evidence": float(w[1]), "bias": float(w[2]),
                           "dev_questions": len({r["id"] for r in rows}), "dev_sentences": len(rows)}  # fmt: skip
    info_path.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(info["combination"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
