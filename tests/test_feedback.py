"""Analysts' judgements become a gold file ``sanad eval`` reads (real index of the seeds, real encoder).

The store is the real file; the answers judged are the real answers of the seed index; ``run_eval``
scores the current system against the judgements. ``/api/feedback`` is driven through the real
``sanad serve`` with httpx; the chat's buttons are in tests/test_browser_feedback.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from rag import Assistant
from rag.config import FeedbackConfig
from rag.evaluate import run_eval, score_prediction
from rag.gold import FeedbackError, FeedbackStore, Judgement, read_gold
from rag.gold.feedback import index_state, question_id
from tests.serve_support import TOKEN

FAMILIES = "كم عدد العائلات المحاصرة في حمص؟"
TAWHEED = "من هو قائد لواء التوحيد؟"
OFF_TOPIC = "ما هي عاصمة أستراليا؟"


@pytest.fixture()
def judged(seed_assistant: Assistant, tmp_path: Path) -> Assistant:
    """The seed index with its own judgements file (the session's assistant is shared, read-only)."""
    config = seed_assistant.config.model_copy(update={"feedback": FeedbackConfig(path=tmp_path / "data" / "fb.jsonl")})
    return Assistant(config, embed_model=seed_assistant.embed_model)


def _judgement(assistant: Assistant, question: str, verdict: str, **extra) -> Judgement:
    answer = assistant.ask(question)
    shown = answer.to_dict()
    return Judgement(question, answer.answer, answer.found, verdict, shown["citations"], **extra)  # type: ignore[arg-type]


def test_each_judgement_makes_the_gold_item_it_should(judged: Assistant) -> None:
    up = judged.judge(_judgement(judged, FAMILIES, "up"))
    assert up["gold"] and up["source"] == "001_98fba5ff296b2f2c.txt" and "800" in up["answers"][0]
    refusal = judged.ask(OFF_TOPIC)
    assert not refusal.found
    confirmed = judged.judge(Judgement(OFF_TOPIC, refusal.answer, False, "up"))
    assert confirmed["gold"] and confirmed["answers"] == [] and confirmed["source"] is None
    fixed = judged.judge(_judgement(judged, TAWHEED, "down", correct_answer="عبد القادر الصالح"))
    assert fixed["answers"] == ["عبد القادر الصالح"] and fixed["source"] is not None  # found by search
    assert "عبد القادر الصالح" in judged.read_source(fixed["source"]).text
    unknown = judged.judge(_judgement(judged, "من هو وزير الدفاع؟", "down", correct_answer="اسم لا يرد في أي مقال"))
    assert unknown["source"] is None and unknown["answers"] == ["اسم لا يرد في أي مقال"]
    lines = judged.feedback.judgements()
    assert len(lines) == 4 and all(line["index"] == index_state(judged.sources()) for line in lines)
    assert lines[0]["shown"]["citations"][0]["file"] == "001_98fba5ff296b2f2c.txt"
    items = {item.question: item for item in judged.feedback.gold_items()}
    assert set(items) == {FAMILIES, OFF_TOPIC, TAWHEED, "من هو وزير الدفاع؟"}
    assert items[FAMILIES].answerable and not items[OFF_TOPIC].answerable and items[TAWHEED].answerable


def test_judging_again_replaces_and_a_bare_thumbs_down_withdraws(judged: Assistant) -> None:
    judged.judge(_judgement(judged, FAMILIES, "up"))
    spelled = "كَمْ عدد العائلات المحاصرة في حمص ؟"  # diacritics and a space: the same question
    assert question_id(spelled) == question_id(FAMILIES)
    judged.judge(_judgement(judged, spelled, "down", not_in_articles=True))
    (only,) = judged.feedback.gold_items()
    assert only.question == spelled and only.answers == [] and not only.answerable
    judged.judge(_judgement(judged, FAMILIES, "down"))  # wrong, without saying what is right
    assert judged.feedback.gold_items() == [] and len(judged.feedback.judgements()) == 3
    assert judged.feedback.judgements()[-1]["gold"] is False


def test_contradictions_and_unwritable_files_are_refused_by_name(judged: Assistant, tmp_path: Path) -> None:
    with pytest.raises(FeedbackError, match="correct_answer"):
        Judgement(FAMILIES, "x", True, "up", [{"file": "a.txt", "text": "x"}], correct_answer="800")
    with pytest.raises(FeedbackError, match="contradict"):
        Judgement(FAMILIES, "x", True, "down", correct_answer="800", not_in_articles=True)
    with pytest.raises(FeedbackError, match="verdict"):
        Judgement(FAMILIES, "x", True, "meh")  # type: ignore[arg-type]
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with pytest.raises(FeedbackError, match=str(blocked / "fb.jsonl")):
        FeedbackStore(blocked / "fb.jsonl").record(Judgement(OFF_TOPIC, "x", False, "up"))


def test_judgements_survive_a_restart_leave_the_index_alone_and_score_the_system(
    judged: Assistant, tmp_path: Path
) -> None:
    manifest = judged.manifest_path.read_bytes()
    before = index_state(judged.sources()), [p.chunk_id for p in judged.search(FAMILIES, top_k=10)]
    judged.judge(_judgement(judged, FAMILIES, "up"))
    judged.judge(Judgement(OFF_TOPIC, judged.ask(OFF_TOPIC).answer, False, "up"))
    judged.judge(_judgement(judged, TAWHEED, "down", correct_answer="عبد القادر الصالح"))
    restarted = Assistant(judged.config, embed_model=judged.embed_model)  # a new process reads the same file
    assert (index_state(restarted.sources()), [p.chunk_id for p in restarted.search(FAMILIES, top_k=10)]) == before
    assert restarted.manifest_path.read_bytes() == manifest
    items = restarted.feedback.gold_items()
    assert [i.question for i in items] == [FAMILIES, OFF_TOPIC, TAWHEED]
    metrics = run_eval(items, lambda q: restarted.ask(q, top_k=10))
    assert metrics["questions"] == 3 and metrics["answerable"] == 2 and metrics["unanswerable"] == 1
    assert metrics["no_answer_accuracy"] == 1.0  # the confirmed refusal is still refused
    family = score_prediction(items[0], restarted.ask(FAMILIES, top_k=10).to_dict())
    assert family["answer_contains_gold"] and family["citation_correct"]  # the confirmed answer still given
    exported = tmp_path / "gold.jsonl"
    exported.write_text(restarted.feedback.export(), encoding="utf-8")
    assert read_gold(exported) == items
    assert all({"verdict", "judged_at"} <= set(json.loads(line)) for line in exported.read_text().splitlines())


def test_gold_files_skip_bare_judgements_and_keep_the_latest_per_id(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    rows = [
        {"id": "a", "question": "س1", "answers": ["1"], "source": "x.txt"},
        {"id": "b", "question": "س2", "answers": ["2"], "source": None},
        {"id": "a", "question": "س1", "answers": ["3"], "source": "y.txt"},
        {"id": "b", "question": "س2", "answers": [], "source": None, "gold": False},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (item,) = read_gold(path)
    assert (item.id, item.answers, item.source) == ("a", ["3"], "y.txt")


def test_api_feedback_keeps_a_judgement_and_lists_the_gold(serve_url: str) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    asked = httpx.post(f"{serve_url}/api/ask", json={"question": FAMILIES}, headers=auth, timeout=120).json()
    judgement = {k: asked[k] for k in ("question", "answer", "found", "citations")} | {"verdict": "up"}
    saved = httpx.post(f"{serve_url}/api/feedback", json=judgement, headers=auth, timeout=60)
    assert saved.status_code == 200, saved.text
    assert saved.json()["gold"] and saved.json()["source"] == asked["citations"][0]["file"]
    listed = httpx.get(f"{serve_url}/api/feedback", headers=auth, timeout=60).json()
    assert any(g["question"] == FAMILIES and g["answers"] == saved.json()["answers"] for g in listed["gold"])
    wrong = httpx.post(
        f"{serve_url}/api/feedback", json=judgement | {"correct_answer": "900"}, headers=auth, timeout=60
    )
    assert wrong.status_code == 400 and "correct_answer" in wrong.json()["error"]["message"]
    assert httpx.post(f"{serve_url}/api/feedback", json=judgement, timeout=60).status_code == 401
