"""A corpus for the analyst question set (issue 30): the seeds plus the SaudiNewsNet articles it cites.

    python benchmarks/analyst_corpus.py OUT_DIR [--extra 200]

Writes ``OUT_DIR/`` with the five seed articles copied and ``saudinewsnet_analyst.jsonl``: one record
per SaudiNewsNet article cited by ``eval/analyst.jsonl`` (its ``source`` or ``sources`` urls), plus
``--extra`` other articles of the same days (2015-07-22 and 2015-07-23) as distractors (a fixed sample,
seed 0). The records have the fields of :func:`benchmarks.gather_corpus.record` (``title``,
``published``, ``publisher``, ``author``, ``url``, ``text``). SaudiNewsNet is read from
``$SANAD_SAUDINEWSNET_DIR``, ``../shared/data/saudinewsnet`` or ``/work/shared/data/saudinewsnet``; its
text is never copied into the project (CC BY-NC-SA).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "analyst.jsonl"
DAYS = ("2015-07-22.zip", "2015-07-23.zip")
sys.path.insert(0, str(ROOT))
from benchmarks import saudinewsnet  # noqa: E402
from benchmarks.gather_corpus import write_sample  # noqa: E402


def cited_urls(path: Path = GOLD) -> set[str]:
    """Every SaudiNewsNet url the analyst set cites (``source`` and ``sources``)."""
    out: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            for source in [row.get("source")] + list(row.get("sources") or []):
                if source and source.startswith("http"):
                    out.add(source)
    return out


def read_days(folder: Path) -> list[dict[str, str]]:
    """All articles of the analyst days, in file order, each url once (its first record)."""
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for day in DAYS:
        for article in saudinewsnet.read_zip(folder / day):
            if article["url"] not in seen:
                seen.add(article["url"])
                out.append(article)
    return out


def build_corpus(out: Path, folder: Path, extra: int = 200) -> dict[str, int]:
    """Write the corpus into ``out`` (created); returns how many seeds, cited and extra articles it holds.

    Raises:
        SystemExit: a cited url is not in the days' articles (the set and the data disagree).
    """
    return write_sample(out, read_days(folder), cited_urls(), extra, "saudinewsnet_analyst.jsonl", ", ".join(DAYS))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--extra", type=int, default=200, help="distractor articles of the same days (default 200)")
    args = parser.parse_args(argv)
    folder = saudinewsnet.find_dataset(DAYS[0])
    if folder is None or not all((folder / day).is_file() for day in DAYS):
        sys.exit(f"SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder holding {' and '.join(DAYS)}")
    counts = build_corpus(args.out, folder, args.extra)
    print(
        f"{args.out}: {counts['seeds']} seeds, {counts['cited']} cited SaudiNewsNet articles, {counts['extra']} extra"
    )


if __name__ == "__main__":
    main()
