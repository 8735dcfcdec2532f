"""LLM mode and follow-ups in the real chat, in headless Chromium.

The model is tests/llm_server.py's ScriptedLLM, which STANDS IN FOR A MODEL (a real one runs in
test_llm_real.py): it rewrites the follow-up and writes answers with one good citation and one
to a passage that does not exist. The app, index, encoder and browser are real.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import browser_page, expect, served_chat
from tests.llm_server import ScriptedLLM, passage_number

pytestmark = pytest.mark.slow

WAIT = 120_000
FIRST = "ما هي الفرقة الرابعة في الجيش السوري؟"
FOLLOW_UP = "ومن يقودها؟"
STANDALONE = "من يقود الفرقة الرابعة في الجيش السوري؟"


def model(messages: list[dict]) -> str:
    if "Rewrite the user's follow-up question" in messages[0]["content"]:
        return STANDALONE if FOLLOW_UP in messages[-1]["content"] and FIRST in messages[-1]["content"] else "?"
    n = passage_number(messages, "ماهر الأسد")
    if STANDALONE in messages[-1]["content"]:
        return f"يقود ماهر الأسد الفرقة الرابعة، وهو شقيق الرئيس بشار الأسد [{n}][9]."
    return f"الفرقة الرابعة من قوات النخبة في الجيش السوري [{n}][9]."


def test_llm_answers_and_a_follow_up_in_the_chat(tmp_path: Path) -> None:
    with ScriptedLLM(model) as server:
        settings = {"answer": {"mode": "llm"}, "llm": {"base_url": server.url, "model": "scripted"}}
        with served_chat(tmp_path, settings=settings) as (_, url), browser_page(tmp_path / "profile", url) as page:
            page.locator("#sanad-chat").page.get_by_text("إعدادات البحث").click()
            expect(page.locator("#sanad-mode")).to_be_visible()  # an LLM is configured: the mode is offered
            box = page.locator("#sanad-question textarea")
            box.fill(FIRST)
            box.press("Enter")
            bot = page.get_by_test_id("bot")
            expect(bot.nth(0)).to_contain_text("المصادر", timeout=WAIT)
            assert "قوات النخبة" in bot.nth(0).inner_text() and "[9]" not in bot.nth(0).inner_text()

            box.fill(FOLLOW_UP)
            box.press("Enter")
            expect(bot.nth(1)).to_contain_text("المصادر", timeout=WAIT)
            second = bot.nth(1)
            assert "ماهر الأسد" in second.inner_text() and "[9]" not in second.inner_text()
            second.locator("a.sanad-cite").first.click()
            panel = page.locator("#sanad-panel")
            expect(panel.locator(".sanad-file")).to_contain_text("002_ee81a42cfdca4982.txt", timeout=WAIT)
            expect(panel.locator(".sanad-passage mark")).to_contain_text("ماهر الأسد")
    rewrite = [r for r in server.requests if "Rewrite" in r["messages"][0]["content"]]
    assert len(rewrite) == 1 and FIRST in rewrite[0]["messages"][-1]["content"]  # the chat passed its history
