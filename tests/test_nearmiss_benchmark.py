"""The near-miss builder of benchmarks/nearmiss.py, checked on real Arabic text (no ingest).

One test runs on a small Arabic article written here (two questions share an answer sentence);
the others on a seeded slice of ARCD (``$SANAD_ARCD_DIR`` or ``../shared/data/arcd``; skipped
without it) and on the hand-written near-miss seed questions.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from ingest.chunker import split_sentences
from ingest.textnorm import normalize
from tests.conftest import GOLD, ROOT, SEEDS, article_text

spec = importlib.util.spec_from_file_location("nearmiss_benchmark", ROOT / "benchmarks" / "nearmiss.py")
assert spec and spec.loader
nearmiss = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = nearmiss  # its dataclass looks itself up there
spec.loader.exec_module(nearmiss)

ARCD = next((Path(p) for p in nearmiss.ARCD_CANDIDATES if p and (Path(p) / "gold.jsonl").is_file()), None)
needs_arcd = pytest.mark.skipif(ARCD is None, reason="ARCD not found: set SANAD_ARCD_DIR to the folder of gold.jsonl")

ARTICLE = (
    "نهر النيل\n\n"
    "نهر النيل أطول أنهار العالم. يبلغ طوله نحو 6650 كيلومترا ويمر بمدينة القاهرة. "
    "ينبع النيل الأبيض من بحيرة فكتوريا. ويصب النهر في البحر الأبيض المتوسط.\n"
)


def _survivors(original: str, modified: str, deleted: set[int]) -> None:
    """Every sentence not deleted is still in the modified article, in order."""
    cursor = 0
    for n, sentence in enumerate(split_sentences(original)):
        if n not in deleted:
            found = modified.find(sentence.text, cursor)
            assert found >= 0, sentence.text
            cursor = found + len(sentence.text)


def test_shared_answer_sentence_moves_the_neighbour_and_keeps_the_rest() -> None:
    rows = [
        {"id": "q1", "question": "كم يبلغ طول نهر النيل؟", "answers": ["6650 كيلومترا"], "source": "nile.txt"},
        {"id": "q2", "question": "بأي مدينة يمر النيل؟", "answers": ["القاهرة"], "source": "nile.txt"},
        {"id": "q3", "question": "من أين ينبع النيل الأبيض؟", "answers": ["بحيرة فكتوريا"], "source": "nile.txt"},
        {"id": "q4", "question": "أين يصب النهر؟", "answers": ["البحر الأبيض"], "source": "elsewhere.txt"},
    ]
    articles = {"nile.txt": ARTICLE, "elsewhere.txt": "يصب النهر في البحر الأبيض المتوسط كما يقال.\n"}
    built = nearmiss.build(articles, rows, ["q1", "q4"])
    by_id = {r["id"]: r for r in built.rows}
    assert by_id["q1"]["answers"] == [] and by_id["q1"]["source"] is None
    assert by_id["q1"]["deleted_answers"] == ["6650 كيلومترا"] and by_id["q1"]["group"] == nearmiss.NEAR_MISS
    assert by_id["q2"]["group"] == nearmiss.COLLATERAL  # its sentence went with q1's; القاهرة is nowhere else
    assert by_id["q3"]["group"] == nearmiss.ANSWERABLE and by_id["q3"]["source"] == "nile.txt"
    assert "6650" not in built.texts["nile.txt"] and "القاهرة" not in built.texts["nile.txt"]
    assert built.texts["nile.txt"].startswith("نهر النيل\n\nنهر النيل أطول أنهار العالم. ينبع النيل الأبيض")
    _survivors(ARTICLE, built.texts["nile.txt"], built.deleted["nile.txt"])
    assert built.deleted["nile.txt"] == {2}
    # q4's answer sentence is the whole of its one-sentence article: more than half, so q4 stays answerable...
    assert by_id["q4"]["group"] == nearmiss.ANSWERABLE and built.texts["elsewhere.txt"] == articles["elsewhere.txt"]
    assert built.counts["article would lose too much (kept answerable)"] == 1
    assert built.counts["answerable moved to unanswerable"] == 1 and built.counts["answerable kept"] == 2
    # ...unless the cap is lifted; then its answer is still in nile.txt, which is counted.
    uncapped = nearmiss.build(articles, rows, ["q1", "q4"], max_share=1.0)
    assert {r["id"]: r["group"] for r in uncapped.rows}["q4"] == nearmiss.NEAR_MISS
    assert "البحر" not in uncapped.texts["elsewhere.txt"]
    assert uncapped.counts["unanswerable answer elsewhere in corpus"] == 1


def test_what_is_the_subject_questions_are_told_apart() -> None:
    assert nearmiss.asks_for_definition("ما هو النيل؟", ARTICLE)
    assert nearmiss.asks_for_definition("ماهو نهر النيل؟", ARTICLE)
    assert not nearmiss.asks_for_definition("كم يبلغ طول نهر النيل؟", ARTICLE)
    assert not nearmiss.asks_for_definition("ما هو طول النيل؟", ARTICLE)
    built = nearmiss.build(
        {"nile.txt": ARTICLE},
        [
            {"id": "d", "question": "ما هو نهر النيل؟", "answers": ["أطول أنهار العالم"], "source": "nile.txt"},
        ],
        ["d"],
    )
    assert built.rows[0]["group"] == nearmiss.DEFINITION and built.rows[0]["answers"] == []


def test_answer_across_two_sentences_deletes_both() -> None:
    text = "بدأت الرحلة في الصباح. وصلنا إلى المدينة مساء.\nوبقينا هناك."
    assert nearmiss.answer_sentences(text, ["الصباح. وصلنا"]) == {0, 1}
    assert nearmiss.answer_sentences(text, ["غير موجود"]) is None
    assert nearmiss.delete_sentences(text, {0, 1}) == "\nوبقينا هناك."


@needs_arcd
def test_arcd_slice_halves_are_what_they_claim() -> None:
    assert ARCD is not None
    articles, rows = nearmiss.arcd_corpus(ARCD, 40, 0)
    built = nearmiss.build(articles, rows, nearmiss.choose_unanswerable(rows, 0))
    kept = {r["group"] for r in built.rows}
    assert nearmiss.ANSWERABLE in kept and nearmiss.NEAR_MISS in kept
    assert built.counts["chosen unanswerable"] == 20 and built.counts["answer survives deletion"] == 0
    for row in built.rows:
        if row["group"] == nearmiss.ANSWERABLE:
            assert nearmiss.contains(normalize(built.texts[row["source"]]), row["answers"]), row
        else:
            assert row["answers"] == [] and row["source"] is None and row["deleted_answers"]
            assert not nearmiss.contains(normalize(built.texts[row["article"]]), row["deleted_answers"]), row
            assert nearmiss.contains(normalize(articles[row["article"]]), row["deleted_answers"])
    for name, text in articles.items():
        _survivors(text, built.texts[name], built.deleted[name])
        assert len(built.texts[name]) < len(text) or not built.deleted[name]
        assert len(built.deleted[name]) <= 0.5 * len(split_sentences(text))  # the topic stays
    # Deterministic: the same seed gives the same set.
    again = nearmiss.build(articles, rows, nearmiss.choose_unanswerable(rows, 0))
    assert again.rows == built.rows and again.texts == built.texts


def test_near_miss_seed_questions_are_well_formed() -> None:
    rows = [json.loads(line) for line in (ROOT / "eval" / "nearmiss_seeds.jsonl").read_text("utf-8").splitlines()]
    seed_ids = {json.loads(line)["id"] for line in GOLD.read_text("utf-8").splitlines() if line.strip()}
    assert len(rows) >= 18 and len({r["id"] for r in rows}) == len(rows) and not seed_ids & {r["id"] for r in rows}
    assert all(r["answers"] == [] and r["source"] is None and r["why"] for r in rows)
    questions = {r["question"] for r in rows}
    assert "كم عمر الرئيس الفرنسي فرنسوا هولاند؟" in questions
    assert "من هو قائد الجيش السوري الحر في مدينة حلب؟" in questions
    corpus = normalize(" ".join(article_text(p) for p in sorted(SEEDS.glob("*.txt"))))
    # The entity asked about is in the articles (what makes these near misses, not off-topic questions).
    for entity in ("هولاند", "الجعفري", "عرسال", "لادسوس", "مناف طلاس", "المكتب العسكري"):
        assert normalize(entity) in corpus


#: Measured on this slice (ARCD --limit 60, seed 0) with the calibrated confidence: answered 0.548 (17 of 31),
#: no-answer 0.724 (21 of 29); before it 0.968 and 0.207. Floors sit 3 questions below.
SLICE_FLOORS = {"answered": 0.45, "no_answer_accuracy": 0.62}


@pytest.mark.slow
@needs_arcd
def test_an_arcd_near_miss_slice_is_refused_through_the_real_product(tmp_path: Path) -> None:
    """Ingest the modified articles and ask: near-miss questions refused, answerable ones answered."""
    from rag.evaluate import apply_threshold, score_prediction, summarize
    from rag.gold import GoldItem

    assert nearmiss.main(["--limit", "60", "--out-dir", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    predictions = {
        p["id"]: p for p in map(json.loads, (tmp_path / "predictions" / "variant-00.jsonl").read_text().splitlines())
    }
    scores = [
        score_prediction(GoldItem(r["id"], r["question"], r["answers"], r["source"]), predictions[r["id"]])
        for r in rows
    ]
    figures = summarize(apply_threshold(scores, 0.35))
    assert figures["unanswerable"] >= 15 and figures["answerable"] >= 15
    assert figures["answered"] >= SLICE_FLOORS["answered"], figures
    assert figures["no_answer_accuracy"] >= SLICE_FLOORS["no_answer_accuracy"], figures
