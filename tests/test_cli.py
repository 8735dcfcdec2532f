"""The `sanad` command run as a user runs it: a subprocess, from another working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOLD, article_text, write_config


def sanad(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory: pytest.TempPathFactory, seed_corpus: Path) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("home")
    config = write_config(home, corpus={"path": None}, index={"path": "unused"})
    index = tmp_path_factory.mktemp("scratch") / "idx"
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    done = sanad("--config", str(config), "--index", str(index), "ingest", str(seed_corpus), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "5 added" in done.stdout and "0 failed" in done.stdout
    assert not (home / "unused").exists()  # --index overrides the config's index.path
    return config, index


def test_ask_json_has_the_documented_shape(cli_index: tuple[Path, Path], tmp_path: Path, seed_corpus: Path) -> None:
    config, index = cli_index
    done = sanad(
        "--config",
        str(config),
        "--index",
        str(index),
        "ask",
        "--json",
        "من هو الأمين العام للجامعة العربية؟",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"question", "answer", "found", "citations", "retrieved", "timings_ms"} <= set(out)
    assert out["found"] is True and "نبيل العربي" in out["answer"]
    assert {"retrieve", "answer", "total"} <= set(out["timings_ms"])
    for citation in out["citations"]:
        assert {"n", "file", "start", "end", "text"} <= set(citation)
        text = article_text(seed_corpus / citation["file"])
        assert text[citation["start"] : citation["end"]] == citation["text"]
    for passage in out["retrieved"]:
        assert {"file", "start", "end", "text", "score"} <= set(passage)
    scores = [p["score"] for p in out["retrieved"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_plain_prints_answer_and_sources(cli_index: tuple[Path, Path], tmp_path: Path, seed_corpus: Path) -> None:
    config, index = cli_index
    done = sanad("--config", str(config), "--index", str(index), "ask", "من هو والد مناف طلاس؟", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    from ingest.chunker import opening_words

    lead = opening_words(article_text(seed_corpus / "004_8bb0b02f1c03471e.txt"))
    # the seed's date comes from its front matter
    assert "مصطفى طلاس" in done.stdout and f"[1] {lead} · 2012-07-07 — 004_8bb0b02f1c03471e.txt" in done.stdout


def test_eval_writes_predictions_and_prints_metrics(cli_index: tuple[Path, Path], tmp_path: Path) -> None:
    config, index = cli_index
    gold = tmp_path / "gold.jsonl"
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    gold.write_text("\n".join(lines[:4] + lines[-2:]) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    done = sanad("--config", str(config), "--index", str(index), "eval", str(gold), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    predictions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in predictions] == [json.loads(line)["id"] for line in lines[:4] + lines[-2:]]
    assert all({"answer", "found", "citations", "retrieved", "timings_ms"} <= set(p) for p in predictions)
    for label in ("hit@1", "hit@5", "MRR@10", "answer contains gold", "no-answer accuracy", "latency p95"):
        assert label in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--config", "/nonexistent/config.yaml", "ask", "سؤال"),
            "/nonexistent/config.yaml: configuration file not found",
        ),
        (("ask", "سؤال"), "the index is empty"),
    ],
)
def test_errors_are_one_clear_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    if args[0] != "--config":
        args = ("--config", str(write_config(tmp_path, index={"path": str(tmp_path / "idx")})), *args)
    done = sanad(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_ingest_without_path_or_corpus_is_an_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, corpus={"path": None}, index={"path": str(tmp_path / "idx")})
    done = sanad("--config", str(config), "ingest", cwd=tmp_path)
    assert done.returncode == 2 and "corpus.path" in done.stderr


def test_chat_on_a_busy_port_says_so_in_one_line(cli_index: tuple[Path, Path], tmp_path: Path) -> None:
    import socket

    config, index = cli_index
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = sanad("--config", str(config), "--index", str(index), "chat", "--port", str(port), cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0] == f"sanad: error: 127.0.0.1:{port} is in use: pick another port with --port (or set ui.port)"


def test_global_options_work_after_the_command_too(cli_index: tuple[Path, Path], tmp_path: Path) -> None:
    """`sanad ask … --index DIR` as well as `sanad --index DIR ask …` (a new user's first guess)."""
    config, index = cli_index
    done = sanad("ask", "من هو والد مناف طلاس؟", "--config", str(config), "--index", str(index), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["citations"], done.stdout


def test_chat_says_where_it_serves_in_one_line_without_gradio_share_advice(
    cli_index: tuple[Path, Path], tmp_path: Path
) -> None:
    """`sanad chat` prints its address and nothing about `share=True` (the chat is never shared)."""
    from tests.conftest import free_port

    config, index = cli_index
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    args = [sys.executable, "-m", "ui.cli", "--config", str(config), "--index", str(index), "chat", "--port", str(port)]
    chat = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        first = chat.stdout.readline() if chat.stdout else ""
        assert first.strip() == f"Sanad chat: http://127.0.0.1:{port}/ (Ctrl+C stops it)", first
    finally:
        chat.terminate()
        rest, _ = chat.communicate(timeout=60)
    assert "share=True" not in first + rest and "public link" not in first + rest, rest
