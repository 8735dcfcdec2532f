"""Scoring Sanad on gold question/answer pairs (``sanad eval``).

Gold file: one JSON object per line, ``{"id", "question", "answers": [...], "source": file or null}``;
``answers: []`` means the articles do not contain the answer (:mod:`rag.gold.files`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ingest.textnorm import normalize
from rag.gold import GoldItem
from rag.types import Answer

__all__ = [
    "squad_tokens",
    "exact_match",
    "token_f1",
    "score_prediction",
    "summarize",
    "format_table",
    "ask_all",
    "run_eval",
    "threshold_sweep",
    "apply_threshold",
]

RANK_DEPTH = 10


def _contains_gold(text: str, answers: Iterable[str]) -> bool:
    haystack = f" {normalize(text)} "
    return any(f" {normalize(a)} " in haystack or normalize(a) in haystack for a in answers if normalize(a))


_CITATION_MARK = re.compile(r"\s*\[\d+\]")


def squad_tokens(text: str) -> list[str]:
    """SQuAD-style answer tokens with Arabic normalisation.

    :func:`rag.textnorm.normalize` strips diacritics and tatweel, folds alef, yaa and
    taa marbuta forms, and turns every Unicode punctuation mark into a space; then the
    definite article ``ال`` is dropped from the front of each word (``والعراق`` keeps
    its ``و``: only a leading ``ال`` goes, as in the SQuAD English articles rule).
    """
    words = []
    for word in normalize(text).split():
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
        words.append(word)
    return words


def exact_match(prediction: str, answers: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals a normalised gold answer."""
    tokens = squad_tokens(prediction)
    return float(any(tokens == squad_tokens(a) for a in answers))


def token_f1(prediction: str, answers: Iterable[str]) -> float:
    """Best token-overlap F1 between the prediction and any gold answer (SQuAD's measure)."""
    pred = squad_tokens(prediction)
    best = 0.0
    for answer in answers:
        gold = squad_tokens(answer)
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            precision, recall = common / len(pred), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _answer_text(answer: str) -> str:
    """The answer without its ``[n]`` citation marks."""
    return unicodedata.normalize("NFC", _CITATION_MARK.sub("", answer)).strip()


def _same_file(file: str, source: str | None) -> bool:
    """``file`` is the gold source (any file when the gold names none)."""
    return source is None or file == source or Path(file).name == Path(source).name


def _from_source(entry: dict[str, Any], item: GoldItem) -> bool:
    """A retrieved passage or citation comes from one of the gold's sources (a file name or an article url)."""
    if not item.sources:
        return _same_file(entry["file"], item.source)
    return any(entry.get("url") == s or _same_file(entry["file"], s) for s in item.sources)


#: Which outcomes count as right for each expected one: a near miss may be refused or answered in part.
RIGHT_OUTCOMES = {"answered": ("answered",), "partial": ("partial", "not_found"), "not_found": ("not_found",)}


def _outcome(prediction: dict[str, Any]) -> str:
    return prediction.get("outcome") or ("answered" if prediction["found"] else "not_found")


def score_prediction(item: GoldItem, prediction: dict[str, Any]) -> dict[str, Any]:
    """Per-question measures of one prediction (the ``ask --json`` shape)."""
    scores: dict[str, Any] = {"answerable": item.answerable, "found": bool(prediction["found"])}
    scores["latency_ms"] = float(prediction["timings_ms"].get("total", 0.0))
    scores["outcome"] = _outcome(prediction)
    scores["kind"], scores["form"], scores["split"] = item.kind, item.form, item.split
    if item.expect is not None:
        scores["expect"] = item.expect
        scores["outcome_correct"] = scores["outcome"] in RIGHT_OUTCOMES[item.expect]
    if not item.answerable:
        scores["no_answer_correct"] = not prediction["found"]
        scores["confidence"] = float(prediction.get("confidence", 0.0))
        return scores
    rank = None
    for position, passage in enumerate(prediction["retrieved"][:RANK_DEPTH], start=1):
        if _from_source(passage, item) and _contains_gold(passage["text"], item.answers):
            rank = position
            break
    scores["rank"] = rank
    found = bool(prediction["found"])
    text = _answer_text(prediction["answer"]) if found else ""
    scores["answer_contains_gold"] = found and _contains_gold(text, item.answers)
    scores["exact_match"] = exact_match(text, item.answers) if found else 0.0
    scores["f1"] = token_f1(text, item.answers) if found else 0.0
    scores["citation_file"] = any(_from_source(c, item) for c in prediction["citations"])
    scores["citation_correct"] = any(
        _from_source(c, item) and _contains_gold(c["text"], item.answers) for c in prediction["citations"]
    )
    scores["confidence"] = float(prediction.get("confidence", 0.0))
    focuses = [c.get("focus", c["text"]) for c in prediction["citations"]]
    scores["focus_contains_gold"] = found and any(_contains_gold(f, item.answers) for f in focuses)
    scores["first_focus_contains_gold"] = found and bool(focuses) and _contains_gold(focuses[0], item.answers)
    scores["focus_chars"] = len(focuses[0]) if found and focuses else None
    scores["sentences_cited"] = len(prediction["citations"]) if found else 0
    return scores


