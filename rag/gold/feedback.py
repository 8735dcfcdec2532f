"""Analysts' judgements of answers (👍 / 👎, a correction, "not in the articles") kept as a gold file.

Every judgement is one line appended to a JSONL file (``feedback.path``, in the project's data
folder by default) in the format ``sanad eval`` reads (:mod:`rag.gold.files`), with what was judged
beside it: the answer as shown, its citations and the state of the index. What a judgement makes:

- 👍 on an answer: a gold item, its answer the first citation's focus, its source that file;
- 👍 on "not in the articles", or 👎 "it should have said: not in the articles": an unanswerable item;
- 👎 with "the right answer is …": a gold item with that answer, its source the ingested article
  that holds it (found by search; none named when no article holds it word for word);
- a bare 👎: recorded (``"gold": false``) but no gold item; it withdraws an earlier one.

A question is identified by its normalised text: judging it again replaces the earlier gold item.
Judgements are only ever appended (one ``write`` of one line), so they survive restarts and two
processes writing at once; nothing here touches the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ingest.errors import SanadError
from ingest.manifest import FileRecord
from ingest.textnorm import normalize
from rag.gold.files import GoldItem, read_gold
from rag.types import Passage

__all__ = ["FeedbackError", "FeedbackStore", "Judgement", "Verdict", "holding_file", "index_state", "question_id"]

Verdict = Literal["up", "down"]
#: Longest correction kept (characters): an answer, not an article.
MAX_CORRECTION_CHARS = 2000


class FeedbackError(SanadError, ValueError):
    """A judgement cannot be taken or saved (the message names the field or the file)."""


def question_id(question: str) -> str:
    """The gold id of a question: the same for the same question however it is spelled (diacritics,
    alef forms, punctuation)."""
    key = " ".join(normalize(question).split())
    return "fb-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def index_state(records: Sequence[FileRecord]) -> dict[str, Any]:
    """What an index held, from its manifest ``records``: articles, chunks, a fingerprint of their contents."""
    digest = hashlib.sha256("\n".join(sorted(r.sha256 for r in records)).encode()).hexdigest()[:16]
    return {"articles": len(records), "chunks": sum(r.chunks for r in records), "content": digest}


def holding_file(answer: str, passages: Sequence[Passage]) -> str | None:
    """The file of the first of ``passages`` whose text holds ``answer`` (normalised); None if none does."""
    wanted = " ".join(normalize(answer).split())
    if not wanted:
        return None
    return next((p.file for p in passages if wanted in " ".join(normalize(p.text).split())), None)


@dataclass(frozen=True)
class Judgement:
    """An analyst's verdict on one answer.

    ``citations`` are the answer's ``ask --json`` citation objects; ``correct_answer`` ("the right
    answer is …") and ``not_in_articles`` ("it should have said: not in the articles") go with 👎.
    """

    question: str
    answer: str
    found: bool
    verdict: Verdict
    citations: Sequence[dict[str, Any]] = field(default_factory=tuple)
    correct_answer: str | None = None
    not_in_articles: bool = False
    standalone_question: str | None = None

    def __post_init__(self) -> None:
        if not self.question.strip():
            raise FeedbackError("question: empty")
        if self.verdict not in ("up", "down"):
            raise FeedbackError(f"verdict {self.verdict!r}: write 'up' or 'down'")
        correction = (self.correct_answer or "").strip()
        if self.verdict == "up" and (correction or self.not_in_articles):
            raise FeedbackError("correct_answer / not_in_articles go with verdict 'down' only")
        if correction and self.not_in_articles:
            raise FeedbackError("correct_answer and not_in_articles contradict each other: give one")
        if len(correction) > MAX_CORRECTION_CHARS:
            raise FeedbackError(f"correct_answer: longer than {MAX_CORRECTION_CHARS} characters")
        if self.verdict == "up" and self.found and not self.citations:
            raise FeedbackError("citations: a confirmed answer needs the citations it was given with")
        object.__setattr__(self, "correct_answer", correction or None)

    def gold(self) -> tuple[list[str], str | None] | None:
        """``(answers, source)`` of the gold item this judgement makes; None for a bare 👎.
        A correction's source is left None here (see :meth:`FeedbackStore.record`)."""
        if self.verdict == "up":
            if not self.found:
                return [], None
            first = self.citations[0]
            return [str(first.get("focus") or first["text"])], str(first["file"])
        if self.not_in_articles:
            return [], None
        if self.correct_answer:
            return [self.correct_answer], None
        return None


class FeedbackStore:
    """The judgements file at ``path`` (created with its folder on the first judgement)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(
        self, judgement: Judgement, *, source: str | None = None, index: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Append ``judgement`` and return the line written.

        Args:
            source: the ingested file holding a 👎's correction, when one was found.
            index: the state of the index the answer came from (articles, a content fingerprint).

        Raises:
            FeedbackError: the file cannot be written (the message names it).
        """
        gold = judgement.gold()
        answers, gold_source = gold if gold is not None else ([], None)
        line = {
            "id": question_id(judgement.question),
            "question": judgement.question.strip(),
            "answers": answers,
            "source": gold_source or (source if answers else None),
            "gold": gold is not None,
            "verdict": judgement.verdict,
            "judged_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "shown": {"answer": judgement.answer, "found": judgement.found, "citations": list(judgement.citations)},
            "standalone_question": judgement.standalone_question,
            "correct_answer": judgement.correct_answer,
            "not_in_articles": judgement.not_in_articles,
            "index": index or {},
        }
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, data)  # one write of one line: appends from two processes do not interleave
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise FeedbackError(f"{self.path}: cannot save the judgement: {exc.strerror or exc}") from None
        return line

    def judgements(self) -> list[dict[str, Any]]:
        """Every judgement line, oldest first (none when the file does not exist yet)."""
        if not self.path.exists():
            return []
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FeedbackError(f"{self.path}: cannot read the judgements: {exc}") from None
        out = []
        for number, raw in enumerate(text.split("\n"), start=1):
            if raw.strip():
                try:
                    out.append(json.loads(raw))
                except json.JSONDecodeError as exc:
                    raise FeedbackError(f"{self.path}:{number}: not JSON: {exc}") from None
        return out

    def gold_items(self) -> list[GoldItem]:
        """The gold items the judgements make (the latest per question), as ``sanad eval`` reads them."""
        return read_gold(self.path) if self.path.exists() else []

    def export(self) -> str:
        """The gold items as a plain gold file (one line each: ``id, question, answers, source`` and
        ``verdict, judged_at``), ready for ``sanad eval --gold`` anywhere."""
        latest = {row["id"]: row for row in self.judgements()}
        lines = []
        for item in self.gold_items():
            row = latest.get(item.id, {})
            plain = {"id": item.id, "question": item.question, "answers": item.answers, "source": item.source}
            plain |= {"verdict": row.get("verdict"), "judged_at": row.get("judged_at")}
            lines.append(json.dumps(plain, ensure_ascii=False))
        return "".join(f"{line}\n" for line in lines)
