"""Near-miss benchmark: questions whose topic is in the articles but whose answer is not (issue 13).

ARCD (``$SANAD_ARCD_DIR`` or ``../shared/data/arcd``; never copied into the project): half of the questions
(seeded) become unanswerable by deleting from their article every sentence holding their gold answer
(``ingest.chunker.split_sentences``, matched after ``ingest.textnorm.normalize``), while at least half of each
article stays: the topic stays, the fact goes. Answerable questions must still find their answer in their
modified article (else dropped, or unanswerable if it is gone from the whole corpus), unanswerable ones must
not. ``benchmarks/quality.py`` ingests and asks it (the real product); ``rag.evaluate`` scores each group.

    .venv/bin/python benchmarks/nearmiss.py                                  # all 1,395 ARCD questions
    .venv/bin/python benchmarks/nearmiss.py --limit 60                       # CI slice
    .venv/bin/python benchmarks/nearmiss.py --seeds                          # seeds + eval/nearmiss_seeds.jsonl
    .venv/bin/python benchmarks/nearmiss.py --seeds --mix-saudinewsnet 300   # + 300 distractor articles

``--seeds``: eval/gold_seeds.jsonl + eval/nearmiss_seeds.jsonl over the seed articles; ``--mix-saudinewsnet N`` adds
N SaudiNewsNet articles (as benchmarks/scale.py converts them). ``--report FILE`` keeps the Markdown printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.chunker import headline, split_sentences  # noqa: E402
from ingest.textnorm import normalize  # noqa: E402
from rag.answers.threshold import answer_threshold  # noqa: E402
from rag.config import load_config  # noqa: E402
from rag.evaluate import score_prediction, squad_tokens, threshold_sweep  # noqa: E402
from rag.gold import GoldItem  # noqa: E402

ARCD_CANDIDATES = [os.environ.get("SANAD_ARCD_DIR", ""), str(ROOT.parent / "shared" / "data" / "arcd")]
SWEEP = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
ANSWERABLE, NEAR_MISS, COLLATERAL = "answerable", "near-miss", "near-miss (answer lost to a neighbour)"
Row = dict[str, Any]  # one gold question, as read from / written to JSONL
DEFINITION = "near-miss, 'what/who is <the article's subject>?'"


def contains(normalized: str, answers: list[str]) -> bool:
    """A gold answer occurs in ``normalized`` (a ``ingest.textnorm.normalize`` text), as ``rag.evaluate`` judges."""
    return any(normalize(a) and normalize(a) in normalized for a in answers)


def asks_for_definition(question: str, article: str) -> bool:
    """«ما هو السرطان؟», «من هو زين الدين زيدان؟»: the rest of the article still answers these in part."""
    words = squad_tokens(question)
    words = ["ما", "هو", *words[1:]] if words[:1] in (["ماهو"], ["ماهي"], ["منهو"]) else words
    title = set(squad_tokens(headline(article)))
    return words[:1] in (["ما"], ["من"]) and words[1:2] in (["هو"], ["هي"], ["هم"]) and set(words[2:]) <= title


def answer_sentences(text: str, answers: list[str]) -> set[int] | None:
    """Indices (into ``split_sentences(text)``) of every sentence holding a gold answer; an answer no
    single sentence holds takes the shortest run of consecutive sentences that does. None: not found."""
    sentences = [normalize(s.text) for s in split_sentences(text)]
    found: set[int] = set()
    for answer in filter(None, map(normalize, answers)):
        for width in (1, 2, 3):
            hits = [i for i in range(len(sentences) - width + 1) if answer in " ".join(sentences[i : i + width])]
            if hits:
                found.update(i + k for i in hits for k in range(width))
                break
    return found or None


def delete_sentences(text: str, indices: set[int]) -> str:
    """``text`` without the sentences at ``indices`` (and the spaces after them); the rest is kept as is."""
    out, cursor = [], 0
    for n, span in enumerate(split_sentences(text)):
        if n in indices:
            out.append(text[cursor : span.start])
            cursor = span.end
            while cursor < len(text) and text[cursor] in " \t":
                cursor += 1
    out.append(text[cursor:])
    return "".join(out)


@dataclass
class Built:
    """A near-miss corpus: modified article texts, the gold rows asked of them, and what happened."""

    texts: dict[str, str]
    deleted: dict[str, set[int]]
    rows: list[Row]
    counts: dict[str, int]


COUNTS = (
    "questions|chosen unanswerable|answer not in its article (dropped)|answer survives deletion|"
    "article would lose too much (kept answerable)|answerable kept|answerable dropped (answer gone, still elsewhere)|"
    "answerable moved to unanswerable|unanswerable kept|unanswerable answer elsewhere in corpus|articles modified|"
    "sentences deleted"
).split("|")


def choose_unanswerable(rows: list[Row], seed: int) -> list[str]:
    """Half of the question ids, seeded, in the seeded order :func:`build` takes them in."""
    ids = sorted(r["id"] for r in rows)
    return random.Random(seed).sample(ids, len(ids) // 2)


def build(articles: dict[str, str], rows: list[Row], unanswerable: list[str], max_share: float = 0.5) -> Built:
    """Delete the answer sentences of the ``unanswerable`` questions, in order, while each article keeps at least
    ``1 - max_share`` of its sentences (a question that would take more stays answerable); check both halves."""
    counts = dict.fromkeys(COUNTS, 0)
    counts["questions"], counts["chosen unanswerable"] = len(rows), len(unanswerable)
    deleted: dict[str, set[int]] = {name: set() for name in articles}
    by_id = {r["id"]: r for r in rows}
    located: list[Row] = []
    for row in (by_id[i] for i in unanswerable):
        indices = answer_sentences(articles[row["source"]], row["answers"])
        if indices is None:  # not in the article: counted (and dropped) with the answerable half below
            continue
        if len(deleted[row["source"]] | indices) > max_share * len(split_sentences(articles[row["source"]])):
            counts["article would lose too much (kept answerable)"] += 1
        else:
            deleted[row["source"]] |= indices
            located.append(row)
    taken = {r["id"] for r in located}
    texts = {name: delete_sentences(text, deleted[name]) if deleted[name] else text for name, text in articles.items()}
    counts["articles modified"] = sum(bool(d) for d in deleted.values())
    counts["sentences deleted"] = sum(len(d) for d in deleted.values())
    normalized = {name: normalize(text) for name, text in texts.items()}
    out: list[Row] = []

    def refused(row: Row, group: str) -> Row:
        group = DEFINITION if asks_for_definition(row["question"], articles[row["source"]]) else group
        extra = {"deleted_answers": row["answers"], "article": row["source"], "group": group}
        return {**row, "answers": [], "source": None, **extra}

    for row in located:
        if contains(normalized[row["source"]], row["answers"]):
            counts["answer survives deletion"] += 1
        else:
            others = (t for name, t in normalized.items() if name != row["source"])
            counts["unanswerable answer elsewhere in corpus"] += any(contains(t, row["answers"]) for t in others)
            out.append(refused(row, NEAR_MISS))
    for row in (r for r in rows if r["id"] not in taken):
        if not contains(normalize(articles[row["source"]]), row["answers"]):
            counts["answer not in its article (dropped)"] += 1
        elif contains(normalized[row["source"]], row["answers"]):
            out.append({**row, "group": ANSWERABLE})
        elif any(contains(t, row["answers"]) for t in normalized.values()):
            counts["answerable dropped (answer gone, still elsewhere)"] += 1
        else:
            counts["answerable moved to unanswerable"] += 1
            out.append(refused(row, COLLATERAL))
    counts["answerable kept"] = sum(r["group"] == ANSWERABLE for r in out)
    counts["unanswerable kept"] = len(out) - counts["answerable kept"]
    return Built(texts, deleted, sorted(out, key=lambda r: r["id"]), counts)


def read_jsonl(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def arcd_corpus(arcd: Path, limit: int, seed: int) -> tuple[dict[str, str], list[Row]]:
    """ARCD's articles and questions; with ``limit``, a seeded sample and only the articles it asks about."""
    rows = read_jsonl(arcd / "gold.jsonl")
    if limit and limit < len(rows):
        rows = sorted(random.Random(seed).sample(rows, limit), key=lambda r: r["id"])
    names = sorted({r["source"] for r in rows}) if limit else sorted(p.name for p in (arcd / "docs").glob("*.txt"))
    return {n: (arcd / "docs" / n).read_text(encoding="utf-8") for n in names}, rows


