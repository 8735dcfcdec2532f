"""The chat's layout, language and accessibility in headless Chromium (Playwright driving Debian's
/usr/bin/chromium) against the real app over the real index of a copy of the seed articles.

Proves: in Arabic the page runs right to left (the chat column right of the source panel, tabs and
slider from the right) and Gradio's own strings are Arabic (the upload box); in English it is
mirrored; a new answer shows its fact in a ``<mark>`` and resets the panel to its own [1], while an
older answer's marker still opens the older source; a rewritten follow-up says what was searched;
message labels are plain text; Enter sends and Shift+Enter breaks the line; a marker opens its
source from the keyboard; copy confirms; at 390 px nothing scrolls sideways, the title and the language switch share one
short line with the question box within the first screen, tapping [1] scrolls the panel's highlighted
passage (below the chat) into view, and each paragraph of a message aligns by its own language
(English left, Arabic right, on an Arabic or an English page).

``SANAD_SCREENSHOTS=1`` also writes the README's screenshots (1400 and 390 px) to docs/screenshots/.
"""

from __future__ import annotations

import os

import pytest

from rag.followup import standalone_question
from tests.browser_support import browser_page, expect
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

WAIT = 120_000  # ms: an answer on a busy 2-core machine
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("SANAD_SCREENSHOTS") == "1" else None
FIRST = "من هو رئيس اللجنة الدولية للصليب الأحمر؟"
SECOND = "من هو قائد لواء التوحيد؟"
FOLLOW_UP = "ومتى زار دمشق؟"


@pytest.fixture(scope="module")
def served(seed_chat):
    return seed_chat  # shared with tests/test_browser_judging.py: one ingest and one server for both


@pytest.fixture(scope="module")
def page(served):
    _, url, folder = served
    options = {"viewport": {"width": 1400, "height": 900}, "permissions": ["clipboard-read", "clipboard-write"]}
    with browser_page(folder / "wide", url, **options) as page:
        expect(page.locator("html")).to_have_attribute("dir", "rtl", timeout=WAIT)
        # Gradio's i18n sets lang once its Arabic strings are loaded; what appears from then on speaks Arabic.
        expect(page.locator("html")).to_have_attribute("lang", "ar", timeout=WAIT)
        yield page


