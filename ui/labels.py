"""The chat's words in Arabic and English: labels, example questions, language choices."""

from __future__ import annotations

import re
import typing
from typing import Any

from rag.config import AnswerConfig

__all__ = ["ANSWER_MODES", "EXAMPLES", "LABELS", "LANGUAGES", "localise_reason", "relabelled"]

EXAMPLES = [
    "كم دولة صوتت بالموافقة على قرار الجمعية العامة بشأن سوريا؟",
    "من هو قائد لواء التوحيد؟",
    "أين عقد مؤتمر أصدقاء الشعب السوري؟",
    "Who commands the Fourth Division of the Syrian army?",
]
#: Answer modes; the per-session choice is shown only when an LLM is configured (``llm.base_url``
#: and ``llm.model``), since ``llm`` needs one.
ANSWER_MODES: tuple[str, ...] = typing.get_args(AnswerConfig.model_fields["mode"].annotation)

LANGUAGES = {"العربية": "ar", "English": "en"}
LABELS: dict[str, dict[str, str]] = {
    "ar": {
        "header": "## سند · Sanad\nاسأل عن المقالات الإخبارية المؤرشفة؛ كل إجابة مقتبسة من نصوص المقالات مع "
        "مصادرها المرقّمة. انقر على رقم المصدر لقراءته.",
        "chat": "المحادثة",
        "placeholder": "اكتب سؤالك هنا بالعربية أو الإنجليزية…",
        "welcome": "### أهلاً بك في سند\nاختر سؤالاً من الأمثلة أو اكتب سؤالك.",
        "copy": "نسخ الإجابة مع المصادر",
        "clear": "محادثة جديدة",
        "settings": "إعدادات البحث",
        "top_k": "عدد المقاطع التي يُبحث فيها",
        "mode": "طريقة الإجابة (extractive: اقتباس، llm: نموذج لغوي)",
        "sources_intro": "### المقالات في الأرشيف\nاختر مقالاً لقراءته، أو أضف مقالات (نصوص ‎.txt/.md‎، صفحات ‎.html‎، "
        "‎.pdf‎، ‎.docx‎، وملفات تصدير ‎.json/.jsonl/.csv/.zip‎).",
        "pick": "اقرأ مقالاً",
        "upload": "أضف مقالات",
        "add": "أضف إلى الأرشيف",
        "columns": "العنوان|المصدر|التاريخ|الملف|الحجم|المقاطع|أُدخل في (UTC)",
        "since": "منذ تاريخ (YYYY-MM-DD)",
        "until": "حتى تاريخ (YYYY-MM-DD)",
        "publishers": "المصادر (الصحف والمواقع)",
        "no_corpus": "⚠️ لم يُحدَّد مجلد المقالات (corpus.path) في الإعدادات؛ لا يمكن الإضافة.",
        "no_files": "⚠️ لم تُختر ملفات.",
        "copied": "نُسخت الإجابة مع مصادرها",
        "nothing_copied": "لا إجابة لنسخها بعد",
        "copy_failed": "تعذّر النسخ؛ لم يسمح المتصفح بالوصول إلى الحافظة",
        "asked": "سؤالك",
        "answered": "إجابة سند",
        "empty_index": "⚠️ الفهرس فارغ: شغّل `sanad ingest` أولاً.",
        "cannot_answer": "⚠️ تعذّرت الإجابة: {reason}",
        "cannot_add": "⚠️ تعذّرت الإضافة: {reason}",
        "no_such_source": "{request}: لا مصدر بهذا الرقم في هذه المحادثة",
        "not_a_request": "{request}: ليس طلب مصدر",
        "no_sources": "لا مصادر لهذه الإجابة: لم تُوجد في المقالات.",
        "feedback_title": "👎 ما الخطأ في هذه الإجابة؟ (يُحفظ تصحيحك في مجموعة إجاباتك المرجعية، على جهازك)",
        "feedback_answer": "الإجابة الصحيحة هي… (اختياري)",
        "feedback_save": "احفظ الإجابة الصحيحة",
        "feedback_notfound": "كان يجب أن يقول: ليس في المقالات",
        "feedback_close": "إغلاق",
        "saved_up": "✓ حُفظ تأكيدك لهذه الإجابة.",
        "saved_down": "✓ حُفظ أن الإجابة خاطئة. أضف الإجابة الصحيحة إن شئت.",
        "saved_fix": "✓ حُفظت الإجابة الصحيحة.",
        "saved_notfound": "✓ حُفظ أن الإجابة ليست في المقالات.",
        "nothing_to_judge": "لا إجابة لتقييمها هنا.",
        "cannot_save": "⚠️ تعذّر الحفظ: {reason}",
    },
    "en": {
        "header": "## Sanad · سند\nAsk about the archived news articles; every answer quotes the articles, with "
        "numbered sources. Click a source number to read it.",
        "chat": "Chat",
        "placeholder": "Ask a question in Arabic or English…",
        "welcome": "### Welcome to Sanad\nPick an example question or type your own.",
        "copy": "Copy answer with sources",
        "clear": "Clear chat",
        "settings": "Search settings",
        "top_k": "Passages searched",
        "mode": "Answer mode (extractive: quotes; llm: a language model)",
        "sources_intro": "### Articles in the archive\nPick an article to read it, or add articles (.txt, .md, .html, "
        ".pdf, .docx, and .json/.jsonl/.csv/.zip exports).",
        "pick": "Read an article",
        "upload": "Add articles",
        "add": "Add to the archive",
        "columns": "Headline|Outlet|Date|File|Size|Chunks|Ingested (UTC)",
        "since": "Since (YYYY-MM-DD)",
        "until": "Until (YYYY-MM-DD)",
        "publishers": "Outlets",
        "no_corpus": "⚠️ No articles folder (corpus.path) is configured; cannot add.",
        "no_files": "⚠️ No files chosen.",
        "copied": "Copied the answer with its sources",
        "nothing_copied": "No answer to copy yet",
        "copy_failed": "Could not copy: the browser refused the clipboard",
        "asked": "Your question",
        "answered": "Sanad's answer",
        "empty_index": "⚠️ The index is empty: run `sanad ingest` first.",
        "cannot_answer": "⚠️ Cannot answer: {reason}",
        "cannot_add": "⚠️ Cannot add: {reason}",
        "no_such_source": "{request}: no such source in this chat",
        "not_a_request": "{request}: not a source request",
        "no_sources": "No sources for this answer: it is not in the articles.",
        "feedback_title": "👎 What is wrong with this answer? (Your correction is saved to your own answer set, "
        "on this machine.)",
        "feedback_answer": "The right answer is… (optional)",
        "feedback_save": "Save the right answer",
        "feedback_notfound": "It should have said: not in the articles",
        "feedback_close": "Close",
        "saved_up": "✓ Saved: you confirmed this answer.",
        "saved_down": "✓ Saved: the answer is wrong. Add the right answer if you like.",
        "saved_fix": "✓ Saved the right answer.",
        "saved_notfound": "✓ Saved: the answer is not in the articles.",
        "nothing_to_judge": "Nothing to judge here.",
        "cannot_save": "⚠️ Could not save: {reason}",
    },
}


