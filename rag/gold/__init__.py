"""Gold questions: the files ``sanad eval`` reads (:mod:`rag.gold.files`) and the analysts' judgements
of answers in the chat and ``/api/feedback``, kept as such a file (:mod:`rag.gold.feedback`)."""

from rag.gold.feedback import FeedbackError, FeedbackStore, Judgement, Verdict
from rag.gold.files import GoldFileError, GoldItem, read_gold

__all__ = ["FeedbackError", "FeedbackStore", "GoldFileError", "GoldItem", "Judgement", "Verdict", "read_gold"]
