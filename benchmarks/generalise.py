"""Do the retrieval choices tuned on ARCD generalise? Re-check each one on more than one task.

    export PYTHONPATH=. HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
    for ix in default no-headline chunks600; do   # six processes at once: one per task and ingest
      .venv/bin/python benchmarks/generalise.py --task arcd --index $ix --json /tmp/gen-arcd-$ix.json &
      .venv/bin/python benchmarks/generalise.py --task saudi --articles 600 --queries 150 --index $ix \\
          --json /tmp/gen-saudi-$ix.json &
    done; wait
    .venv/bin/python benchmarks/generalise.py --report /tmp/gen-arcd-*.json /tmp/gen-saudi-*.json > tables.md

Tasks (retrieval only: 10 passages retrieved per question, ``HybridRetriever`` as ``Assistant.ask`` uses it):

- ``arcd``: ARCD (``$SANAD_ARCD_DIR`` or ../shared/data/arcd), all 146 articles in one index; questions are
  split by their article (sha1 of its file name: even -> half A, odd -> B): tune on A, confirm on B.
  Rank = first passage from the gold file containing a gold answer (``rag.evaluate.score_prediction``).
- ``saudi``: SaudiNewsNet (``$SANAD_SAUDINEWSNET_DIR`` or ../shared/data/saudinewsnet): a deterministic
  sample of distinct-headline articles (sha1 of the url); for ``--queries`` of them the query is the
  headline and the article is indexed WITHOUT it (body only), the rest keep "headline\\n\\nbody" as
  ``benchmarks/scale.py`` writes them. Rank = first passage from the headline's own article.

Query-time variants share an index; index-time ones get their own ingest (``store.sentence_vectors: false``).
``--report`` prints Markdown tables: MRR@10 change against the default with a paired bootstrap 95% interval.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality import Variant, configure  # noqa: E402
from ingest.textnorm import normalize  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import SanadConfig, load_config  # noqa: E402
from rag.evaluate import RANK_DEPTH, score_prediction  # noqa: E402
from rag.gold import GoldItem, read_gold  # noqa: E402
from rag.questions import clean_question  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402
from rag.types import Passage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NO_TITLE = {"chunking": {"title_context": False}}

#: Every row, in table order. Rows with the same ``index`` settings share one ingest.
VARIANTS = [
    Variant("default (relative fusion, headline, boost 0.3, ≤ 450 chars)"),
    Variant("no article boost (article_weight 0)", query={"article_weight": 0.0}),
    Variant("RRF k=60 instead of relative fusion", query={"fusion": "rrf"}),
    Variant("dense alone", query={"mode": "dense"}),
    Variant("BM25 alone", query={"mode": "lexical"}),
    Variant("no headline context (title_context false)", index=NO_TITLE),
    Variant(
        "plain baseline: RRF, no headline, no boost", index=NO_TITLE, query={"fusion": "rrf", "article_weight": 0.0}
    ),
    Variant("chunks ≤ 600 chars", index={"chunking": {"max_chars": 600}}),
]
QUERY_KEYS = ("mode", "fusion", "article_weight")
#: ``--index`` choices: the index-time settings each ingest uses (run them as parallel processes).
INDEXES: dict[str, dict[str, dict[str, object]]] = {
    "default": {},
    "no-headline": NO_TITLE,
    "chunks600": VARIANTS[-1].index,
}


def key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def arcd_half(file: str) -> str:
    """``A`` or ``B``: which half an ARCD article (by file name) belongs to."""
    return "A" if int(key(Path(file).name), 16) % 2 == 0 else "B"


@dataclass(frozen=True)
class Query:
    """One question: its text, the subset it is reported in, and how a ranking is scored."""

    text: str
    subset: str
    rank: Callable[[list[Passage]], int | None]


def arcd_task(folder: Path) -> tuple[Path, list[Query]]:
    """The ARCD articles folder and its questions, each tagged with its article's half."""

    def ranker(item: GoldItem) -> Callable[[list[Passage]], int | None]:
        def rank(passages: list[Passage]) -> int | None:
            prediction = {"found": False, "timings_ms": {}, "answer": "", "citations": []}
            prediction["retrieved"] = [p.to_dict() for p in passages]
            return score_prediction(item, prediction)["rank"]

        return rank

    items = [i for i in read_gold(folder / "gold.jsonl") if i.answerable]
    return folder / "docs", [Query(i.question, f"ARCD-{arcd_half(i.source or '')}", ranker(i)) for i in items]


