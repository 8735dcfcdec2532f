"""Turning an :class:`rag.types.Answer` into chat Markdown (answer, then numbered sources)."""

from __future__ import annotations

import html
from pathlib import Path

from ingest.textnorm import is_arabic
from rag.index.report import IngestReport
from rag.sources import SourceText
from rag.types import Answer, Citation
from rag.wording import page_label
from ui.articles import about_article, meta_html
from ui.gathered_view import gathered_body, is_gathered
from ui.labels import localise_reason
from ui.quotes import cite_link, escape_text, focused_quote, linked_markers
from ui.unanswered_view import plain_nearest, render_unanswered

__all__ = [
    "cite_link",
    "plain_answer",
    "render_answer",
    "render_article",
    "render_chat_answer",
    "render_citation_panel",
    "render_error",
    "render_ingest_report",
    "render_panel_hint",
    "render_partial",
    "render_question",
    "render_refusal",
    "render_searched",
    "render_sources",
    "focused_quote",
    "source_line",
]

_LRI, _PDI = "\u2066", "\u2069"  # Unicode left-to-right isolate / pop directional isolate


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _sources_heading(answer: Answer) -> str:
    """ "Sources" in the question's language."""
    return "المصادر" if is_arabic(answer.question) else "Sources"


def _about(citation: Citation) -> str:
    about = about_article(citation.name, citation.publisher, citation.published)
    return f"**{escape_text(about)}** — " if about else ""


def _where(citation: Citation, arabic: bool) -> str:
    """The file, its record inside a multi-article file, and the PDF page («ص 2» in Arabic)."""
    record = f" [{citation.record}]" if citation.record else ""
    page = f" {page_label(citation.page, arabic)}" if citation.page else ""
    return f"`{citation.file}{record}`{page}"


def render_sources(answer: Answer) -> str:
    """The numbered sources block: file name, offsets and the quoted passage."""
    if not answer.citations:
        return ""
    heading = _sources_heading(answer)
    lines = [f"**{heading}**", ""]
    for citation in answer.citations:
        span = f"({citation.start}–{citation.end})"
        where = _where(citation, heading == "المصادر")
        lines.append(f"{citation.n}. {_about(citation)}{where} {span}: «{escape_text(citation.text)}»")
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    """The whole chat message: the answer (marked when not found) and its sources."""
    body = escape_text(answer.answer).replace("\\[", "[").replace("\\]", "]")
    if not answer.found:
        return f"⚠️ *{body}*"
    return f"{body}\n\n{render_sources(answer)}"


def render_error(message: str) -> str:
    """An error message shown as text (it may quote a path or a question)."""
    return escape_text(message)


def render_partial(text: str) -> str:
    """An answer still streaming in, shown as text (it quotes articles)."""
    return f'<div dir="auto" class="sanad-answer">\n\n{escape_text(text)}\n\n</div>'


def render_question(question: str) -> str:
    """The user's question as the chat shows it: as typed, as text (HTML and Markdown escaped)."""
    return escape_text(question)


# ---------------------------------------------------------------- chat page (HTML/Markdown for Gradio)


def render_chat_answer(answer: Answer, turn: int, lang: str = "ar") -> str:
    """An answer as the chat shows it: the fact of each quote in a ``<mark>``, clickable ``[n]``
    markers, then one compact line per source (:func:`source_line`); the full quote is in the panel.

    ``turn`` numbers the answer in the conversation (the links name it). A "not in the articles"
    answer is framed differently (``sanad-notfound``) and has no sources. The source lines are in
    the question's language, as their heading is (``lang``, the page's, is kept for callers).
    """
    searched = render_searched(answer)
    if not answer.found:  # a partial answer or a refusal, with the nearest passages
        return render_unanswered(answer, turn, searched, lambda c: source_line(c, lang))
    numbers = {c.n for c in answer.citations}
    body = gathered_body(answer, turn) if is_gathered(answer) else linked_markers(_marked_answer(answer), turn, numbers)
    heading = _sources_heading(answer)
    lines = [f'{searched}<div dir="auto" class="sanad-answer">\n\n{body}\n\n</div>', "", f"**{heading}**", ""]
    for c in answer.citations:
        marker = linked_markers(f"\\[{c.n}\\]", turn, numbers)
        lines.append(f"- {marker} · {source_line(c, 'ar' if heading == 'المصادر' else 'en')}")
    return "\n".join(lines)


