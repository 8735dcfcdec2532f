"""Extractive answers without an LLM: quote the best-supported sentences, each with its source.

Sentences of the top passages are scored by the encoder (cosine with the question, so English
questions find Arabic evidence) and by IDF-weighted overlap of normalised, stemmed tokens: that is
a sentence's *support*. They are ranked by support plus a share of their passage's retrieval score.
The best one is quoted, and a second only when it would answer on its own; each citation carries its
focus, the clause that holds the answer (:mod:`rag.focus`). Whether to answer at all is decided on
evidence, not on topic (:mod:`rag.confidence`): below ``answer.min_confidence`` the answer says the
articles do not contain it, in the question's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.chunker import Span
from ingest.ids import sentence_id
from ingest.sentences import in_context, quotable_sentences
from ingest.textnorm import content_tokens, is_arabic
from rag.confidence import FEATURES, calibrated
from rag.config import AnswerConfig
from rag.embeddings import VectorCache, cosine_similarities
from rag.evidence import analyse_question, supplies
from rag.focus import focus_of
from rag.messages import not_found_message
from rag.store.sentences import SentenceVectors
from rag.types import Citation, Passage

__all__ = [
    "COS_RANGE_CROSS_SCRIPT",
    "COS_RANGE_SAME_SCRIPT",
    "FEATURES",
    "ExtractiveAnswerer",
    "ScoredSentence",
    "cosine_range",
]

# multilingual-e5 cosines between a question and a sentence, measured on the seed gold set
# (eval/gold_seeds.jsonl): at the floor the sentence is unrelated, at the ceiling it answers.
# Questions in another script than the articles (English over Arabic) score lower, so they
# get their own range, and their lexical overlap (none) is not counted.
COS_RANGE_SAME_SCRIPT = (0.80, 0.90)
COS_RANGE_CROSS_SCRIPT = (0.74, 0.82)
_DENSE_WEIGHT, _LEXICAL_WEIGHT = 0.55, 0.45
#: Weight of the passage's retrieval score (relative to the top passage's) in the ranking.
_PASSAGE_PRIOR = 0.3
#: A second sentence is quoted when it ranks within this share of the first.
_SECOND_SENTENCE_SHARE = 0.8
#: ... and when it would answer on its own with this confidence (fixed, so that raising
#: ``answer.min_confidence`` only turns answers into refusals: rag.evaluate.apply_threshold).
_SECOND_SENTENCE_CONFIDENCE = 0.35
_DUPLICATE_OVERLAP = 0.8
#: Cross-script questions: the chosen sentence's scaled cosine must lead the next ones by this
#: much to keep its full confidence (see _distinctiveness).
_DISTINCT_GAP = 0.2
_MAX_CANDIDATES = 12
#: Arabic-script questions: the sentence quoted is the likeliest answer among this many best-ranked
#: (a topical sentence can outrank the one holding the asked number: docs/quality.md).
_ANSWER_CHOICES = 2
_SENTENCE_CACHE_SIZE = 20_000


def cosine_range(question_arabic: bool, passage_arabic: bool = True) -> tuple[float, float]:
    """The encoder's cosine range from "unrelated" to "answers" for a question and a text in the
    same script, or in different scripts (an English question over Arabic articles)."""
    return COS_RANGE_SAME_SCRIPT if question_arabic == passage_arabic else COS_RANGE_CROSS_SCRIPT


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


def _repeats(a: set[str], b: set[str]) -> bool:
    """True when one sentence repeats the other: most of the shorter one's tokens are in the
    longer one, and the shorter is at least half its length. (Containment alone would make a
    headline such as "جمال خاشقجي" a "repeat" of every sentence that names him.)"""
    if not a or not b:
        return False
    small, large = sorted((len(a), len(b)))
    return len(a & b) / small >= _DUPLICATE_OVERLAP and small / large >= 0.5


def _distinctiveness(scored: Sequence[ScoredSentence]) -> float:
    """How far the chosen sentence stands out from the next ones on the encoder alone, in [0, 1].

    Questions not in Arabic script are judged on the encoder's cosine only, and text the
    encoder cannot read (``asdf qwer``, ``'; DROP TABLE``, ``xxxx…``, emoji) is "similar" to
    every sentence about equally. A real question is much closer to its answer than to the
    sentences around it (seed gold set: a gap of 0.2-0.4 on the scaled cosine, gibberish 0.03-0.06).
    """
    others = [s.dense for s in scored[1:4]]
    if not others:
        return 1.0
    gap = scored[0].dense - sum(others) / len(others)
    return float(np.clip(gap / _DISTINCT_GAP, 0.0, 1.0))


class ExtractiveAnswerer:
    """Picks answer sentences from retrieved passages."""

    def __init__(
        self,
        config: AnswerConfig,
        embed_model: BaseEmbedding,
        idf: Callable[[str], float],
        sentences: SentenceVectors | None = None,
    ) -> None:
        self.config = config
        self.embed_model = embed_model
        self.idf = idf
        self.sentences = sentences
        self._vectors: VectorCache[np.ndarray] = VectorCache(_SENTENCE_CACHE_SIZE)

    def _sentence_vectors(self, texts: list[str], ids: list[str]) -> np.ndarray:
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
        self, question: str, query_embedding: Sequence[float], passages: Sequence[Passage]
    ) -> list[ScoredSentence]:
        """Candidate sentences of the top passages, best first, near-duplicates removed."""
        candidates: list[tuple[Span, Passage, set[str]]] = []
        ids: list[str] = []
        for passage in passages[: self.config.passages]:
            for position, span in quotable_sentences(passage.text, passage.start, passage.context):
                tokens = content_tokens(span.text)
                if any(_repeats(tokens, seen) for _, _, seen in candidates):
                    continue
                candidates.append((span, passage, tokens))
                ids.append(sentence_id(passage.chunk_id, position))
        candidates, ids = candidates[:_MAX_CANDIDATES], ids[:_MAX_CANDIDATES]
        if not candidates:
            return []

        same_script = is_arabic(question)
        floor, ceil = cosine_range(same_script)
        question_tokens = content_tokens(question)
        question_weight = sum(self.idf(t) for t in question_tokens)
        needs = analyse_question(question)
        around = {p.chunk_id: content_tokens(f"{p.context}\n{p.text}") for _, p, _ in candidates}
        titles = {p.chunk_id: content_tokens(p.context) for _, p, _ in candidates}
        vectors = self._sentence_vectors(
            [in_context(span.text, passage.context) for span, passage, _ in candidates], ids
        )
        cosines = cosine_similarities(vectors, query_embedding)

        top_passage = max((p.score for p in passages[: self.config.passages]), default=0.0)
        scored = []
        for (span, passage, tokens), cosine in zip(candidates, cosines, strict=True):
            dense = float(np.clip((cosine - floor) / (ceil - floor), 0.0, 1.0))
            overlap = sum(self.idf(t) for t in question_tokens & tokens)
            lexical = overlap / question_weight if question_weight else 0.0
            score = _DENSE_WEIGHT * dense + _LEXICAL_WEIGHT * lexical if same_script else dense
            prior = passage.score / top_passage if top_passage > 0 else 0.0
            evidence = (  # in the order of rag.confidence.FEATURES
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
        _, confidence = self._likeliest(question, self.score_sentences(question, query_embedding, passages))
        return confidence >= self.config.min_confidence, confidence

    @staticmethod
    def _confidence(question: str, scored: Sequence[ScoredSentence], chosen: int = 0) -> float:
        """How likely the articles answer ``question`` with ``scored[chosen]``, in [0, 1].

        Arabic-script questions: a logistic model over the sentence's evidence (fit on near-miss
        questions, see :data:`rag.confidence.CALIBRATION`). Others (English over Arabic articles) have no lexical
        evidence: the encoder's support, scaled by how far the sentence stands out.
        """
        if not scored:
            return 0.0
        if not is_arabic(question):
            return scored[chosen].score * _distinctiveness(scored) if chosen == 0 else scored[chosen].score
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
        self, question: str, query_embedding: Sequence[float], passages: Sequence[Passage]
    ) -> tuple[str, bool, list[Citation], float]:
        """Return ``(answer text, found, citations, confidence)``.

        Each quoted sentence is followed by ``[n]``; citation ``n`` is that sentence's
        exact span in its file.
        """
        scored = self.score_sentences(question, query_embedding, passages)
        best, confidence = self._likeliest(question, scored)
        if confidence < self.config.min_confidence:
            return not_found_message(question), False, [], confidence
        question_tokens, needs = content_tokens(question), analyse_question(question)
        chosen = [scored[best]]
        for i, candidate in enumerate(scored):
            if len(chosen) >= self.config.max_sentences:
                break
            if (
                i != best
                and candidate.rank >= _SECOND_SENTENCE_SHARE * scored[best].rank
                and (self._confidence(question, scored, i) >= _SECOND_SENTENCE_CONFIDENCE)
            ):  # a second sentence must answer on its own
                chosen.append(candidate)
        citations = []
        parts = []
        for n, sentence in enumerate(chosen, start=1):
            span = sentence.span
            focus = focus_of(span, question_tokens, needs, self.idf)
            citation = Citation.quoting(n, sentence.passage, span.start, span.end, span.text)
            citations.append(citation.focused(focus.start, focus.end, focus.text))
            parts.append(f"{sentence.span.text} [{n}]")
        return "\n".join(parts), True, citations, confidence