def saudi_rows(folder: Path) -> list[dict[str, str]]:
    """Every article with a headline and text, one per normalised headline (and per opening), by sha1 of url."""
    rows: list[dict[str, str]] = []
    for archive in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(archive) as zipped:
            for name in sorted(zipped.namelist()):
                rows += json.loads(zipped.read(name))
    rows = [r for r in rows if (r.get("title") or "").strip() and len((r.get("content") or "").strip()) >= 200]
    rows.sort(key=lambda r: key(r.get("url") or r["title"]))
    seen: set[str] = set()
    out = []
    for row in rows:
        marks = {"t:" + normalize(row["title"]), "c:" + normalize(row["content"][:300])}
        if marks & seen:
            continue
        seen |= marks
        out.append(row)
    return out


def saudi_task(folder: Path, workdir: Path, articles: int, queries: int) -> tuple[Path, list[Query]]:
    """Write the sample as .txt files (gold articles without their headline) and return the queries."""
    rows = saudi_rows(folder)[:articles]
    docs = workdir / "saudi-docs"
    docs.mkdir(parents=True, exist_ok=True)
    out: list[Query] = []
    for n, row in enumerate(rows):
        title, body = row["title"].strip(), row["content"].strip()
        name = f"{n:05d}_{row.get('source', 'x')}.txt"
        gold = n < queries  # the sample is already in hash order
        (docs / name).write_text(f"{body}\n" if gold else f"{title}\n\n{body}\n", encoding="utf-8")
        if gold:
            out.append(Query(title, "SaudiNewsNet", lambda ps, f=name: file_rank(ps, f)))
    return docs, out


def file_rank(passages: list[Passage], file: str) -> int | None:
    """Rank (from 1) of the first passage from ``file`` among the top ``RANK_DEPTH``, or None."""
    return next((r for r, p in enumerate(passages[:RANK_DEPTH], start=1) if Path(p.file).name == file), None)


class CachedQueries:
    """The encoder's question vectors, each computed once for every index and variant."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.cache: dict[str, list[float]] = {}

    def get_query_embedding(self, text: str) -> list[float]:
        if text not in self.cache:
            self.cache[text] = self.model.get_query_embedding(text)
        return self.cache[text]


def run_task(
    base: SanadConfig, corpus: Path, queries: Sequence[Query], tmp: Path, indexes: Sequence[str]
) -> list[dict[str, Any]]:
    """Every variant's reciprocal ranks, per subset (only the variants on the ``indexes`` named)."""
    rows: list[dict[str, Any]] = []
    retrievers: dict[str, Any] = {}
    cached: CachedQueries | None = None
    for variant in [v for v in VARIANTS if any(v.index == INDEXES[name] for name in indexes)]:
        ikey = variant.index_key()
        if ikey not in retrievers:
            config = configure(base, variant, tmp / f"index-{len(retrievers)}")
            assistant = Assistant(config, embed_model=cached.model if cached else None)
            print(f"[{variant.label}] ingest: {assistant.ingest([corpus]).summary()}", file=sys.stderr)
            retriever, _ = assistant.reader.open()
            cached = cached or CachedQueries(assistant.embed_model)
            retriever.embed_model = cached
            retrievers[ikey] = retriever
        retriever = retrievers[ikey]
        for name, value in {**{k: getattr(base.retrieval, k) for k in QUERY_KEYS}, **variant.query}.items():
            setattr(retriever.config, name, value)
        by_subset: dict[str, list[float]] = {}
        for query in queries:
            text, refusal = clean_question(query.text)
            passages = [] if refusal else retriever.retrieve(text, top_k=RANK_DEPTH).passages
            by_subset.setdefault(query.subset, []).append(1.0 / (query.rank(passages) or float("inf")))
        for subset, rr in by_subset.items():
            rows.append({"variant": variant.label, "subset": subset, "rr": rr})
            print(f"[{variant.label}] {subset}: {summary(rr)}", file=sys.stderr)
    return rows


