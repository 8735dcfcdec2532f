"""The 👎 form and the chat's frame in headless Chromium (Playwright driving Debian's /usr/bin/chromium),
against the real app over the real index of a copy of the seed articles.

Proves: the 👎 form opens beside the answer it judges and wholly within the screen at 1400×1000 and
390×844 (it used to open under the question box, off-screen), and says where a correction goes
(no `sanad eval`); every element id on the page is unique (a Group wrote ``sanad-feedback`` twice);
the chat's «سند» label stays clear of the messages scrolled under it (it covered their 👍/👎);
Gradio's Arabic footer is spelt «استخدام» (its translation has «إستخدام»).
"""

from __future__ import annotations

import pytest

from tests.browser_support import browser_page, expect

pytestmark = pytest.mark.slow

WAIT = 120_000
QUESTIONS = ("كم عدد العائلات المحاصرة في حمص؟", "من هو قائد لواء التوحيد؟", "أين عقد مؤتمر أصدقاء الشعب السوري؟")
DISLIKE = ", ".join(f"button[aria-label='{label}']" for label in ("عدم الإعجاب", "Dislike", "Disliked"))
DUPLICATE_IDS = (
    "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id).filter(Boolean);"
    "  return ids.filter((id, i) => ids.indexOf(id) !== i); }"
)


@pytest.fixture(scope="module")
def served(seed_chat):
    _, url, folder = seed_chat  # shared with tests/test_browser_layout.py
    return url, folder


def _ask(page, question: str) -> None:
    before = page.get_by_test_id("bot").count()
    box = page.locator("#sanad-question textarea")
    box.fill(question)
    box.press("Enter")
    reply = page.get_by_test_id("bot").nth(before)
    expect(reply.locator(".sanad-notfound, a.sanad-cite").first).to_be_visible(timeout=WAIT)


def _in_view(box: dict[str, float], width: int, height: int) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)])
def test_the_dislike_form_opens_beside_its_answer_in_view(served, width: int, height: int) -> None:
    url, folder = served
    with browser_page(folder / f"profile-{width}", url, viewport={"width": width, "height": height}) as page:
        expect(page.locator("html")).to_have_attribute("lang", "ar", timeout=WAIT)
        for question in QUESTIONS:
            _ask(page, question)
        assert page.evaluate(DUPLICATE_IDS) == []
        thumbs = page.locator("#sanad-chat").locator(DISLIKE)
        thumbs.nth(1).scroll_into_view_if_needed()  # the second answer's 👎
        thumbs.nth(1).click()
        form = page.locator("#sanad-feedback")
        expect(form).to_be_visible(timeout=WAIT)
        expect(form).to_contain_text("مجموعة إجاباتك المرجعية")
        assert "sanad eval" not in form.inner_text()
        page.wait_for_function(
            "() => document.getElementById('sanad-feedback').classList.contains('sanad-floating')", timeout=30_000
        )
        box, thumb = form.bounding_box(), thumbs.nth(1).bounding_box()
        assert _in_view(box, width, height), (box, width, height)
        # beside the answer it judges: just under its 👎 when there is room, never far from it
        assert abs(box["y"] - (thumb["y"] + thumb["height"])) < height / 2, (box, thumb)
        assert page.evaluate(DUPLICATE_IDS) == []
        page.locator("#sanad-feedback-close").click()
        expect(form).to_be_hidden(timeout=WAIT)


def test_the_chat_label_is_clear_of_the_messages_and_the_footer_spells_its_hamza(served) -> None:
    url, folder = served
    with browser_page(folder / "profile-label", url, viewport={"width": 1400, "height": 1000}) as page:
        expect(page.locator("html")).to_have_attribute("lang", "ar", timeout=WAIT)
        footer = page.locator("footer")
        expect(footer).to_contain_text("استخدام", timeout=WAIT)
        assert "إستخدام" not in footer.inner_text(), footer.inner_text()
        for question in QUESTIONS:
            _ask(page, question)
        label = page.locator("#sanad-chat [data-testid='block-label']")
        expect(label).to_contain_text("سند")
        # Whatever scrolls in the chat scrolls below the label: the label's bottom is above the scroll box's top.
        scroller = page.locator("#sanad-chat").evaluate(
            "c => { for (const e of c.querySelectorAll('*')) { const s = getComputedStyle(e);"
            "  if (/(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight) {"
            "    e.scrollTop = e.scrollHeight / 3; return e.getBoundingClientRect().top; } } return null; }"
        )
        assert scroller is not None  # three answers overflow the chat's 540 px
        assert label.bounding_box()["y"] + label.bounding_box()["height"] <= scroller + 1
        page.get_by_text("English", exact=True).click()
        expect(footer).to_contain_text("Built with", timeout=WAIT)
        page.get_by_text("العربية", exact=True).click()
        expect(footer).to_contain_text("باستخدام", timeout=WAIT)
        assert "إستخدام" not in footer.inner_text()
