"""The real Gradio app on a free local port, driven through gradio_client."""

from __future__ import annotations

import pytest
from gradio_client import Client

from rag import Answer, Assistant
from rag.types import Citation
from tests.conftest import free_port
from ui.app import build_app
from ui.render import render_answer


@pytest.fixture(scope="module")
def chat_url(seed_assistant: Assistant):
    app = build_app(seed_assistant)
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_chat_answers_with_numbered_sources(chat_url: str) -> None:
    client = Client(chat_url, verbose=False)
    job = client.submit("من هو رئيس اللجنة الدولية للصليب الأحمر؟", api_name="/chat")
    final = job.result(timeout=120)
    streamed = job.outputs()
    assert len(streamed) > 2  # the answer came in pieces before the final message
    assert "بيتر مورير" in final
    assert "[1]" in final and "**المصادر**" in final
    assert "`001_98fba5ff296b2f2c.txt`" in final


def test_chat_not_found_looks_different(chat_url: str) -> None:
    final = Client(chat_url, verbose=False).predict("What is the capital of Australia?", api_name="/chat")
    assert final.startswith("⚠️") and "do not contain" in final and "Sources" not in final


def test_render_escapes_html_from_articles() -> None:
    citation = Citation(1, "x.txt", "/tmp", 0, 30, "<script>alert(1)</script> نص", 0, 30)
    answer = Answer("سؤال؟", "<script>alert(1)</script> نص [1]", True, [citation])
    shown = render_answer(answer)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "[1]" in shown
