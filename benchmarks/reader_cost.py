"""What the reader costs: first load, resident memory it adds, and time per question (apart from retrieval).

    .venv/bin/python benchmarks/reader_cost.py            # the seed questions over the seed articles

Ingests the seeds into a temporary index, then asks every question of eval/gold_seeds.jsonl and
eval/nearmiss_seeds.jsonl with ``answer.reader: off`` and ``auto`` and prints the answer step's p50/p95
(``timings_ms['answer']``), retrieval's, the reader's load time and the RSS it adds.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.runtime import apply_defaults  # noqa: E402

apply_defaults()

import yaml  # noqa: E402

from rag.assistant import Assistant  # noqa: E402
from rag.gold import read_gold  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions (the first warms caches)")
    args = parser.parse_args(argv)
    questions = [
        i.question for name in ("gold_seeds.jsonl", "nearmiss_seeds.jsonl") for i in read_gold(ROOT / "eval" / name)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        data["corpus"]["path"] = str(ROOT / "data" / "articles")
        data["index"]["path"] = str(Path(tmp) / "index")
        results = {}
        for mode in ("off", "auto"):
            data["answer"]["reader"] = mode
            config = Path(tmp) / f"config-{mode}.yaml"
            config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            assistant = Assistant.from_config(config)
            if mode == "off":
                assistant.ingest()
                assistant.ask(questions[0])
            else:  # the reader loads at the first question that needs it: timed here, before any
                from rag.reader.shared import shared_reader

                before = rss_mb()
                started = time.perf_counter()
                shared_reader()
                results["load_s"] = time.perf_counter() - started
                results["rss_added_mb"] = rss_mb() - before
            answer_ms, retrieve_ms = [], []
            for _ in range(args.repeat):
                answer_ms, retrieve_ms = [], []
                for q in questions:
                    timings = assistant.ask(q).timings_ms
                    answer_ms.append(timings["answer"])
                    retrieve_ms.append(timings["retrieve"])
            results[mode] = (answer_ms, retrieve_ms)
        print(f"{len(questions)} questions, {args.repeat} passes (figures from the last)")
        for mode in ("off", "auto"):
            a, r = results[mode]
            print(f"reader {mode:4}: answer step p50 {statistics.median(a):.1f} ms, p95 {percentile(a, 0.95):.1f} ms; "
                  f"retrieval p50 {statistics.median(r):.1f} ms")  # fmt: skip
        print(f"reader first load {results['load_s']:.2f} s, resident memory added {results['rss_added_mb']:.0f} MB")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
