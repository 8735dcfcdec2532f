"""Adding articles from the chat's Sources tab (real ingest into a real index; the progress bar is
Gradio's and needs a browser, so a no-op callback stands in for it here; the browser test drives it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Assistant
from ui.handlers import add_articles

NEW = "حملة زراعة الزيتون\nأطلقت وزارة الزراعة حملة لزراعة مليون شجرة زيتون في ريف حمص."


def _progress(*args: object, **kwargs: object) -> None:
    """Stands in for gr.Progress outside a browser session."""


@pytest.fixture()
def assistant(small_config: Path) -> Assistant:
    assistant = Assistant.from_config(small_config)
    assistant.ingest()
    return assistant


def test_a_good_upload_is_ingested_and_named(assistant: Assistant, small_corpus: Path, tmp_path: Path) -> None:
    upload = tmp_path / "up" / "olive.txt"
    upload.parent.mkdir()
    upload.write_text(NEW, encoding="utf-8")
    shown = add_articles(assistant, [str(upload)], "ar", _progress)
    assert "أُضيف 1" in shown and "`olive.txt`" in shown
    assert (small_corpus / "olive.txt").read_text(encoding="utf-8") == NEW
    assert "olive.txt" in {r.file for r in assistant.sources()}


def test_a_bad_upload_over_a_good_article_leaves_the_article(
    assistant: Assistant, small_corpus: Path, tmp_path: Path
) -> None:
    before = (small_corpus / "a.txt").read_bytes()
    upload = tmp_path / "up" / "a.txt"
    upload.parent.mkdir()
    upload.write_bytes(bytes(range(256)) * 4)
    shown = add_articles(assistant, [str(upload)], "en", _progress)
    assert "✗ `a.txt`" in shown and "binary" in shown
    assert (small_corpus / "a.txt").read_bytes() == before  # put back
    assert assistant.read_source("a.txt").text.startswith("أعلن العميد")


def test_wrong_type_and_links_are_refused_by_name(assistant: Assistant, small_corpus: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("خارج المجلد", encoding="utf-8")
    (small_corpus / "link.txt").symlink_to(outside)
    up = tmp_path / "up"
    up.mkdir()
    (up / "scan.pdf").write_bytes(b"%PDF-1.4")  # a supported type, but not a readable PDF
    (up / "photo.xyz").write_bytes(b"\x89XYZ")
    (up / "link.txt").write_text(NEW, encoding="utf-8")
    shown = add_articles(assistant, [str(up / n) for n in ("scan.pdf", "photo.xyz", "link.txt")], "en", _progress)
    assert "✗ `photo.xyz`: not an article file" in shown
    assert "✗ `scan.pdf`: damaged or not a PDF" in shown
    assert "✗ `link.txt`: the articles folder holds a link" in shown
    assert outside.read_text(encoding="utf-8") == "خارج المجلد"  # never written through the link
    assert not (small_corpus / "scan.pdf").exists() and not (small_corpus / "photo.xyz").exists()


def test_no_corpus_folder_configured(tmp_path: Path) -> None:
    from tests.conftest import write_config

    config = write_config(tmp_path, corpus={"path": None}, index={"path": str(tmp_path / "index")})
    shown = add_articles(Assistant.from_config(config), [str(tmp_path / "x.txt")], "en", _progress)
    assert "corpus.path" in shown


def test_pages_pdfs_and_exports_upload_too(assistant: Assistant, small_corpus: Path, tmp_path: Path) -> None:
    import json
    import shutil

    from tests.conftest import ROOT
    from tests.test_formats import NEWS_PAGE

    up = tmp_path / "up"
    up.mkdir()
    (up / "page.html").write_text(NEWS_PAGE, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "fixtures" / "formats" / "seed.pdf", up / "report.pdf")
    lines = [{"id": "n1", "title": "حملة زراعة", "content": NEW, "source": "sana", "date": "2012-05-01"}]
    (up / "export.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines), encoding="utf-8")
    shown = add_articles(assistant, [str(up / n) for n in ("page.html", "report.pdf", "export.jsonl")], "ar", _progress)
    assert "أُضيف 3" in shown and "`export.jsonl [n1]`" in shown and "`page.html`" in shown
    by_name = {r.name: r for r in assistant.sources()}
    assert by_name["page.html"].publisher == "صحيفة الوطن" and by_name["export.jsonl [n1]"].published == "2012-05-01"
    assert assistant.read_source("export.jsonl", record="n1").text == NEW


def test_refusals_are_in_the_page_language(assistant: Assistant, tmp_path: Path) -> None:
    up = tmp_path / "up"
    up.mkdir()
    (up / "scan.pdf").write_bytes(b"%PDF-1.4")
    (up / "photo.xyz").write_bytes(b"\x89XYZ")
    (up / "broken.txt").write_bytes(bytes(range(256)) * 4)
    shown = add_articles(assistant, [str(up / n) for n in ("scan.pdf", "photo.xyz", "broken.txt")], "ar", _progress)
    assert "✗ `photo.xyz`: ليس ملف مقال (المقبول: .txt, .md" in shown
    assert "✗ `scan.pdf`: ملف PDF تالف أو ليس PDF" in shown
    assert "✗ `broken.txt`: " in shown and "ملف ثنائي وليس نصاً" in shown
    assert "not an article" not in shown and "binary" not in shown and "damaged" not in shown and "أُضيف 0" in shown
