"""The real chat in headless Chromium (Playwright driving Debian's /usr/bin/chromium): HTML in a
question or in an article is shown as text and never executed; answers arrive with sources."""

from __future__ import annotations

import pytest

from tests.browser_support import browser_page, served_chat, sync_api

pytestmark = pytest.mark.slow

HOSTILE_ARTICLE = (
    "تقرير عن معرض الكتاب.\n"
    '<script>window.__xss_article = 1</script> <img src=x onerror="window.__xss_img = 1"> '
    "أعلنت وزارة الثقافة السورية افتتاح معرض الكتاب في دمشق يوم الأحد بمشاركة مئتي دار نشر."
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("browser")
    with served_chat(folder, {"html.txt": HOSTILE_ARTICLE}) as (_, url), browser_page(folder / "profile", url) as page:
        yield page


def _ask(page, question: str, expect: str):
    """Type a question, press Enter, wait for the answer holding ``expect``; return the two bubbles."""
    before = page.get_by_test_id("bot").count()
    box = page.locator("textarea").first
    box.fill(question)
    box.press("Enter")
    bot = page.get_by_test_id("bot").nth(before)
    sync_api.expect(bot).to_contain_text(expect, timeout=120_000)
    return page.get_by_test_id("user").nth(before), bot


def _nothing_ran(page) -> None:
    assert page.evaluate("[window.__xss_q, window.__xss_article, window.__xss_img]") == [None, None, None]
    assert page.locator(".message-content img, .message-content script, .message-content b").count() == 0


def test_html_in_a_question_is_shown_as_text(page) -> None:
    question = 'من هو قائد لواء التوحيد؟ <img src=x onerror="window.__xss_q = 1"><b>عاجل</b>'
    user, bot = _ask(page, question, "المصادر")
    assert 'من هو قائد لواء التوحيد؟ <img src=x onerror="window.__xss_q = 1"><b>عاجل</b>' in user.inner_text()
    assert "عبد القادر الصالح" in bot.inner_text()
    _nothing_ran(page)


def test_html_in_an_article_is_shown_as_text(page) -> None:
    user, bot = _ask(page, "متى افتتح معرض الكتاب في دمشق؟", "المصادر")
    shown = bot.inner_text()
    assert "<script>window.__xss_article = 1</script>" in shown
    assert '<img src=x onerror="window.__xss_img = 1">' in shown
    assert "html.txt" in shown and "[1]" in shown
    assert bot.get_attribute("dir") == "rtl"
    _nothing_ran(page)


def test_an_empty_looking_question_gets_a_reply(page) -> None:
    _, bot = _ask(page, "<script>window.__xss_q = 1</script> ؟؟", "⚠️")
    assert "فارغ" in bot.inner_text() or "empty" in bot.inner_text()
    _nothing_ran(page)