#: Why Sanad refused a file or a source (its messages are English), in Arabic: pattern -> template.
_REASONS_AR: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"not an article file \(expected (?P<x>[^)]*)\)"), "ليس ملف مقال (المقبول: {x})"),
    (
        re.compile(r"the articles folder holds a link or folder of that name; not replaced"),
        "في مجلد المقالات رابط أو مجلد بهذا الاسم؛ لم يُستبدل",
    ),
    (re.compile(r"binary file \((?P<x>[^)]*)\), not text"), "ملف ثنائي وليس نصاً"),
    (re.compile(r"empty file.*"), "ملف فارغ"),
    (
        re.compile(r"not UTF-8 and not readable as Windows-1256; save it as UTF-8"),
        "ليس بترميز UTF-8 ولا Windows-1256؛ احفظه بترميز UTF-8",
    ),
    (re.compile(r"too large \(over (?P<x>\d+) MiB\).*"), "أكبر من {x} ميغابايت؛ قسّمه إلى مقالات بحجم معقول"),
    (re.compile(r"no text to index \(no words found\)"), "لا نص فيه للفهرسة (لا كلمات)"),
    (re.compile(r"damaged or not a PDF \((?P<x>.*)\)"), "ملف PDF تالف أو ليس PDF ({x})"),
    (
        re.compile(r"no text layer \(scanned PDF\?\); run OCR on it first"),
        "لا طبقة نص فيه (PDF ممسوح ضوئياً؟)؛ مرّره على OCR أولاً",
    ),
    (
        re.compile(r"encrypted PDF \(password-protected\); save an unprotected copy"),
        "PDF مشفّر بكلمة مرور؛ احفظ نسخة غير محمية",
    ),
    (re.compile(r"not a Word document \(\.docx is a zip package\).*"), "ليس مستند Word (ملف ‎.docx‎ حزمة zip)"),
    (re.compile(r"no article text found in the page"), "لم يُعثر على نص مقال في الصفحة"),
    (re.compile(r"unsupported type \((?P<x>[^)]*)\)"), "نوع غير مدعوم ({x})"),
    (re.compile(r"not a date \(write YYYY-MM-DD\)"), "ليس تاريخاً (اكتبه بالشكل YYYY-MM-DD)"),
    (re.compile(r"since (?P<a>\S+) is after until (?P<b>\S+)"), "تاريخ البداية {a} بعد تاريخ النهاية {b}"),
    (re.compile(r"refused: not a file name inside the corpus"), "رُفض: ليس اسم ملف داخل مجلد المقالات"),
    (re.compile(r"refused: not an ingested article"), "رُفض: ليس مقالاً مُدخلاً في الأرشيف"),
    (re.compile(r"refused: it leads outside the corpus folder"), "رُفض: يقود إلى خارج مجلد المقالات"),
]


