"""Today's Sanad on the gold sets of answers that gather (issue 25): the "before" line.

    nice -n 10 python benchmarks/gather_baseline.py [--extra 200]

Builds the corpus of ``benchmarks/gather_corpus.py`` (seeds + cited SaudiNewsNet articles + ``--extra``
distractors) in a temporary folder and ingests it with the real system (``rag.Assistant``, default
config); the seeds alone go into a second index, for the questions whose gold answers were gathered
over the seeds only (``"scope": "seeds"``). Then:

- ``eval/gather_multi.jsonl``: each question is asked once. Recall is the share of its gold answer
  values (or their aliases) found in the answer text and its quoted citations; precision the share of
  citations drawn from an article that holds a gold answer. The same recall over the top-10 retrieved
  passages says how far retrieval alone gets.
- ``eval/gather_corroboration.jsonl``: how many of each question's distinct values (its ``normalised``
  forms, each found by any of its written forms) appear among the top-10 retrieved passages, and how
  many of its cited articles those passages come from.

A value matches when its normalised form (``ingest.textnorm.normalize``) starts a word of the text
(after a clitic و ف ب ل ك or وال بال لل) and does not run on into more digits.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.gather_corpus import build_corpus, find_dataset  # noqa: E402
from ingest.textnorm import normalize  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402

MULTI = ROOT / "eval" / "gather_multi.jsonl"
CORROBORATION = ROOT / "eval" / "gather_corroboration.jsonl"
TOP_K = 10
#: A value at the start of a word (after an optional clitic), not followed by more digits.
VALUE = r"(?<!\w)(?:[وفبلك]|وال|بال|لل)?{}(?!\d)"


def load(path: Path) -> list[dict]:
    """The rows of a JSON-lines gold set."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def holds(text: str, forms: Iterable[str]) -> bool:
    """True when any of ``forms`` occurs in ``text`` after normalisation, starting a word (clitics
    allowed: «ولبنان» holds «لبنان») and not running on into digits (``3`` is not found in ``30``)."""
    folded = normalize(text)
    return any(re.search(VALUE.format(re.escape(normalize(form))), folded) for form in forms)


def source_of(item: object) -> str:
    """The gold sets' name for a passage's or citation's article: its url, else its file name."""
    return getattr(item, "url", None) or getattr(item, "file", "")


def assistant_for(corpus: Path, index: Path, gather: bool = True):  # noqa: ANN201 (rag.Assistant, imported late)
    """An assistant over ``index`` with ``corpus`` ingested into it (quick when already there)."""
    from rag import Assistant
    from rag.config import SanadConfig

    config = SanadConfig()
    config.index.path = index
    config.answer.gather = gather
    assistant = Assistant(config)
    started = time.perf_counter()
    report = assistant.ingest([corpus])
    print(f"ingest {corpus.name}: {report.summary()} ({time.perf_counter() - started:.0f} s)", flush=True)
    return assistant


def run_multi(rows: list[dict], pick) -> None:  # noqa: ANN001 (row -> Assistant)
    """Print per-question and overall recall/precision for the multi-answer set."""
    found = total = good_cites = cites = retrieved_found = two_or_more = 0
    for row in rows:
        assistant = pick(row)
        answer = assistant.ask(row["question"])
        quoted = " ".join([answer.answer, *(c.text for c in answer.citations)])
        passages = assistant.search(row["question"], top_k=TOP_K)
        window = " ".join(p.text for p in passages)
        gold_sources = {s for a in row["answers"] for s in a["sources"]}
        hit = [holds(quoted, [a["value"], *a.get("aliases", [])]) for a in row["answers"]]
        in_top = [holds(window, [a["value"], *a.get("aliases", [])]) for a in row["answers"]]
        ok = sum(source_of(c) in gold_sources for c in answer.citations)
        found += sum(hit)
        total += len(hit)
        retrieved_found += sum(in_top)
        two_or_more += sum(hit) >= 2
        good_cites += ok
        cites += len(answer.citations)
        print(
            f"  {row['id']} [{row.get('scope', 'all')}] answer {sum(hit)}/{len(hit)},"
            f" top-{TOP_K} {sum(in_top)}/{len(hit)}, citations from gold articles {ok}/{len(answer.citations)}"
        )
    print(
        f"(a) {len(rows)} questions, {total} gold answers: recall in the answer {found / total:.3f}"
        f" ({found}/{total}); questions with >= 2 gold answers quoted {two_or_more}/{len(rows)};"
        f" citation precision {good_cites / max(cites, 1):.3f} ({good_cites}/{cites});"
        f" recall in the top-{TOP_K} passages {retrieved_found / total:.3f} ({retrieved_found}/{total})"
    )


def run_corroboration(rows: list[dict], assistant) -> None:  # noqa: ANN001
    """Print, per fact, how many distinct values and cited articles the top-10 passages hold."""
    values_found = values_total = all_values = sources_found = sources_total = 0
    shown = {"agree": 0, "differ": 0}
    for row in rows:
        passages = assistant.search(row["question"], top_k=TOP_K)
        window = " ".join(p.text for p in passages)
        forms: dict[str, list[str]] = {}
        for v in row["values"]:
            forms.setdefault(v["normalised"], []).append(v["value"])
        present = [n for n, fs in forms.items() if holds(window, fs)]
        cited = {s for v in row["values"] for s in v["sources"]}
        reached = cited & {source_of(p) for p in passages}
        values_found += len(present)
        values_total += len(forms)
        all_values += len(present) == len(forms)
        sources_found += len(reached)
        sources_total += len(cited)
        # What a corroboration line needs: for "differ", two differing values; for "agree", two sources.
        shown[row["verdict"]] += len(present) >= 2 if row["verdict"] == "differ" else len(reached) >= 2
        print(
            f"  {row['id']} {row['verdict']}: values {len(present)}/{len(forms)},"
            f" cited articles in top-{TOP_K} {len(reached)}/{len(cited)}"
        )
    n = {k: sum(r["verdict"] == k for r in rows) for k in shown}
    print(
        f"(c) {len(rows)} facts ({n['agree']} agree, {n['differ']} differ): distinct values in the top-{TOP_K}"
        f" {values_found}/{values_total}, every value {all_values}/{len(rows)}; cited articles in the top-{TOP_K}"
        f" {sources_found}/{sources_total}; 'differ' with both sides retrieved {shown['differ']}/{n['differ']},"
        f" 'agree' with >= 2 agreeing articles retrieved {shown['agree']}/{n['agree']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extra", type=int, default=200, help="distractor SaudiNewsNet articles (default 200)")
    args = parser.parse_args()
    folder = find_dataset()
    if folder is None:
        sys.exit("SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder holding 2015-07-21.zip")
    apply_defaults()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "gather_corpus"
        print(f"corpus: {build_corpus(corpus, folder, args.extra)}", flush=True)
        whole = assistant_for(corpus, Path(tmp) / "index")
        seeds = assistant_for(ROOT / "data" / "articles", Path(tmp) / "seeds_index")
        run_multi(load(MULTI), lambda row: seeds if row.get("scope") == "seeds" else whole)
        run_corroboration(load(CORROBORATION), whole)


if __name__ == "__main__":
    main()
