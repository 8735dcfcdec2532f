"""``sanad timeline "subject"``: one line per article, ``date · outlet · headline: «quote» [also: …]``."""

from __future__ import annotations

import argparse
import json

from rag.assistant import Assistant
from rag.gather import Timeline, TimelineItem
from rag.types import SearchFilters

__all__ = ["UNDATED", "chart_lines", "item_line", "run_timeline", "timeline_lines"]

#: What an undated article shows in place of its date (undated articles come last).
UNDATED = "بلا تاريخ"


def item_line(item: TimelineItem) -> str:
    """``date · outlet · headline: «quote» [also: outlet, outlet]`` (parts not known are left out)."""
    citation = item.citation
    about = " · ".join(str(v) for v in (item.published or UNDATED, citation.publisher, citation.name) if v)
    line = f"{about}: «{citation.text}»"
    if item.also:
        outlets = dict.fromkeys(c.publisher or c.name or c.file for c in item.also)
        line += f" [also: {', '.join(outlets)}]"
    return line


#: Blocks in the tallest day's bar of the text chart.
CHART_WIDTH = 20


def chart_lines(timeline: Timeline) -> list[str]:
    """The chat's chart as text: one line per day, ``YYYY-MM-DD ████ n`` (copies counted, undated
    articles not; oldest first); no line without a dated article."""
    from ui.timeline_view import articles_per_day

    days = articles_per_day(timeline)
    tallest = max((sum(counts.values()) for counts in days.values()), default=0)
    return [
        f"{day} {'█' * max(1, round(CHART_WIDTH * sum(c.values()) / tallest))} {sum(c.values())}"
        for day, c in days.items()
    ]


def timeline_lines(timeline: Timeline) -> list[str]:
    """The plain output: the chart of articles per day (when any is dated), a blank line, then one
    line per item; or a line saying none was found."""
    if not timeline.items:
        return [f"no article about «{timeline.subject}» was found"]
    chart = chart_lines(timeline)
    return [*chart, *([""] if chart else []), *(item_line(item) for item in timeline.items)]


def run_timeline(assistant: Assistant, args: argparse.Namespace) -> int:
    """The ``timeline`` command: plain lines, or ``Timeline.to_dict()`` as JSON with ``--json``."""
    filters = SearchFilters.parse(args.since, args.until, args.publisher)
    timeline = assistant.timeline(args.subject, filters=filters if filters.active else None, max_articles=args.max)
    if args.json:
        print(json.dumps(timeline.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(timeline_lines(timeline)))
    return 0
