"""Bring your archive (issue 31): the whole SaudiNewsNet archive searchable by its words, vectors behind.

Phases (each appends one JSON line to ``<workdir>/archive.jsonl`` and prints it):

- ``words``: `sanad ingest --words-only` over the dataset's daily zip files as they are (30,676 dated
  records; read from ``$SANAD_SAUDINEWSNET_DIR`` or ../shared/data/saudinewsnet, never copied into the
  project): wall time to "N articles searchable", peak RSS of the ingest process, chunks; then the time
  to the first answer (`sanad ask`, a cold process) and its citations.
- ``queries``: question latency (p50/p95, in one process) over the index as it is, with no fill running.
- ``fill``: `sanad vectors` (nice 10) for ``--fill-minutes``, questions asked meanwhile from this process
  (p50/p95 during the fill, with on-demand encoding), then the fill's rate (chunks/s, texts/s) and the
  extrapolated time of the whole fill.
- ``quality``: the seeds with ``--mix N`` SaudiNewsNet articles, asked the seed gold and near-miss questions
  (eval/gold_seeds.jsonl + eval/nearmiss_seeds.jsonl) at 0 %, ~50 % and 100 % vector fill: hit@5, answered,
  answer contains gold, false answers.

    .venv/bin/python benchmarks/archive.py --phase words queries            # ~10 min on 2 cores
    .venv/bin/python benchmarks/archive.py --phase fill --fill-minutes 30
    .venv/bin/python benchmarks/archive.py --phase quality --mix 300

Resumable: a killed ``fill`` loses nothing (`sanad vectors` goes on where it stopped).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.saudinewsnet import find_dataset, iter_articles  # noqa: E402
from benchmarks.scale import load_avg, percentile  # noqa: E402

GOLD = [ROOT / "eval" / "gold_seeds.jsonl", ROOT / "eval" / "nearmiss_seeds.jsonl"]


def _env() -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(ROOT), "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1"}


def _sanad(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli", "--config", str(config), *args]


def _config(workdir: Path, corpus: Path, chunk_vectors: str | None = None) -> Path:
    import yaml

    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["corpus"]["path"], data["index"]["path"] = str(corpus), str(workdir / "index")
    if chunk_vectors:
        data["embedding"]["chunk_vectors"] = chunk_vectors
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _record(workdir: Path, row: dict[str, Any]) -> dict[str, Any]:
    row = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "load": load_avg(), **row}
    with (workdir / "archive.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def questions(count: int, skip: int = 0) -> list[str]:
    """The seed gold questions, then headlines of the archive (what people ask); ``skip`` leaves out the
    first headlines (questions not asked before: nothing encoded ahead for them)."""
    gold = [json.loads(line)["question"] for line in GOLD[0].read_text(encoding="utf-8").splitlines()]
    dataset = find_dataset()
    titles: list[str] = []
    for row in iter_articles(dataset) if dataset else []:
        title = (row.get("title") or "").strip()
        if 10 <= len(title) <= 120:
            titles.append(title)
        if len(titles) >= (count + skip) * 20:
            break
    pool = list(dict.fromkeys([*([] if skip else gold), *titles[::20][skip:]]))
    return pool[:count]


def phase_words(workdir: Path, corpus: Path) -> dict[str, Any]:
    """`sanad ingest --words-only` over the archive from scratch: time to searchable, peak RSS, first answer."""
    shutil.rmtree(workdir / "index", ignore_errors=True)
    config = _config(workdir, corpus)
    began = time.monotonic()
    done = subprocess.run(_sanad(config, "ingest", "--words-only", "--quiet"), capture_output=True, text=True, env=_env())
    wall = time.monotonic() - began
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr[-3000:]}")
    searchable = next(line for line in done.stdout.splitlines() if "articles searchable" in line)
    question = questions(20)[-1]  # a headline of the archive (the seed questions are about the seeds)
    began = time.monotonic()
    asked = subprocess.run(_sanad(config, "ask", question, "--json"), capture_output=True, text=True, env=_env())
    ask_wall = time.monotonic() - began
    answer = json.loads(asked.stdout) if asked.returncode == 0 else {}
    status = json.loads(subprocess.run(_sanad(config, "status", "--json"), capture_output=True, text=True,
                                       env=_env()).stdout)  # fmt: skip
    return {
        "phase": "words",
        "wall_s": round(wall, 1),
        "searchable": searchable,
        "peak_rss_mb": round(rss, 1),
        "articles": status["articles"],
        "chunks": status["vectors_total"],
        "index_mb": round(sum(p.stat().st_size for p in (workdir / "index").rglob("*") if p.is_file()) / 2**20, 1),
        "first_answer": {
            "question": question,
            "cold_ask_s": round(ask_wall, 1),
            "time_to_first_answer_s": round(wall + ask_wall, 1),
            "found": answer.get("found"),
            "citations": len(answer.get("citations", [])),
        },
    }


def _latencies(assistant: Any, asked: list[str], until: float | None = None) -> list[float]:
    """Ask ``asked`` (again and again until ``until``, a monotonic time, when given); seconds per question."""
    out = []
    while True:
        for question in asked:
            began = time.perf_counter()
            assistant.ask(question)
            out.append(time.perf_counter() - began)
            if until is not None and time.monotonic() >= until:
                return out
        if until is None:
            return out


def _figures(seconds: list[float]) -> dict[str, Any]:
    ms = [s * 1000 for s in seconds]
    return {"questions": len(ms), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1)}


def phase_queries(workdir: Path, count: int, skip: int, budget: int | None) -> dict[str, Any]:
    """Question latency over the index as it is, nothing else running (``budget``: on_demand_texts)."""
    from rag import Assistant

    assistant = Assistant.from_config(workdir / "config.yaml")
    if budget is not None:
        assistant.config.retrieval.on_demand_texts = budget
    asked = questions(count + 1, skip)
    assistant.ask(asked.pop())  # the encoder and the index load once
    status = assistant.reader.status()
    figures = _figures(_latencies(assistant, asked))
    return {"phase": "queries", "fill_percent": round(status.percent, 1), "skip": skip, "on_demand_texts":
            assistant.config.retrieval.on_demand_texts, **figures}  # fmt: skip


def phase_fill(workdir: Path, minutes: float, count: int, skip: int) -> dict[str, Any]:
    """`sanad vectors` for ``minutes`` with questions asked meanwhile; the fill's rate and extrapolation."""
    from rag import Assistant

    config = workdir / "config.yaml"
    assistant = Assistant.from_config(config)
    asked = questions(count + 1, skip)
    assistant.ask(asked.pop())
    before = assistant.reader.status()
    began = time.monotonic()
    filler = subprocess.Popen(_sanad(config, "vectors", "--quiet"), env=_env(), stdout=subprocess.DEVNULL)
    time.sleep(20)  # the filler loads and starts its first batch
    during = _latencies(assistant, asked, until=began + minutes * 60)
    filler.send_signal(signal.SIGINT)  # Ctrl-C: the batch in hand is stored or redone later, nothing lost
    filler.wait()
    wall = time.monotonic() - began
    after = assistant.reader.status()
    stored = after.vectors_done - before.vectors_done
    rate = stored / wall if wall else 0.0
    left = after.vectors_total - after.vectors_done
    return {
        "phase": "fill",
        "minutes": round(wall / 60, 1),
        "chunks_stored": stored,
        "chunks_per_s": round(rate, 2),
        "fill_percent": [round(before.percent, 1), round(after.percent, 1)],
        "whole_fill_h_extrapolated": round(after.vectors_total / rate / 3600, 1) if rate else None,
        "left_h_extrapolated": round(left / rate / 3600, 1) if rate else None,
        "during_fill": _figures(during),
    }


