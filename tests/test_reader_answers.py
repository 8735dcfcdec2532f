"""The reader in the answer step (``answer.reader: auto``), over the ingested seed articles (real encoder,
Chroma, BM25, reader): it decides, quotes the sentence that answers with the focus on the answer's clause,
and the default ``off`` keeps the evidence path. (The vague questions of issue 23, «ما هي المدينة التي
شهدت اشتباكات عنيفة بحسب التقارير؟», «كم عدد القتلى الذين ذكرتهم التقارير؟», are still refused by both
paths: docs/quality.md.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Assistant
from rag.answers.threshold import EVIDENCE_THRESHOLD
from rag.types import Answer
from tests.conftest import write_config


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


@pytest.mark.parametrize(
    ("question", "gold"),
    [("كم عدد العائلات المحاصرة في حمص؟", "800"), ("من أين ينحدر مناف طلاس؟", "الرستن")],
)
def test_the_focus_comes_from_the_readers_span(reading_assistant: Assistant, question: str, gold: str) -> None:
    answer = reading_assistant.ask(question)
    assert answer.found and gold in answer.citations[0].focus, answer.citations
    assert len(answer.citations[0].focus) < len(answer.citations[0].text)
    exact(reading_assistant, answer)


def test_near_misses_of_the_issue_are_refused_with_the_reader(reading_assistant: Assistant) -> None:
    for question in ("كم عمر الرئيس الفرنسي فرنسوا هولاند؟", "ما اسم زوجة بشار الجعفري مندوب سوريا في الأمم المتحدة؟"):
        answer = reading_assistant.ask(question)
        assert not answer.found and answer.outcome in ("partial", "not_found"), (question, answer.confidence)
        assert not answer.citations or answer.outcome == "partial"  # a partial answer quotes only the subject
