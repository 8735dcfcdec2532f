"""Answers that gather (issue 25, items 1 and 3), measured on the gold sets: the "after" of gather_baseline.py.

    python benchmarks/gather_corpus.py /tmp/gather --extra 200
    nice -n 10 python benchmarks/gather_answers.py --corpus /tmp/gather --index /tmp/gather-index [--half odd|even]

Ingests ``--corpus`` into ``--index`` (reused when already built) and the seeds into ``--index``-seeds, then
asks every question of ``eval/gather_multi.jsonl`` and ``eval/gather_corroboration.jsonl`` with the
default configuration (``answer.gather: true``; ``--no-gather`` for the single answer):

- multi-answer: recall = gold answer values (or aliases) present in an item's quoted sentence or in its
  citations; precision = items whose sentences hold a gold value (strict), and citations drawn from an
  article holding a gold answer (the baseline's measure);
- corroboration: the answer's verdict (agree when every source gives one value, differ otherwise; no
  corroboration shown counts as wrong) against the gold verdict; and whether, beyond the verdict, the
  value most sources give is written as one of the gold values in its cited sentences.

``--half odd|even`` keeps the questions on odd or even lines (1-based) of each set (tuning / held out).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.gather_baseline import CORROBORATION, MULTI, assistant_for, holds, load, source_of  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402


def half(rows: list[dict], which: str | None) -> list[dict]:
    if which is None:
        return rows
    return [r for i, r in enumerate(rows, start=1) if (i % 2 == 1) == (which == "odd")]


def run_multi(rows: list[dict], pick) -> dict[str, float]:  # noqa: ANN001 (row -> Assistant)
    found = total = items_good = items = cites_good = cites = 0
    times = []
    for row in rows:
        started = time.perf_counter()
        answer = pick(row).ask(row["question"])
        times.append(time.perf_counter() - started)
        gold_sources = {s for a in row["answers"] for s in a["sources"]}
        forms = [[a["value"], *a.get("aliases", [])] for a in row["answers"]]
        by_n = {c.n: c for c in answer.citations}
        texts = [" ".join([item.text, *(by_n[n].text for n in item.citations)]) for item in answer.items]
        hit = [any(holds(t, f) for t in texts) for f in forms]
        good = [any(holds(t, f) for f in forms) for t in texts]
        ok = sum(source_of(c) in gold_sources for c in answer.citations)
        found, total = found + sum(hit), total + len(hit)
        items_good, items = items_good + sum(good), items + len(texts)
        cites_good, cites = cites_good + ok, cites + len(answer.citations)
        print(
            f"  {row['id']} answers {sum(hit)}/{len(hit)}, items holding a gold answer {sum(good)}/{len(texts)},"
            f" citations from gold articles {ok}/{len(answer.citations)}"
        )
    times.sort()
    figures = {
        "recall": found / max(total, 1),
        "item_precision": items_good / max(items, 1),
        "citation_precision": cites_good / max(cites, 1),
        "p50_s": times[len(times) // 2] if times else 0.0,
    }
    print(
        f"(a) {len(rows)} questions, {total} gold answers: recall {figures['recall']:.3f} ({found}/{total});"
        f" items holding a gold answer {figures['item_precision']:.3f} ({items_good}/{items});"
        f" citations from gold articles {figures['citation_precision']:.3f} ({cites_good}/{cites});"
        f" ask p50 {figures['p50_s']:.2f} s"
    )
    return figures


def run_corroboration(rows: list[dict], assistant) -> dict[str, float]:  # noqa: ANN001
    right = valued = shown = 0
    for row in rows:
        answer = assistant.ask(row["question"])
        got = answer.corroboration
        verdict = None if got is None else ("agree" if got.agree else "differ")
        right += verdict == row["verdict"]
        if got is not None and verdict == row["verdict"]:  # ... and the value most sources give is a gold one
            cited = " ".join(answer.citations[n - 1].text for n in got.values[0].citations)
            valued += holds(cited, [v["value"] for v in row["values"]])
        shown += got is not None
        values = [] if got is None else [f"{v.value}×{v.articles}" for v in got.values]
        print(f"  {row['id']} gold {row['verdict']}, shown {verdict}: {' — '.join(values)}")
    accuracy = right / max(len(rows), 1)
    print(
        f"(c) {len(rows)} facts: verdict right {accuracy:.3f} ({right}/{len(rows)}), and with a gold value as the"
        f" most-cited one {valued}/{len(rows)}; a corroboration shown {shown}"
    )
    return {"verdict_accuracy": accuracy, "verdict_and_value": valued / max(len(rows), 1), "shown": shown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the folder gather_corpus.py wrote")
    parser.add_argument("--index", type=Path, required=True, help="index folder (built, or reused)")
    parser.add_argument("--half", choices=["odd", "even"], help="only the questions on odd/even lines")
    parser.add_argument("--no-gather", action="store_true", help="answer.gather: false (the single answer)")
    args = parser.parse_args()
    apply_defaults()
    gather = not args.no_gather
    whole = assistant_for(args.corpus, args.index, gather)
    seeds = assistant_for(ROOT / "data" / "articles", args.index.with_name(args.index.name + "-seeds"), gather)
    run_multi(half(load(MULTI), args.half), lambda row: seeds if row.get("scope") == "seeds" else whole)
    run_corroboration(half(load(CORROBORATION), args.half), whole)


if __name__ == "__main__":
    main()
