"""Answer-quality benchmark: ingest a corpus into a temporary index and score Sanad on a gold file.

    python benchmarks/quality.py --corpus ../shared/data/arcd/docs --gold ../shared/data/arcd/gold.jsonl --ablations

Every row is a real run of the product: `Assistant.ingest` into a fresh index, then
`Assistant.ask` for every gold question (top 10 passages kept for the ranking
measures), scored by `rag.evaluate`. Rows that differ only in query-time settings
(retrieval mode, fusion) share one index; rows that change what is indexed
(chunk size, stemming, headline context) get their own ingest.

`--unanswerable-gold FILE` adds questions this corpus cannot answer (e.g. ARCD
questions over the seed articles): their answers are ignored and they count as
"not in the articles", for the no-answer / false-answer rates and `--sweep`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.chunker import chunk_text  # noqa: E402
from ingest.loader import ArticleError, find_articles, read_article  # noqa: E402
from ingest.textnorm import is_arabic  # noqa: E402
from rag.answers.threshold import answer_threshold  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import SanadConfig, load_config  # noqa: E402
from rag.evaluate import apply_threshold, ask_all, summarize, threshold_sweep  # noqa: E402
from rag.gold import GoldItem, read_gold  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Variant:
    """One row: what is indexed (``index_*``) and how it is queried (``query_*``)."""

    label: str
    index: dict[str, dict[str, object]] = field(default_factory=dict)
    query: dict[str, object] = field(default_factory=dict)

    def index_key(self) -> str:
        return json.dumps(self.index, sort_keys=True)


#: Retrieval settings that change per query, so variants differing only in them share an index.
QUERY_KEYS = ("mode", "fusion", "article_weight")


def variants(chunk_sizes: list[int], ablations: bool) -> list[Variant]:
    """The default configuration first, then the ablations asked for."""
    rows = [Variant("hybrid (default)")]
    if ablations:
        rows += [
            Variant("hybrid, no article boost", query={"article_weight": 0.0}),
            Variant("hybrid, RRF k=60", query={"fusion": "rrf"}),
            Variant("dense alone", query={"mode": "dense"}),
            Variant("BM25 alone", query={"mode": "lexical"}),
            Variant("hybrid, no stemming", index={"retrieval": {"stemming": False}}),
            Variant("BM25 alone, no stemming", index={"retrieval": {"stemming": False}}, query={"mode": "lexical"}),
            Variant("hybrid, no headline context", index={"chunking": {"title_context": False}}),
            Variant(
                "hybrid RRF, no headline, no boost (v1)",
                index={"chunking": {"title_context": False}},
                query={"fusion": "rrf", "article_weight": 0.0},
            ),
            Variant("dense alone, no headline", index={"chunking": {"title_context": False}}, query={"mode": "dense"}),
            Variant("BM25 alone, no headline", index={"chunking": {"title_context": False}}, query={"mode": "lexical"}),
        ]
    for size in chunk_sizes:
        rows.append(Variant(f"hybrid, chunks ≤ {size} chars", index={"chunking": {"max_chars": size}}))
    return rows


def configure(base: SanadConfig, variant: Variant, index_dir: Path) -> SanadConfig:
    """``base`` with the variant's index settings and a fresh index folder."""
    config = base.model_copy(deep=True)
    config.index.path = index_dir
    for section, values in variant.index.items():
        for key, value in values.items():
            setattr(getattr(config, section), key, value)
    return config


def median_chunk_chars(corpus: Path, config: SanadConfig) -> float:
    """Median chunk length in characters, chunking the corpus exactly as ingest does."""
    lengths = []
    for path in find_articles(corpus, config.corpus.extensions):
        try:
            text = read_article(path).text
        except ArticleError:
            continue
        spans = chunk_text(text, max_chars=config.chunking.max_chars, max_sentences=config.chunking.max_sentences)
        lengths += [len(span.text) for span in spans]
    return float(statistics.median(lengths)) if lengths else float("nan")


def load_items(args: argparse.Namespace) -> list[GoldItem]:
    items = read_gold(args.gold)
    rng = random.Random(args.sample_seed)
    if args.limit and args.limit < len(items):
        items = sorted(rng.sample(items, args.limit), key=lambda i: i.id)
    for path in args.unanswerable_gold:
        extra = [replace(i, answers=[], source=None) for i in read_gold(path)]
        if args.unanswerable_limit and args.unanswerable_limit < len(extra):
            extra = sorted(rng.sample(extra, args.unanswerable_limit), key=lambda i: i.id)
        items += extra
    return items


