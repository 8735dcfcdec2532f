"""Sanad's Gradio chat: Arabic right-to-left, streamed answers, numbered sources.

The UI only calls :class:`rag.Assistant`; no retrieval or answer logic lives here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from rag.assistant import Assistant, EmptyIndexError  # noqa: E402
from rag.types import Answer  # noqa: E402
from ui.render import render_answer, render_error, render_question  # noqa: E402

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

_CSS = """
/* Each paragraph takes its direction from its own text: Arabic RTL, English LTR. */
.message-content p, .message-content li, textarea, button { unicode-bidi: plaintext; }
/* File names and offsets read left to right inside Arabic lines. */
.message-content code { direction: ltr; unicode-bidi: isolate; }
"""


def _respond(assistant: Assistant, message: str, history: list[Any]) -> Iterator[str]:
    text = ""
    try:
        for piece in assistant.stream(message, history):
            if isinstance(piece, Answer):
                yield render_answer(piece)
            else:
                text += piece
                yield text
    except EmptyIndexError:
        yield "⚠️ الفهرس فارغ: شغّل `sanad ingest` أولاً. / The index is empty: run `sanad ingest` first."
    except (ValueError, RuntimeError) as exc:  # damaged or mismatched index, store unreachable: say so
        yield f"⚠️ تعذّر الإجابة. / Cannot answer: {render_error(str(exc))}"


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat as a Gradio app (not launched), with its queue set up.

    The page is a chatbot and a text box; questions are shown as typed, as text (HTML in a
    question is never rendered), answers as Markdown built by :mod:`ui.render` (article text
    escaped). The API endpoint ``/chat`` takes a question and streams the answer's Markdown.
    """

    with gr.Blocks(title="سند · Sanad") as app:
        gr.Markdown(
            "<div dir='rtl'>\n\n## سند · Sanad\n"
            "اسأل عن المقالات الإخبارية المؤرشفة؛ كل إجابة مقتبسة من نصوص المقالات مع مصادرها المرقّمة.\n"
            "Ask in Arabic or English; every answer quotes its sources.\n\n</div>"
        )
        chatbot = gr.Chatbot(rtl=True, height=520, buttons=["copy"], label="سند")
        box = gr.Textbox(rtl=True, placeholder="اكتب سؤالك هنا… / Ask a question…", submit_btn=True, show_label=False)
        gr.Examples(EXAMPLES, inputs=box)
        asked = gr.State("")

        def take_question(message: str, history: list[Any]) -> tuple[str, list[Any], str]:
            return "", [*history, {"role": "user", "content": render_question(message)}], message

        def answer(message: str, history: list[Any]) -> Iterator[list[Any]]:
            for text in _respond(assistant, message, history):
                yield [*history, {"role": "assistant", "content": text}]

        box.submit(take_question, [box, chatbot], [box, chatbot, asked], queue=False, api_visibility="private").then(
            answer, [asked, chatbot], chatbot, api_visibility="private"
        )

        def chat(message: str) -> Iterator[str]:
            """Answer one question: the answer's Markdown, streamed (``/chat``)."""
            yield from _respond(assistant, message, [])

        gr.api(chat, api_name="chat")
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return app


def launch(assistant: Assistant, host: str | None = None, port: int | None = None, **kwargs: Any) -> None:
    """Serve the chat (default ``ui.host``/``ui.port``: 127.0.0.1:7860). Never shared publicly."""
    app = build_app(assistant)
    app.launch(
        server_name=host or assistant.config.ui.host,
        server_port=port or assistant.config.ui.port,
        share=False,
        css=_CSS,
        **kwargs,
    )