def source_line(citation: Citation, lang: str = "ar") -> str:
    """The compact line naming source ``[n]`` under an answer, after its marker: headline (or, for an
    article without one, its first words) · outlet · date, then the file (its record, its PDF page) in
    small print (Markdown, escaped). The character offsets are a detail the source panel shows."""
    arabic = lang == "ar"  # every part is the article's own but the page's «ص»
    about = about_article(citation.name, citation.publisher, citation.published)
    if not about:  # nothing names the article but its file: the offsets tell two passages apart
        return f"{_where(citation, arabic)} · {_LRI}{citation.start}–{citation.end}{_PDI}"
    return f'**{escape_text(about)}** <small class="sanad-where">· {_where(citation, arabic)}</small>'


def _marked_answer(answer: Answer) -> str:
    """The answer as text, each quoted sentence's focus (the clause that answers) in a ``<mark>``.
    Sentences the answer does not quote word for word (an LLM's answer) are left as they are."""
    text, spans = answer.answer, []
    for citation in answer.citations:
        found = text.find(citation.text) if citation.text else -1
        if found >= 0:
            spans.append((found, found + len(citation.text), citation))
    pieces, at = [], 0
    for start, end, citation in sorted(spans, key=lambda span: span[0]):
        if start >= at:  # one mark per sentence, even when two sources quote it
            pieces += [escape_text(text[at:start]), focused_quote(citation)]
            at = end
    return "".join([*pieces, escape_text(text[at:])])


def render_searched(answer: Answer) -> str:
    """ "searched for: …" when the question was a follow-up rewritten from the chat (else ``""``)."""
    if not answer.standalone_question:
        return ""
    label = "بحثنا عن" if is_arabic(answer.question) else "searched for"
    return f'<div dir="auto" class="sanad-searched">{label}: {_html(answer.standalone_question)}</div>\n\n'


def plain_answer(answer: Answer) -> str:
    """The answer with its sources as plain text (what "copy answer with sources" copies)."""
    if not answer.citations:
        return "\n".join([answer.answer, *plain_nearest(answer)])
    heading = _sources_heading(answer)
    sources = [f"[{c.n}] {_plain_about(c)}{c.file} ({c.start}–{c.end}): «{c.text}»" for c in answer.citations]
    return "\n".join([answer.answer, "", f"{heading}:", *sources, *plain_nearest(answer)])


def _plain_about(citation: Citation) -> str:
    about = about_article(citation.name, citation.publisher, citation.published)
    return f"{about} — " if about else ""


