"""The ``sanad`` command: ingest, vectors, status, ask, chat, serve, mcp, eval, feedback.

Global options come before the command (or after it)::

    sanad [--config FILE] [--index DIR] ingest [PATH ...] [--rebuild] [--words-only] [--ray [ADDRESS] [--workers N]]
    sanad ... vectors [--ray [ADDRESS]]        (the vector stage alone: docs/archive.md)
    sanad ... status [--json]
    sanad ... ask "سؤال" [--json] [--top-k N] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--publisher NAME ...]
    sanad ... timeline "موضوع" [--json] [--max N] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--publisher NAME ...]
    sanad ... chat [--host H] [--port P]
    sanad ... serve [--host H] [--port P]
    sanad ... mcp
    sanad ... eval GOLD.jsonl [--out PRED.jsonl]
    sanad ... feedback export [--out GOLD.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import SanadError
from rag.runtime import apply_defaults
from ui.ingest_commands import add_index_commands, run_ingest, run_status, run_vectors

if TYPE_CHECKING:
    from rag.assistant import Assistant

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sanad", description="Cited answers from an archive of Arabic news articles.")
    parser.add_argument("--config", type=Path, help="config file (default: $SANAD_CONFIG or ./config.yaml)")
    parser.add_argument("--index", type=Path, help="index folder (overrides index.path in the config)")
    # the same two options after the command (`sanad ingest ~/news --index ~/idx`); SUPPRESS keeps a
    # value given before the command when none is given after it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="as before the command")
    common.add_argument("--index", type=Path, default=argparse.SUPPRESS, help="as before the command")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = commands.add_parser
    commands.add_parser = lambda name, **kw: add_parser(name, parents=[common], **kw)  # type: ignore[method-assign]

    add_index_commands(commands)  # ingest, vectors, status

    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the full answer as JSON")
    ask.add_argument("--top-k", type=int, help="passages to retrieve")
    _add_filters(ask)

    timeline = commands.add_parser("timeline", help="every article about a subject, one quote each, by date")
    timeline.add_argument("subject")
    timeline.add_argument("--json", action="store_true", help="print the timeline as JSON (docs/api.md)")
    timeline.add_argument("--max", type=int, metavar="N", help="most articles (default: timeline.max_articles)")
    _add_filters(timeline)

    chat = commands.add_parser("chat", help="open the chat in the browser (Gradio)")
    chat.add_argument("--host", help="address to bind (default: ui.host, 127.0.0.1)")
    chat.add_argument("--port", type=int, help="port (default: ui.port)")

    serve = commands.add_parser("serve", help="the chat, an OpenAI-compatible API, MCP and /api/ask on one port")
    serve.add_argument("--host", help="address to bind (default: ui.host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: ui.port)")

    commands.add_parser("mcp", help="the MCP tools (ask, search, timeline, read_source) over stdio")

    evaluate = commands.add_parser("eval", help="score answers on a gold file")
    evaluate.add_argument("gold", type=Path, help="JSONL: id, question, answers, source")
    evaluate.add_argument("--out", type=Path, help="write one prediction per line here")
    evaluate.add_argument("--json", action="store_true", help="print the metrics as JSON")

    feedback = commands.add_parser("feedback", help="the analysts' 👍/👎 judgements (feedback.path)")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    export = feedback_commands.add_parser(
        "export", help="write the judgements' gold items as a gold file for `sanad eval` (default: to stdout)"
    )
    export.add_argument("--out", type=Path, help="write here instead of stdout")
    return parser


def _add_filters(command: argparse.ArgumentParser) -> None:
    """``--since``, ``--until`` and ``--publisher`` (``SearchFilters.parse`` reads them)."""
    command.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published on or after this day")
    command.add_argument("--until", metavar="YYYY-MM-DD", help="only articles published on or before this day")
    command.add_argument(
        "--publisher", action="append", default=[], metavar="NAME", help="only this outlet's articles (repeatable)"
    )


def _ask(assistant: Assistant, args: argparse.Namespace) -> int:
    from rag.types import SearchFilters

    filters = SearchFilters.parse(args.since, args.until, args.publisher)
    if args.json:
        answer = assistant.ask(args.question, top_k=args.top_k, filters=filters)
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    from ingest.textnorm import is_arabic
    from rag.types import Answer
    from rag.wording import page_label
    from ui.api.replies import verified_differs
    from ui.unanswered_view import nearest_heading

    shown: list[str] = []
    answer = None
    for piece in assistant.stream(args.question, top_k=args.top_k, filters=filters):  # printed as it arrives
        if isinstance(piece, Answer):
            answer = piece
        else:
            shown.append(piece)
            sys.stdout.write(piece)
            sys.stdout.flush()
    assert answer is not None
    print()
    if verified_differs("".join(shown), answer):
        # llm mode: verification changed the model's text (markers removed, claims marked or dropped)
        print("\n— verified answer —")
        print(answer.answer)
    if answer.citations or answer.nearest:
        print()
        for citation in [*answer.citations, *answer.nearest]:
            if answer.nearest and citation is answer.nearest[0]:
                print(f"— {nearest_heading(answer)} —")
            about = " · ".join(str(v) for v in (citation.name, citation.publisher, citation.published) if v)
            where = citation.file + (f" [{citation.record}]" if citation.record else "")
            where += f", {page_label(citation.page, is_arabic(args.question))}" if citation.page else ""
            about = f"{about} — " if about else ""
            print(f"[{citation.n}] {about}{where} ({citation.start}-{citation.end}): {citation.text}")
            if citation.focus != citation.text:
                print(f"    focus ({citation.focus_start}-{citation.focus_end}): {citation.focus}")
    return 0


def _timeline(assistant: Assistant, args: argparse.Namespace) -> int:
    from ui.timeline import run_timeline

    return run_timeline(assistant, args)


def _chat(assistant: Assistant, args: argparse.Namespace) -> int:
    from ui.app import launch

    # Gradio's own lines (among them "To create a public link, set share=True") are left out: the chat is
    # never shared publicly, and one line says where it is.
    app = launch(assistant, host=args.host, port=args.port, prevent_thread_lock=True, quiet=True)
    print(f"Sanad chat: {app.local_url} (Ctrl+C stops it)", flush=True)
    app.block_thread()
    return 0


def _serve(assistant: Assistant, args: argparse.Namespace) -> int:
    from ui.api.server import serve

    serve(assistant, host=args.host, port=args.port)
    return 0


def _mcp(assistant: Assistant, args: argparse.Namespace) -> int:
    from ui.api.server import serve_stdio

    serve_stdio(assistant)  # stdout is the protocol: nothing else may print there
    return 0


def _eval(assistant: Assistant, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from rag.evaluate import format_table, run_eval
    from rag.gold import read_gold

    items = read_gold(args.gold)
    with tqdm(total=len(items), unit="q", desc="eval", file=sys.stderr) as bar:
        metrics = run_eval(
            items, lambda q: assistant.ask(q, top_k=10), out=args.out, progress=lambda done, total: bar.update(1)
        )
    print(json.dumps(metrics, indent=2) if args.json else format_table(metrics))
    return 0


def _feedback(assistant: Assistant, args: argparse.Namespace) -> int:
    from rag.gold.feedback import FeedbackError

    text = assistant.feedback.export()  # "export" is the only action
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FeedbackError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    print(f"{len(text.splitlines())} gold items from {assistant.feedback.path} written to {args.out}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sanad`` command; return its exit status."""
    args = _parser().parse_args(argv)
    apply_defaults()  # before the encoder, Chroma or Gradio load
    from rag.assistant import Assistant

    # Every error Sanad raises for users (bad config, busy/mismatched/empty index, unreadable
    # store or file) is a SanadError with a message naming the key or path.
    try:
        assistant = Assistant.from_config(args.config, args.index)
        if args.command in ("ingest", "vectors") and args.ray is None:  # a batch job: every core (ingest_threads)
            config = assistant.config
            assistant = Assistant(config.model_copy(update={"embedding": config.embedding.for_ingest()}))
        handlers = {"ingest": run_ingest, "ask": _ask, "chat": _chat, "serve": _serve, "mcp": _mcp, "eval": _eval}
        handlers |= {"vectors": run_vectors, "status": run_status}
        handler = {**handlers, "feedback": _feedback, "timeline": _timeline}[args.command]
        return handler(assistant, args)
    except SanadError as exc:
        print(f"sanad: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sanad: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
