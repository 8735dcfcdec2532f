"""Extractive answers without an LLM: quote the best-supported sentences, each with its source.

Sentences of the top passages are scored by the encoder (cosine with the question, so English
questions find Arabic evidence) and by IDF-weighted overlap of normalised, stemmed tokens: that is
a sentence's *support*. They are ranked by support plus a share of their passage's retrieval score.
The best one is quoted, and a second only when it would answer on its own; each citation carries its
focus, the clause that holds the answer (:mod:`rag.answers.focus`). Whether to answer at all is decided on
evidence, not on topic: below ``answer.min_confidence`` the answer says the articles do not contain
it, in the question's language.

With a reader (``answer.reader: auto``, :mod:`rag.reader`) the best-ranked candidates are read with the
question: the sentence quoted is the one the reader is surest answers, the confidence is its calibrated
probability, and the focus is the clause around the answer it predicts. Without one (``off``) a
logistic fit over evidence features decides (:mod:`rag.answers.confidence`) and the focus is chosen by rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.chunker import Span
from ingest.ids import sentence_id
from ingest.sentences import in_context, quotable_sentences
from ingest.textnorm import content_tokens, is_arabic
from rag.answers.confidence import FEATURES, calibrated
from rag.answers.evidence import analyse_question, supplies
from rag.answers.focus import focus_of
from rag.answers.signals import cosine_range, distinctiveness, repeats
from rag.answers.threshold import EVIDENCE_THRESHOLD, threshold_for
from rag.config import AnswerConfig
from rag.embeddings import VectorCache, cosine_similarities
from rag.messages import not_found_message
from rag.reader.focus import focus_around
from rag.store.sentences import SentenceVectors
from rag.types import Citation, Passage

if TYPE_CHECKING:
    from rag.reader import Reader, Reading

__all__ = [
    "FEATURES",
    "ExtractiveAnswerer",
    "ScoredSentence",
]

_DENSE_WEIGHT, _LEXICAL_WEIGHT = 0.55, 0.45
#: Weight of the passage's retrieval score (relative to the top passage's) in the ranking.
_PASSAGE_PRIOR = 0.3
#: A second sentence is quoted when it ranks within this share of the first.
_SECOND_SENTENCE_SHARE = 0.8
#: ... and when it would answer on its own with this confidence (fixed, so that raising
#: ``answer.min_confidence`` only turns answers into refusals: rag.evaluate.apply_threshold).
_SECOND_SENTENCE_CONFIDENCE = 0.35
_MAX_CANDIDATES = 12
#: Arabic-script questions: the sentence quoted is the likeliest answer among this many best-ranked
#: (a topical sentence can outrank the one holding the asked number: docs/quality.md).
_ANSWER_CHOICES = 2
_SENTENCE_CACHE_SIZE = 20_000
#: Reader path: a second sentence is quoted when the reader gives it at least this probability and
#: :data:`_SECOND_SENTENCE_SHARE` of the first's (fixed, like _SECOND_SENTENCE_CONFIDENCE).
_READER_SECOND = 0.5


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence: its support (``score``, from ``dense`` and ``lexical``, all in [0, 1]),
    the ``rank`` it is ordered by (support + the passage prior), and its ``evidence``, one value per
    :data:`FEATURES`: the scaled cosine, the question's IDF-weighted terms found in the sentence and in
    its passage or headline, whether the asked attribute («عمر» in «كم عمر…») is in the sentence, whether
    the expected answer type (a number, a date, a time) is missing from it, and the share of the
    question's terms beyond the article's headline that it holds."""

    span: Span
    passage: Passage
    dense: float
    lexical: float
    score: float
    rank: float
    evidence: tuple[float, ...] = ()


