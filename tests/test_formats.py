"""Format extraction on real files made by real tools: Chromium's PDFs, python-docx, a saved news page,
JSON/JSONL/CSV exports and a zip of JSON; and the hostile versions of each, refused by name."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from ingest.chunker import split_sentences
from ingest.documents import extract
from ingest.formats.dates import date_in_text, iso_date
from ingest.formats.document import PAGE_BREAK
from ingest.formats.fidelity import words_in_order
from ingest.formats.pdf import visual_to_logical
from ingest.loader import ArticleError
from ingest.textnorm import normalize
from tests.conftest import ROOT, SEEDS, article_text
from tools.make_format_fixtures import QUOTES

FIXTURES = ROOT / "tests" / "fixtures" / "formats"
SEED = article_text(sorted(SEEDS.glob("*.txt"))[0])

NEWS_PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>افتتاح مستشفى جديد في الرياض | صحيفة الوطن</title>
<meta property="og:title" content="افتتاح مستشفى جديد في الرياض">
<meta property="og:site_name" content="صحيفة الوطن">
<meta name="author" content="محمد العلي">
<meta property="article:published_time" content="2012-03-14T10:00:00+03:00">
<link rel="canonical" href="https://alwatan.example/news/123"></head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/sport">رياضة</a></li>
<li><a href="/eco">اقتصاد</a></li></ul></nav>
<article><h1>افتتاح مستشفى جديد في الرياض</h1>
<p>افتتح وزير الصحة اليوم مستشفى جديداً في شمال الرياض بسعة خمسمئة سرير، ويضم المستشفى أقساماً للطوارئ
والعناية المركزة وجراحة القلب.</p>
<p>وقال الوزير إن المستشفى سيخدم أكثر من مليون نسمة في الأحياء الشمالية من المدينة،
وإن العمل فيه سيبدأ الشهر المقبل.</p>
</article>
<aside class="most-read"><h3>الأكثر قراءة</h3><ul><li><a href="/x">ارتفاع أسعار الذهب في الأسواق</a></li></ul></aside>
<div class="newsletter"><p>اشترك في نشرتنا البريدية ليصلك كل جديد</p></div>
<footer><p>جميع الحقوق محفوظة لصحيفة الوطن © 2012</p></footer>
<script>window.tracker = "اقرأ أيضا";</script></body></html>"""


def test_chromium_pdf_is_read_in_logical_order_with_base_letters() -> None:
    found, _ = extract((FIXTURES / "seed.pdf").read_bytes(), "seed.pdf")
    [document] = found.documents
    assert document.paged and PdfReader(FIXTURES / "seed.pdf").pages  # made by Chromium: a real PDF
    assert words_in_order(SEED, document.text) >= 0.98
    assert not any("\ufb50" <= ch <= "\ufeff" for ch in document.text)  # no presentation forms left
    assert "مسيرات داعية لإسقاط نظام الأسد" in document.text


def test_visual_to_logical_keeps_numbers_and_latin_runs() -> None:
    # A visual line read left to right: Arabic letters reversed, digits and Latin words as written.
    visual = "BBC News " + "رارق ىلع ةلود" + " 137 " + "تتوص"
    assert visual_to_logical(visual) == "صوتت 137 دولة على قرار BBC News"


def test_visual_to_logical_turns_mirrored_brackets_back() -> None:
    # Lines of tests/fixtures/formats/quotes.pdf as Chromium stored them (left to right as drawn, NFKC):
    # in an Arabic run a pair is drawn mirrored; a pair around Latin after Latin is drawn as is.
    guillemets = "يأ ،«رارقلا اذه مارتحا نمضت تاءارجإ ضرفي » نأب"
    assert visual_to_logical(guillemets) == "بأن «يفرض إجراءات تضمن احترام هذا القرار»، أي"
    numbers = "تتوص (193 لصأ نم ) ةلود 137 تناكو"
    assert visual_to_logical(numbers) == "وكانت 137 دولة (من أصل 193) صوتت"
    latin = ".(ب ف أ) سرب سنارف ةلاكوو BBC (News) ةئيه كلذ"
    assert visual_to_logical(latin) == "ذلك هيئة BBC (News) ووكالة فرانس برس (أ ف ب)."


