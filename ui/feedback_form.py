"""The 👎 form (floated beside the answer it judges) and the wiring of 👍 / 👎 (what each does is in :mod:`ui.feedback`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from ui.feedback import judge_correction, judge_reaction
from ui.labels import LABELS

__all__ = ["FeedbackForm", "feedback_form"]


@dataclass
class FeedbackForm:
    """The status line, the form (hidden until a 👎) and the answer it is open for (``pending``)."""

    status: gr.Markdown
    form: gr.Column
    title: gr.Markdown
    correct: gr.Textbox
    save: gr.Button
    not_found: gr.Button
    close: gr.Button
    pending: gr.State

    @property
    def labelled(self) -> list[Any]:
        """The components :meth:`relabel` updates, in its order."""
        return [self.title, self.correct, self.save, self.not_found, self.close]

    @staticmethod
    def relabel(code: str) -> list[Any]:
        """The form's words in language ``code``."""
        labels, rtl = LABELS[code], code == "ar"
        return [
            gr.update(value=labels["feedback_title"], rtl=rtl),
            gr.update(label=labels["feedback_answer"], rtl=rtl),
            gr.update(value=labels["feedback_save"]),
            gr.update(value=labels["feedback_notfound"]),
            gr.update(value=labels["feedback_close"]),
        ]

    def cleared(self) -> list[Any]:
        """Values for ``[status, form, pending]`` when the chat is cleared."""
        return ["", gr.update(visible=False), None]

    def wire(self, assistant: Assistant, chatbot: gr.Chatbot, shown: gr.State, lang: gr.State) -> None:
        """👍 / 👎 on ``chatbot``'s answers (``shown``: :class:`ui.feedback.Shown` records) and the form's buttons."""
        outputs = [self.status, self.pending, self.form, self.correct]

        def react(judged: list[Any], code: str, event: gr.LikeData) -> tuple[Any, ...]:
            said, opened, lit = judge_reaction(assistant, judged, event.index, event.liked, code)
            return said, opened, gr.update(visible=opened is not None), "", lit

        def correct_it(record: Any, text: str, code: str, not_in_articles: bool) -> tuple[Any, ...]:
            said, still = judge_correction(assistant, record, text, not_in_articles, code)
            return said, still, gr.update(visible=still is not None), (text if still is not None else "")

        def save(record: Any, text: str, code: str) -> tuple[Any, ...]:
            return correct_it(record, text, code, False)

        chatbot.like(react, [shown, lang], [*outputs, shown], api_visibility="private")
        self.save.click(save, [self.pending, self.correct, lang], outputs, api_visibility="private")
        self.correct.submit(save, [self.pending, self.correct, lang], outputs, api_visibility="private")
        self.not_found.click(
            lambda record, code: correct_it(record, "", code, True),
            [self.pending, lang],
            outputs,
            api_visibility="private",
        )
        self.close.click(
            lambda: (None, gr.update(visible=False), ""),
            None,
            [self.pending, self.form, self.correct],
            queue=False,
            api_visibility="private",
        )


def feedback_form() -> FeedbackForm:
    """Lay out the status line and the 👎 form (in Arabic until the language switch) where called."""
    labels = LABELS["ar"]
    status = gr.Markdown("", rtl=True, elem_id="sanad-feedback-status")
    # A Column, not a Group: Gradio writes a Group's elem_id on two nested elements (ids must be unique).
    # The page script floats it beside the answer it judges (ui.assets: window.sanadPlaceForm).
    with gr.Column(visible=False, elem_id="sanad-feedback", elem_classes=["sanad-feedback-form"]) as form:
        title = gr.Markdown(labels["feedback_title"], rtl=True)
        correct = gr.Textbox(label=labels["feedback_answer"], rtl=True, max_lines=4, elem_id="sanad-feedback-answer")
        with gr.Row():
            save = gr.Button(labels["feedback_save"], size="sm", variant="primary", elem_id="sanad-feedback-save")
            not_found = gr.Button(labels["feedback_notfound"], size="sm", elem_id="sanad-feedback-notfound")
            close = gr.Button(labels["feedback_close"], size="sm", elem_id="sanad-feedback-close")
    return FeedbackForm(status, form, title, correct, save, not_found, close, gr.State(None))
