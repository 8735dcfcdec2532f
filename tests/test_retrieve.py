"""Fusion arithmetic, retrieval modes and headline context, on the real seed index where it matters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunker import headline
from rag import Assistant
from rag.retrieve import boost_by_article, reciprocal_rank_fusion, relative_score_fusion
from tests.conftest import write_config


def test_relative_score_fusion_scales_each_list_then_weights() -> None:
    dense = [("a", 0.90), ("b", 0.80), ("c", 0.70)]
    lexical = [("c", 12.0), ("a", 2.0)]
    fused = dict(relative_score_fusion([dense, lexical], [1.0, 1.0]))
    # a: dense 1.0, lexical 0.0 -> 0.5; c: dense 0.0, lexical 1.0 -> 0.5; b: dense 0.5 -> 0.25
    assert fused["a"] == pytest.approx(0.5) and fused["c"] == pytest.approx(0.5) and fused["b"] == pytest.approx(0.25)
    weighted = relative_score_fusion([dense, lexical], [3.0, 1.0])
    assert [item for item, _ in weighted] == ["a", "b", "c"]
    assert relative_score_fusion([[("x", 1.0)], []], [1.0, 1.0]) == [("x", 0.5)]


def test_reciprocal_rank_fusion_ignores_score_gaps() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], [1.0, 1.0], k=60)
    assert fused[0][1] == pytest.approx(fused[1][1])


def test_headline_is_a_short_first_line_only() -> None:
    assert headline("\n\nآسيا\n\nآسيا أكبر قارة في الأرض.") == "آسيا"
    assert headline("=====\nجمال خاشقجي\nنص") == "جمال خاشقجي"
    assert headline("شهدت عدة مدن سورية مسيرات " * 20) == ""  # a paragraph, not a headline
    assert headline("") == ""
    assert headline("عبر رئيس اللجنة عن صدمته.") == ""  # a one-line article is all body
    assert headline("قتل 3 أشخاص في دمشق.\nوأصيب 22 آخرون.") == ""  # a sentence, not a title


@pytest.mark.parametrize("mode", ["dense", "lexical"])
def test_single_retriever_modes_use_only_their_retriever(seed_assistant: Assistant, mode: str) -> None:
    config = seed_assistant.config.model_copy(deep=True)
    config.retrieval.mode = mode
    assistant = Assistant(config)
    answer = assistant.ask("ما اسم العميد الذي انشق عن فرع الأمن الجنائي في دمشق؟", top_k=5)
    assert answer.retrieved
    if mode == "dense":
        assert all(p.lexical_score is None and p.dense_score is not None for p in answer.retrieved)
    else:
        assert all(p.dense_score is None and p.lexical_score is not None for p in answer.retrieved)


def test_headline_context_finds_a_chunk_that_never_names_its_subject(tmp_path: Path) -> None:
    """The second chunk of each article says only "the city"; the headline carries the name."""
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "homs.txt").write_text(
        "حمص\n\nحمص مدينة في وسط سوريا على نهر العاصي. وهي ثالث أكبر المدن السورية.\n\n"
        "يبلغ عدد سكان المدينة نحو ثمانمئة ألف نسمة بحسب تقديرات سابقة.",
        encoding="utf-8",
    )
    (corpus / "aleppo.txt").write_text(
        "حلب\n\nحلب مدينة في شمال سوريا وهي من أقدم المدن المأهولة. وفيها قلعة حلب الشهيرة.\n\n"
        "يبلغ عدد سكان المدينة نحو مليوني نسمة بحسب تقديرات سابقة.",
        encoding="utf-8",
    )
    found = {}
    for title_context in (True, False):
        (tmp_path / str(title_context)).mkdir()
        config = write_config(
            tmp_path / str(title_context),
            corpus={"path": str(corpus)},
            index={"path": str(tmp_path / f"index-{title_context}")},
            chunking={"max_chars": 80, "max_sentences": 1, "title_context": title_context},
        )
        assistant = Assistant.from_config(config)
        assistant.ingest()
        top = assistant.ask("كم يبلغ عدد سكان حمص؟", top_k=1).retrieved[0]
        found[title_context] = (top.file, top.text)
    assert found[True] == ("homs.txt", "يبلغ عدد سكان المدينة نحو ثمانمئة ألف نسمة بحسب تقديرات سابقة.")
    assert "حمص" not in found[True][1]  # the cited text is the file's, without the headline
    assert found[False] != found[True]


def test_article_boost_lifts_the_passages_of_the_best_article() -> None:
    fused = [("aaaa-00000", 0.9), ("bbbb-00003", 0.5), ("aaaa-00004", 0.45), ("cccc-00001", 0.1)]
    boosted = boost_by_article(fused, 0.3)
    assert [chunk for chunk, _ in boosted] == ["aaaa-00000", "aaaa-00004", "bbbb-00003", "cccc-00001"]
    assert dict(boosted)["aaaa-00004"] == pytest.approx(0.45 + 0.3 * 0.9)
    assert boost_by_article(fused, 0.0) == fused


def test_dense_over_sentences_scores_a_chunk_as_its_best_sentence(seed_assistant: Assistant) -> None:
    """retrieval.dense_unit: auto, an Arabic question: it is compared with every stored sentence vector."""
    import math

    import numpy as np

    from ingest.ids import chunk_of_sentence
    from rag.embeddings import cosine_similarities
    from rag.store.chroma import open_sentence_vectors

    assert seed_assistant.config.retrieval.dense_unit == "auto"
    question = "من هو قائد لواء التوحيد؟"
    retriever, _ = seed_assistant.reader.open()
    hits = retriever.dense_hits(seed_assistant.embed_model.get_query_embedding(question), sentences=True)
    stored = open_sentence_vectors(seed_assistant.config.store, seed_assistant.index_dir).collection.get(
        include=["embeddings"]
    )
    cosines = cosine_similarities(
        np.asarray(stored["embeddings"]), seed_assistant.embed_model.get_query_embedding(question)
    )
    best: dict[str, float] = {}
    for sentence, cosine in zip(stored["ids"], cosines, strict=True):
        chunk = chunk_of_sentence(sentence)
        best[chunk] = max(best.get(chunk, -1.0), float(cosine))
    expected = sorted(best.items(), key=lambda kv: kv[1], reverse=True)[: len(hits)]
    assert [chunk for chunk, _ in hits][:5] == [chunk for chunk, _ in expected][:5]
    for (_, score), (_, cosine) in zip(hits[:5], expected[:5], strict=True):
        assert score == pytest.approx(math.exp(-(1 - cosine)), abs=1e-4)
    answer = seed_assistant.ask(question)
    assert answer.found and "عبد القادر الصالح" in answer.answer
