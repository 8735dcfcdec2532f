"""Messy and hostile questions against the real seed index: each gets an answer or a clear
"not found" / "ask in Arabic or English", never an exception, and nothing stored changes."""

from __future__ import annotations

import pytest

from rag import Assistant
from rag.messages import EMPTY_QUESTION_AR, EMPTY_QUESTION_EN, UNSUPPORTED_LANGUAGE
from rag.questions import MAX_QUESTION_CHARS
from rag.store.chroma import open_vector_store
from tests.conftest import SEEDS, article_text

LEADER = "من هو قائد لواء التوحيد؟"


def _quotes_its_files(answer) -> None:
    for citation in answer.citations:
        text = article_text(SEEDS / citation.file)
        assert text[citation.start : citation.end] == citation.text


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   \n\t ",
        "؟؟؟ ... !!!",
        "?!... ---",
        "🤔🤔 🇸🇾",
        "\u200f\u200b\u200e",
        "<img src=x onerror=alert(1)>",  # markup only: nothing is asked
        "<script>alert('سؤال')</script>",
    ],
)
def test_questions_without_words_ask_for_a_question(seed_assistant: Assistant, question: str) -> None:
    answer = seed_assistant.ask(question)
    assert answer.found is False and answer.answer in {EMPTY_QUESTION_AR, EMPTY_QUESTION_EN}
    assert not answer.citations and not answer.retrieved
    assert answer.question == question


@pytest.mark.parametrize(
    "question",
    ["谁是红十字国际委员会主席？", "Кто возглавляет Красный Крест?", "מי נשיא הצלב האדום?", "赤十字の総裁は誰ですか"],
)
def test_a_script_we_do_not_read_gets_a_clear_reply(seed_assistant: Assistant, question: str) -> None:
    answer = seed_assistant.ask(question)
    assert answer.found is False and answer.answer == UNSUPPORTED_LANGUAGE and not answer.retrieved


@pytest.mark.parametrize(
    "question",
    [
        "من هو قائد ﻟﻮاء التوحيد؟",  # Arabic presentation forms
        "من هو قائد لـــــواء التــوحيد؟",  # kashida runs
        "من هو قائد\u200c لواء\u200f التو\u200dحيد؟",  # zero-width and direction marks
        "من هو قائد لواء التوحيد؟ 🤔🤔",
        "<b>من هو قائد لواء التوحيد؟</b>",
        "<script>alert(document.cookie)</script> من هو قائد لواء التوحيد؟",
    ],
)
def test_decorated_questions_get_the_plain_questions_answer(seed_assistant: Assistant, question: str) -> None:
    plain = seed_assistant.ask(LEADER)
    answer = seed_assistant.ask(question)
    assert answer.found and "عبد القادر الصالح" in answer.answer
    assert answer.citations[0].file == plain.citations[0].file
    _quotes_its_files(answer)


def test_a_100k_character_question_is_cut_to_its_first_part(seed_assistant: Assistant) -> None:
    question = (LEADER + " ") * (100_000 // len(LEADER))
    assert len(question) >= 100_000
    answer = seed_assistant.ask(question)
    assert answer.question == question  # reported as asked
    cut = seed_assistant.ask(question[:MAX_QUESTION_CHARS])
    assert (answer.answer, answer.found) == (cut.answer, cut.found)  # only the first part was used
    assert answer.found and "عبد القادر الصالح" in answer.answer
    garbage = seed_assistant.ask("x" * 100_000)
    assert isinstance(garbage.found, bool) and garbage.answer
    _quotes_its_files(garbage)


@pytest.mark.parametrize(
    "question",
    [
        "'; DROP TABLE embeddings; --",
        "1' OR '1'='1",
        'من"; DELETE FROM collections WHERE 1=1; --',
        '{"$where": "sleep(1000)"} ${jndi:ldap://x} {{7*7}} %s%n',
        "Robert'); DROP TABLE Students;--",
        "Abdel Qader al-Saleh: من هو قائد لواء التوحيد؟",  # mixed scripts
        "ما هو موقف 中国 و Россия من القرار؟",
    ],
)
def test_injection_looking_and_mixed_questions_change_nothing(seed_assistant: Assistant, question: str) -> None:
    store = open_vector_store(seed_assistant.config.store, seed_assistant.index_dir)
    before = store.client.count()
    answer = seed_assistant.ask(question)
    assert isinstance(answer.found, bool) and answer.answer
    assert "DROP" not in answer.answer and "DELETE" not in answer.answer
    _quotes_its_files(answer)
    assert store.client.count() == before
    assert seed_assistant.ask(LEADER).found


@pytest.mark.parametrize("question", ["'; DROP TABLE embeddings; --", "x" * 5000, "asdf qwer zxcv"])
def test_gibberish_is_not_found(seed_assistant: Assistant, question: str) -> None:
    assert seed_assistant.ask(question).found is False
