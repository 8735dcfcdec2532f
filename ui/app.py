"""Sanad's Gradio chat: Arabic right-to-left, streamed answers, sources one click away.

The UI only calls :class:`rag.Assistant`; no retrieval or answer logic lives here.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import typing
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from ingest.pipeline import IngestReport  # noqa: E402
from rag.assistant import Assistant, EmptyIndexError  # noqa: E402
from rag.config import AnswerConfig  # noqa: E402
from rag.types import Answer, Citation  # noqa: E402
from ui.auth import load_users  # noqa: E402
from ui.render import (  # noqa: E402
    plain_answer,
    render_answer,
    render_article,
    render_chat_answer,
    render_citation_panel,
    render_error,
    render_ingest_report,
    render_panel_hint,
    render_partial,
    render_question,
    render_refusal,
    sources_rows,
)

__all__ = ["build_app", "launch", "QUEUE_CONCURRENCY", "QUEUE_MAX_SIZE"]

#: Questions answered at the same time. Answering is CPU-bound (the encoder serialises its
#: calls), so more workers than cores only add memory and latency: 2 on a 2-core machine.
QUEUE_CONCURRENCY = 2
#: Questions waiting beyond those; one more is refused at once ("queue is full") instead of
#: waiting minutes. At ~0.4 s a question, 64 waiting is under a minute.
QUEUE_MAX_SIZE = 64

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
        "sources_intro": "### المقالات في الأرشيف\nاختر مقالاً لقراءته، أو أضف مقالات (ملفات ‎.txt‎ أو ‎.md‎).",
        "pick": "اقرأ مقالاً",
        "upload": "أضف مقالات",
        "add": "أضف إلى الأرشيف",
        "columns": "الملف|الحجم|المقاطع|أُدخل في (UTC)",
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
        "sources_intro": "### Articles in the archive\nPick an article to read it, or add articles (.txt, .md).",
        "pick": "Read an article",
        "upload": "Add articles",
        "add": "Add to the archive",
        "columns": "File|Size|Chunks|Ingested (UTC)",
        "no_corpus": "⚠️ No articles folder (corpus.path) is configured; cannot add.",
        "no_files": "⚠️ No files chosen.",
    },
}

_CSS = """
/* Each paragraph takes its direction from its own text: Arabic RTL, English LTR. */
.message-content p, .message-content li, textarea, button, button * { unicode-bidi: plaintext; }
/* File names and offsets read left to right inside Arabic lines. */
.message-content code, .sanad-file bdi { direction: ltr; unicode-bidi: isolate; }
a.sanad-cite { font-weight: 600; text-decoration: none; padding: 0 2px; border-radius: 4px;
  background: rgba(37, 99, 235, .12); color: #1d4ed8; cursor: pointer; }
a.sanad-cite:hover { background: rgba(37, 99, 235, .28); }
.sanad-notfound { border-inline-start: 4px solid #d97706; background: rgba(217, 119, 6, .10);
  padding: 4px 10px; border-radius: 6px; }
.sanad-panel { padding: 8px 12px; line-height: 1.8; }
.sanad-panel h3 { margin: 0 0 6px 0; }
.sanad-passage { border-inline-start: 4px solid #2563eb; margin: 8px 0; padding: 6px 10px; white-space: pre-wrap; }
.sanad-article { white-space: pre-wrap; max-height: 420px; overflow-y: auto; padding: 6px; }
.sanad-panel mark { background: #fde68a; color: inherit; padding: 0 2px; }
.sanad-refused { border-inline-start: 4px solid #dc2626; }
.sanad-hidden { display: none !important; }
"""

# Installed once by the hidden bridge: page styles, and clicks on [n] links (or window.sanadOpen(request),
# used by the tests) become a "submit" event whose value is the request ("cite:TURN:N" or "file:NAME").
_BRIDGE_JS = (
    "if (!document.getElementById('sanad-style')) {"
    "  const style = document.createElement('style'); style.id = 'sanad-style';"
    f"  style.textContent = {json.dumps(_CSS)}; document.head.appendChild(style); }}"
    "window.sanadOpen = (request) => { props.value = request + '|' + Date.now(); trigger('submit'); };"
    "if (!window.sanadClicks) { window.sanadClicks = true;"
    "  document.addEventListener('click', (event) => {"
    "    const link = event.target.closest && event.target.closest('a.sanad-cite, a[href^=\"#sanad-cite-\"]');"
    "    if (!link) return;"
    "    event.preventDefault(); event.stopPropagation();"
    "    const m = (link.getAttribute('href') || '').match(/^#sanad-cite-(\\d+)-(\\d+)$/);"
    "    if (m) window.sanadOpen('cite:' + m[1] + ':' + m[2]);"
    "  }, true); }"
)

Event = tuple[str, Any]  # ("text", partial answer) | ("answer", Answer) | ("error", Markdown)


def _events(
    assistant: Assistant, message: str, history: list[Any], top_k: int | None = None, mode: str | None = None
) -> Iterator[Event]:
    text = ""
    try:
        for piece in assistant.stream(message, history, top_k=top_k, mode=mode):
            if isinstance(piece, Answer):
                yield "answer", piece
            else:
                text += piece
                yield "text", text
    except EmptyIndexError:
        yield "error", "⚠️ الفهرس فارغ: شغّل `sanad ingest` أولاً. / The index is empty: run `sanad ingest` first."
    except (ValueError, RuntimeError) as exc:  # damaged or mismatched index, store unreachable: say so
        yield "error", f"⚠️ تعذّر الإجابة. / Cannot answer: {render_error(str(exc))}"


def _respond(assistant: Assistant, message: str, history: list[Any]) -> Iterator[str]:
    """The ``/chat`` stream: partial text, then the answer's Markdown (or the error)."""
    for kind, value in _events(assistant, message, history):
        yield render_answer(value) if kind == "answer" else value


def _open(assistant: Assistant, request: str, answers: list[list[dict[str, Any]]], lang: str) -> str:
    """The source panel for a request from the page: ``cite:TURN:N`` or ``file:NAME``."""
    request = (request or "").rsplit("|", 1)[0]
    kind, _, rest = request.partition(":")
    turn, _, n = rest.partition(":")
    try:
        if kind == "cite" and turn.isdigit() and n.isdigit():
            cited = [c for c in answers[int(turn)] if c["n"] == int(n)] if int(turn) < len(answers) else []
            if not cited:
                return render_refusal(f"{request}: no such source in this chat", lang)
            citation = Citation(**cited[0])
            return render_citation_panel(citation, assistant.read_source(citation.file, citation.root), lang)
        if kind == "file":
            return render_article(assistant.read_source(rest), lang)
    except (ValueError, RuntimeError) as exc:  # refused (SourceRefused), or a damaged manifest
        return render_refusal(str(exc), lang)
    return render_refusal(f"{request}: not a source request", lang)


def _save_uploads(
    files: list[str], corpus: Path, extensions: list[str], backups: Path
) -> tuple[dict[Path, Path | None], list[tuple[str, str]]]:
    """Copy uploaded files into the corpus folder (by base name). Returns the saved files, each with a
    backup (in ``backups``) of the file it replaced or None, and the refused ones with their reasons."""
    saved: dict[Path, Path | None] = {}
    refused: list[tuple[str, str]] = []
    for upload in files:
        name = Path(upload).name
        target = corpus / name
        if Path(name).suffix.lower() not in extensions:
            refused.append((name, f"not an article file (expected {', '.join(extensions)})"))
        elif target.is_symlink() or (target.exists() and not target.is_file()):
            refused.append((name, "the articles folder holds a link or folder of that name; not replaced"))
        else:
            backup = None
            if target.exists():
                backup = backups / name
                shutil.copy2(target, backup)
            shutil.copyfile(upload, target)
            saved[target] = backup
    return saved, refused


def _restore(saved: dict[Path, Path | None], names: set[str] | None = None) -> None:
    """Put back what uploads replaced (only files named in ``names``, or all): the folder as it was."""
    for target, backup in saved.items():
        if names is None or target.name in names:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                shutil.copy2(backup, target)


def _add_articles(assistant: Assistant, files: list[str] | None, lang: str, progress: gr.Progress) -> str:
    labels = LABELS[lang]
    corpus = assistant.config.corpus.path
    if corpus is None:
        return labels["no_corpus"]
    if not files:
        return labels["no_files"]
    corpus.mkdir(parents=True, exist_ok=True)
    extensions = [e.lower() for e in assistant.config.corpus.extensions]
    with tempfile.TemporaryDirectory(prefix="sanad-upload-") as backups:
        saved, refused = _save_uploads(files, corpus, extensions, Path(backups))
        if not saved:
            return render_ingest_report(IngestReport(), refused, lang)
        progress((0, 1), desc="…")
        try:
            report = assistant.ingest([corpus], progress=lambda done, total, file: progress((done, total), desc=file))
        except (ValueError, RuntimeError, OSError) as exc:  # index busy, mismatched, unreachable
            _restore(saved)
            return f"⚠️ {render_error(str(exc))}"
        _restore(saved, {Path(name).name for name, _ in report.failed})  # a bad upload leaves no trace
    return render_ingest_report(report, refused, lang)


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat as a Gradio app (not launched), with its queue set up.

    Tabs: the chat (streamed answers whose ``[n]`` markers open the cited passage in a side
    panel) and the sources (ingested articles, a reader, upload). Questions are shown as
    typed, as text; article text is always escaped. The API endpoint ``/chat`` takes a
    question and streams the answer's Markdown.
    """
    config = assistant.config
    with gr.Blocks(title="سند · Sanad", fill_width=True) as app:
        with gr.Row(equal_height=True):
            header = gr.Markdown(LABELS["ar"]["header"], rtl=True, elem_id="sanad-header")
            language = gr.Radio(list(LANGUAGES), value="العربية", show_label=False, scale=0, min_width=200)
        lang = gr.State("ar")
        answers = gr.State([])  # per answered turn: its citations as dicts
        dialog = gr.State([])  # [question, answer] per turn, as typed and answered: follow-ups read it
        asked = gr.State("")
        with gr.Tabs():
            with gr.Tab("المحادثة · Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            rtl=True,
                            height=540,
                            buttons=[],  # its per-message copy copies markup: "copy answer with sources" instead
                            label="سند",
                            placeholder=LABELS["ar"]["welcome"],
                            examples=[{"text": q} for q in EXAMPLES],
                            elem_id="sanad-chat",
                        )
                        box = gr.Textbox(
                            rtl=True,
                            placeholder=LABELS["ar"]["placeholder"],
                            submit_btn=True,
                            show_label=False,
                            elem_id="sanad-question",
                        )
                        with gr.Row():
                            copy = gr.Button(LABELS["ar"]["copy"], size="sm", elem_id="sanad-copy")
                            clear = gr.Button(LABELS["ar"]["clear"], size="sm", elem_id="sanad-clear")
                        with gr.Accordion(LABELS["ar"]["settings"], open=False) as settings:
                            top_k = gr.Slider(
                                1,
                                20,
                                value=config.retrieval.top_k,
                                step=1,
                                label=LABELS["ar"]["top_k"],
                                elem_id="sanad-top-k",
                            )
                            llm_ready = bool(config.llm.base_url and config.llm.model)
                            mode = gr.Radio(
                                list(ANSWER_MODES),
                                value=config.answer.mode,
                                label=LABELS["ar"]["mode"],
                                visible=llm_ready,
                                elem_id="sanad-mode",
                            )
                    with gr.Column(scale=2):
                        panel = gr.HTML(render_panel_hint("ar"), elem_id="sanad-panel", padding=True)
            with gr.Tab("المصادر · Sources", id="sources") as sources_tab:
                sources_intro = gr.Markdown(LABELS["ar"]["sources_intro"], rtl=True)
                table = gr.Dataframe(
                    headers=LABELS["ar"]["columns"].split("|"),
                    interactive=False,
                    elem_id="sanad-sources",
                    wrap=True,
                )
                with gr.Row():
                    with gr.Column(scale=2):
                        picker = gr.Dropdown(choices=[], label=LABELS["ar"]["pick"], elem_id="sanad-pick")
                        reader = gr.HTML("", elem_id="sanad-reader", padding=True)
                    with gr.Column(scale=1):
                        upload = gr.File(file_count="multiple", label=LABELS["ar"]["upload"], elem_id="sanad-upload")
                        add = gr.Button(LABELS["ar"]["add"], variant="primary", elem_id="sanad-add")
                        report = gr.Markdown(elem_id="sanad-ingest-report", rtl=True)
        plain = gr.Textbox(elem_id="sanad-plain", elem_classes=["sanad-hidden"], show_label=False)
        bridge = gr.HTML("", html_template="", js_on_load=_BRIDGE_JS, elem_id="sanad-bridge")

        # ------------------------------------------------------------ chat
        def take_question(message: str, history: list[Any]) -> tuple[str, list[Any], str]:
            shown = f'<div dir="auto" class="sanad-question">\n\n{render_question(message)}\n\n</div>'
            return "", [*history, {"role": "user", "content": shown}], message

        def answer(
            message: str, history: list[Any], turns: list[Any], k: float, said: list[Any], choice: str
        ) -> Iterator[tuple[Any, ...]]:
            for kind, value in _events(assistant, message, said, int(k), choice):
                if kind == "answer":
                    turns = [*turns, [asdict(c) for c in value.citations]]
                    said = [*said, [message, value.answer]]
                    content, copied = render_chat_answer(value, len(turns) - 1), plain_answer(value)
                else:
                    content, copied = (render_partial(value) if kind == "text" else value), gr.skip()
                yield [*history, {"role": "assistant", "content": content}], turns, copied, said

        ask_inputs, ask_outputs = [asked, chatbot, answers, top_k, dialog, mode], [chatbot, answers, plain, dialog]
        box.submit(take_question, [box, chatbot], [box, chatbot, asked], queue=False, api_visibility="private").then(
            answer, ask_inputs, ask_outputs, api_visibility="private"
        )

        def pick_example(event: gr.SelectData) -> str:
            return event.value["text"]

        chatbot.example_select(pick_example, None, box, queue=False, api_visibility="private").then(
            take_question, [box, chatbot], [box, chatbot, asked], queue=False, api_visibility="private"
        ).then(answer, ask_inputs, ask_outputs, api_visibility="private")

        clear.click(
            lambda code: ([], [], "", render_panel_hint(code), []),
            [lang],
            [chatbot, answers, plain, panel, dialog],
            queue=False,
            api_visibility="private",
        )
        copy.click(None, [plain], None, js="(text) => { if (text) navigator.clipboard.writeText(text); return []; }")
        bridge.submit(
            lambda request, turns, code: _open(assistant, request, turns, code),
            [bridge, answers, lang],
            panel,
            api_visibility="private",
        )

        # ------------------------------------------------------------ sources
        def list_sources() -> tuple[list[list[object]], Any]:
            try:
                records = assistant.sources()
            except (ValueError, RuntimeError) as exc:  # a damaged manifest: say so, as text
                gr.Warning(str(exc))
                records = []
            return sources_rows(records), gr.update(choices=[r.file for r in records])

        def read(name: str | None, code: str) -> str:
            return _open(assistant, f"file:{name}", [], code) if name else ""

        sources_tab.select(list_sources, None, [table, picker], api_visibility="private")
        app.load(list_sources, None, [table, picker], api_visibility="private")
        picker.change(read, [picker, lang], reader, api_visibility="private")

        def add_articles(files: list[str] | None, code: str, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
            return _add_articles(assistant, files, code, progress)

        add.click(add_articles, [upload, lang], report, api_visibility="private").then(
            list_sources, None, [table, picker], api_visibility="private"
        )

        # ------------------------------------------------------------ language
        def switch(choice: str) -> tuple[Any, ...]:
            code = LANGUAGES.get(choice, "ar")
            labels, rtl = LABELS[code], code == "ar"
            return (
                code,
                gr.update(value=labels["header"], rtl=rtl),
                gr.update(placeholder=labels["welcome"], label="سند · Sanad"),
                gr.update(placeholder=labels["placeholder"], rtl=rtl),
                gr.update(value=labels["copy"]),
                gr.update(value=labels["clear"]),
                gr.update(label=labels["settings"]),
                gr.update(label=labels["top_k"]),
                gr.update(label=labels["mode"]),
                render_panel_hint(code),
                gr.update(value=labels["sources_intro"], rtl=rtl),
                gr.update(headers=labels["columns"].split("|")),
                gr.update(label=labels["pick"]),
                gr.update(label=labels["upload"]),
                gr.update(value=labels["add"]),
            )

        language.change(
            switch,
            language,
            [lang, header, chatbot, box, copy, clear, settings, top_k, mode, panel]
            + [sources_intro, table, picker, upload, add],
            queue=False,
            api_visibility="private",
        )

        def chat(message: str) -> Iterator[str]:
            """Answer one question: the answer's Markdown, streamed (``/chat``)."""
            yield from _respond(assistant, message, [])

        gr.api(chat, api_name="chat")
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return app


def launch(assistant: Assistant, host: str | None = None, port: int | None = None, **kwargs: Any) -> gr.Blocks:
    """Serve the chat (default ``ui.host``/``ui.port``: 127.0.0.1:7860), with the login of ``ui.auth``
    if set; return the app (with ``prevent_thread_lock=True``, once it serves). Never shared publicly."""
    users = load_users(assistant.config.ui.auth)  # a missing variable or file stops here, named
    app = build_app(assistant)
    app.launch(
        server_name=host or assistant.config.ui.host,
        server_port=port or assistant.config.ui.port,
        share=False,
        auth=users,
        css=_CSS,
        **kwargs,
    )
    return app