def test_chromium_pdf_keeps_guillemets_and_brackets_the_right_way_round() -> None:
    [document] = extract((FIXTURES / "quotes.pdf").read_bytes(), "quotes.pdf")[0].documents
    assert document.text == "\n".join(QUOTES)  # two paragraphs printed on six lines, read exactly


def test_pdf_paragraphs_are_running_text_not_printed_lines() -> None:
    # Seed 000 is one paragraph printed on 23 lines: its text is one line, cut into the .txt's sentences.
    [document] = extract((FIXTURES / "seed.pdf").read_bytes(), "seed.pdf")[0].documents
    assert "\n" not in document.text
    words = [normalize(s.text).split() for s in split_sentences(document.text)]
    assert words == [normalize(s.text).split() for s in split_sentences(SEED)]
    # The five seeds: 30 paragraphs (separators among them) printed on 162 lines over four pages.
    layout = [p.extract_text(extraction_mode="layout") for p in PdfReader(FIXTURES / "long.pdf").pages]
    assert sum(line.strip() != "" for page in layout for line in page.split("\n")) > 150
    [document] = extract((FIXTURES / "long.pdf").read_bytes(), "long.pdf")[0].documents
    assert len(document.text.replace(PAGE_BREAK, "\n").split("\n")) < 36


