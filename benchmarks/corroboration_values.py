"""Value extraction and agreement on the corroboration gold set (issue 25): reads the asked value out of
each cited sentence with :func:`rag.gather.values.asked_values` and compares values with
:func:`rag.gather.values.same_value`.

    python benchmarks/corroboration_values.py [--verbose]

For every fact of ``eval/gather_corroboration.jsonl``, every written value and every source, the first
sentence (title, then content) of the SaudiNewsNet article that holds the written value is read with the
article's day as ``published``. Prints (1) extraction accuracy: the first value agrees with the gold
normalised value; (2) pairwise agreement: for every pair of sources of a fact, ``same_value`` of their
extracted values equals whether their gold normalised values are equal; (3) fact verdicts: agree when all
extracted values are pairwise the same, against the gold verdict. Extraction is also counted over every
sentence that holds a written value, not only the first. SaudiNewsNet is found as
``benchmarks/gather_corpus.py`` finds it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gather_corpus import find_dataset, read_day  # noqa: E402

from ingest.textnorm import normalize  # noqa: E402
from rag.gather.values import Value, asked_values, same_value  # noqa: E402

GOLD = ROOT / "eval" / "gather_corroboration.jsonl"
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_SENTENCE_END = re.compile(r"\n+|(?<=[.!؟?])\s+")


def gold_value(kind: str, normalised: str) -> Value:
    """A Value for a gold ``normalised`` form: «27», «68.18 billion SAR», «2015-08-15», a name."""
    if kind == "date":
        return Value("date", normalised, 0, len(normalised), normalised)
    match = re.fullmatch(r"([\d.]+)(?: (thousand|million|billion))?(?: ([A-Z]{3}))?", normalised)
    if kind != "number" or match is None:
        return Value("name", normalised, 0, len(normalised), " ".join(normalize(normalised).split()))
    figure, scale_word, unit = match.groups()
    scale = _SCALES.get(scale_word or "", 1.0)
    decimals = len(figure.split(".")[1]) if "." in figure else 0
    amount = float(figure) * scale
    return Value("number", normalised, 0, len(normalised), normalised, amount, unit, decimals, scale)


def holds(form: str, sentence: str) -> bool:
    """``form`` occurs in ``sentence`` at a word start (after an optional clitic), not running into digits."""
    pattern = rf"(?<!\w)(?:[وفبلك]|وال|بال|لل)?{re.escape(normalize(form))}(?!\d)"
    return re.search(pattern, normalize(sentence)) is not None


def sentences(article: dict[str, str]) -> list[str]:
    """The title, then the content's sentences (split at line breaks and sentence-ending marks)."""
    parts = [article.get("title") or ""] + _SENTENCE_END.split(article.get("content") or "")
    return [p.strip() for p in parts if p.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every extraction")
    args = parser.parse_args()
    folder = find_dataset()
    if folder is None:
        sys.exit("SaudiNewsNet not found: set SANAD_SAUDINEWSNET_DIR to the folder holding 2015-07-21.zip")
    articles = {a["url"]: a for a in read_day(folder)}
    facts = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    began = time.perf_counter()
    extracted = right = every = every_right = pairs = pairs_right = verdicts_right = 0
    failures: list[str] = []
    for fact in facts:
        rows: list[tuple[str, Value | None, str]] = []  # (gold normalised, first value, source)
        for written in fact["values"]:
            for url in written["sources"]:
                article = articles[url]
                sentence = next((s for s in sentences(article) if holds(written["value"], s)), "")
                found = asked_values(fact["question"], sentence, published=article["date_extracted"][:10])
                first = found[0] if found else None
                kind = first.kind if first else "number"
                ok = first is not None and same_value(first, gold_value(kind, written["normalised"]))
                extracted += 1
                right += ok
                for other in (s for s in sentences(article) if holds(written["value"], s)):  # every holding one
                    more = asked_values(fact["question"], other, published=article["date_extracted"][:10])
                    every += 1
                    every_right += bool(more) and same_value(more[0], gold_value(more[0].kind, written["normalised"]))
                rows.append((written["normalised"], first, url))
                if args.verbose or not ok:
                    got = f"{first.text} -> {first.key}" if first else "nothing"
                    print(f"{'  ' if ok else '✗ '}{fact['id']} {written['value']!r}: {got}   [{sentence[:90]}]")
        for (gold_a, va, _), (gold_b, vb, _) in combinations(rows, 2):
            pairs += 1
            said = va is not None and vb is not None and same_value(va, vb)
            pairs_right += said == (gold_a == gold_b)
        values = [v for _, v, _ in rows]
        agree = all(v is not None for v in values) and all(same_value(a, b) for a, b in combinations(values, 2))
        if agree == (fact["verdict"] == "agree"):
            verdicts_right += 1
        else:
            keys = sorted({v.key if v else "-" for v in values})
            failures.append(f"{fact['id']} gold {fact['verdict']}, said {'agree' if agree else 'differ'}: {keys}")
    took = time.perf_counter() - began
    print(f"\nextraction: {right}/{extracted} = {right / extracted:.3f} first values agree with the gold value")
    print(f"            {every_right}/{every} = {every_right / every:.3f} over every sentence holding a written value")
    print(f"pairs:      {pairs_right}/{pairs} = {pairs_right / pairs:.3f} same_value == gold equality")
    print(f"verdicts:   {verdicts_right}/{len(facts)} facts right")
    for line in failures:
        print("  ✗", line)
    print(f"({took:.2f} s for {extracted} sentences)")


if __name__ == "__main__":
    main()
