"""What the chat page shows for an answer and a source (pure functions, real Arabic strings)."""

from __future__ import annotations

from rag.sources import SourceText
from rag.types import Answer, Citation
from ui.render import plain_answer, render_chat_answer, render_citation_panel, render_partial, render_refusal

ARTICLE = "عنوان الخبر\nأعلن <b>الوزير</b> افتتاح المعرض في دمشق. وشارك فيه مئتا ناشر."
START = ARTICLE.index("أعلن")
END = ARTICLE.index("دمشق.") + len("دمشق.")
CITATION = Citation(1, "news/خبر.txt", "/corpus", START, END, ARTICLE[START:END], START, len(ARTICLE))
FOUND = Answer("من افتتح المعرض؟", f"{ARTICLE[START:END]} [1] [7]", True, [CITATION])


def test_cited_markers_become_links_to_their_source_and_others_stay_text() -> None:
    shown = render_chat_answer(FOUND, turn=3)
    assert shown.count('href="#sanad-cite-3-1"') == 2  # in the answer and in the sources list
    assert "sanad-cite-3-7" not in shown and "[7]" in shown
    assert "<b>" not in shown and "&lt;b&gt;" in shown  # article HTML is text
    assert "**المصادر**" in shown and "`news/خبر.txt`" in shown and 'dir="auto"' in shown


def test_not_found_has_its_own_frame_and_no_sources() -> None:
    shown = render_chat_answer(Answer("ما عاصمة أستراليا؟", "لا تحتوي المقالات على إجابة.", False), turn=0)
    assert 'class="sanad-notfound"' in shown and shown.count("⚠️") == 1
    assert "sanad-cite" not in shown and "المصادر" not in shown


def test_panel_highlights_the_cited_span_in_the_passage_and_the_article() -> None:
    panel = render_citation_panel(CITATION, SourceText("news/خبر.txt", "/corpus", ARTICLE, changed=False))
    cited = "أعلن &lt;b&gt;الوزير&lt;/b&gt; افتتاح المعرض في دمشق."
    assert panel.count(f"<mark>{cited}</mark>") == 2
    assert "وشارك فيه مئتا ناشر." in panel and "عنوان الخبر" in panel  # passage context and whole article
    assert "<b>" not in panel and "المصدر [1]" in panel and "news/خبر.txt" in panel and "sanad-warning" not in panel


def test_panel_warns_when_the_file_changed_since_ingest() -> None:
    panel = render_citation_panel(CITATION, SourceText("news/خبر.txt", "/corpus", "نص آخر", changed=True), "en")
    assert "sanad-warning" in panel and "re-ingest" in panel
    assert "<mark>أعلن &lt;b&gt;الوزير&lt;/b&gt; افتتاح المعرض في دمشق.</mark>" in panel


def test_plain_copy_holds_the_answer_and_numbered_sources() -> None:
    text = plain_answer(FOUND)
    assert text.startswith(FOUND.answer)
    assert f"المصادر:\n[1] news/خبر.txt ({START}–{END}): «{ARTICLE[START:END]}»" in text


def test_refusal_is_shown_as_text() -> None:
    shown = render_refusal("<script>x</script>: refused", "en")
    assert "<script>" not in shown and "Refused" in shown


def test_a_streaming_answer_is_shown_as_text() -> None:
    shown = render_partial("أعلن <b>الوزير</b> افتتاح")
    assert "<b>" not in shown and "&lt;b&gt;الوزير&lt;/b&gt;" in shown and 'dir="auto"' in shown


def test_a_rewritten_follow_up_says_what_was_searched() -> None:
    answer = Answer(
        question="ومن يقودها؟",
        answer="عبد القادر الصالح [1]",
        found=True,
        citations=[Citation(1, "a.txt", "/x", 0, 10, "عبد القادر", 0, 10)],
        standalone_question="ومن يقودها؟ (لواء التوحيد <b>)",
    )
    shown = render_chat_answer(answer, 0)
    assert 'class="sanad-searched"' in shown and "بحثنا عن: ومن يقودها؟ (لواء التوحيد &lt;b&gt;)" in shown
    alone = Answer(question="Who leads it?", answer="x", found=False)
    assert "sanad-searched" not in render_chat_answer(alone, 0)


