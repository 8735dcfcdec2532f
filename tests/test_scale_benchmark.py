"""A smoke run of benchmarks/scale.py on 50 SaudiNewsNet articles: the benchmark itself works.

It checks the shape and sanity of the figures, never their speed (targets live in the benchmark
and docs/performance.md). SaudiNewsNet is read from ``$SANAD_SAUDINEWSNET_DIR`` or
``../shared/data/saudinewsnet`` beside the project, never copied into it; without it the test
is skipped, saying why.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _benchmark():
    spec = importlib.util.spec_from_file_location("scale_benchmark", ROOT / "benchmarks" / "scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


scale = _benchmark()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        scale.find_dataset() is None,
        reason="SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder of its zip files",
    ),
]


def test_articles_become_text_files_with_their_headline(tmp_path: Path) -> None:
    rows = scale.read_articles(scale.find_dataset(), 3)
    scale.write_articles(rows, tmp_path)
    files = sorted(tmp_path.glob("*.txt"))
    assert len(files) == 3
    first = files[0].read_text(encoding="utf-8")
    assert first.startswith(rows[0]["title"].strip()) and rows[0]["content"].strip()[:50] in first


def test_smoke_run_prints_and_writes_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, png = tmp_path / "figures.json", tmp_path / "growth.png"
    args = ["--articles", "50", "--sizes", "5", "50", "--ingest-articles", "5", "--questions", "20"]
    args += ["--cold-runs", "1", "--clients", "1", "2", "--duration", "2", "--json", str(out), "--plot", str(png)]
    assert scale.main(args) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))

    ingest = figures["ingest"]
    assert ingest["articles"] == 5 and ingest["chunks"] > 5
    assert ingest["texts_embedded"] >= ingest["chunks"]  # chunks plus their quotable sentences
    assert ingest["reingest_unchanged"] == 5
    assert 0 < ingest["ratio_vs_raw_chunks"] <= ingest["ratio_vs_raw_all_texts"]
    assert ingest["peak_rss_mb"] > 50

    sizes = [row["articles"] for row in figures["queries"]]
    assert sizes == [5, 50]
    for row in figures["queries"]:
        assert row["questions"] == 20
        for stage in scale.STAGES:
            assert 0 <= row[stage]["p50"] <= row[stage]["p95"] <= row[stage]["p99"]
        assert row["total"]["p50"] >= row["encode"]["p50"]
    assert figures["queries"][0]["found"] > 0  # the seed gold questions are answered at seed scale

    assert figures["cold_start"]["ask_json_median_s"] > 0
    assert set(figures["concurrency_api"]["answers_per_s"]) == {"1", "2"}
    gradio = figures["concurrency_gradio"]
    assert gradio["chat_first_answer_s"] >= gradio["chat_up_s"] > 0
    assert all(level["errors"] == 0 and level["answers_per_s"] > 0 for level in gradio["gradio"].values())

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out
    assert "| articles | chunks | p50 ms |" in printed and "| 50 |" in printed