class ExtractiveAnswerer:
    """Picks answer sentences from retrieved passages."""

    def __init__(
        self,
        config: AnswerConfig,
        embed_model: BaseEmbedding,
        idf: Callable[[str], float],
        sentences: SentenceVectors | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.config = config
        self.embed_model = embed_model
        self.idf = idf
        self.sentences = sentences
        self.reader = reader
        self.threshold = threshold_for(config, reader)
        self._vectors: VectorCache[np.ndarray] = VectorCache(_SENTENCE_CACHE_SIZE)

    def sentence_vectors(self, texts: list[str], ids: list[str]) -> np.ndarray:
        """Passage embeddings of ``texts``: remembered (LRU, chats return to the same passages),
        else stored at ingest under ``ids``, else embedded now."""
        found = self._vectors.get_many(texts)
        if self.sentences is not None and len(found) < len(texts):
            todo = [(i, t) for i, t in zip(ids, texts, strict=True) if t not in found]
            try:
                found.update(self.sentences.get([i for i, _ in todo], [t for _, t in todo]))
            except Exception:  # noqa: BLE001 - a store being rewritten: embed instead, same result
                pass
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            for text, vector in zip(missing, self.embed_model.get_text_embedding_batch(missing), strict=True):
                found[text] = np.asarray(vector, dtype=np.float32)
        self._vectors.put_many({text: found[text] for text in dict.fromkeys(texts)})
        return np.stack([found[t] for t in texts])

    def score_sentences(
        self,
        question: str,
        query_embedding: Sequence[float],
        passages: Sequence[Passage],
        *,
        wide: int | None = None,
    ) -> list[ScoredSentence]:
        """Candidate sentences of the top ``answer.passages`` passages, best first, near-duplicates removed.

        ``wide``: of the top ``wide`` passages instead, up to ``4 * wide`` sentences, a repeat removed only
        within its article (gathering answers: a reprint in another article is another source)."""
        candidates: list[tuple[Span, Passage, set[str]]] = []
        ids: list[str] = []
        limit = _MAX_CANDIDATES if wide is None else 4 * wide
        for passage in passages[: self.config.passages if wide is None else wide]:
            for position, span in quotable_sentences(passage.text, passage.start, passage.context):
                tokens = content_tokens(span.text)
                if any(
                    repeats(tokens, seen) and (wide is None or (p.file, p.record) == (passage.file, passage.record))
                    for _, p, seen in candidates
                ):
                    continue
                candidates.append((span, passage, tokens))
                ids.append(sentence_id(passage.chunk_id, position))
        candidates, ids = candidates[:limit], ids[:limit]
        if not candidates:
            return []

        same_script = is_arabic(question)
        floor, ceil = cosine_range(same_script)
        question_tokens = content_tokens(question)
        question_weight = sum(self.idf(t) for t in question_tokens)
        needs = analyse_question(question)
        around = {p.chunk_id: content_tokens(f"{p.context}\n{p.text}") for _, p, _ in candidates}
        titles = {p.chunk_id: content_tokens(p.context) for _, p, _ in candidates}
        vectors = self.sentence_vectors(
            [in_context(span.text, passage.context) for span, passage, _ in candidates], ids
        )
        cosines = cosine_similarities(vectors, query_embedding)

        top_passage = max((p.score for p in passages[: wide or self.config.passages]), default=0.0)
        scored = []
        for (span, passage, tokens), cosine in zip(candidates, cosines, strict=True):
            dense = float(np.clip((cosine - floor) / (ceil - floor), 0.0, 1.0))
            overlap = sum(self.idf(t) for t in question_tokens & tokens)
            lexical = overlap / question_weight if question_weight else 0.0
            score = _DENSE_WEIGHT * dense + _LEXICAL_WEIGHT * lexical if same_script else dense
            prior = passage.score / top_passage if top_passage > 0 else 0.0
            evidence = (  # in the order of rag.answers.confidence.FEATURES
                dense,
                lexical,
                sum(self.idf(t) for t in question_tokens & around[passage.chunk_id]) / question_weight
                if question_weight
                else 0.0,
                float(needs.attribute <= tokens),
                float(supplies(needs.kind, span.text, needs.numbers) is False),
                self._coverage(question_tokens - titles[passage.chunk_id], tokens),
            )
            scored.append(
                ScoredSentence(
                    span=span,
                    passage=passage,
                    dense=dense,
                    lexical=lexical,
                    score=score,
                    rank=score + _PASSAGE_PRIOR * prior,
                    evidence=evidence,
                )
            )
        scored.sort(key=lambda s: s.rank, reverse=True)
        return scored

    def _coverage(self, wanted: set[str], tokens: set[str]) -> float:
        """IDF-weighted share of ``wanted`` found in ``tokens`` (1.0 when nothing is wanted)."""
        weight = sum(self.idf(t) for t in wanted)
        return sum(self.idf(t) for t in wanted & tokens) / weight if weight else 1.0

    def supported(
        self, question: str, query_embedding: Sequence[float], passages: Sequence[Passage]
    ) -> tuple[bool, float]:
        """``(a retrieved sentence supports the question, confidence)``: the test :meth:`answer`
        makes before quoting, without choosing the quotes (llm mode asks it before calling the model)."""
        _, confidence, _ = self._choose(question, self.score_sentences(question, query_embedding, passages))
        return confidence >= self.threshold, confidence

    def _choose(self, question: str, scored: Sequence[ScoredSentence]) -> tuple[int, float, list[Reading] | None]:
        """``(index, confidence, readings)`` of the sentence to quote: the reader's surest among the
        best-ranked candidates, else (no reader) :meth:`_likeliest` with no readings."""
        if self.reader is None or not scored:
            return (*self._likeliest(question, scored), None)
        if not is_arabic(question):
            # English over Arabic articles: the reader was trained on Arabic questions only and loses to
            # the encoder's evidence there (docs/quality.md). The evidence confidence is moved onto the
            # reader's scale (a shift in logit space: the evidence threshold lands on the reader's).
            best, confidence = self._likeliest(question, scored)
            return best, self.reader.on_reader_scale(confidence, EVIDENCE_THRESHOLD), None
        readings = self.reader.read(question, [s.span.text for s in scored[: self.config.reader_candidates]])
        if self.reader.combination:  # the reader's probability weighed with the evidence fit's
            readings = [
                replace(
                    r, probability=self.reader.combined(r.probability, self.evidence_confidence(question, scored, i))
                )
                for i, r in enumerate(readings)
            ]
        best = max(range(len(readings)), key=lambda i: readings[i].probability)
        return best, readings[best].probability, readings

    def evidence_confidence(self, question: str, scored: Sequence[ScoredSentence], chosen: int) -> float:
        """The evidence fit's confidence that ``scored[chosen]`` answers (what ``answer.reader: off`` decides on)."""
        return self._confidence(question, scored, chosen)

    @staticmethod
    def _confidence(question: str, scored: Sequence[ScoredSentence], chosen: int = 0) -> float:
        """How likely the articles answer ``question`` with ``scored[chosen]``, in [0, 1].

        Arabic-script questions: a logistic model over the sentence's evidence (fit on near-miss
        questions, see :data:`rag.answers.confidence.CALIBRATION`). Others (English over Arabic articles)
        have no lexical evidence: the encoder's support, scaled by how far the sentence stands out.
        """
        if not scored:
            return 0.0
        if not is_arabic(question):
            return scored[chosen].score * distinctiveness(scored) if chosen == 0 else scored[chosen].score
        sentence = scored[chosen]
        others = [s.dense for i, s in enumerate(scored[:4]) if i != chosen]
        gap = sentence.dense - (sum(others) / len(others) if others else 0.0)
        return calibrated(sentence.evidence, gap, sentence.score)

    @classmethod
    def _likeliest(cls, question: str, scored: Sequence[ScoredSentence]) -> tuple[int, float]:
        """``(index, confidence)`` of the sentence to quote: for an Arabic-script question the likeliest
        answer among the :data:`_ANSWER_CHOICES` best-ranked, else the best-ranked."""
        choices = range(min(_ANSWER_CHOICES, len(scored))) if is_arabic(question) else range(1)
        return max(((i, cls._confidence(question, scored, i)) for i in choices), key=lambda c: c[1], default=(0, 0.0))

    def answer(
        self, question: str, query_embedding: Sequence[float], passages: Sequence[Passage], threshold: float | None = None
    ) -> tuple[str, bool, list[Citation], float]:
        """Return ``(answer text, found, citations, confidence)``.

        Each quoted sentence is followed by ``[n]``; citation ``n`` is that sentence's
        exact span in its file; ``threshold``: the least confidence to answer (default ``answer.min_confidence``)."""
        scored = self.score_sentences(question, query_embedding, passages)
        best, confidence, readings = self._choose(question, scored)
        if confidence < (self.threshold if threshold is None else threshold):
            return not_found_message(question), False, [], confidence
        question_tokens, needs = content_tokens(question), analyse_question(question)
        chosen = [best]
        for i, candidate in enumerate(scored):
            if len(chosen) >= self.config.max_sentences:
                break
            if i == best:
                continue
            if readings is not None:  # a second sentence the reader is nearly as sure of
                if i < len(readings) and readings[i].probability >= max(
                    _READER_SECOND, _SECOND_SENTENCE_SHARE * confidence
                ):
                    chosen.append(i)
            elif (
                candidate.rank >= _SECOND_SENTENCE_SHARE * scored[best].rank
                and self._confidence(question, scored, i) >= _SECOND_SENTENCE_CONFIDENCE
            ):  # a second sentence must answer on its own
                chosen.append(i)
        citations = []
        parts = []
        for n, index in enumerate(chosen, start=1):
            sentence, span = scored[index], scored[index].span
            if readings is not None:
                focus = focus_around(span, readings[index].start, readings[index].end)
            else:
                focus = focus_of(span, question_tokens, needs, self.idf)
            citation = Citation.quoting(n, sentence.passage, span.start, span.end, span.text)
            citations.append(citation.focused(focus.start, focus.end, focus.text))
            parts.append(f"{sentence.span.text} [{n}]")
        return "\n".join(parts), True, citations, confidence
