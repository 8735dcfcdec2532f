"""The chat's words in Arabic and English: labels, example questions, language choices."""

from __future__ import annotations

import typing

from rag.config import AnswerConfig

__all__ = ["ANSWER_MODES", "EXAMPLES", "LABELS", "LANGUAGES"]

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
        "settings": "الإعدادات",
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
    },
    "en": {
        "header": "## Sanad · سند\nAsk about the archived news articles; every answer quotes the articles, with "
        "numbered sources. Click a source number to read it.",
        "chat": "Chat",
        "placeholder": "Ask a question in Arabic or English…",
        "welcome": "### Welcome to Sanad\nPick an example question or type your own.",
        "copy": "Copy answer with sources",
        "clear": "Clear chat",
        "settings": "Settings",
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
    },
}
