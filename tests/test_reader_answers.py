"""The reader in the answer step (``answer.reader: auto``), over the ingested seed articles (real encoder,
Chroma, BM25, reader): ordinary questions a new user asked get the sentence that answers, with the focus
on the answer; the default ``off`` keeps the evidence path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.textnorm import normalize
from rag import Assistant
from rag.answers.threshold import EVIDENCE_THRESHOLD
from rag.types import Answer
from tests.conftest import write_config

#: Refused before the reader (issue 23), each answered in the seed articles (checked by reading them).
ASKED_BY_A_NEW_USER = [
    ("ما هي المدينة التي شهدت اشتباكات عنيفة بحسب التقارير؟", ["حمص", "درعا"]),
    ("كم عدد القتلى الذين ذكرتهم التقارير؟", ["3 أشخاص", "29 شخصا"]),
]


def exact(assistant: Assistant, answer: Answer) -> None:
    for c in answer.citations:
        text = assistant.read_source(c.file, c.root).text
        assert text[c.start : c.end] == c.text
        assert c.start <= c.focus_start < c.focus_end <= c.end and text[c.focus_start : c.focus_end] == c.focus


@pytest.fixture(scope="module")
def reading_assistant(
    seed_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory, seed_corpus: Path
) -> Assistant:
    """The seed index (read only) answered with ``answer.reader: auto``."""
    folder = tmp_path_factory.mktemp("reader-config")
    index = str(seed_assistant.config.index.path)
    config = write_config(folder, corpus={"path": str(seed_corpus)}, index={"path": index}, answer={"reader": "auto"})
    return Assistant.from_config(config)


@pytest.mark.parametrize(("question", "golds"), ASKED_BY_A_NEW_USER)
def test_ordinary_questions_are_answered_with_the_answer_in_focus(
    reading_assistant: Assistant, question: str, golds: list[str]
) -> None:
    answer = reading_assistant.ask(question)
    assert answer.found, (question, answer.confidence)
    assert any(normalize(g) in normalize(answer.citations[0].text) for g in golds), answer.citations[0].text
    exact(reading_assistant, answer)


def test_auto_lets_the_reader_decide_and_the_default_keeps_the_evidence_path(
    seed_assistant: Assistant, reading_assistant: Assistant
) -> None:
    _, answerer = reading_assistant.reader.open()
    assert answerer.reader is not None and answerer.threshold == answerer.reader.threshold
    _, plain = seed_assistant.reader.open()
    assert plain.reader is None and plain.threshold == EVIDENCE_THRESHOLD
    question = "كم دولة صوتت بالموافقة على مشروع قرار إدانة النظام السوري في الجمعية العامة؟"
    with_reader, without = reading_assistant.ask(question), seed_assistant.ask(question)
    assert with_reader.found and without.found and "137" in with_reader.citations[0].text
    assert with_reader.confidence != without.confidence  # two different deciders


def test_the_focus_comes_from_the_readers_span(reading_assistant: Assistant) -> None:
    answer = reading_assistant.ask("كم عدد العائلات المحاصرة في حمص؟")
    assert answer.found and "800" in answer.citations[0].focus
    assert len(answer.citations[0].focus) < len(answer.citations[0].text)
    exact(reading_assistant, answer)
