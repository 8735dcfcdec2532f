"""Gathering across articles: a subject's timeline (:mod:`rag.gather.timeline`)."""

from rag.gather.timeline import Timeline, TimelineItem, build_timeline

__all__ = ["Timeline", "TimelineItem", "build_timeline"]
