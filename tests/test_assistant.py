"""Questions over the real seed articles: real encoder, Chroma, BM25."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Answer, Assistant
from rag.index.layout import EmptyIndexError
from rag.messages import NOT_FOUND_AR, NOT_FOUND_EN
from tests.conftest import article_text, write_config
from ui.handlers import word_pieces


def _assert_citations_quote_files(answer: Answer) -> None:
    for citation in answer.citations:
        text = article_text(Path(citation.root) / citation.file)
        assert text[citation.start : citation.end] == citation.text
        assert citation.passage_start <= citation.start < citation.end <= citation.passage_end
        assert citation.start <= citation.focus_start < citation.focus_end <= citation.end
        assert text[citation.focus_start : citation.focus_end] == citation.focus
    for passage in answer.retrieved:
        text = article_text(Path(passage.root) / passage.file)
        assert text[passage.start : passage.end] == passage.text


def test_arabic_question_is_answered_with_exact_citations(seed_assistant: Assistant) -> None:
    answer = seed_assistant.ask("من هو قائد لواء التوحيد التابع للجيش السوري الحر؟")
    assert answer.found
    assert "عبد القادر الصالح" in answer.answer
    assert "[1]" in answer.answer
    assert answer.citations[0].file == "001_98fba5ff296b2f2c.txt"
    _assert_citations_quote_files(answer)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert set(answer.timings_ms) >= {"retrieve", "answer", "total"}


def test_question_with_variant_spelling_still_matches(seed_assistant: Assistant) -> None:
    # Without hamza/taa marbuta, and "الأمم المتحدة" apart while the article has "الأممالمتحدة".
    answer = seed_assistant.ask("من هو ممثل الحكومه السوريه في الامم المتحدة؟")
    assert answer.found and "بشار الجعفري" in answer.answer
    _assert_citations_quote_files(answer)


def test_english_question_cites_arabic_evidence(seed_assistant: Assistant) -> None:
    answer = seed_assistant.ask("Who commands the Fourth Division of the Syrian army?")
    assert answer.found
    assert "ماهر الأسد" in answer.answer
    assert answer.citations[0].file == "002_ee81a42cfdca4982.txt"
    _assert_citations_quote_files(answer)


@pytest.mark.parametrize(
    ("question", "message"),
    [("ما هي عاصمة اليابان؟", NOT_FOUND_AR), ("Who wrote the novel War and Peace?", NOT_FOUND_EN)],
)
def test_off_topic_questions_are_not_found_in_the_question_language(
    seed_assistant: Assistant, question: str, message: str
) -> None:
    answer = seed_assistant.ask(question)
    assert not answer.found
    assert answer.answer == message
    assert answer.citations == []
    assert answer.retrieved  # the closest passages are still shown


@pytest.mark.parametrize("question", ["", "   ", "؟؟؟", "!!"])
def test_empty_questions_get_a_message_not_an_error(seed_assistant: Assistant, question: str) -> None:
    answer = seed_assistant.ask(question)
    assert not answer.found and answer.answer and answer.citations == []


def test_duplicated_passage_is_quoted_once(seed_assistant: Assistant) -> None:
    # 003 repeats its first sentence word for word; the answer must not quote it twice.
    answer = seed_assistant.ask("كم شخصاً قتلوا إثر سقوط قذائف هاون قرب المسجد الأموي في دمشق؟")
    assert answer.found
    quoted = [c.text for c in answer.citations]
    assert len(quoted) == len(set(quoted))
    assert sum("قذائف هاون" in q for q in quoted) == 1


def test_stream_yields_text_then_the_answer(seed_assistant: Assistant) -> None:
    pieces = list(seed_assistant.stream("أين عقد مؤتمر أصدقاء الشعب السوري؟"))
    final = pieces[-1]
    assert isinstance(final, Answer)
    text = pieces[:-1]
    assert text and all(isinstance(p, str) for p in text)
    assert "".join(text) == final.answer
    assert "باريس" in final.answer


def test_the_chat_shows_a_whole_answer_in_pieces_that_join_back() -> None:
    answer = "دعا مؤتمر أصدقاء الشعب السوري أمس في باريس مجلس الأمن [1]\nوكان الرئيس الفرنسي فرنسوا هولاند [2]"
    pieces = list(word_pieces(answer))
    assert len(pieces) > 3 and "".join(pieces) == answer
    assert all(len(p.split()) <= 4 for p in pieces)


def test_top_k_limits_retrieved(seed_assistant: Assistant) -> None:
    assert len(seed_assistant.ask("حمص", top_k=2).retrieved) == 2
    ranked = seed_assistant.ask("حمص", top_k=8).retrieved
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)


def test_empty_index_says_to_ingest(tmp_path: Path) -> None:
    assistant = Assistant.from_config(write_config(tmp_path, index={"path": str(tmp_path / "empty")}))
    with pytest.raises(EmptyIndexError, match="sanad ingest"):
        assistant.ask("من هو قائد لواء التوحيد؟")


def test_chat_process_sees_a_later_ingest(tmp_path: Path, small_corpus: Path) -> None:
    config = write_config(tmp_path, corpus={"path": str(small_corpus)}, index={"path": str(tmp_path / "index")})
    reader = Assistant.from_config(config)
    Assistant.from_config(config).ingest()
    assert not reader.ask("من هو رئيس اللجنة الدولية للصليب الأحمر؟").found
    (small_corpus / "d.txt").write_text("عبر رئيس اللجنة الدولية للصليب الأحمر بيتر مورير عن صدمته.", encoding="utf-8")
    Assistant.from_config(config).ingest()  # another writer
    answer = reader.ask("من هو رئيس اللجنة الدولية للصليب الأحمر؟")
    assert answer.found and "بيتر مورير" in answer.answer


def test_repeated_question_gives_the_same_answer(seed_assistant: Assistant) -> None:
    # The second time, sentence vectors come from the answerer's cache.
    first = seed_assistant.ask("من هي مستشارة الرئيس السوري في وفد النظام إلى موسكو؟")
    second = seed_assistant.ask("من هي مستشارة الرئيس السوري في وفد النظام إلى موسكو؟")
    assert first.found and "بثينة شعبان" in first.answer
    assert (second.answer, second.citations, second.confidence) == (first.answer, first.citations, first.confidence)


def test_the_focus_is_the_clause_that_answers(seed_assistant: Assistant) -> None:
    answer = seed_assistant.ask("كم دولة امتنعت عن التصويت على قرار الجمعية العامة؟")
    _assert_citations_quote_files(answer)
    first = answer.citations[0]
    assert "17" in first.focus
    assert len(first.focus) < len(first.text)  # a clause, not the whole sentence
    data = answer.to_dict()["citations"][0]
    assert (data["focus_start"], data["focus_end"], data["focus"]) == (first.focus_start, first.focus_end, first.focus)


def test_questions_leave_no_trace_records_behind(seed_assistant: Assistant) -> None:
    # llama-index files every encoder call made outside a trace and never drops it (~90 bytes a
    # question): each question now starts that record afresh, so it stays as long as one question's.
    manager = seed_assistant.embed_model.callback_manager
    seed_assistant.ask("من هو قائد لواء التوحيد؟")
    after_one = sum(len(ids) for ids in manager.trace_map.values())
    for _ in range(5):
        seed_assistant.ask("من هو رئيس اللجنة الدولية للصليب الأحمر؟")
    assert 0 < sum(len(ids) for ids in manager.trace_map.values()) <= max(after_one, 2)