def test_pdf_pages_are_separated_and_counted(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(2):
        writer.append(str(FIXTURES / "seed.pdf"))
    buffer = io.BytesIO()
    writer.write(buffer)
    [document] = extract(buffer.getvalue(), "two.pdf")[0].documents
    first, second = document.text.split(PAGE_BREAK)
    assert first == second and words_in_order(SEED, second) >= 0.98


def test_hostile_pdfs_are_refused_with_their_reason(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match=r"scan\.pdf: no text layer \(scanned PDF\?\)"):
        extract((FIXTURES / "scan.pdf").read_bytes(), "scan.pdf")
    writer = PdfWriter(clone_from=str(FIXTURES / "seed.pdf"))
    writer.encrypt("سر", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(ArticleError, match=r"locked\.pdf: encrypted PDF"):
        extract(locked.getvalue(), "locked.pdf")
    data = (FIXTURES / "seed.pdf").read_bytes()
    with pytest.raises(ArticleError, match=r"cut\.pdf: damaged or not a PDF"):
        extract(data[: len(data) // 3], "cut.pdf")
    with pytest.raises(ArticleError, match=r"fake\.pdf: damaged or not a PDF"):
        extract("هذا ليس ملف PDF".encode(), "fake.pdf")


def test_saved_news_page_keeps_the_article_and_its_metadata_only() -> None:
    [page] = extract(NEWS_PAGE.encode(), "page.html")[0].documents
    assert "افتتح وزير الصحة اليوم مستشفى جديداً" in page.text and "سيبدأ الشهر المقبل" in page.text
    for boilerplate in (
        "الرئيسية",
        "رياضة",
        "الأكثر قراءة",
        "ارتفاع أسعار الذهب",
        "نشرتنا البريدية",
        "الحقوق",
        "tracker",
    ):
        assert boilerplate not in page.text
    assert (page.title, page.published, page.publisher) == ("افتتاح مستشفى جديد في الرياض", "2012-03-14", "صحيفة الوطن")
    assert (page.author, page.url) == ("محمد العلي", "https://alwatan.example/news/123")
    with pytest.raises(ArticleError, match=r"empty\.html: no article text"):
        extract(b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>", "empty.html")


def _docx(paragraphs: list[str], **properties: object) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for key, value in properties.items():
        setattr(document.core_properties, key, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_in_order_with_properties() -> None:
    from datetime import datetime

    paragraphs = [line for line in SEED.split("\n") if line.strip()] + ["فقرة ثانية عن الاجتماع.", "", "فقرة ثالثة."]
    data = _docx(
        paragraphs, title="مسيرات جمعة المقاومة الشعبية", author="مراسل الجزيرة", created=datetime(2012, 2, 17)
    )
    [document] = extract(data, "report.docx")[0].documents
    assert document.text == "\n".join(p for p in paragraphs if p)
    assert (document.title, document.author, document.published) == (
        "مسيرات جمعة المقاومة الشعبية",
        "مراسل الجزيرة",
        "2012-02-17",
    )
    [plain] = extract(_docx(["فقرة واحدة."]), "plain.docx")[0].documents  # properties never set
    assert (plain.title, plain.author, plain.published) == ("", "", None)  # not the template's "python-docx", 2013
    with pytest.raises(ArticleError, match=r"notzip\.docx: not a Word document"):
        extract(SEED.encode(), "notzip.docx")
    with pytest.raises(ArticleError, match=r"blank\.docx: no text"):
        extract(_docx(["", "  "]), "blank.docx")


RECORDS = [
    {
        "id": "a1",
        "title": "مسيرات في سوريا",
        "content": "شهدت عدة مدن سورية مسيرات.",
        "date": "2012-03-02",
        "source": "sabq",
    },
    {"headline": "انشقاق عميد", "text": "أعلن العميد انشقاقه.", "published": "15 مارس 2012", "publisher": "okaz"},
    {"title": "بلا نص", "content": ""},
]


def test_jsonl_records_with_a_bad_line_and_a_record_without_text() -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS[:2]] + ['{"title": "مكسور', json.dumps(RECORDS[2])]
    found, _ = extract("\n".join(lines).encode(), "export.jsonl")
    assert [d.record for d in found.documents] == ["a1", "2"]  # the id field, else the line number
    first, second = found.documents
    assert (first.title, first.published, first.publisher) == ("مسيرات في سوريا", "2012-03-02", "sabq")
    assert (second.title, second.published, second.publisher) == ("انشقاق عميد", "2012-03-15", "okaz")
    problems = dict(found.problems)
    assert "not valid JSON" in problems["export.jsonl: line 3"]
    assert "no text" in problems["export.jsonl: line 4"]


def test_csv_export_and_a_field_mapping() -> None:
    rows = "nass,onwan,tarikh,masdar\n" + "\n".join(
        f'"{r.get("content") or r.get("text")}",{r.get("title", r.get("headline"))},2012-03-0{i},wam'
        for i, r in enumerate(RECORDS[:2], start=1)
    )
    fields = {"text": ["nass"], "title": ["onwan"], "published": ["tarikh"], "publisher": ["masdar"]}
    found, _ = extract(rows.encode(), "export.csv", fields)
    assert [(d.record, d.title, d.published, d.publisher) for d in found.documents] == [
        ("1", "مسيرات في سوريا", "2012-03-01", "wam"),
        ("2", "انشقاق عميد", "2012-03-02", "wam"),
    ]
    assert not extract(rows.encode(), "export.csv")[0].documents  # no mapping: no text field found
    assert extract(rows.encode(), "export.csv")[0].problems


def test_zip_of_json_arrays_like_saudinewsnet() -> None:
    article = {
        "source": "aawsat",
        "url": "http://aawsat.com/home/article/410826",
        "date_extracted": "2015-07-21 02:51:32",
        "title": "بريطانيا: أربعة محاور لاستراتيجية جديدة",
        "author": "لندن: رنيم حنوش",
        "content": "حدد رئيس الوزراء البريطاني ديفيد كاميرون، اليوم (الاثنين)، ملامح استراتيجية للتصدي للتطرف.",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("2015-07-21.json", json.dumps([article, {**article, "url": "u2"}], ensure_ascii=False))
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    found, _ = extract(buffer.getvalue(), "2015-07-21.zip")
    assert [d.record for d in found.documents] == ["2015-07-21.json:1", "2015-07-21.json:2"]
    first = found.documents[0]
    assert (first.publisher, first.published, first.author, first.url) == (
        "aawsat",
        "2015-07-21",
        "لندن: رنيم حنوش",
        "http://aawsat.com/home/article/410826",
    )
    assert found.skipped == [("2015-07-21.zip/photo.jpg", "unsupported type")]
    with pytest.raises(ArticleError, match=r"bad\.zip: not a readable zip"):
        extract(b"PK\x03\x04 not really", "bad.zip")
    with pytest.raises(ArticleError, match=r"bad\.json: not valid JSON \(line 1"):
        extract(b'[{"content": ', "bad.json")


def test_text_headline_and_dateline() -> None:
    text = "افتتاح مستشفى جديد في الرياض\nالرياض، 14 مارس 2012\nافتتح وزير الصحة اليوم مستشفى جديداً في 3 أبريل 2011."
    [document] = extract(text.encode(), "a.txt")[0].documents
    assert (document.text, document.title, document.published) == (text, "افتتاح مستشفى جديد في الرياض", "2012-03-14")
    [seed] = extract(SEED.encode(), "seed.txt")[0].documents
    assert seed.text == SEED and seed.published is None  # a date inside a long sentence is not a dateline


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-07-21 02:51:32", "2015-07-21"),
        ("الأربعاء ١٤ آذار ٢٠١٢", "2012-03-14"),
        ("3/4/2011", "2011-04-03"),
        ("2012-13-40", None),
        ("غدا", None),
    ],
)
def test_dates(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected == date_in_text(value)


def test_unsupported_type_is_named() -> None:
    with pytest.raises(ArticleError, match=r"photo\.xyz: unsupported type \(\.xyz\)"):
        extract(b"\x00\x01", "photo.xyz")


def test_record_titles_keep_no_html_entities_and_the_text_stays_as_written() -> None:
    """SaudiNewsNet's crawl left entities in some titles (``&#8220;…&#8221;``); the text is quoted by offset
    and is kept exactly as the export holds it."""
    record = {"id": "e1", "title": "&#8220;الشورى&#8221; يناقش &amp; يقر", "author": "محرر &quot;الرياض&quot;",
              "text": "نص المقال &amp; كما هو."}  # fmt: skip
    found, _ = extract(json.dumps(record, ensure_ascii=False).encode(), "export.jsonl")
    (document,) = found.documents
    assert document.title == "“الشورى” يناقش & يقر" and document.author == 'محرر "الرياض"'
    assert document.text == "نص المقال &amp; كما هو."


def test_front_matter_sets_the_metadata_and_is_not_article_text() -> None:
    """A .txt/.md may open with a front matter block (two seeds do, with their date): its keys are the
    article's metadata, and the text, with every offset, starts after it."""
    article = "انطلقت أعمال المؤتمر في باريس.\nوقال الرئيس الفرنسي إن الحل سياسي."
    head = "---\n# a comment\npublished: 7 يوليو 2012\npublisher: \"وكالة الأنباء\"\ncolour: blue\n---\n"
    [document] = extract((head + article).encode(), "paris.md")[0].documents
    assert document.text == article
    assert (document.published, document.publisher, document.title) == ("2012-07-07", "وكالة الأنباء", "")
    [plain] = extract(("---\n" + article).encode(), "dash.txt")[0].documents  # a rule, not front matter
    assert plain.text == "---\n" + article and plain.published is None
    [seed] = extract((SEEDS / "004_8bb0b02f1c03471e.txt").read_bytes(), "004_8bb0b02f1c03471e.txt")[0].documents
    assert seed.published == "2012-07-07" and seed.text.startswith("دعا مؤتمر أصدقاء الشعب السوري")