def seeds_gold() -> list[Row]:
    """The seed gold set (answerable, off-topic) and the hand-written near-miss questions."""
    seed_rows = read_jsonl(ROOT / "eval" / "gold_seeds.jsonl")
    rows = [{**r, "group": ANSWERABLE if r["answers"] else "off-topic"} for r in seed_rows]
    return rows + [{**r, "group": NEAR_MISS} for r in read_jsonl(ROOT / "eval" / "nearmiss_seeds.jsonl")]


def add_saudinewsnet(folder: Path, count: int) -> int:
    """Write the first ``count`` SaudiNewsNet articles into ``folder`` as benchmarks/scale.py converts them."""
    spec = importlib.util.spec_from_file_location("scale_benchmark", ROOT / "benchmarks" / "scale.py")
    assert spec and spec.loader
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    if (dataset := scale.find_dataset()) is None:
        raise SystemExit("SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder of its zip files")
    rows = scale.read_articles(dataset, count)
    scale.write_articles(rows, folder)
    return len(rows)


def run_product(corpus: Path, gold: Path, work: Path, sweep: list[float], config: Path) -> list[Row]:
    """Ingest and ask with ``benchmarks/quality.py`` (a real run of the product); its predictions."""
    paths = {"--corpus": corpus, "--gold": gold, "--config": config, "--json": work / "quality.json"}
    paths["--predictions"] = work / "predictions"
    command = [sys.executable, str(ROOT / "benchmarks" / "quality.py"), "--sweep", *map(str, sweep)]
    command += [str(part) for pair in paths.items() for part in pair]
    subprocess.run(command, check=True, stdout=sys.stderr)
    return read_jsonl(work / "predictions" / "variant-00.jsonl")