def _highlighted(text: str, start: int, end: int, focus: tuple[int, int] | None = None) -> str:
    """``text`` escaped, with ``text[start:end]`` in a ``<mark>`` (and ``text[focus]`` inside it in bold)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    inner = _html(text[start:end])
    if focus is not None and start <= focus[0] < focus[1] <= end:
        lo, hi = focus
        inner = f"{_html(text[start:lo])}<b>{_html(text[lo:hi])}</b>{_html(text[hi:end])}"
    return f"{_html(text[:start])}<mark>{inner}</mark>{_html(text[end:])}"


def render_citation_panel(citation: Citation, source: SourceText, lang: str = "ar") -> str:
    """The side panel for source ``[n]``: file name, the passage with the cited span highlighted,
    and the whole article (folded) with the same span highlighted."""
    ar = lang == "ar"
    text = source.text
    warning = ""
    if source.changed or text[citation.start : citation.end] != citation.text:
        warning = (
            '<p class="sanad-warning">⚠️ '
            + ("تغيّر الملف بعد إدخاله؛ أعد الإدخال." if ar else "The file changed since it was ingested; re-ingest.")
            + "</p>"
        )
        passage = f"<mark>{_html(citation.text)}</mark>"
    else:
        lo, hi = min(citation.passage_start, citation.start), max(citation.passage_end, citation.end)
        passage = _highlighted(text[lo:hi], citation.start - lo, citation.end - lo)
        focus_lo, focus_hi = (citation.focus_start or citation.start) - lo, (citation.focus_end or citation.end) - lo
        if (focus_lo, focus_hi) != (citation.start - lo, citation.end - lo) and focus_lo < focus_hi:
            passage = _highlighted(text[lo:hi], citation.start - lo, citation.end - lo, (focus_lo, focus_hi))
    title = f"المصدر [{citation.n}]" if ar else f"Source [{citation.n}]"
    whole = "اقرأ المقال كاملاً" if ar else "Read the whole article"
    return (
        f'<div class="sanad-panel" dir="{"rtl" if ar else "ltr"}">'
        f"<h3>{title}</h3>"
        f"{meta_html(citation, ar)}"
        f"{warning}"
        f'<blockquote class="sanad-passage" dir="auto">{passage}</blockquote>'
        f'<p class="sanad-file">{"الملف" if ar else "File"}: <bdi dir="ltr">{_html(citation.file)}</bdi> · '
        f"{'الموضع' if ar else 'characters'} "
        f'<bdi class="sanad-offsets" dir="ltr">({citation.start}–{citation.end})</bdi></p>'
        f'<details class="sanad-whole"><summary>{whole}</summary>'
        f'<div class="sanad-article" dir="auto">{_highlighted(text, citation.start, citation.end)}</div></details>'
        "</div>"
    )


def render_article(source: SourceText, lang: str = "ar") -> str:
    """A whole article for the reader (escaped: HTML in an article is shown as text)."""
    ar = lang == "ar"
    entry = source.article
    about = about_article(entry.title or entry.lead, entry.publisher, entry.published) if entry else ""
    name = _html(entry.name if entry else source.file)
    if not about:
        heading = f'<h3><bdi dir="ltr">{name}</bdi></h3>'
    else:
        heading = f'<h3 dir="auto">{_html(about)}</h3><p class="sanad-file"><bdi dir="ltr">{name}</bdi></p>'
    return (
        f'<div class="sanad-panel" dir="{"rtl" if ar else "ltr"}">{heading}'
        f'<div class="sanad-article" dir="auto">{_html(source.text)}</div></div>'
    )


def render_refusal(message: str, lang: str = "ar") -> str:
    """A refused or failed source request, shown as text in the page's language (the name it quotes
    reads left to right)."""
    ar = lang == "ar"
    label = "رُفض الطلب" if ar else "Refused"
    name, sep, why = localise_reason(message, lang).partition(": ")
    shown = f'<bdi dir="ltr">{_html(name)}</bdi>{sep}{_html(why)}' if sep else _html(name)
    return f'<div class="sanad-panel sanad-refused" dir="{"rtl" if ar else "ltr"}"><h3>{label}</h3><p>{shown}</p></div>'


def render_panel_hint(lang: str = "ar") -> str:
    """The empty source panel."""
    if lang == "ar":
        text = "انقر على رقم مصدر مثل <b>[1]</b> في الإجابة لعرض المقطع المقتبس ونص المقال هنا."
        return f'<div class="sanad-panel sanad-hint" dir="rtl"><h3>المصدر</h3><p>{text}</p></div>'
    text = "Click a source number such as <b>[1]</b> in an answer to see the quoted passage and the article here."
    return f'<div class="sanad-panel sanad-hint" dir="ltr"><h3>Source</h3><p>{text}</p></div>'


def render_ingest_report(report: IngestReport, refused: list[tuple[str, str]], lang: str = "ar") -> str:
    """What an upload did: files added/updated/unchanged, and each refused or failed file with its reason."""
    ar = lang == "ar"
    lines = [
        (
            f"✓ أُضيف {len(report.added)}، حُدّث {len(report.updated)}، بلا تغيير {len(report.unchanged)}"
            if ar
            else f"✓ {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
        )
    ]
    for name in [*report.added, *report.updated]:
        lines.append(f"- ✓ `{name}`")
    for name, reason in [*refused, *report.failed]:
        lines.append(f"- ✗ `{Path(name).name}`: {escape_text(localise_reason(reason, lang))}")
    return "\n".join(lines)