def _shot(page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _box(page, selector: str) -> dict[str, float]:
    return page.locator(selector).bounding_box()


def _ask(page, question: str, expect_text: str):
    before = page.get_by_test_id("bot").count()
    box = page.locator("#sanad-question textarea")
    box.fill(question)
    box.press("Enter")
    bot = page.get_by_test_id("bot").nth(before)
    expect(bot).to_contain_text(expect_text, timeout=WAIT)
    expect(bot.locator(".sanad-answer, .sanad-partial, .sanad-notfound")).to_have_count(1, timeout=WAIT)
    return bot


def test_arabic_page_reads_right_to_left(page) -> None:
    assert page.evaluate("getComputedStyle(document.querySelector('#sanad-chat')).direction") == "rtl"
    chat, panel = _box(page, "#sanad-chat"), _box(page, "#sanad-panel")
    assert chat["x"] > panel["x"] + panel["width"] - 1  # the chat column on the right, the panel on its left
    chat_tab = page.get_by_role("tab", name="المحادثة · Chat").bounding_box()
    sources_tab = page.get_by_role("tab", name="المصادر · Sources").bounding_box()
    assert chat_tab["x"] > sources_tab["x"]  # the first tab on the right
    header, language = _box(page, "#sanad-header"), _box(page, "#sanad-language")
    assert header["x"] > language["x"]
    assert page.evaluate("document.documentElement.lang") == "ar"
    # Gradio marks its blocks dir="ltr"; in Arabic they read right to left all the same.
    assert page.locator("#sanad-panel").evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.get_by_text("إعدادات البحث").click()
    slider = page.locator("#sanad-top-k input[type=range]")
    expect(slider).to_be_visible(timeout=WAIT)
    assert slider.evaluate("e => getComputedStyle(e).direction") == "rtl"  # 1 at the right, 20 at the left
    page.get_by_text("إعدادات البحث").click()
    _shot(page, "1400-empty")


def test_upload_box_and_gradio_strings_speak_arabic(served, page) -> None:
    _, url, _ = served
    fresh = page.context.new_page()  # Gradio draws its strings when a component first appears: a page of its own
    try:
        fresh.goto(url)
        expect(fresh.locator("html")).to_have_attribute("lang", "ar", timeout=WAIT)
        fresh.get_by_role("tab", name="المصادر · Sources").click()
        upload = fresh.locator("#sanad-upload")
        expect(upload).to_contain_text("أسقط الملف هنا", timeout=WAIT)
        assert "Drop File Here" not in upload.inner_text() and "Click to Upload" not in upload.inner_text()
        for selector in ("#sanad-upload", "#sanad-sources"):
            assert fresh.locator(selector).evaluate("e => getComputedStyle(e).direction") == "rtl", selector
        # The table reads from the right: the first column (the headline) is the rightmost.
        headers = fresh.locator("#sanad-sources th")
        expect(headers.first).to_contain_text("العنوان", timeout=WAIT)
        assert headers.first.bounding_box()["x"] > headers.nth(1).bounding_box()["x"]
    finally:
        fresh.close()


def test_answer_marks_the_fact_and_the_panel_follows_the_conversation(served, page) -> None:
    assistant, _, _ = served
    first_ref, second_ref = assistant.ask(FIRST), assistant.ask(SECOND)
    one, two = first_ref.citations[0], second_ref.citations[0]
    assert one.start != two.start  # two different passages
    first = _ask(page, FIRST, "المصادر")
    panel = page.locator("#sanad-panel")
    expect(panel.locator(".sanad-offsets")).to_have_text(f"({one.start}–{one.end})", timeout=WAIT)
    assert one.file in panel.locator(".sanad-file").inner_text()
    focus = first_ref.citations[0].focus
    assert focus != first_ref.citations[0].text  # this answer has a shorter clause to mark
    expect(first.locator(".sanad-answer mark").first).to_have_text(focus)
    # The list under the answer is compact: it names the file and offsets, and does not repeat the quote.
    sources = first.locator("li")
    expect(sources).to_have_count(len(first_ref.citations))
    assert first_ref.citations[0].file in sources.first.inner_text()
    assert first_ref.citations[0].text not in sources.first.inner_text()

    second = _ask(page, SECOND, "المصادر")
    expect(panel.locator(".sanad-offsets")).to_have_text(f"({two.start}–{two.end})", timeout=WAIT)
    expect(panel.locator(".sanad-passage mark")).to_have_text(two.text)
    # An older answer's marker still opens the older source; side by side, the page stays where it is.
    older = first.locator(".sanad-answer a.sanad-cite").first
    older.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    older.click()
    expect(panel.locator(".sanad-offsets")).to_have_text(f"({one.start}–{one.end})", timeout=WAIT)
    page.wait_for_timeout(300)  # the page script's look at the new panel (every 100 ms)
    assert page.evaluate("window.scrollY") == scrolled
    assert second.locator("a.sanad-cite").count() >= 1
    _shot(page, "1400-answer")


def test_a_rewritten_follow_up_says_what_was_searched(page) -> None:
    page.locator("#sanad-clear").click()
    expect(page.get_by_test_id("bot")).to_have_count(0, timeout=WAIT)
    _ask(page, FIRST, "المصادر")
    follow = _ask(page, FOLLOW_UP, "بحثنا عن")
    searched = follow.locator(".sanad-searched")
    rewritten = standalone_question(FOLLOW_UP, [FIRST])  # the carried subject does not depend on the answer
    assert rewritten != FOLLOW_UP
    expect(searched).to_contain_text(rewritten)  # the question as it was searched


def test_message_labels_are_plain_text(page) -> None:
    all_labels = page.locator("#sanad-chat [aria-label]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    messages = [label for label in all_labels if label.startswith(("سؤالك: ", "إجابة سند: "))]
    assert len(messages) >= 4, all_labels
    assert not [label for label in all_labels if "<" in label or "'s message" in label], all_labels
    assert f"سؤالك: {FOLLOW_UP}" in messages


def test_enter_sends_shift_enter_breaks_the_line(page) -> None:
    box = page.locator("#sanad-question textarea")
    before = page.get_by_test_id("user").count()
    box.fill("")
    box.type("من هو قائد")
    box.press("Shift+Enter")
    box.type("لواء التوحيد؟")
    assert box.input_value() == "من هو قائد\nلواء التوحيد؟"
    assert page.get_by_test_id("user").count() == before  # not sent
    box.press("Enter")
    expect(page.get_by_test_id("user")).to_have_count(before + 1, timeout=WAIT)
    expect(box).to_have_value("")
    expect(page.get_by_test_id("bot").nth(before)).to_contain_text("المصادر", timeout=WAIT)


def test_a_marker_opens_its_source_from_the_keyboard(page) -> None:
    page.locator("#sanad-panel").evaluate("e => e.scrollIntoView()")
    page.evaluate("window.sanadOpen('cite:99:1')")  # the panel shows something else first
    expect(page.locator("#sanad-panel .sanad-refused")).to_be_visible(timeout=WAIT)
    marker = page.get_by_test_id("bot").first.locator("a.sanad-cite").first
    marker.focus()
    assert page.evaluate("document.activeElement.classList.contains('sanad-cite')")
    page.keyboard.press("Enter")
    expect(page.locator("#sanad-panel .sanad-passage mark")).to_be_visible(timeout=WAIT)


def test_copy_confirms(page) -> None:
    page.locator("#sanad-copy").click()
    expect(page.locator("#sanad-toast")).to_have_text("نُسخت الإجابة مع مصادرها", timeout=WAIT)
    assert page.locator("#sanad-toast").get_attribute("role") == "status"
    assert "المصادر:" in page.evaluate("navigator.clipboard.readText()")


def test_english_mode_is_mirrored(page) -> None:
    page.get_by_text("English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr", timeout=WAIT)
    expect(page.locator("#sanad-copy")).to_have_text("Copy answer with sources", timeout=WAIT)
    chat, panel = _box(page, "#sanad-chat"), _box(page, "#sanad-panel")
    assert chat["x"] + chat["width"] < panel["x"] + 1  # the chat column on the left
    assert page.locator("#sanad-panel").evaluate("e => getComputedStyle(e).direction") == "ltr"
    page.get_by_text("العربية", exact=True).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl", timeout=WAIT)
    chat, panel = _box(page, "#sanad-chat"), _box(page, "#sanad-panel")
    assert chat["x"] > panel["x"] + panel["width"] - 1


def _fresh(page, url: str, width: int):
    """Another page of the same browser, ``width`` pixels wide, opened in Arabic."""
    fresh = page.context.new_page()
    fresh.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    fresh.goto(url)
    expect(fresh.locator("#sanad-question textarea")).to_be_visible(timeout=WAIT)
    expect(fresh.locator("html")).to_have_attribute("lang", "ar", timeout=WAIT)
    return fresh


def test_gradio_strings_follow_a_switch_to_english(served, page) -> None:
    fresh = _fresh(page, served[1], 1400)
    try:
        fresh.get_by_text("English", exact=True).click()
        expect(fresh.locator("html")).to_have_attribute("lang", "en", timeout=WAIT)
        welcome = fresh.locator("#sanad-chat").get_by_text("Pick an example question or type your own.")
        expect(welcome).to_be_visible(timeout=WAIT)
        assert welcome.evaluate("e => getComputedStyle(e).direction") == "ltr"  # not ".Pick an example…"
        fresh.get_by_role("tab", name="المصادر · Sources").click()
        expect(fresh.locator("#sanad-upload")).to_contain_text("Drop File Here", timeout=WAIT)
        expect(fresh.locator("#sanad-upload")).to_contain_text("Add articles")
    finally:
        fresh.close()


PHONE = {"width": 390, "height": 844}
ENGLISH = "Who commands the Fourth Division of the Syrian army?"  # wraps in a 390 px bubble


@pytest.fixture(scope="module")
def phone(served, page):
    """A 390×844 page of the same browser, in Arabic."""
    narrow = _fresh(page, served[1], PHONE["width"])
    try:
        yield narrow
    finally:
        narrow.close()


def test_small_screen_header_is_one_line_and_the_question_box_in_the_first_screen(phone) -> None:
    _shot(phone, "390-empty")
    question = _box(phone, "#sanad-question")
    assert question["y"] + question["height"] <= PHONE["height"], question
    header, language = _box(phone, "#sanad-header"), _box(phone, "#sanad-language")
    top = _box(phone, "#sanad-top")
    # The switch beside the title, on one short line.
    assert abs((language["y"] + language["height"] / 2) - (header["y"] + header["height"] / 2)) < 8
    assert language["x"] + language["width"] <= header["x"] + 1  # Arabic: the title on the right
    assert top["height"] < 60, top


# Where the element's box and its last line lie: [box left, box right, last line left, last line right, lines].
_LINES = """e => { const range = document.createRange(); range.selectNodeContents(e);
  const rects = [...range.getClientRects()].filter(r => r.width > 0), box = e.getBoundingClientRect();
  const bottom = Math.max(...rects.map(r => r.bottom)), last = rects.filter(r => r.bottom > bottom - 4);
  return [box.left, box.right, Math.min(...last.map(r => r.left)), Math.max(...last.map(r => r.right)),
    new Set(rects.map(r => Math.round(r.bottom / 8))).size]; }"""


def _aligned(paragraph) -> str:
    """ "left" or "right": the side the paragraph's (wrapped) last line keeps to, as drawn."""
    left, right, last_left, last_right, lines = paragraph.evaluate(_LINES)
    assert lines > 1, paragraph.inner_text()  # wrapped: a one-line paragraph would prove nothing
    assert not (abs(last_left - left) < 2 and abs(last_right - right) < 2)  # the last line is short
    return "left" if abs(last_left - left) < 2 else "right" if abs(last_right - right) < 2 else "neither"


def test_tapping_a_marker_on_a_phone_brings_the_passage_into_view(served, phone) -> None:
    assistant, _, _ = served
    cited = assistant.ask(FIRST).citations[0]
    _ask(phone, FIRST, "المصادر")
    mark = phone.locator("#sanad-panel .sanad-passage mark")
    expect(mark).to_have_text(cited.text, timeout=WAIT)
    wide = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0  # nothing scrolls sideways
    marker = phone.get_by_test_id("bot").last.locator(".sanad-answer a.sanad-cite").first
    in_view = (
        "() => { const m = document.querySelector('#sanad-panel .sanad-passage mark'); if (!m) return false;"
        "  const r = m.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    # The panel shows something else first; far below the chat, it changes to [1]: the tap scrolls to it.
    phone.evaluate("window.sanadOpen('cite:99:1')")
    expect(phone.locator("#sanad-panel .sanad-refused")).to_be_visible(timeout=WAIT)
    phone.evaluate("window.scrollTo(0, 0)")
    marker.scroll_into_view_if_needed()
    assert not phone.evaluate(in_view)
    marker.click()  # a tap on a phone arrives as this click (the page shares the wide one's mouse context)
    expect(mark).to_have_text(cited.text, timeout=WAIT)
    phone.wait_for_function(in_view, timeout=30_000)
    # The panel already shows [1]: Gradio leaves it as it is, and the tap scrolls to it all the same.
    phone.evaluate("window.scrollTo(0, 0)")
    marker.scroll_into_view_if_needed()
    assert not phone.evaluate(in_view)
    marker.click()
    phone.wait_for_function(in_view, timeout=30_000)
    _shot(phone, "390-answer")


def test_each_paragraph_of_a_message_aligns_by_its_own_language(phone) -> None:
    _ask(phone, ENGLISH, "")
    english = phone.get_by_test_id("user").filter(has_text=ENGLISH).locator("p")
    arabic = phone.get_by_test_id("bot").first.locator(".sanad-answer p")
    assert _aligned(english) == "left"
    assert _aligned(arabic) == "right"
    phone.get_by_text("English", exact=True).click()  # the page mirrored: each paragraph still by its language
    expect(phone.locator("html")).to_have_attribute("dir", "ltr", timeout=WAIT)
    assert _aligned(english) == "left"
    assert _aligned(arabic) == "right"