def report(rows: list[Row], predictions: list[Row], sweep: list[float], chosen: float) -> str:
    """Markdown: measures per question group at ``chosen``, the threshold curve, and the misses."""
    by_id = {p["id"]: p for p in predictions}
    groups: dict[str, list[Row]] = {}
    for r in rows:
        score = score_prediction(GoldItem(r["id"], r["question"], r["answers"], r["source"]), by_id[r["id"]])
        groups.setdefault(r["group"], []).append({**score, "id": r["id"], "question": r["question"]})
    refusable = [g for g in groups if g != ANSWERABLE]
    if len(refusable) > 1:
        groups["all unanswerable"] = [s for g in refusable for s in groups[g]]
    thresholds = sorted({*sweep, chosen})
    curves = {g: threshold_sweep(s, thresholds) for g, s in groups.items()}
    a = curves[ANSWERABLE][thresholds.index(chosen)]
    keys = ("answered", "false_refusal", "answer_contains_gold", "citation_correct", "hit@5")
    summary = ", ".join(f"{k.replace('_', ' ')} {a[k]:.3f}" for k in keys)
    lines = [f"At the configured min_confidence {chosen}:", "", f"- answerable ({a['answerable']}): {summary}"]
    for g, curve in curves.items():
        if g != ANSWERABLE:
            m = curve[thresholds.index(chosen)]
            rates = f"no-answer accuracy {m['no_answer_accuracy']:.3f}, **false answers {m['false_answer']:.3f}**"
            lines.append(f"- {g} ({m['unanswerable']}): {rates}")
    head = ["min_confidence", "answered", "contains gold", "false refusals"]
    head += [f"false answers: {g}" for g in curves if g != ANSWERABLE]
    lines += ["", "min_confidence trade-off:", "", "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for n, t in enumerate(thresholds):
        cells = [f"{curves[ANSWERABLE][n][k]:.3f}" for k in ("answered", "answer_contains_gold", "false_refusal")]
        cells += [f"{c[n]['false_answer']:.3f}" for g, c in curves.items() if g != ANSWERABLE]
        lines.append(f"| {f'**{t:.2f}**' if t == chosen else f'{t:.2f}'} | " + " | ".join(cells) + " |")
    for g in refusable:
        wrong = [s for s in groups[g] if s["found"] and s["confidence"] >= chosen]
        lines += ["", f"{g}: answered at {chosen} ({len(wrong)}), highest confidence first:", ""]
        for s in sorted(wrong, key=lambda s: -s["confidence"])[:30]:
            cite = (by_id[s["id"]]["citations"] or [{"file": "?"}])[0]["file"]
            answer = by_id[s["id"]]["answer"].replace("\n", " ")[:100]
            lines.append(f"- `{s['id']}` {s['confidence']:.2f} «{s['question']}» → `{cite}`: {answer}")
    missed = [s for s in groups[ANSWERABLE] if not s["found"] or s["confidence"] < chosen]
    lines += ["", f"answerable but refused at {chosen} ({len(missed)}), closest to the threshold first:", ""]
    missed.sort(key=lambda s: -s["confidence"])
    lines += [f"- `{s['id']}` {s['confidence']:.2f} «{s['question']}»" for s in missed[:30]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", action="store_true", help="seed articles + seed gold + eval/nearmiss_seeds.jsonl")
    parser.add_argument("--mix-saudinewsnet", type=int, default=0, metavar="N", help="add N SaudiNewsNet articles")
    parser.add_argument("--limit", type=int, default=0, help="ARCD: sample this many questions (0: all)")
    parser.add_argument("--seed", type=int, default=0, help="ARCD: sampling and unanswerable-half seed")
    parser.add_argument("--max-deleted-share", type=float, default=0.5, help="ARCD: most of an article deleted")
    parser.add_argument("--out-dir", type=Path, help="keep the corpus, gold and predictions here")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--build-only", action="store_true", help="with --out-dir: write corpus and gold only")
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sanad-nearmiss-") as tmp:
        work = args.out_dir or Path(tmp)
        shutil.rmtree(corpus := work / "docs", ignore_errors=True)
        corpus.mkdir(parents=True)
        counts: dict[str, int] = {}
        if args.seeds:
            shutil.copytree(ROOT / "data" / "articles", corpus, dirs_exist_ok=True)
            rows = seeds_gold()
            title = "Seed articles: seed gold set + near-miss seed questions"
        else:
            arcd = next((Path(p) for p in ARCD_CANDIDATES if p and (Path(p) / "gold.jsonl").is_file()), None)
            if arcd is None:
                parser.error("ARCD not found: set SANAD_ARCD_DIR to the folder holding gold.jsonl")
            articles, source_rows = arcd_corpus(arcd, args.limit, args.seed)
            built = build(articles, source_rows, choose_unanswerable(source_rows, args.seed), args.max_deleted_share)
            for name, text in built.texts.items():
                (corpus / name).write_text(text, encoding="utf-8")
            rows, counts = built.rows, built.counts
            title = f"ARCD near-miss ({len(articles)} articles, {len(source_rows)} questions, seed {args.seed})"
        if args.mix_saudinewsnet:
            title += f" + {add_saudinewsnet(corpus, args.mix_saudinewsnet)} SaudiNewsNet articles"
        gold = work / "gold.jsonl"
        gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        header = [f"## {title}", ""] + [f"- {k}: {v}" for k, v in counts.items()]
        print("\n".join(header), file=sys.stderr)
        if args.build_only:
            return 0
        chosen = answer_threshold(load_config(args.config).answer)
        predictions = run_product(corpus, gold, work, SWEEP, args.config)
        markdown = "\n".join([*header, "", report(rows, predictions, SWEEP, chosen), ""])
        print(markdown)
        if args.report:
            args.report.write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
