"""SaudiNewsNet from its own files: every article's headline, outlet and date, and cited answers.

    python benchmarks/saudinewsnet_formats.py --zip ../shared/data/saudinewsnet/2015-07-21.zip --sample 40

Extracts the whole zip as ``sanad ingest`` does (no field mapping), counting articles, problems and
the share with a headline, an outlet and a date; then ingests a zip of its first ``--sample``
records (same JSON-array-in-zip layout) into a fresh index, asks each sampled article's headline as
a question, and checks every citation: headline, outlet and date present, and its text the exact
span of ``read_source(file, record=record)``. SaudiNewsNet is never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.documents import extract  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zip", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    data = args.zip.read_bytes()
    started = time.perf_counter()
    found, _ = extract(data, args.zip.name)
    seconds = time.perf_counter() - started
    docs = found.documents
    complete = sum(bool(d.title and d.publisher and d.published) for d in docs)
    print(
        f"{args.zip.name}: {len(docs)} articles, {len(found.problems)} problems, {seconds:.2f} s "
        f"({len(data) / 2**20 / seconds:.1f} MB/s); headline+outlet+date on {complete}/{len(docs)}"
    )
    for where, why in found.problems[:5]:
        print(f"  {where}: {why}")

    apply_defaults()
    from rag import Assistant
    from rag.config import SanadConfig

    with zipfile.ZipFile(args.zip) as archive:
        member = next(m for m in archive.namelist() if m.endswith(".json"))
        records = json.loads(archive.read(member))[: args.sample]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        with zipfile.ZipFile(corpus / args.zip.name, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(member, json.dumps(records, ensure_ascii=False))
        config = SanadConfig()
        config.index.path = Path(tmp) / "index"
        assistant = Assistant(config)
        started = time.perf_counter()
        report = assistant.ingest([corpus])
        print(f"sample ingest: {report.summary()} ({time.perf_counter() - started:.0f} s)")
        asked = cited = exact = described = 0
        for record in records[:10]:
            answer = assistant.ask(record["title"])
            asked += 1
            for c in answer.citations:
                cited += 1
                exact += assistant.read_source(c.file, record=c.record).text[c.start : c.end] == c.text
                described += bool(c.title and c.publisher and c.published)
        print(f"{asked} questions, {cited} citations: exact {exact}/{cited}, headline+outlet+date {described}/{cited}")


if __name__ == "__main__":
    main()
