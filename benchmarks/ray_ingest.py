"""Ingest throughput, plain against Ray with 1 and 2 local workers, into a local `chroma run`; and
the Chroma server's own write rate (vectors/s for ``collection.add`` batches), the ceiling of a cluster.

Corpus: the five seed articles plus ``--articles`` SaudiNewsNet articles (written as .txt, as
``benchmarks/scale.py`` does; read from $SANAD_SAUDINEWSNET_DIR or ../shared/data/saudinewsnet).
Each run ingests the whole corpus into its own collection of one server (``store.mode: http``).
The plain run is ``sanad ingest``'s path (one process, the encoder on every core); each Ray run
starts a local Ray (``--cpus``) whose start (Ray and the encoders' loads) is timed apart.

    .venv/bin/python benchmarks/ray_ingest.py [--articles 60] [--workers 1 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.runtime import apply_defaults  # noqa: E402

apply_defaults()


def ingest_run(config_path: Path, workers: int | None, cpus: int) -> dict[str, float | int | str]:
    """One ingest of the corpus; ``workers`` None is the plain path."""
    from rag import Assistant
    from rag.config import load_config
    from rag.index.ray_stages import RayStages
    from rag.store.chroma import open_client, sentence_collection_name

    config = load_config(config_path)
    began = time.perf_counter()
    if workers is None:
        assistant = Assistant(config.model_copy(update={"embedding": config.embedding.for_ingest()}))
        assistant.embed_model.get_query_embedding("warm")  # loaded before the clock, as the actors are
        stages, name = contextlib.nullcontext(), "plain (1 process)"
    else:
        assistant = Assistant(config)
        assistant.embed_model.get_query_embedding("warm")
        stages, name = RayStages(config.embedding, num_cpus=cpus, workers=workers), f"ray, {workers} worker(s)"
    started = time.perf_counter() - began
    with stages as ray_stages:
        report = assistant.ingest(stages=ray_stages)
    assert not report.failed, report.failed
    client = open_client(config.store, config.index.path)
    sentences = client.get_collection(sentence_collection_name(config.store.collection)).count()
    articles = len(report.added)
    return {
        "run": name,
        "start_s": round(started, 1),
        "wall_s": round(report.seconds, 1),
        "articles": articles,
        "articles_per_s": round(articles / report.seconds, 3),
        "texts": report.texts_embedded,
        "texts_per_s": round(report.texts_embedded / report.seconds, 2),
        "chunks": report.chunks_written,
        "vectors_written": report.chunks_written + sentences,
        "encode_s": round(report.encode_seconds, 1),
        "write_s": round(report.write_seconds, 2),
        "read_wait_s": round(report.read_wait_seconds, 2),
    }


def chroma_write_rate(port: int, batch: int, vectors: int = 5120, dimension: int = 384) -> dict[str, float]:
    """Vectors/s the server takes in ``collection.add`` batches of ``batch`` like ingest's (text + metadata)."""
    import chromadb
    import numpy as np

    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    collection = client.create_collection(f"write-rate-{batch}", metadata={"hnsw:space": "cosine"})
    rng = np.random.default_rng(14)
    text = "سقطت 8 صواريخ مصدرها الأراضي السورية على البقاع الشمالي شرق لبنان. " * 6  # ~420 characters
    began = time.perf_counter()
    for b in range(vectors // batch):
        ids = [f"b{b}-{i}" for i in range(batch)]
        rows = rng.standard_normal((batch, dimension)).astype(np.float32)
        metadata = [{"file": f"{b:05d}.txt", "start": i, "end": i + 420, "published": 20150101} for i in range(batch)]
        collection.add(ids=ids, embeddings=rows, documents=[text] * batch, metadatas=metadata)
    seconds = time.perf_counter() - began
    done = vectors // batch * batch
    return {"batch": batch, "vectors": done, "seconds": round(seconds, 2), "vectors_per_s": round(done / seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="SaudiNewsNet articles beside the seeds")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="Ray encoder workers per run")
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 2, help="CPUs of the local Ray")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain ingest")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from benchmarks.scale import chroma_server, seeds_and_news
    from tests.conftest import write_config

    results: dict[str, object] = {"articles": args.articles + 5, "cpus": os.cpu_count(), "load": os.getloadavg()}
    runs: list[dict[str, float | int | str]] = []
    with tempfile.TemporaryDirectory(prefix="sanad-ray-ingest-") as scratch:
        corpus = Path(scratch) / "corpus"
        seeds_and_news(corpus, args.articles)
        with chroma_server(Path(scratch) / "server") as port:
            for workers in ([] if args.no_plain else [None]) + list(args.workers):
                folder = Path(scratch) / f"run-{workers or 'plain'}"
                folder.mkdir()
                store = {"mode": "http", "host": "127.0.0.1", "port": port, "collection": folder.name}
                config = write_config(
                    folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")}, store=store
                )
                runs.append(ingest_run(config, workers, args.cpus))
                print(json.dumps(runs[-1]), flush=True)
            results["chroma_write"] = [chroma_write_rate(port, batch) for batch in (128, 512)]
    results["runs"] = runs
    results["load_after"] = os.getloadavg()
    print(f"{results['articles']} articles, {results['cpus']} cores, load before {results['load']}")
    print(f"{'run':20} {'start s':>8} {'wall s':>7} {'art/s':>6} {'texts/s':>8} {'encode s':>9} {'write s':>8}")
    for r in runs:
        print(
            f"{r['run']:20} {r['start_s']:8.1f} {r['wall_s']:7.1f} {r['articles_per_s']:6.2f} "
            f"{r['texts_per_s']:8.2f} {r['encode_s']:9.1f} {r['write_s']:8.2f}"
        )
    for rate in results["chroma_write"]:  # type: ignore[attr-defined]
        print("chroma http write:", json.dumps(rate))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