def _evaluate(config: Path, items: list[Any], on_demand: int | None = None) -> dict[str, Any]:
    from rag import Assistant
    from rag.evaluate import run_eval

    assistant = Assistant.from_config(config)
    if on_demand is not None:
        assistant.config.retrieval.on_demand_texts = on_demand
    metrics = run_eval(items, lambda q: assistant.ask(q, top_k=10))
    keep = ("hit@5", "answered", "answer_contains_gold", "false_answer", "latency_p50_ms", "latency_p95_ms")
    return {"fill_percent": round(assistant.reader.status().percent, 1), **{k: round(metrics[k], 3) for k in keep}}


def phase_quality(workdir: Path, mix: int, budgets: list[int], chunk_vectors: str | None) -> dict[str, Any]:
    """Seeds + ``mix`` SaudiNewsNet articles: the seed gold and near-miss sets at 0 % fill (each on-demand
    budget in ``budgets``; the first also gives the latency of encoding on demand), ~50 % and 100 %."""
    from benchmarks.nearmiss import add_saudinewsnet
    from rag import Assistant
    from rag.gold import read_gold
    from rag.index.build import StageHooks

    folder = workdir / f"quality-{chunk_vectors or 'default'}"
    shutil.rmtree(folder, ignore_errors=True)
    corpus = folder / "articles"
    shutil.copytree(ROOT / "data" / "articles", corpus)
    add_saudinewsnet(corpus, mix)
    gold = folder / "gold.jsonl"
    gold.write_text("".join(path.read_text(encoding="utf-8") for path in GOLD), encoding="utf-8")
    items = read_gold(gold)
    config = _config(folder, corpus, chunk_vectors)
    rows: dict[str, Any] = {"chunk_vectors": chunk_vectors or "default"}
    began = time.monotonic()
    assistant = Assistant.from_config(config)
    assistant.ingest(hooks=StageHooks(vectors=False))
    rows["searchable_s"] = round(time.monotonic() - began, 1)
    for budget in budgets:
        rows[f"fill 0 %, on_demand_texts {budget}"] = _evaluate(config, items, budget)
    for target in (50, 100):
        fresh = Assistant.from_config(config)  # the vector stage as `sanad vectors` runs it
        stop = (lambda: fresh.reader.status().percent >= target) if target < 100 else None
        fresh.ingest(hooks=StageHooks(stop=stop))
        rows[f"fill {target} %"] = _evaluate(config, items)
    rows["fill_s"] = round(time.monotonic() - began - rows["searchable_s"], 1)
    return {"phase": "quality", "articles": 5 + mix, **rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path.home() / "sanad-archive")
    parser.add_argument("--phase", nargs="+", choices=("words", "queries", "fill", "quality"), default=["words"])
    parser.add_argument("--questions", type=int, default=40, help="questions asked per latency phase")
    parser.add_argument("--skip", type=int, default=0, help="queries: headlines to leave out (ask new ones)")
    parser.add_argument("--on-demand", type=int, help="queries: retrieval.on_demand_texts")
    parser.add_argument("--fill-minutes", type=float, default=30.0)
    parser.add_argument("--mix", type=int, default=300, help="quality: SaudiNewsNet articles beside the seeds")
    parser.add_argument("--chunk-vectors", choices=("encode", "sentence_mean"), help="quality: embedding.chunk_vectors")
    parser.add_argument("--budgets", type=int, nargs="+", default=[16, 0, 8], help="quality: on_demand_texts at 0 %")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    dataset = find_dataset()
    for phase in args.phase:
        if phase == "words":
            if dataset is None:
                raise SystemExit("SaudiNewsNet not found (set SANAD_SAUDINEWSNET_DIR)")
            _record(args.workdir, phase_words(args.workdir, dataset))
        elif phase == "queries":
            _record(args.workdir, phase_queries(args.workdir, args.questions, args.skip, args.on_demand))
        elif phase == "fill":
            _record(args.workdir, phase_fill(args.workdir, args.fill_minutes, args.questions, args.skip))
        else:
            _record(args.workdir, phase_quality(args.workdir, args.mix, args.budgets, args.chunk_vectors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
