"""Sanad: cited question answering over Arabic news articles.

>>> from rag import Assistant
>>> assistant = Assistant.from_config()          # ./config.yaml
>>> assistant.ingest()                           # the corpus folder in config
>>> answer = assistant.ask("كم دولة صوتت لصالح القرار؟")
>>> answer.answer, [c.file for c in answer.citations]

Every error meant for people is a :class:`SanadError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.errors import SanadError

__all__ = [
    "Answer",
    "AnswerItem",
    "Assistant",
    "Citation",
    "Corroboration",
    "IngestReport",
    "Passage",
    "SanadError",
    "SearchFilters",
]

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.index.report import IngestReport
    from rag.types import Answer, AnswerItem, Citation, Corroboration, Passage, SearchFilters


def __getattr__(name: str) -> Any:
    # Imported on first use so that `import rag.messages` stays light (no llama-index, no Chroma).
    if name == "Assistant":
        from rag.assistant import Assistant

        return Assistant
    if name in {"Answer", "AnswerItem", "Citation", "Corroboration", "Passage", "SearchFilters"}:
        from rag import types

        return getattr(types, name)
    if name == "IngestReport":
        from rag.index.report import IngestReport

        return IngestReport
    raise AttributeError(name)
