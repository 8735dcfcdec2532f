"""A timeline asked for in the chat: recognised from the question, shown as a chart of articles per day
by outlet and one item per article whose ``[n]`` opens its source in the panel; in headless Chromium
(Debian's, via Playwright) at 1400 and 390 px, right to left. Real app over a real index of the seeds
plus the small dated records export of tests/test_timeline.py (Jeddah floods on five days, three
outlets, one wire copy, one undated report)."""

from __future__ import annotations

import json
import os

import pytest

from rag.gather import timeline_subject
from tests.browser_support import browser_page, expect, served_chat
from tests.conftest import ROOT
from tests.test_timeline import RECORDS
from ui.timeline_view import articles_per_day

ASKED = "ما تسلسل الأحداث في سيول جدة؟"
WAIT = 120_000
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("SANAD_SCREENSHOTS") == "1" else None


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("ما تسلسل الأحداث في حمص؟", "حمص"),
        ("التسلسل الزمني لسيول جدة", "سيول جدة"),
        ("تسلسل أحداث تفجير سروج", "تفجير سروج"),
        ("ماذا حدث في حمص يوماً بيوم؟", "حمص"),
        ("timeline of the Homs siege", "the Homs siege"),
        ("What happened in Homs, day by day?", "Homs"),
        ("Zabadani timeline", "Zabadani"),
        ("كم عدد القتلى؟", None),
        ("ما الخط الأحمر الذي حدده أوباما؟", None),
        ("Who commands the Fourth Division of the Syrian army?", None),
    ],
)
def test_a_timeline_is_asked_for_explicitly(question: str, subject: str | None) -> None:
    assert timeline_subject(question) == subject


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("timeline-chat")
    lines = [
        json.dumps({"id": i, "title": t, "published": d, "publisher": p, "url": f"https://{p}.example/{i}", "text": x})
        for i, t, d, p, x in RECORDS
    ]
    with served_chat(folder, extra={"news.jsonl": "\n".join(lines) + "\n"}) as (assistant, url):
        yield assistant, url, folder


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 390])
def test_the_chat_shows_a_timeline_with_its_chart_and_sources(served, width: int) -> None:
    assistant, url, folder = served
    expected = assistant.timeline("سيول جدة")
    with browser_page(folder / f"profile-{width}", url, viewport={"width": width, "height": 900}) as page:
        box = page.locator("#sanad-question textarea")
        box.fill(ASKED)
        box.press("Enter")
        view = page.get_by_test_id("bot").first.locator(".sanad-timeline")
        expect(view).to_be_visible(timeout=WAIT)
        items = view.locator(".sanad-timeline-item")
        expect(items).to_have_count(len(expected.items))
        assert len(expected.items) >= 5 and expected.undated == 1
        # date order, undated last under its own heading; the wire copy listed once, "also reported by" the other
        shown = [items.nth(i).inner_text() for i in range(len(expected.items))]
        assert [s.split(" · ")[0] for s in shown] == [i.published or "بلا تاريخ" for i in expected.items]
        assert sum("نشرته أيضاً" in s for s in shown) == sum(1 for i in expected.items if i.also) >= 1
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        # the chart: one bar per day, each as tall as its day's article count, the legend naming the outlets
        days = view.locator(".sanad-chart-day")
        counts = {d: sum(c.values()) for d, c in articles_per_day(expected).items()}
        expect(days).to_have_count(len(counts))
        for i, (day, count) in enumerate(counts.items()):
            bar = days.nth(i)
            assert bar.get_attribute("title") == f"{day}: {count}"  # the chat keeps titles, not data-*
            height = bar.locator(".sanad-chart-bar").bounding_box()["height"]
            assert abs(height - 72 * count / max(counts.values())) <= 2
        legend = view.locator(".sanad-chart-legend").inner_text()
        assert all(p in legend for p in ("okaz", "sabq", "al-madina"))
        # each item's [n] opens its source in the panel: the quoted sentence highlighted, from its record
        last = expected.items[-2]
        items.nth(len(expected.items) - 2).locator("a.sanad-cite").click()
        passage = page.locator("#sanad-panel .sanad-passage mark").first
        expect(passage).to_contain_text(last.citation.text[:30], timeout=WAIT)
        box_ = passage.bounding_box()
        assert box_ is not None and 0 <= box_["y"] < page.viewport_size["height"]  # brought into view
        if SHOTS is not None:
            page.screenshot(path=str(SHOTS / f"{width}-timeline.png"), full_page=width == 390)


def test_the_timeline_message_escapes_articles_links_its_sources_and_counts_copies() -> None:
    from rag.gather import Timeline, TimelineItem
    from rag.types import Citation
    from ui.timeline_view import render_chat_timeline

    def cited(n: int, text: str, day: str | None, outlet: str) -> Citation:
        return Citation(n, "news.jsonl", "/c", 0, len(text), text, 0, len(text), published=day, publisher=outlet)

    first = cited(1, "غمرت <b>السيول</b> شوارع جدة.", "2015-11-17", "okaz")
    copy = cited(1, "غمرت السيول شوارع جدة.", "2015-11-17", "sabq")
    undated = cited(2, "روى سكان جدة ليلة السيول.", None, "okaz")
    timeline = Timeline("سيول جدة", [TimelineItem(first, 0.9, (copy,)), TimelineItem(undated, 0.5)])
    shown = render_chat_timeline(timeline, turn=4)
    assert "«سيول جدة» · مقالان</h4>" in shown  # a counted noun in its Arabic form, not «2 مقالاً»
    assert "<b>السيول</b>" not in shown and "&lt;b&gt;السيول&lt;/b&gt;" in shown  # article text is text
    assert 'href="#sanad-cite-4-1"' in shown and 'href="#sanad-cite-4-2"' in shown
    assert shown.index("2015-11-17 · okaz") < shown.index("<h5>بلا تاريخ</h5>") < shown.index("بلا تاريخ · okaz")
    assert "نشرته أيضاً: sabq (2015-11-17)" in shown and 'title="2015-11-17: 2"' in shown  # the copy counted
    assert articles_per_day(timeline) == {"2015-11-17": {"okaz": 1, "sabq": 1}}
    empty = render_chat_timeline(Timeline("زلزال الرياض", []), turn=0, lang="en")
    assert "sanad-notfound" in empty and "No article about «زلزال الرياض»" in empty
