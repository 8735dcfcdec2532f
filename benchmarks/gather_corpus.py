"""A corpus for the gold sets of answers that gather (issue 25): the seeds plus the SaudiNewsNet articles they cite.

    python benchmarks/gather_corpus.py OUT_DIR [--extra 200]

Writes ``OUT_DIR/`` with the five seed articles copied and ``saudinewsnet_gather.jsonl``: one record
per SaudiNewsNet article cited by ``eval/gather_multi.jsonl`` or ``eval/gather_corroboration.jsonl``,
plus ``--extra`` other articles of the same day as distractors (a fixed sample, seed 0). Each record
has the fields Sanad's record reader maps (``docs/formats.md``): ``title``, ``published`` (the day of
``date_extracted``), ``publisher`` (the outlet, ``source``), ``author``, ``url``, ``text``.
SaudiNewsNet is read from ``$SANAD_SAUDINEWSNET_DIR``, ``../shared/data/saudinewsnet`` or
``/work/shared/data/saudinewsnet``; its text is never copied into the project (CC BY-NC-SA).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "articles"
SETS = (ROOT / "eval" / "gather_multi.jsonl", ROOT / "eval" / "gather_corroboration.jsonl")
DAY = "2015-07-21.zip"
sys.path.insert(0, str(ROOT))
from benchmarks import saudinewsnet  # noqa: E402


def find_dataset() -> Path | None:
    """The SaudiNewsNet folder holding ``2015-07-21.zip``, or None."""
    return saudinewsnet.find_dataset(DAY)


def read_day(folder: Path) -> list[dict[str, str]]:
    """All articles of ``2015-07-21.zip`` (one JSON list), in file order."""
    return saudinewsnet.read_zip(folder / DAY)


def cited_sources(sets: tuple[Path, ...] = SETS) -> set[str]:
    """Every source (seed file name or article url) cited by the gold sets."""
    out: set[str] = set()
    for path in sets:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                for item in row.get("answers", []) + row.get("values", []):
                    out.update(item["sources"])
    return out


def record(article: dict[str, str]) -> dict[str, str]:
    """An export record in the field names Sanad's record reader maps."""
    return {
        "title": article.get("title") or "",
        "published": (article.get("date_extracted") or "")[:10],
        "publisher": article.get("source") or "",
        "author": article.get("author") or "",
        "url": article["url"],
        "text": article.get("content") or "",
    }


def build_corpus(out: Path, folder: Path, extra: int = 200) -> dict[str, int]:
    """Write the corpus into ``out`` (created); returns how many seeds, cited and extra articles it holds.

    Raises:
        SystemExit: a cited url is not in the day's articles (the sets and the data disagree).
    """
    wanted = {s for s in cited_sources() if s.startswith("http")}
    return write_sample(out, read_day(folder), wanted, extra, "saudinewsnet_gather.jsonl", DAY)


def write_sample(
    out: Path, articles: list[dict[str, str]], wanted: set[str], extra: int, name: str, where: str
) -> dict[str, int]:
    """Copy the seeds into ``out`` and write ``name``: the ``articles`` whose url is ``wanted``, then ``extra``
    others as distractors (a fixed sample, seed 0); returns how many seeds, cited and extra articles it holds.

    Raises:
        SystemExit: a wanted url is not among ``articles`` (read from ``where``).
    """
    out.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(seed, out / seed.name)
    cited = [a for a in articles if a["url"] in wanted]
    missing = wanted - {a["url"] for a in cited}
    if missing:
        raise SystemExit(f"{len(missing)} cited urls are not in {where}: {sorted(missing)[:3]}")
    others = [a for a in articles if a["url"] not in wanted and (a.get("content") or "").strip()]
    distractors = random.Random(0).sample(others, min(extra, len(others)))
    with (out / name).open("w", encoding="utf-8") as f:
        for article in cited + distractors:
            f.write(json.dumps(record(article), ensure_ascii=False) + "\n")
    return {"seeds": len(list(SEEDS.glob("*.txt"))), "cited": len(cited), "extra": len(distractors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--extra", type=int, default=200, help="distractor articles of the same day (default 200)")
    args = parser.parse_args()
    folder = find_dataset()
    if folder is None:
        sys.exit("SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder holding 2015-07-21.zip")
    counts = build_corpus(args.out, folder, args.extra)
    print(
        f"{args.out}: {counts['seeds']} seeds, {counts['cited']} cited SaudiNewsNet articles, {counts['extra']} extra"
    )


if __name__ == "__main__":
    main()
