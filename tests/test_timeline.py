"""``sanad timeline``: every article about a subject, one exact quote each, in date order, copies merged,
at every door (Python, CLI, ``POST /api/timeline``, the MCP tool). Real ingest of a small records export
written for this test (ten short news items: a flood in Jeddah reported on five days by three outlets, one
wire story printed word for word by two of them, one undated report, three articles on other subjects),
the real encoder, Chroma and BM25."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.chunker import Span
from rag.assistant import Assistant
from rag.config import TimelineConfig
from rag.gather import Timeline, timeline_subject
from rag.gather.articles import ArticlePick
from rag.gather.duplicates import copies, fingerprint, group_copies
from rag.questions import QuestionRefused
from rag.types import Passage, SearchFilters
from tests.conftest import write_config, write_news
from ui.api.guard import AnswerSlots
from ui.api.mcp_tools import build_mcp
from ui.api.server import build_server
from ui.cli import main
from ui.timeline import UNDATED

SUBJECT = "سيول جدة"
WIRE = "وجه أمير منطقة مكة المكرمة بتشكيل لجنة عاجلة لحصر الأضرار التي خلفتها السيول في محافظة جدة وتعويض المتضررين. وأكد أن اللجنة سترفع تقريرها خلال أسبوعين."  # noqa: E501
RECORDS = [
    ("okaz-1", "أمطار غزيرة تغرق شوارع جدة", "2015-11-17", "okaz",
     "هطلت أمطار غزيرة على محافظة جدة صباح أمس وغمرت المياه عددا من الشوارع والأنفاق في أحياء جنوب المدينة. "
     "وأعلن الدفاع المدني رفع درجة الاستعداد وتحذير السكان من الاقتراب من مجاري السيول."),
    ("sabq-1", "الدفاع المدني: إنقاذ 40 محتجزا في سيول جدة", "2015-11-18", "sabq",
     "أعلن الدفاع المدني في جدة إنقاذ أربعين شخصا احتجزتهم مياه السيول داخل مركباتهم في شرق المدينة. "
     "وقال المتحدث الرسمي إن فرق الإنقاذ تلقت أكثر من مئتي بلاغ خلال ساعات الأمطار."),
    ("wire-okaz", "واس: أمير منطقة مكة يوجه بحصر أضرار السيول في جدة", "2015-11-19", "okaz", WIRE),
    ("wire-madina", "أمير مكة يوجه بحصر أضرار السيول", "2015-11-19", "al-madina", WIRE),
    ("madina-2", "أمانة جدة تنهي شفط مياه السيول من الأنفاق", "2015-11-22", "al-madina",
     "أنهت أمانة محافظة جدة شفط مياه السيول من الأنفاق الرئيسية وأعادت فتحها أمام حركة السير. "
     "وأوضحت الأمانة أن فرقها عملت على مدار الساعة بعد الأمطار التي شهدتها جدة الأسبوع الماضي."),
    ("sabq-2", "مطالبات بمحاسبة المقصرين بعد سيول جدة", "2015-11-25", "sabq",
     "طالب أعضاء في مجلس الشورى بمحاسبة المقصرين في مشاريع تصريف السيول بجدة بعد أن غمرت الأمطار الأحياء. "
     "وقالوا إن مشاريع التصريف لم تنجز في مواعيدها رغم الميزانيات الكبيرة."),
    ("undated-1", "سكان جدة يروون ليلة السيول", None, "okaz",
     "روى سكان في حي قويزة بجدة كيف حاصرتهم مياه السيول في منازلهم طوال الليل حتى وصلت فرق الدفاع المدني. "
     "وقال أحدهم إن المياه ارتفعت إلى مستوى النوافذ خلال دقائق."),
    ("off-1", "الهلال يفوز على النصر في الدوري", "2015-11-18", "sabq",
     "فاز فريق الهلال على النصر بهدفين مقابل هدف في مباراة الجولة العاشرة من دوري كرة القدم. "
     "وسجل هدفي الهلال المهاجم في الشوط الثاني."),
    ("off-2", "ارتفاع أسعار النفط في الأسواق العالمية", "2015-11-20", "okaz",
     "ارتفعت أسعار النفط في الأسواق العالمية بنسبة اثنين في المئة بعد تراجع المخزونات الأمريكية. "
     "وبلغ سعر خام برنت خمسين دولارا للبرميل."),
    ("off-3", "افتتاح معرض الرياض الدولي للكتاب", "2015-11-21", "al-madina",
     "افتتح وزير الثقافة والإعلام معرض الرياض الدولي للكتاب بمشاركة أكثر من خمسمئة دار نشر من ثلاثين دولة. "
     "ويستمر المعرض عشرة أيام."),
]  # fmt: skip
ON_SUBJECT = {r[0] for r in RECORDS if not r[0].startswith("off-")}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Path]:
    folder = tmp_path_factory.mktemp("timeline")
    corpus = folder / "articles"
    write_news(corpus, RECORDS)
    config = write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")})
    assistant = Assistant.from_config(config)
    report = assistant.ingest()
    assert len(report.added) == len(RECORDS) and not report.failed
    return assistant, config


def _records(timeline: Timeline) -> list[str | None]:
    return [item.citation.record for item in timeline.items]


def _dates_in_order(timeline: Timeline) -> bool:
    dates = [item.published for item in timeline.items]
    dated = [d for d in dates if d]
    return dates == sorted(dated) + [None] * (len(dates) - len(dated))


def _assert_quotes_exactly(assistant: Assistant, citations: list[dict]) -> None:
    for c in citations:
        source = assistant.read_source(c["file"], record=c["record"]).text
        assert source[c["start"] : c["end"]] == c["text"] and source[c["focus_start"] : c["focus_end"]] == c["focus"]
        assert c["start"] <= c["focus_start"] <= c["focus_end"] <= c["end"]


def test_the_subject_s_articles_by_date_undated_last_copies_merged(archive: tuple[Assistant, Path]) -> None:
    assistant, _ = archive
    timeline = assistant.timeline(SUBJECT)
    records = _records(timeline)
    merged = {c.record for item in timeline.items for c in item.also}
    assert set(records) | merged == ON_SUBJECT  # every report of the floods, nothing off the subject
    assert _dates_in_order(timeline) and timeline.items[-1].published is None  # by date, then the undated one
    assert records[-1] == "undated-1" and timeline.to_dict()["undated"] == 1
    wire = [item for item in timeline.items if item.citation.record in {"wire-okaz", "wire-madina"}]
    assert len(wire) == 1 and len(wire[0].also) == 1  # one story, printed twice: one item
    assert {wire[0].citation.publisher, wire[0].also[0].publisher} == {"okaz", "al-madina"}
    assert wire[0].also[0].text == wire[0].citation.text
    assert all(0 <= item.relevance <= 1 for item in timeline.items)
    data = timeline.to_dict()
    assert set(data) == {"subject", "items", "undated", "timings_ms"} and data["subject"] == SUBJECT
    _assert_quotes_exactly(assistant, [*data["items"], *(c for item in data["items"] for c in item["also"])])
    assert [i["n"] for i in data["items"]] == list(range(1, len(data["items"]) + 1))


def test_filters_and_the_limit_apply(archive: tuple[Assistant, Path]) -> None:
    assistant, _ = archive
    since = assistant.timeline(SUBJECT, filters=SearchFilters.parse(since="2015-11-19"))
    merged = {c.record for item in since.items for c in item.also}
    assert set(_records(since)) | merged == {"wire-okaz", "wire-madina", "madina-2", "sabq-2"}  # not the undated one
    okaz = assistant.timeline(SUBJECT, filters=SearchFilters.parse(publishers=["OKAZ"]))
    assert set(_records(okaz)) == {"okaz-1", "wire-okaz", "undated-1"}
    assert all(not item.also for item in okaz.items)  # the other outlet's copy is filtered out
    two = assistant.timeline(SUBJECT, max_articles=2)
    assert len(two.items) == 2 and _dates_in_order(two)
    best = sorted(assistant.timeline(SUBJECT).items, key=lambda item: -item.relevance)[:2]
    assert {i.citation.record for i in two.items} == {i.citation.record for i in best}
    assert assistant.timeline(SUBJECT, filters=SearchFilters.parse(publishers=["bbc"])).items == []
    with pytest.raises(QuestionRefused):
        assistant.timeline("<b> </b>")


def test_the_cli_prints_lines_and_json(archive: tuple[Assistant, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assistant, config = archive
    assert main(["--config", str(config), "timeline", SUBJECT]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    reference = assistant.timeline(SUBJECT)
    chart, lines = printed[: printed.index("")], printed[printed.index("") + 1 :]  # the chart, a blank, the items
    days = sorted({c.published for i in reference.items for c in (i.citation, *i.also) if c.published})
    assert [line.split(" ")[0] for line in chart] == days and all(" █" in line for line in chart)
    assert len(lines) == len(reference.items)
    first = reference.items[0]
    assert lines[0].startswith(f"{first.published} · {first.citation.publisher} · {first.citation.title}: «")
    assert lines[-1].startswith(f"{UNDATED} · okaz · ")
    assert sum("[also: " in line for line in lines) == 1
    assert main(["--config", str(config), "timeline", SUBJECT, "--json", "--publisher", "sabq", "--max", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"subject", "items", "undated", "timings_ms"} and out["undated"] == 0
    assert [i["record"] for i in out["items"]] == ["sabq-1", "sabq-2"]
    for item in out["items"]:
        assert {"file", "start", "end", "text", "focus", "title", "published", "publisher", "relevance", "also"} <= set(
            item
        )
    _assert_quotes_exactly(assistant, out["items"])


def test_api_timeline_returns_what_the_cli_prints(archive: tuple[Assistant, Path]) -> None:
    assistant, _ = archive
    with TestClient(build_server(assistant, chat=False)) as client:
        got = client.post("/api/timeline", json={"subject": SUBJECT, "since": "2015-11-18", "publishers": ["sabq"]})
        bad = client.post("/api/timeline", json={"subject": SUBJECT, "until": "أمس"})
        empty = client.post("/api/timeline", json={"subject": "  "})
    assert got.status_code == 200
    expected = assistant.timeline(SUBJECT, filters=SearchFilters.parse("2015-11-18", None, ["sabq"])).to_dict()
    assert got.json()["items"] == expected["items"] and [i["record"] for i in expected["items"]] == ["sabq-1", "sabq-2"]
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]["message"]
    assert empty.status_code == 400


def test_the_mcp_tool(archive: tuple[Assistant, Path]) -> None:
    from mcp import Client  # the official SDK, connected in-process to Sanad's MCP server

    assistant, _ = archive

    async def call() -> tuple:
        async with Client(build_mcp(assistant, AnswerSlots(1, 4))) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            got = await client.call_tool("timeline", {"subject": SUBJECT, "until": "2015-11-19"})
            return tools, got

    tools, got = asyncio.run(call())
    assert "timeline" in tools and tools["timeline"].output_schema
    assert {"subject", "since", "until", "publishers", "max_articles"} <= set(
        tools["timeline"].input_schema["properties"]
    )
    result = got.structured_content
    expected = assistant.timeline(SUBJECT, filters=SearchFilters.parse(until="2015-11-19")).to_dict()
    assert not got.is_error and result["items"] == expected["items"] and result["undated"] == 0
    assert [i["record"] for i in result["items"]][:2] == ["okaz-1", "sabq-1"] and len(result["items"]) == 3
    _assert_quotes_exactly(assistant, result["items"])


# A wire report (SPA) printed by two papers, and two papers' own reports that quote one statement of the
# ministry's spokesman word for word: the statement is the sentence each timeline item would quote.
CORONA = (
    "أعلنت وزارة الصحة اليوم تسجيل أربع إصابات جديدة بفيروس كورونا المسبب لمتلازمة الشرق الأوسط التنفسية بين "
    "أفراد عائلة واحدة في مدينة الرياض. وأوضحت الوزارة في بيانها أن المصابين يخضعون للعزل في أحد المستشفيات "
    "وأن حالتهم مستقرة. وأضافت أن فرق التقصي الوبائي تتابع المخالطين للمصابين منذ ظهور الأعراض عليهم الأسبوع "
    "الماضي، ودعت المواطنين والمقيمين إلى الالتزام بإجراءات الوقاية وغسل اليدين باستمرار."
)
STATEMENT = (
    "وقال المتحدث الرسمي لوزارة الصحة إن الوزارة رفعت درجة الاستعداد في جميع مستشفيات المنطقة الشرقية "
    "لاستقبال أي حالات مشتبه بها."
)
OWN_REPORTS = {
    "alyaum": "شهدت مستشفيات الدمام ازدحاما غير معتاد أمس بعد انتشار شائعات عن حالات كورونا في أحد أحياء "
    f"المدينة، وانتظر مراجعون ساعات لإجراء الفحوص. {STATEMENT} وأكد مواطنون تحدثوا للصحيفة أنهم لم "
    "يتلقوا أي معلومات من المراكز الصحية في أحيائهم.",
    "okaz": "في أول تعليق رسمي على الأنباء المتداولة عبر مواقع التواصل الاجتماعي، طمأنت وزارة الصحة سكان "
    f"المنطقة الشرقية بأن الوضع تحت السيطرة. {STATEMENT} ولم تعلن الوزارة حتى مساء أمس عن أي إصابة مؤكدة "
    "في المنطقة، فيما تواصل فرقها جولاتها الميدانية على المراكز الصحية.",
}


def _pick(key: str, text: str, quote: str, published: str, publisher: str) -> ArticlePick:
    start = text.index(quote)
    span = Span(quote, start, start + len(quote))
    passage = Passage(chunk_id=f"{key}-00000", file="news.jsonl", root="/c", start=0, end=len(text), text=text,
                      score=1.0, published=published, publisher=publisher, record=key)  # fmt: skip
    return ArticlePick(key=key, passage=passage, span=span, focus=span, relevance=0.9)


def test_reprints_of_a_wire_report_are_merged_and_reports_quoting_one_statement_are_not() -> None:
    config = TimelineConfig()
    first = CORONA.split(". ")[0] + "."
    reprints = {"spa-okaz": f"الرياض - واس\n{CORONA}", "spa-sabq": f"{CORONA} ويأتي ذلك بعد أيام من إعلان الوزارة "
                "خلو المملكة من إصابات جديدة بالفيروس."}  # fmt: skip
    picks = [_pick(key, text, first, "2015-08-06", key[4:]) for key, text in reprints.items()]
    picks += [_pick(f"{outlet}-1", text, STATEMENT, "2015-08-07", outlet) for outlet, text in OWN_REPORTS.items()]
    texts = {p.key: p.passage.text for p in picks}
    # the quoted sentences alone do not tell them apart: each pair quotes one sentence word for word
    assert picks[0].span.text == picks[1].span.text and picks[2].span.text == picks[3].span.text
    groups = group_copies(picks, texts, config.duplicate_similarity, config.duplicate_lead)
    assert [[p.key for p in g] for g in groups] == [["spa-okaz", "spa-sabq"], ["alyaum-1"], ["okaz-1"]]
    a, b = (fingerprint(texts[k]) for k in ("alyaum-1", "okaz-1"))
    assert not copies(a, b, config.duplicate_similarity, config.duplicate_lead)
    later = _pick("spa-sabq", reprints["spa-sabq"], first, "2015-08-20", "sabq")  # two weeks on: a new item
    assert len(group_copies([picks[0], later], texts, config.duplicate_similarity, config.duplicate_lead)) == 2
    again = _pick("okaz-2", reprints["spa-sabq"], first, "2015-08-07", "okaz")  # one outlet's text of the next day
    assert len(group_copies([picks[0], again], texts, config.duplicate_similarity, config.duplicate_lead)) == 2
    assert len(group_copies([picks[1], again], texts, config.duplicate_similarity, config.duplicate_lead)) == 1


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("التسلسل الزمني لسيول جدة", "سيول جدة"),  # «لـ» joined: the preposition
        ("التسلسل الزمني لحادث المنى", "حادث المنى"),
        ("التسلسل الزمني لـ سيول جدة", "سيول جدة"),
        ("التسلسل الزمني لـ«سيول جدة»", "سيول جدة"),
        ("التسلسل الزمني لليمن", "اليمن"),  # ل + اليمن
        ("الخط الزمني للحرب في اليمن", "الحرب في اليمن"),
        ("التسلسل الزمني للبنان", "لبنان"),  # ل + لبنان
        ("التسلسل الزمني لبنان", "لبنان"),  # the word's own ل
        ("ما تسلسل أحداث ليبيا؟", "ليبيا"),
        ("التسلسل الزمني لقاء القمة", "لقاء القمة"),
        ("الخط الزمني للاجئين في كاليه", "اللاجئين في كاليه"),  # ل + اللاجئين
        ("التسلسل الزمني في لبنان", "لبنان"),
        ("تسلسل أحداث فيروس كورونا", "فيروس كورونا"),  # «في», «ب» only as words of their own
        ("تسلسل أحداث بنغازي", "بنغازي"),
        ("ماذا حدث لليمن يوماً بيوم؟", "اليمن"),
        ("ماذا حدث للبنان يوما بيوم", "لبنان"),
        ("ماذا حدث في حمص يوماً بيوم؟", "حمص"),
    ],
)
def test_the_subject_of_a_timeline_question_keeps_its_own_first_letters(question: str, subject: str) -> None:
    assert timeline_subject(question) == subject