def summarize(scores: list[dict[str, Any]]) -> dict[str, float]:
    """Aggregate per-question measures into the metrics table."""
    answerable = [s for s in scores if s["answerable"]]
    unanswerable = [s for s in scores if not s["answerable"]]

    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else float("nan")

    ranks = [s["rank"] for s in answerable]
    answered = [s for s in answerable if s["found"]]
    focus_chars = [s["focus_chars"] for s in answered if s.get("focus_chars") is not None]
    latencies = [s["latency_ms"] for s in scores]
    return {
        "questions": len(scores),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": mean([r is not None and r <= 1 for r in ranks]),
        "hit@5": mean([r is not None and r <= 5 for r in ranks]),
        "mrr@10": mean([1.0 / r if r else 0.0 for r in ranks]),
        "answered": mean([s["found"] for s in answerable]),
        "answer_contains_gold": mean([s["answer_contains_gold"] for s in answerable]),
        "exact_match": mean([s["exact_match"] for s in answerable]),
        "f1": mean([s["f1"] for s in answerable]),
        "citation_correct": mean([s["citation_correct"] for s in answerable]),
        "citation_file": mean([s["citation_file"] for s in answerable]),
        "focus_contains_gold": mean([s.get("focus_contains_gold", False) for s in answered]),
        "focus_median_chars": float(np.median(focus_chars)) if focus_chars else float("nan"),
        "one_sentence": mean([s.get("sentences_cited") == 1 for s in answered]),
        "no_answer_accuracy": mean([s["no_answer_correct"] for s in unanswerable]),
        "false_refusal": mean([not s["found"] for s in answerable]),
        "false_answer": mean([not s["no_answer_correct"] for s in unanswerable]),
        "latency_p50_ms": float(np.percentile(latencies, 50)) if latencies else float("nan"),
        "latency_p95_ms": float(np.percentile(latencies, 95)) if latencies else float("nan"),
        **_outcome_metrics(scores),
    }


def _outcome_metrics(scores: list[dict[str, Any]]) -> dict[str, float]:
    """For gold questions with an expected outcome: the share given a right outcome, per expected outcome."""
    out = {}
    for expect in RIGHT_OUTCOMES:
        expecting = [s["outcome_correct"] for s in scores if s.get("expect") == expect]
        if expecting:
            out[f"outcome_{expect}"] = float(np.mean(expecting))
    return out


_LABELS = {
    "questions": "questions",
    "answerable": "  answerable",
    "unanswerable": "  not in the articles",
    "hit@1": "hit@1 (gold passage ranked 1st)",
    "hit@5": "hit@5",
    "mrr@10": "MRR@10",
    "answered": "answered (found=true), of answerable",
    "answer_contains_gold": "answer contains gold",
    "exact_match": "exact match (SQuAD-style, Arabic-normalised)",
    "f1": "token F1",
    "citation_correct": "a cited span contains the gold answer",
    "citation_file": "a citation points to the gold file",
    "focus_contains_gold": "the focus contains the gold answer, of answered",
    "focus_median_chars": "median focus length (characters)",
    "one_sentence": "answers citing one sentence (the rest cite two)",
    "no_answer_accuracy": "no-answer accuracy",
    "false_refusal": "false refusals (answerable, said not found)",
    "false_answer": "false answers (not in the articles, answered)",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
    "outcome_answered": "expected answered: answered",
    "outcome_partial": "expected partial (near miss): partial or refused",
    "outcome_not_found": "expected not in the articles: refused",
}


def format_table(metrics: dict[str, float]) -> str:
    """The metrics as a two-column Markdown table."""
    lines = ["| metric | value |", "|---|---|"]
    for key, label in _LABELS.items():
        if key not in metrics:  # outcome measures: only for gold sets that expect outcomes
            continue
        value = metrics[key]
        shown = str(int(value)) if key in {"questions", "answerable", "unanswerable"} else f"{value:.3f}"
        if key.startswith("latency") or key == "focus_median_chars":
            shown = f"{value:.1f}"
        lines.append(f"| {label} | {shown} |")
    return "\n".join(lines)


def ask_all(
    items: list[GoldItem],
    ask: Callable[[str], Answer],
    out: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Ask every gold question and return its per-question measures.

    Predictions (``ask --json`` shape + ``id``) are written to ``out`` when given.
    """
    scores = []
    handle = open(out, "w", encoding="utf-8") if out else None
    try:
        for done, item in enumerate(items, start=1):
            prediction = ask(item.question).to_dict()
            if handle:
                handle.write(json.dumps({"id": item.id, **prediction}, ensure_ascii=False) + "\n")
            scores.append(score_prediction(item, prediction))
            if progress:
                progress(done, len(items))
    finally:
        if handle:
            handle.close()
    return scores


def run_eval(
    items: list[GoldItem],
    ask: Callable[[str], Answer],
    out: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float]:
    """Ask every gold question (see :func:`ask_all`) and return the metrics."""
    return summarize(ask_all(items, ask, out, progress))


def apply_threshold(scores: list[dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    """Measures as ``answer.min_confidence = threshold`` would give them, from a run at a lower one.

    Raising the threshold only turns answers into "not found" (which sentences are
    quoted does not depend on it), so this is exact for any threshold at or above
    the one the run used.
    """
    out = []
    for s in scores:
        if not s["found"] or s["confidence"] >= threshold:
            out.append(s)
            continue
        refused = {**s, "found": False}
        if s["answerable"]:
            refused.update(
                answer_contains_gold=False,
                exact_match=0.0,
                f1=0.0,
                citation_file=False,
                citation_correct=False,
                focus_contains_gold=False,
                focus_chars=None,
                sentences_cited=0,
            )
        else:
            refused["no_answer_correct"] = True
        out.append(refused)
    return out


def threshold_sweep(scores: list[dict[str, Any]], thresholds: Iterable[float]) -> list[dict[str, float]]:
    """The metrics :func:`apply_threshold` gives for each threshold, one row each."""
    return [{"threshold": t, **summarize(apply_threshold(scores, t))} for t in thresholds]
