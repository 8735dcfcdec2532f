"""Each answer form in the chat (issue 30): a brief for a broad question (a list, each item cited), a partial
answer («… لكنها لا تذكر …») and a refusal, both with the nearest passages under them — clickable like
citations, labelled as not an answer. Headless Chromium (Debian's, via Playwright) at 1400 and 390 px, right to
left, over the real app and a real index of the seeds."""

from __future__ import annotations

import os

import pytest

from tests.browser_support import browser_page, expect, served_chat
from tests.conftest import ROOT

WAIT = 120_000
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("SANAD_SCREENSHOTS") == "1" else None
BROAD, NEAR_MISS, ABSENT = "ماذا حدث في حمص؟", "كم جريحا سقط في حمص؟", "ما موقف اليابان من القرار؟"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("forms-chat")
    with served_chat(folder) as (assistant, url):
        yield assistant, url, folder


def _ask(page, question: str):
    box = page.locator("#sanad-question textarea")
    box.fill(question)
    box.press("Enter")
    message = page.get_by_test_id("bot").last
    expect(message).to_contain_text("[1]", timeout=WAIT)
    return message


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 390])
def test_a_brief_a_partial_answer_and_a_refusal_with_the_nearest_passages(served, width: int) -> None:
    assistant, url, folder = served
    brief, partial, refused = (assistant.ask(q) for q in (BROAD, NEAR_MISS, ABSENT))
    assert (brief.outcome, partial.outcome, refused.outcome) == ("answered", "partial", "not_found")
    with browser_page(folder / f"profile-{width}", url, viewport={"width": width, "height": 1000}) as page:
        message = _ask(page, BROAD)
        items = message.locator(".sanad-answer li")
        expect(items).to_have_count(len(brief.items), timeout=WAIT)
        assert len(brief.items) >= 2 and all("حمص" in items.nth(i).inner_text() for i in range(len(brief.items)))
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        if SHOTS is not None:
            page.screenshot(path=str(SHOTS / f"{width}-brief.png"), full_page=width == 390)

        message = _ask(page, NEAR_MISS)
        expect(message.locator(".sanad-partial")).to_contain_text("لكنها لا تذكر كم جريحا سقط في حمص", timeout=WAIT)
        nearest = message.locator(".sanad-nearest")
        expect(nearest).to_contain_text("الأقرب في المقالات (ليست إجابة)")
        assert nearest.locator("a.sanad-cite").count() == len(partial.nearest) >= 1
        nearest.locator("a.sanad-cite").first.click()  # a nearest passage opens in the panel like a citation
        expect(page.locator("#sanad-panel .sanad-passage mark").first).to_contain_text(
            partial.nearest[0].text[:25], timeout=WAIT
        )
        box = nearest.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width + 1  # no sideways scroll on a phone
        if SHOTS is not None:
            page.screenshot(path=str(SHOTS / f"{width}-partial.png"), full_page=width == 390)

        message = _ask(page, ABSENT)
        expect(message.locator(".sanad-notfound")).to_contain_text("لا تحتوي المقالات المتاحة", timeout=WAIT)
        assert message.locator(".sanad-nearest a.sanad-cite").count() == len(refused.nearest) >= 1
        if SHOTS is not None:
            page.screenshot(path=str(SHOTS / f"{width}-refusal.png"), full_page=width == 390)
