"""What the chat's events do: each calls the :class:`rag.Assistant` and renders what it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ingest.errors import SanadError
from rag.assistant import Assistant
from rag.gather import timeline_subject
from rag.index.layout import EmptyIndexError
from rag.types import Answer, Citation, SearchFilters
from ui.labels import LABELS, localise_reason
from ui.render import (
    render_answer,
    render_article,
    render_citation_panel,
    render_error,
    render_ingest_report,
    render_refusal,
)

__all__ = ["Event", "add_articles", "chat_events", "open_source", "respond", "word_pieces"]

Event = tuple[str, Any]  # ("text", partial answer) | ("answer", Answer) | ("timeline", Timeline) | ("error", Markdown)
#: Words shown at a time while an answer streams in.
_WORDS_PER_PIECE = 4


def word_pieces(text: str) -> Iterator[str]:
    """``text`` in pieces of a few words (joined, they give ``text`` back): a whole answer appears
    in the chat as it would stream in, like a model's tokens."""
    for line in text.splitlines(keepends=True):
        words = line.split(" ")
        for i in range(0, len(words), _WORDS_PER_PIECE):
            piece = " ".join(words[i : i + _WORDS_PER_PIECE])
            yield piece + (" " if i + _WORDS_PER_PIECE < len(words) else "")


def chat_events(
    assistant: Assistant,
    message: str,
    history: list[Any],
    top_k: int | None = None,
    mode: str | None = None,
    filters: SearchFilters | None = None,
    lang: str | None = None,
) -> Iterator[Event]:
    """The answer to ``message`` as events: the text so far, then the answer (or an error to show,
    in ``lang``; in Arabic and English when ``lang`` is None, as for the ``/chat`` API). A question
    asking for a timeline («ما تسلسل الأحداث في حمص؟») gets the subject's timeline instead."""
    text = ""
    try:
        subject = timeline_subject(message)
        if subject is not None:
            yield "timeline", assistant.timeline(subject, filters=filters)
            return
        for piece in assistant.stream(message, history, top_k=top_k, mode=mode, filters=filters):
            if isinstance(piece, Answer):
                yield "answer", piece
                continue
            for part in word_pieces(piece):
                text += part
                yield "text", text
    except EmptyIndexError:
        yield "error", _said(lang, "empty_index")
    except SanadError as exc:  # damaged or mismatched index, store unreachable, model server down: say so
        yield "error", _said(lang, "cannot_answer", reason=render_error(localise_reason(str(exc), lang or "en")))


def _said(lang: str | None, key: str, **values: str) -> str:
    """Label ``key`` filled with ``values`` in ``lang``, or in Arabic then English (one line each)."""
    codes = [lang] if lang in LABELS else ["ar", "en"]
    return "\n\n".join(LABELS[code][key].format(**values) for code in codes)


def respond(assistant: Assistant, message: str, history: list[Any]) -> Iterator[str]:
    """The ``/chat`` stream: partial text, then the answer's Markdown (or the error)."""
    from ui.timeline_view import plain_timeline

    for kind, value in chat_events(assistant, message, history):
        yield render_answer(value) if kind == "answer" else plain_timeline(value) if kind == "timeline" else value


def open_source(assistant: Assistant, request: str, answers: list[list[dict[str, Any]]], lang: str) -> str:
    """The source panel for a request from the page: ``cite:TURN:N`` or ``file:NAME``."""
    request = (request or "").rsplit("|", 1)[0]
    kind, _, rest = request.partition(":")
    turn, _, n = rest.partition(":")
    try:
        if kind == "cite" and turn.isdigit() and n.isdigit():
            cited = [c for c in answers[int(turn)] if c["n"] == int(n)] if int(turn) < len(answers) else []
            if not cited:
                return render_refusal(LABELS[lang]["no_such_source"].format(request=request), lang)
            citation = Citation(**cited[0])
            source = assistant.read_source(citation.file, citation.root, record=citation.record)
            return render_citation_panel(citation, source, lang)
        if kind == "file":  # a Sources view choice: the file, and U+001F + the record of a multi-article file
            name, _, record = rest.partition("\x1f")
            return render_article(assistant.read_source(name, record=record or None), lang)
    except SanadError as exc:  # refused (SourceRefused), or a damaged manifest
        return render_refusal(str(exc), lang)
    return render_refusal(LABELS[lang]["not_a_request"].format(request=request), lang)


def add_articles(
    assistant: Assistant, files: list[str] | None, lang: str, progress: Callable[..., Any] | None = None
) -> str:
    """Add uploaded files to the corpus folder and ingest them; what happened, as Markdown."""
    labels = LABELS[lang]
    if assistant.config.corpus.path is None:
        return labels["no_corpus"]
    if not files:
        return labels["no_files"]

    def report_progress(done: int, total: int, file: str) -> None:
        if progress is not None:
            progress((done, total), desc=file)

    if progress is not None:
        progress((0, 1), desc="…")
    try:
        report, refused = assistant.add_articles(files, progress=report_progress)
    except SanadError as exc:  # index busy, mismatched, unreachable; the folder is as it was
        return labels["cannot_add"].format(reason=render_error(localise_reason(str(exc), lang)))
    return render_ingest_report(report, refused, lang)