def test_the_focus_is_marked_inside_the_quoted_sentence() -> None:
    sentence = "أعلن الوزير، في مؤتمر صحفي، افتتاح المعرض في دمشق."
    focus = "افتتاح المعرض في دمشق."
    start = sentence.index(focus)
    citation = Citation(1, "a.txt", "/x", 0, len(sentence), sentence, 0, len(sentence)).focused(
        start, len(sentence), focus
    )
    answer = Answer(question="ماذا أعلن الوزير؟", answer=f"{sentence} [1]", found=True, citations=[citation])
    shown = render_chat_answer(answer, 0)
    # The fact is marked inside the answer's own sentence; the list under it names the source, compactly.
    assert f'<div dir="auto" class="sanad-answer">\n\nأعلن الوزير، في مؤتمر صحفي، <mark>{focus}</mark> <a' in shown
    assert shown.count(sentence) == 0 and shown.count(focus) == 1 and "«" not in shown
    assert '- <a class="sanad-cite" href="#sanad-cite-0-1"' in shown and "`a.txt` · \u2066" in shown
    whole = Citation(1, "a.txt", "/x", 0, len(sentence), sentence, 0, len(sentence))
    assert whole.focus == sentence and "<mark>" not in render_chat_answer(
        Answer(question="ماذا أعلن الوزير؟", answer="x [1]", found=True, citations=[whole]), 0
    )


def test_sources_show_headline_outlet_date_page_and_record() -> None:
    from dataclasses import replace

    from ingest.manifest import FileRecord
    from ui.articles import source_choice, sources_rows
    from ui.render import render_sources

    cited = replace(
        CITATION,
        title="افتتاح المعرض",
        publisher="سبق",
        published="2012-03-14",
        page=2,
        record="r7",
        url="https://x.sa/1",
    )
    answer = Answer("من افتتح المعرض؟", f"{ARTICLE[START:END]} [1]", True, [cited])
    for shown in (render_chat_answer(answer, 0), render_sources(answer)):
        assert "افتتاح المعرض · سبق · 2012-03-14" in shown and "`news/خبر.txt [r7]` ص 2" in shown
    panel = render_citation_panel(cited, SourceText("news/خبر.txt", "/corpus", ARTICLE, changed=False))
    assert 'class="sanad-meta"' in panel and "افتتاح المعرض · سبق · 2012-03-14" in panel and "صفحة 2" in panel
    assert 'href="https://x.sa/1"' in panel
    record = FileRecord(
        "/c", "export.jsonl", "h", 10, 1, "utf-8", "2026-12-01T20:00:00", "r7", "", "عنوان", "2012-03-14", "سبق"
    )
    assert sources_rows([record]) == [
        ["عنوان", "سبق", "2012-03-14", "export.jsonl [r7]", "10 B", 1, "2026-12-01 20:00"]
    ]
    assert source_choice(record) == ("عنوان · سبق · 2012-03-14 — export.jsonl [r7]", "export.jsonl\x1fr7")


def test_an_article_without_a_headline_is_named_by_its_first_words_and_offsets_are_a_detail() -> None:
    from dataclasses import replace

    lead = "أعلن <b>الوزير</b> افتتاح…"
    cited = replace(CITATION, lead=lead, publisher="سبق")
    answer = Answer("من افتتح المعرض؟", f"{ARTICLE[START:END]} [1]", True, [cited])
    line = render_chat_answer(answer, 0).splitlines()[-1]
    assert "**أعلن &lt;b&gt;الوزير&lt;/b&gt; افتتاح… · سبق**" in line  # the name, escaped, leads the line
    assert f"{START}–{END}" not in line and '<small class="sanad-where">' in line and "`news/خبر.txt`" in line
    panel = render_citation_panel(cited, SourceText("news/خبر.txt", "/corpus", ARTICLE, changed=False))
    meta, passage, detail = panel.index('class="sanad-meta"'), panel.index("sanad-passage"), panel.index("sanad-file")
    assert meta < passage < detail  # headline first; where in the file comes after the passage, in small print
    assert "أعلن &lt;b&gt;الوزير&lt;/b&gt; افتتاح… · سبق" in panel and f"({START}–{END})" in panel[detail:]
    assert f"[1] أعلن <b>الوزير</b> افتتاح… · سبق — news/خبر.txt ({START}–{END})" in plain_answer(answer)