def summary(rr: Sequence[float]) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 from reciprocal ranks."""
    v = np.asarray(rr)  # 1/rank, 0 when not in the top 10
    return {"hit@1": float((v >= 1).mean()), "hit@5": float((v >= 0.2).mean()), "mrr@10": float(v.mean())}


def paired_ci(rr: Sequence[float], ref: Sequence[float], draws: int = 2000) -> tuple[float, float]:
    """95% paired bootstrap interval of mean(rr) - mean(ref) (same questions, seed 0)."""
    diff = np.asarray(rr) - np.asarray(ref)
    picks = np.random.default_rng(0).integers(0, len(diff), size=(draws, len(diff)))
    means = diff[picks].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def delta(values: Sequence[float], ref: Sequence[float], ci: bool) -> str:
    """MRR@10 change against ``ref``; with its interval, or ✱ when the interval excludes 0."""
    low, high = paired_ci(values, ref)
    change = float(np.mean(values) - np.mean(ref))
    return f"{change:+.3f} [{low:+.3f}, {high:+.3f}]" if ci else f"{change:+.3f}" + (" ✱" if low * high > 0 else "")


def report(paths: Sequence[Path]) -> str:
    """Markdown: one table per subset, then every subset's MRR@10 change against the default side by side."""
    results = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    rr = {(row["variant"], row["subset"]): row["rr"] for result in results for row in result["rows"]}
    subsets = list(dict.fromkeys(subset for _, subset in rr))
    default = VARIANTS[0].label
    out = [f"- {setup}" for setup in dict.fromkeys(result["setup"] for result in results)]
    for subset in subsets:
        ref = rr[(default, subset)]
        out += [
            "",
            f"### {subset} ({len(ref)} queries)",
            "",
            "| configuration | hit@1 | hit@5 | MRR@10 | Δ MRR@10 vs default [95% CI] |",
            "|---|---|---|---|---|",
        ]
        for variant in [v for v in VARIANTS if (v.label, subset) in rr]:
            s, values = summary(rr[(variant.label, subset)]), rr[(variant.label, subset)]
            cell = "–" if variant.label == default else delta(values, ref, ci=True)
            out.append(f"| {variant.label} | {s['hit@1']:.3f} | {s['hit@5']:.3f} | {s['mrr@10']:.3f} | {cell} |")
    out += [
        "",
        "### MRR@10 change against the default, every task",
        "",
        "| configuration | " + " | ".join(subsets) + " |",
        "|---" * (len(subsets) + 1) + "|",
    ]
    for variant in VARIANTS[1:]:
        cells = [
            delta(rr[(variant.label, s)], rr[(default, s)], ci=False) if (variant.label, s) in rr else "–"
            for s in subsets
        ]
        out.append(f"| {variant.label} | " + " | ".join(cells) + " |")
    out += ["", "✱: the paired bootstrap 95% interval excludes 0 (negative: the default is better)."]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=["arcd", "saudi"])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml", help="base configuration")
    for name, variable, folder in (
        ("--arcd", "SANAD_ARCD_DIR", "arcd"),
        ("--saudi", "SANAD_SAUDINEWSNET_DIR", "saudinewsnet"),
    ):
        parser.add_argument(
            name, type=Path, default=Path(os.environ.get(variable, ROOT.parent / "shared/data" / folder))
        )
    parser.add_argument("--articles", type=int, default=600, help="SaudiNewsNet articles indexed")
    parser.add_argument("--queries", type=int, default=150, help="of which this many are headline queries")
    parser.add_argument("--index", nargs="*", choices=list(INDEXES), default=list(INDEXES), help="which ingests to run")
    parser.add_argument("--json", type=Path, help="write the per-query reciprocal ranks here (input of --report)")
    parser.add_argument("--report", type=Path, nargs="*", help="only print the tables of earlier --json files")
    args = parser.parse_args(argv)
    if args.report:
        print(report(args.report))
        return 0
    if not args.task:
        parser.error("give --task or --report")
    apply_defaults()
    base = load_config(args.config)
    base.store.sentence_vectors = False
    with tempfile.TemporaryDirectory(prefix="sanad-generalise-") as tmp:
        if args.task == "arcd":
            corpus, queries = arcd_task(args.arcd)
            setup = f"ARCD, {len(queries)} questions over all 146 articles in one index, split by article (sha1)"
        else:
            corpus, queries = saudi_task(args.saudi, Path(tmp), args.articles, args.queries)
            setup = (
                f"SaudiNewsNet, {args.articles} distinct-headline articles (sha1 of url); {args.queries} "
                "headline queries, each article indexed without its headline"
            )
        print(setup, file=sys.stderr)
        rows = run_task(base, corpus, queries, Path(tmp), args.index)
    result = {"task": args.task, "setup": setup, "rows": rows}
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    if args.json and "default" in args.index:  # the tables need the default row; else use --report on every file
        print(report([args.json]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
