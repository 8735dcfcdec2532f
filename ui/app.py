"""Sanad's Gradio chat: Arabic right-to-left, streamed answers, sources one click away.

The layout and its wiring live here; what each event does is in :mod:`ui.handlers` (which only
calls :class:`rag.Assistant`), the words in :mod:`ui.labels`, the page's CSS and script in
:mod:`ui.assets`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import gradio as gr

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.types import SearchFilters
from ui.articles import source_choice, sources_rows
from ui.assets import BRIDGE_JS, COPY_JS, LANGUAGE_JS
from ui.auth import load_users
from ui.feedback import feedback_values, shown_answer
from ui.feedback_form import feedback_form
from ui.fill_line import REFRESH_SECONDS, fill_line
from ui.handlers import add_articles as add_uploaded
from ui.handlers import chat_events, open_source, respond
from ui.labels import ANSWER_MODES, EXAMPLES, LABELS, LANGUAGES, localise_reason, relabelled
from ui.ports import PortBusy, check_port, port_busy_message
from ui.render import plain_answer, render_chat_answer, render_panel_hint, render_partial, render_question
from ui.style import CSS
from ui.timeline_view import plain_timeline, render_chat_timeline

__all__ = ["QUEUE_CONCURRENCY", "QUEUE_MAX_SIZE", "build_app", "launch"]

#: Questions answered at the same time. Answering is CPU-bound (the encoder serialises its
#: calls), so more workers than cores only add memory and latency: 2 on a 2-core machine.
QUEUE_CONCURRENCY = 2
#: Questions waiting beyond those; one more is refused at once ("queue is full") instead of
#: waiting minutes. At ~0.4 s a question, 64 waiting is under a minute.
QUEUE_MAX_SIZE = 64


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat as a Gradio app (not launched), with its queue set up.

    Tabs: the chat (streamed answers whose ``[n]`` markers open the cited passage in a side
    panel) and the sources (ingested articles, a reader, upload). Questions are shown as
    typed, as text; article text is always escaped. The API endpoint ``/chat`` takes a
    question and streams the answer's Markdown.
    """
    config = assistant.config
    with gr.Blocks(title="سند · Sanad", fill_width=True) as app:
        with gr.Row(equal_height=True, elem_id="sanad-top"):
            header = gr.Markdown(LABELS["ar"]["header"], rtl=True, elem_id="sanad-header")
            language = gr.Radio(
                list(LANGUAGES), value="العربية", show_label=False, scale=0, min_width=200, elem_id="sanad-language"
            )
        lang = gr.State("ar")
        answers = gr.State([])  # per answered turn: its citations as dicts
        dialog = gr.State([])  # [question, answer] per turn, as typed and answered: follow-ups read it
        asked = gr.State("")
        shown = gr.State([])  # the answers shown, to judge with 👍/👎 (ui.feedback.Shown)
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
                            lines=1,  # Enter sends, Shift+Enter breaks the line
                            max_lines=6,
                            show_label=False,
                            elem_id="sanad-question",
                        )
                        with gr.Row():
                            copy = gr.Button(LABELS["ar"]["copy"], size="sm", elem_id="sanad-copy")
                            clear = gr.Button(LABELS["ar"]["clear"], size="sm", elem_id="sanad-clear")
                        judging = feedback_form()
                        filling = gr.Markdown("", elem_id="sanad-fill")  # while vectors fill in (ui.fill_line)
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
                            with gr.Row():
                                since = gr.Textbox(label=LABELS["ar"]["since"], max_lines=1, elem_id="sanad-since")
                                until = gr.Textbox(label=LABELS["ar"]["until"], max_lines=1, elem_id="sanad-until")
                            outlets = gr.Dropdown(
                                choices=[],
                                multiselect=True,
                                label=LABELS["ar"]["publishers"],
                                elem_id="sanad-publishers",
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
        bridge = gr.HTML("", html_template="", js_on_load=BRIDGE_JS, elem_id="sanad-bridge")

        # ------------------------------------------------------------ chat
        def take_question(message: str, history: list[Any]) -> tuple[str, list[Any], str]:
            bubble = f'<div dir="auto" class="sanad-question">\n\n{render_question(message)}\n\n</div>'
            return "", [*history, {"role": "user", "content": bubble}], message

        def answer(
            message: str,
            history: list[Any],
            turns: list[Any],
            k: float,
            said: list[Any],
            choice: str,
            first_day: str,
            last_day: str,
            outlet_names: list[str] | None,
            code: str,
            judged: list[Any],
        ) -> Iterator[tuple[Any, ...]]:
            try:
                filters = SearchFilters.parse(first_day, last_day, outlet_names or ())
            except SanadError as exc:  # a date not written YYYY-MM-DD: said in the chat
                said_back = {"role": "assistant", "content": f"⚠️ {localise_reason(str(exc), code)}"}
                yield [*history, said_back], turns, gr.skip(), said, gr.skip(), gr.skip()
                return
            for kind, value in chat_events(assistant, message, said, int(k), choice, filters, code):
                panel_now: Any = gr.skip()  # the panel follows the conversation: the new answer's [1]
                judgeable: Any = gr.skip()
                if kind == "answer":
                    judgeable = [*judged, shown_answer(len(history), message, value)]
                    turns = [*turns, [asdict(c) for c in [*value.citations, *value.nearest]]]
                    said = [*said, [message, value.answer]]
                    content, copied = render_chat_answer(value, len(turns) - 1, code), plain_answer(value)
                    first = f"cite:{len(turns) - 1}:{value.citations[0].n}" if value.citations else ""
                    panel_now = open_source(assistant, first, turns, code) if first else render_panel_hint(code)
                elif kind == "timeline":  # its items are this turn's sources: their [n] open the panel
                    turns = [*turns, [asdict(item.citation) for item in value.items]]
                    said = [*said, [message, plain_timeline(value)]]
                    content, copied = render_chat_timeline(value, len(turns) - 1, code), plain_timeline(value)
                    first = f"cite:{len(turns) - 1}:1" if value.items else ""
                    panel_now = open_source(assistant, first, turns, code) if first else render_panel_hint(code)
                else:
                    content, copied = (render_partial(value) if kind == "text" else value), gr.skip()
                messages = [*history, {"role": "assistant", "content": content}]
                thumbs = feedback_values(judgeable if kind == "answer" else judged, messages)
                yield gr.update(value=messages, feedback_value=thumbs), turns, copied, said, panel_now, judgeable

        ask_inputs = [asked, chatbot, answers, top_k, dialog, mode, since, until, outlets, lang, shown]
        ask_outputs = [chatbot, answers, plain, dialog, panel, shown]
        box.submit(take_question, [box, chatbot], [box, chatbot, asked], queue=False, api_visibility="private").then(
            answer, ask_inputs, ask_outputs, api_visibility="private"
        )

        def pick_example(event: gr.SelectData) -> str:
            return event.value["text"]

        chatbot.example_select(pick_example, None, box, queue=False, api_visibility="private").then(
            take_question, [box, chatbot], [box, chatbot, asked], queue=False, api_visibility="private"
        ).then(answer, ask_inputs, ask_outputs, api_visibility="private")

        clear.click(
            lambda code: ([], [], "", render_panel_hint(code), [], [], *judging.cleared()),
            [lang],
            [chatbot, answers, plain, panel, dialog, shown, judging.status, judging.form, judging.pending],
            queue=False,
            api_visibility="private",
        )

        # ------------------------------------------------------------ 👍 / 👎
        judging.wire(assistant, chatbot, shown, lang)
        copy.click(None, [plain, lang], None, js=COPY_JS)
        bridge.submit(
            lambda request, turns, code: open_source(assistant, request, turns, code),
            [bridge, answers, lang],
            panel,
            api_visibility="private",
        )

        # ------------------------------------------------------------ sources
        def list_sources(code: str) -> tuple[list[list[object]], Any, Any]:
            try:
                records = assistant.sources()
            except SanadError as exc:  # a damaged manifest: say so, as text
                gr.Warning(localise_reason(str(exc), code))
                records = []
            publishers = sorted({r.publisher for r in records if r.publisher})
            choices = [source_choice(r) for r in records]
            return sources_rows(records), gr.update(choices=choices), gr.update(choices=publishers)

        def read(name: str | None, code: str) -> str:
            return open_source(assistant, f"file:{name}", [], code) if name else ""

        sources_tab.select(list_sources, lang, [table, picker, outlets], api_visibility="private")
        app.load(list_sources, lang, [table, picker, outlets], api_visibility="private")
        app.load(lambda: fill_line(assistant), None, filling, api_visibility="private")
        gr.Timer(REFRESH_SECONDS).tick(lambda: fill_line(assistant), None, filling, api_visibility="private")
        picker.change(read, [picker, lang], reader, api_visibility="private")

        def add_articles(files: list[str] | None, code: str, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
            return add_uploaded(assistant, files, code, progress)

        add.click(add_articles, [upload, lang], report, api_visibility="private").then(
            list_sources, lang, [table, picker, outlets], api_visibility="private"
        )

        # ------------------------------------------------------------ language
        def switch(choice: str) -> tuple[Any, ...]:
            code = LANGUAGES.get(choice, "ar")
            return (code, *relabelled(code), *judging.relabel(code))

        language.change(
            switch,
            language,
            [lang, header, chatbot, box, copy, clear, settings, top_k, mode, since, until, outlets, panel]
            + [sources_intro, table, picker, upload, add]
            + judging.labelled,
            queue=False,
            api_visibility="private",
            js=LANGUAGE_JS,
        )

        def chat(message: str) -> Iterator[str]:
            """Answer one question: the answer's Markdown, streamed (``/chat``)."""
            yield from respond(assistant, message, [])

        gr.api(chat, api_name="chat")
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return app


def launch(assistant: Assistant, host: str | None = None, port: int | None = None, **kwargs: Any) -> gr.Blocks:
    """Serve the chat (default ``ui.host``/``ui.port``: 127.0.0.1:7860), with the login of ``ui.auth``
    if set; return the app (with ``prevent_thread_lock=True``, once it serves). Never shared publicly."""
    options = page_options(assistant)  # a missing login variable or file stops here, named
    host, port = host or assistant.config.ui.host, port or assistant.config.ui.port
    check_port(host, port)  # a busy port: one line naming --port
    app = build_app(assistant)
    try:
        app.launch(server_name=host, server_port=port, share=False, **options, **kwargs)
    except OSError as exc:  # Gradio: "Cannot find empty port in range: …" (taken since the check)
        if "port" not in str(exc).lower():
            raise
        raise PortBusy(port_busy_message(host, port)) from None
    return app


def page_options(assistant: Assistant) -> dict[str, Any]:
    """What the chat page is served with, by ``sanad chat`` and by ``sanad serve`` alike: login, styles.

    Raises:
        AuthError: ``ui.auth`` names a missing variable or file, or a malformed user.
    """
    return {"auth": load_users(assistant.config.ui.auth), "css": CSS}
