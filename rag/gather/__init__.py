"""Gathering across articles: a subject's timeline (:mod:`rag.gather.timeline`), and which chat questions
ask for one (:mod:`rag.gather.requests`)."""

from rag.gather.requests import timeline_subject
from rag.gather.timeline import Timeline, TimelineItem, build_timeline

__all__ = ["Timeline", "TimelineItem", "build_timeline", "timeline_subject"]