COLUMNS = [
    ("median chunk", "median_chunk_chars", "{:.0f}"),
    ("hit@1", "hit@1", "{:.3f}"),
    ("hit@5", "hit@5", "{:.3f}"),
    ("MRR@10", "mrr@10", "{:.3f}"),
    ("answered", "answered", "{:.3f}"),
    ("contains gold", "answer_contains_gold", "{:.3f}"),
    ("EM", "exact_match", "{:.3f}"),
    ("F1", "f1", "{:.3f}"),
    ("citation ok", "citation_correct", "{:.3f}"),
    ("no-answer acc", "no_answer_accuracy", "{:.3f}"),
    ("p50 ms", "latency_p50_ms", "{:.0f}"),
    ("p95 ms", "latency_p95_ms", "{:.0f}"),
]


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    """Markdown table, one row per variant."""
    lines = ["| configuration | " + " | ".join(c for c, _, _ in COLUMNS) + " |"]
    lines.append("|---" * (len(COLUMNS) + 1) + "|")
    for label, metrics in rows:
        cells = [fmt.format(metrics[key]) if metrics.get(key) == metrics.get(key) else "–" for _, key, fmt in COLUMNS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sweep_table(rows: list[dict[str, float]]) -> str:
    lines = [
        "| min_confidence | answered | contains gold | false refusals | no-answer acc | false answers |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['threshold']:.2f} | {r['answered']:.3f} | {r['answer_contains_gold']:.3f} | "
            f"{r['false_refusal']:.3f} | {r['no_answer_accuracy']:.3f} | {r['false_answer']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="folder of articles to ingest")
    parser.add_argument("--gold", type=Path, required=True, help="gold questions (JSONL) about that corpus")
    parser.add_argument("--unanswerable-gold", type=Path, action="append", default=[], help="questions it can't answer")
    parser.add_argument("--unanswerable-limit", type=int, default=0, help="sample this many of those")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml", help="base configuration")
    parser.add_argument("--limit", type=int, default=0, help="sample this many gold questions (0: all)")
    parser.add_argument("--sample-seed", type=int, default=0)
    parser.add_argument("--ablations", action="store_true", help="BM25/dense/hybrid, stemming, headline, fusion")
    parser.add_argument("--chunk-sizes", type=int, nargs="*", default=[], help="extra chunk sizes to try")
    parser.add_argument("--sweep", type=float, nargs="*", default=None, help="min_confidence values to tabulate")
    parser.add_argument("--json", type=Path, help="write all figures here")
    parser.add_argument("--predictions", type=Path, help="folder for per-variant predictions (JSONL)")
    args = parser.parse_args(argv)
    apply_defaults()

    base = load_config(args.config)
    chosen_threshold = answer_threshold(base.answer)
    if args.sweep:  # answer down to the lowest threshold asked about; each row is then cut at the configured one
        base.answer.min_confidence = min([*args.sweep, chosen_threshold])
    items = load_items(args)
    answerable = sum(i.answerable for i in items)
    print(f"{args.gold}: {len(items)} questions ({answerable} answerable) over {args.corpus}", file=sys.stderr)

    results: list[tuple[str, dict[str, float]]] = []
    sweep_rows: list[dict[str, float]] = []
    by_language: list[tuple[str, dict[str, float]]] = []
    assistants: dict[str, Assistant] = {}
    with tempfile.TemporaryDirectory(prefix="sanad-quality-") as tmp:
        for n, variant in enumerate(variants(args.chunk_sizes, args.ablations)):
            key = variant.index_key()
            if key not in assistants:
                config = configure(base, variant, Path(tmp) / f"index-{len(assistants)}")
                assistant = Assistant(config)
                report = assistant.ingest([args.corpus])
                print(f"[{variant.label}] ingest: {report.summary()}", file=sys.stderr)
                assistants[key] = assistant
            assistant = assistants[key]
            # query-time settings: the base config's, then the variant's (the retriever reads them live)
            for name, value in {**{k: getattr(base.retrieval, k) for k in QUERY_KEYS}, **variant.query}.items():
                setattr(assistant.config.retrieval, name, value)
            started = time.perf_counter()
            out = args.predictions / f"variant-{n:02d}.jsonl" if args.predictions else None
            if out:
                out.parent.mkdir(parents=True, exist_ok=True)
            scores = ask_all(items, lambda q, a=assistant: a.ask(q, top_k=10), out=out)
            metrics = summarize(apply_threshold(scores, chosen_threshold))
            metrics["median_chunk_chars"] = median_chunk_chars(args.corpus, assistant.config)
            metrics["seconds"] = time.perf_counter() - started
            results.append((variant.label, metrics))
            print(f"[{variant.label}] " + table([(variant.label, metrics)]).splitlines()[-1], file=sys.stderr)
            if n == 0 and args.sweep:
                sweep_rows = threshold_sweep(scores, args.sweep)
            if n == 0:
                cut = apply_threshold(scores, chosen_threshold)
                for language, arabic in (("Arabic questions", True), ("English questions", False)):
                    subset = [s for s, item in zip(cut, items, strict=True) if is_arabic(item.question) == arabic]
                    if subset and len(subset) < len(cut):
                        by_language.append((language, summarize(subset)))

    print(f"\n{len(items)} questions ({answerable} answerable), corpus {args.corpus}\n")
    print(table(results))
    if by_language:
        print("\nDefault configuration by question language:\n")
        median = results[0][1]["median_chunk_chars"]
        print(table([(label, {**m, "median_chunk_chars": median}) for label, m in by_language]))
    if sweep_rows:
        print(f"\nmin_confidence sweep (default configuration; configured: {chosen_threshold}):\n")
        print(sweep_table(sweep_rows))
    if args.json:
        figures = {"rows": dict(results), "by_language": dict(by_language), "sweep": sweep_rows}
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
