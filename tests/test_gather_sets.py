"""The gold sets of answers that gather (issue 25): their shape, and every gold value found in its sources.

Seed-sourced values are checked against ``data/articles``. SaudiNewsNet-sourced values are checked
against ``2015-07-21.zip`` from ``$SANAD_SAUDINEWSNET_DIR`` or ``../shared/data/saudinewsnet`` beside
the project (never copied into it); where it is missing that part is skipped with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.saudinewsnet import find_dataset, read_zip
from ingest.textnorm import normalize
from tests.conftest import article_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "articles"
MULTI = ROOT / "eval" / "gather_multi.jsonl"
CORROBORATION = ROOT / "eval" / "gather_corroboration.jsonl"
SNN = find_dataset("2015-07-21.zip")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def claims() -> list[tuple[str, list[str], str]]:
    """(row id, written forms of one value, source) for every value and source of both sets."""
    out = []
    for row in rows(MULTI):
        for a in row["answers"]:
            out += [(row["id"], [a["value"], *a.get("aliases", [])], s) for s in a["sources"]]
    for row in rows(CORROBORATION):
        for v in row["values"]:
            out += [(row["id"], [v["value"]], s) for s in v["sources"]]
    return out


def occurs(forms: list[str], text: str) -> bool:
    """A form occurs when, normalised, it starts a word (after an optional clitic) and does not run on
    into digits: «لبنان» is in «ولبنان», 3 is not in 30."""
    folded = normalize(text)
    pattern = r"(?<!\w)(?:[وفبلك]|وال|بال|لل)?{}(?!\d)"
    return any(re.search(pattern.format(re.escape(normalize(f))), folded) for f in forms)


def test_multi_answer_set_shape() -> None:
    data = rows(MULTI)
    assert len(data) >= 20
    assert len({r["id"] for r in data}) == len(data)
    for r in data:
        assert set(r) >= {"id", "question", "answers", "how"} and r["how"].strip()
        assert r.get("scope", "all") in {"all", "seeds"}
        values = [normalize(a["value"]) for a in r["answers"]]
        assert len(set(values)) == len(values) >= 2, r["id"]  # at least two distinct gold answers
        assert all(a["sources"] for a in r["answers"]), r["id"]
        assert any("\u0600" <= ch <= "\u06ff" for ch in r["question"]), r["id"]
    assert any(s.endswith(".txt") for r in data for a in r["answers"] for s in a["sources"])
    assert any(s.startswith("http") for r in data for a in r["answers"] for s in a["sources"])


def test_corroboration_set_shape_and_verdicts() -> None:
    data = rows(CORROBORATION)
    assert len(data) >= 15
    assert len({r["id"] for r in data}) == len(data)
    verdicts = [r["verdict"] for r in data]
    assert verdicts.count("agree") >= 5 and verdicts.count("differ") >= 5
    for r in data:
        assert set(r) >= {"id", "question", "attribute", "values", "verdict", "how"} and r["how"].strip()
        normalised = {v["normalised"] for v in r["values"]}
        # The verdict follows from the values: agree = one normalised value written in several ways.
        assert (r["verdict"] == "agree") == (len(normalised) == 1), r["id"]
        sources = [s for v in r["values"] for s in v["sources"]]
        assert len(set(sources)) >= 2 and all(s.startswith("http") for s in sources), r["id"]


def test_seed_values_occur_in_their_seed_files() -> None:
    texts = {p.name: article_text(p) for p in SEEDS.glob("*.txt")}
    checked = 0
    for rid, forms, source in claims():
        if source.startswith("http"):
            continue
        assert source in texts, (rid, source)
        assert occurs(forms, texts[source]), (rid, forms, source)
        checked += 1
    assert checked >= 20


@pytest.mark.skipif(SNN is None, reason="SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR")
def test_saudinewsnet_values_occur_in_their_articles() -> None:
    assert SNN is not None
    articles = {a["url"]: f"{a['title']}\n{a['content']}" for a in read_zip(SNN / "2015-07-21.zip")}
    checked = 0
    for rid, forms, source in claims():
        if not source.startswith("http"):
            continue
        assert source in articles, (rid, source)
        assert occurs(forms, articles[source]), (rid, forms, source)
        checked += 1
    assert checked >= 100
