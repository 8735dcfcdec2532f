"""Corpus for the timeline benchmark: the seeds, every gold article, and seeded SaudiNewsNet distractors.

    python benchmarks/timeline_corpus.py --out /tmp/timeline-corpus --extra 1000

Writes into ``--out``: the 5 seed articles (``data/articles``, copied) and ``saudinewsnet.jsonl``,
one record per article (``url, title, published, publisher, author, text``; ``published`` is the
day of ``date_extracted``, ``publisher`` the ``source``): every article listed as relevant in
``eval/timeline_subjects.jsonl``, plus ``--extra`` others drawn with ``--seed`` from the same 18
days. SaudiNewsNet is read from ``$SANAD_SAUDINEWSNET_DIR``, ``../shared/data/saudinewsnet`` or
``/work/shared/data/saudinewsnet`` and never copied into the project (CC BY-NC-SA).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "articles"
SUBJECTS = ROOT / "eval" / "timeline_subjects.jsonl"
EXPORT = "saudinewsnet.jsonl"
sys.path.insert(0, str(ROOT))
from benchmarks.saudinewsnet import find_dataset, iter_articles  # noqa: E402


def read_subjects(path: Path = SUBJECTS) -> list[dict[str, Any]]:
    """The gold timeline subjects, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def to_record(article: dict[str, Any]) -> dict[str, str]:
    """The export record Sanad reads (``ingest/formats/records.py`` default field names)."""
    return {
        "url": article["url"],
        "title": (article.get("title") or "").strip(),
        "published": (article.get("date_extracted") or "")[:10],
        "publisher": article.get("source") or "",
        "author": (article.get("author") or "").strip(),
        "text": article.get("content") or "",
    }


def select(articles: Iterable[dict[str, Any]], gold: set[str], extra: int, seed: int) -> list[dict[str, Any]]:
    """Every gold article (by url) with text, plus ``extra`` others with text sampled with ``seed``; date order."""
    chosen: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for article in articles:
        if not (article.get("content") or "").strip():
            continue
        (chosen if article["url"] in gold else others).append(article)
    chosen += random.Random(seed).sample(others, min(extra, len(others)))
    return sorted(chosen, key=lambda a: (a.get("date_extracted") or "", a["url"]))


def write_corpus(out: Path, records: list[dict[str, str]]) -> Path:
    """The seeds and one ``.jsonl`` export in ``out`` (emptied first); returns the export's path."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy2(seed, out / seed.name)
    export = out / EXPORT
    with export.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to (re)write")
    parser.add_argument("--extra", type=int, default=1000, help="distractor articles (the issue's scale: 3000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subjects", type=Path, default=SUBJECTS)
    args = parser.parse_args()
    folder = find_dataset()
    if folder is None:
        sys.exit("SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder of its daily zips")
    subjects = read_subjects(args.subjects)
    gold = {url for s in subjects for url in s["relevant"]}
    chosen = select(iter_articles(folder), gold, args.extra, args.seed)
    missing = gold - {a["url"] for a in chosen}
    if missing:
        sys.exit(f"{len(missing)} gold urls not in {folder} (first: {sorted(missing)[0]})")
    export = write_corpus(args.out, [to_record(a) for a in chosen])
    print(
        f"{args.out}: {len(list(SEEDS.glob('*.txt')))} seeds + {export.name}: {len(chosen)} articles "
        f"({len(gold)} gold over {len(subjects)} subjects, {len(chosen) - len(gold)} distractors, seed {args.seed})"
    )


if __name__ == "__main__":
    main()
