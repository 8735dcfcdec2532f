"""A gathered answer in the chat: the corroboration line (values, their sources, agree/differ) and one list
item per distinct answer, each ``[n]`` opening its source in the panel; headless Chromium (Debian's, via
Playwright) at 1400 and 390 px, right to left. Real app over a real index of the seeds plus
tests/fixtures/gather/suruc.jsonl (three outlets' reports of one bombing: 27, 27 and 30 killed)."""

from __future__ import annotations

import os

import pytest

from tests.browser_support import browser_page, expect, served_chat
from tests.conftest import ROOT
from tests.test_gather_answers import FIXTURE, KILLED

WAIT = 120_000
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("SANAD_SCREENSHOTS") == "1" else None


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("gather-chat")
    with served_chat(folder, extra={FIXTURE.name: FIXTURE.read_text(encoding="utf-8")}) as (assistant, url):
        yield assistant, url, folder


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 390])
def test_the_chat_lists_each_answer_and_where_the_sources_differ(served, width: int) -> None:
    assistant, url, folder = served
    expected = assistant.ask(KILLED)
    assert expected.corroboration is not None and len(expected.items) == 2
    with browser_page(folder / f"profile-{width}", url, viewport={"width": width, "height": 900}) as page:
        box = page.locator("#sanad-question textarea")
        box.fill(KILLED)
        box.press("Enter")
        message = page.get_by_test_id("bot").first
        line = message.locator(".sanad-corroboration")
        expect(line).to_be_visible(timeout=WAIT)
        expect(line).to_contain_text(expected.corroboration.summary)
        text = line.inner_text()
        assert text.index("27 قتيل") < text.index("30 قتيل")  # most sources first
        assert "sanad-differ" in (line.get_attribute("class") or "")
        items = message.locator(".sanad-answer li")
        expect(items).to_have_count(2)
        assert items.nth(0).locator("a.sanad-cite").count() == 2 and items.nth(1).locator("a.sanad-cite").count() == 1
        assert "27 قتيل" in items.nth(0).inner_text() and "30 قتيل" in items.nth(1).inner_text()
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        box_ = items.nth(1).bounding_box()
        assert box_ is not None and box_["x"] + box_["width"] <= width + 1  # no sideways scroll on a phone
        # the second answer's [3] opens its own article in the panel, the sentence highlighted
        items.nth(1).locator("a.sanad-cite").first.click()
        passage = page.locator("#sanad-panel .sanad-passage mark").first
        expect(passage).to_contain_text(expected.citations[2].text[:30], timeout=WAIT)
        if SHOTS is not None:
            page.screenshot(path=str(SHOTS / f"{width}-gathered.png"), full_page=width == 390)
