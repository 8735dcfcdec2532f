"""The chat still works at ``/`` of ``sanad serve`` (mounted beside the API), in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import PATIENCE, browser_page, expect

pytestmark = pytest.mark.slow

QUESTION = "كم دولة صوتت لصالح القرار؟"


def test_the_chat_answers_at_the_root_of_sanad_serve(seed_assistant, serve_url: str, tmp_path: Path) -> None:
    reference = seed_assistant.ask(QUESTION)
    assert reference.found and reference.citations and "137" in reference.answer
    with browser_page(tmp_path / "profile", f"{serve_url}/", viewport={"width": 1400, "height": 900}) as page:
        box = page.locator("#sanad-question textarea")
        expect(box).to_be_visible()
        box.fill(QUESTION)
        box.press("Enter")
        bot = page.get_by_test_id("bot").first
        expect(bot).to_contain_text("137", timeout=PATIENCE)  # the fact the cited sentence holds
        expect(page.locator("#sanad-chat")).to_contain_text(reference.citations[0].file, timeout=PATIENCE)
