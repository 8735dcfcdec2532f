"""A timeline as the chat shows it: a small chart of articles per day by outlet, then one item per
article in date order (date · outlet, its ``[n]`` opening the source panel, headline, the quote with
its focus marked, "also reported by …"), undated articles last under their own heading."""

from __future__ import annotations

import html
from collections import Counter

from ingest.textnorm import is_arabic
from rag.gather import Timeline, TimelineItem
from rag.types import Citation
from rag.wording import ARTICLE, count_phrase
from ui.render import cite_link, focused_quote

__all__ = ["articles_per_day", "plain_timeline", "render_chat_timeline"]

#: Colours of the outlets in the chart, in the order outlets first appear (then round again).
PALETTE = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626")
#: Height of the tallest day's bar (pixels).
CHART_HEIGHT = 72
_WORDS = {
    "ar": {"title": "التسلسل الزمني", "undated": "بلا تاريخ", "also": "نشرته أيضاً",
           "none": "لا مقالات عن «{subject}» في الأرشيف.", "chart": "المقالات في كل يوم، بحسب المصدر"},
    "en": {"title": "Timeline", "undated": "Undated", "also": "also reported by",
           "none": "No article about «{subject}» in the archive.", "chart": "Articles per day, by outlet"},
}  # fmt: skip


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _outlet(citation: Citation) -> str:
    return citation.publisher or "—"


def articles_per_day(timeline: Timeline) -> dict[str, Counter[str]]:
    """For each day (``YYYY-MM-DD``, in order) how many of the timeline's articles, copies included,
    each outlet published; undated articles are not counted."""
    days: dict[str, Counter[str]] = {}
    for item in timeline.items:
        for citation in (item.citation, *item.also):
            if citation.published:
                days.setdefault(citation.published, Counter())[_outlet(citation)] += 1
    return dict(sorted(days.items()))


def _chart(timeline: Timeline, words: dict[str, str]) -> str:
    days = articles_per_day(timeline)
    if not days:
        return ""
    outlets = list(dict.fromkeys(o for counts in days.values() for o in counts))
    colour = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    tallest = max(sum(c.values()) for c in days.values())
    columns = []
    for day, counts in days.items():
        blocks = "".join(
            f'<span class="sanad-chart-block" title="{_h(o)}: {n}" '
            f'style="height:{round(CHART_HEIGHT * n / tallest)}px;background:{colour[o]}"></span>'
            for o, n in counts.items()
        )
        columns.append(
            f'<span class="sanad-chart-day" title="{day}: {sum(counts.values())}">'
            f'<span class="sanad-chart-bar">{blocks}</span><span class="sanad-chart-label">{day[5:]}</span></span>'
        )
    legend = "".join(
        f'<span class="sanad-chart-key"><span style="background:{colour[o]}"></span>{_h(o)}</span>' for o in outlets
    )
    return (
        f'<div class="sanad-chart" title="{_h(words["chart"])}" dir="ltr">'
        f'<div class="sanad-chart-days">{"".join(columns)}</div><div class="sanad-chart-legend">{legend}</div></div>'
    )


def _item(item: TimelineItem, turn: int, words: dict[str, str]) -> str:
    citation = item.citation
    when = item.published or words["undated"]
    head = f"<b>{_h(when)} · {_h(_outlet(citation))}</b> {cite_link(turn, citation.n)}"
    name = f" <b>{_h(citation.name)}</b>:" if citation.name else ""
    also = ""
    if item.also:
        copies = ", ".join(f"{_h(_outlet(c))} ({_h(c.published or words['undated'])})" for c in item.also)
        also = f'<br><small class="sanad-also">{words["also"]}: {copies}</small>'
    way = "rtl" if is_arabic(citation.text) else "ltr"  # by the quote: a date and an outlet name are no guide
    quote = f'<span class="sanad-quote">{focused_quote(citation)}</span>'
    return f'<li class="sanad-timeline-item" dir="{way}">{head}{name} {quote}{also}</li>'


def render_chat_timeline(timeline: Timeline, turn: int, lang: str = "ar") -> str:
    """The chat message for ``timeline``, answer number ``turn`` of the conversation (its ``[n]`` links
    name it, as an answer's do); a framed "no article" message when nothing is about the subject."""
    words = _WORDS["ar" if lang == "ar" else "en"]
    if not timeline.items:
        none = _h(words["none"].format(subject=timeline.subject))
        return f'<div dir="auto" class="sanad-notfound">\n\n⚠️ *{none}*\n\n</div>'
    dated = [i for i in timeline.items if i.published]
    undated = [i for i in timeline.items if not i.published]
    way = "rtl" if sum(is_arabic(i.citation.text) for i in timeline.items) * 2 >= len(timeline.items) else "ltr"
    parts = [
        f'<div class="sanad-timeline" dir="{way}"><h4>{words["title"]}: «{_h(timeline.subject)}» · '
        f"{count_phrase(len(timeline.items), ARTICLE, lang == 'ar')}</h4>",
        _chart(timeline, words),
        f"<ol>{''.join(_item(i, turn, words) for i in dated)}</ol>" if dated else "",
        f"<h5>{words['undated']}</h5><ol>{''.join(_item(i, turn, words) for i in undated)}</ol>" if undated else "",
        "</div>",
    ]
    return "".join(parts)


def plain_timeline(timeline: Timeline) -> str:
    """The timeline as plain text (what "copy answer with sources" copies): one line per article."""
    lines = [f"{timeline.subject}:"]
    for item in timeline.items:
        c = item.citation
        also = f" (+ {', '.join(_outlet(x) for x in item.also)})" if item.also else ""
        lines.append(f"[{c.n}] {item.published or 'undated'} · {_outlet(c)} · {c.name}: «{c.text}»{also} — {c.file}")
    return "\n".join(lines)