def localise_reason(reason: str, lang: str) -> str:
    """``reason`` (an English message from ``rag``/``ingest``, often ``NAME: why``) in ``lang``;
    unchanged in English or when it is not one Sanad knows."""
    if lang != "ar":
        return reason
    for pattern, template in _REASONS_AR:
        found = pattern.search(reason)
        if found:
            return reason[: found.start()] + template.format(**found.groupdict()) + reason[found.end() :]
    return reason


def relabelled(code: str) -> tuple[Any, ...]:
    """The chat page's words in language ``code``, as updates of (in order) the header, the chat, the
    question box, copy, clear, settings, the passages slider, the answer mode, since, until, outlets,
    the source panel, the Sources intro, its table, picker, upload box and add button."""
    import gradio as gr  # the words above are read without Gradio (the CLI, the API)

    from ui.render import render_panel_hint

    labels, rtl = LABELS[code], code == "ar"
    return (
        gr.update(value=labels["header"], rtl=rtl),
        gr.update(placeholder=labels["welcome"], label="سند · Sanad", rtl=rtl),
        gr.update(placeholder=labels["placeholder"], rtl=rtl),
        gr.update(value=labels["copy"]),
        gr.update(value=labels["clear"]),
        gr.update(label=labels["settings"]),
        gr.update(label=labels["top_k"]),
        gr.update(label=labels["mode"]),
        gr.update(label=labels["since"]),
        gr.update(label=labels["until"]),
        gr.update(label=labels["publishers"]),
        render_panel_hint(code),
        gr.update(value=labels["sources_intro"], rtl=rtl),
        gr.update(headers=labels["columns"].split("|")),
        gr.update(label=labels["pick"]),
        gr.update(label=labels["upload"]),
        gr.update(value=labels["add"]),
    )
