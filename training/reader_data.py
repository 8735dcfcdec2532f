"""The reader's training examples: (question, sentence) pairs with an answerability label and the
answer's character span, built from public data only.

- **ARCD** (Arabic Wikipedia QA, MIT): the questions of the articles on the *fit* side of the split
  every ARCD benchmark here uses (``sha1(article) % 2 == 0``; the other half is never trained on). Positives:
  the article's sentences that hold a gold answer. Negatives: the article's other sentences (the hardest
  first: most of the question's words) and the best-matching sentences of other fit-side articles.
- **SaudiNewsNet cloze** (news Arabic): a sentence holding a number becomes a question by putting «كم»
  in the number's place; the sentence is the positive (the number its span), the same article's other
  sentences that share most of its words are near-miss negatives. Only articles from the last days of
  the dump are used: the benchmarks' distractor articles are the first ones.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.chunker import split_sentences
from ingest.sentences import MIN_WORDS
from ingest.textnorm import content_tokens, normalize

__all__ = ["Example", "arcd_examples", "arcd_half", "cloze_examples", "holds", "readable_sentences"]


@dataclass(frozen=True)
class Example:
    question: str
    sentence: str
    label: int
    #: the answer's characters in ``sentence`` (positives whose answer was found verbatim), else None
    span: tuple[int, int] | None
    group: str  # which question it belongs to (for ranking metrics)
    source: str  # "arcd" or "cloze"
    article: str = ""  # the article it comes from


def arcd_half(article: str) -> str:
    """``fit`` or ``test``: the article split of benchmarks/calibrate.py."""
    return "fit" if int(hashlib.sha1(str(article).encode()).hexdigest(), 16) % 2 == 0 else "test"


def readable_sentences(text: str) -> list[str]:
    """The sentences of ``text`` an answer could quote (at least ``MIN_WORDS`` words)."""
    return [s.text for s in split_sentences(text) if len(s.text.split()) >= MIN_WORDS]


def holds(sentence: str, answers: list[str]) -> bool:
    """A gold answer occurs in ``sentence`` once both are normalised."""
    norm = normalize(sentence)
    return any(normalize(a) and normalize(a) in norm for a in answers)


def _span(sentence: str, answers: list[str]) -> tuple[int, int] | None:
    for answer in sorted(answers, key=len):
        at = sentence.find(answer.strip())
        if answer.strip() and at >= 0:
            return at, at + len(answer.strip())
    return None


def _overlap(question: set[str], sentence: str) -> float:
    return len(question & content_tokens(sentence)) / (len(question) or 1)


def arcd_examples(arcd: Path, halves: set[str], negatives: int = 6, foreign: int = 2, seed: int = 13) -> list[Example]:
    """Examples from the ARCD questions whose article is in ``halves``."""
    rng = random.Random(seed)
    gold = [json.loads(line) for line in (arcd / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    articles = {
        g["source"]: readable_sentences((arcd / "docs" / g["source"]).read_text(encoding="utf-8"))
        for g in gold
        if arcd_half(g["source"]) in halves
    }
    pool = [(source, s, content_tokens(s)) for source, sentences in articles.items() for s in sentences]
    out: list[Example] = []
    for item in gold:
        source = item["source"]
        if source not in articles or not item["answers"]:
            continue
        question, answers = item["question"].lstrip("- ").strip(), item["answers"]
        words = content_tokens(question)
        sentences = articles[source]
        positives = [s for s in sentences if holds(s, answers)]
        if not positives:
            continue
        for s in positives:
            out.append(Example(question, s, 1, _span(s, answers), item["id"], "arcd", source))
        others = sorted((s for s in sentences if s not in positives), key=lambda s: -_overlap(words, s))
        hard = others[: negatives - 2]
        rest = others[negatives - 2 :]
        chosen = hard + rng.sample(rest, min(2, len(rest)))
        far = sorted(
            (p for p in pool if p[0] != source and not holds(p[1], answers)),
            key=lambda p: -len(words & p[2]),
        )[:foreign]
        for s in [*chosen, *(p[1] for p in far)]:
            out.append(Example(question, s, 0, None, item["id"], "arcd", source))
    return out


_NUMBER = re.compile(r"(?<![\w.,])([0-9٠-٩]{1,3}(?:[.,][0-9٠-٩]+)?)(?![\w.,])")
_YEAR_LIKE = re.compile(r"^(1[89]|20)[0-9]{2}$")


def _news_articles(folder: Path, days: int) -> Iterator[tuple[str, str]]:
    """(id, text) of the articles of the last ``days`` zip files of SaudiNewsNet."""
    for archive in sorted(folder.glob("*.zip"))[-days:]:
        with zipfile.ZipFile(archive) as zipped:
            for name in sorted(zipped.namelist()):
                for n, row in enumerate(json.loads(zipped.read(name))):
                    text = (row.get("content") or "").strip()
                    if text:
                        yield f"{archive.stem}/{n}", text


def cloze_examples(folder: Path, limit: int, days: int = 8, negatives: int = 4, seed: int = 13) -> list[Example]:
    """Up to ``limit`` cloze questions (numbers) from SaudiNewsNet, each with its negatives."""
    rng = random.Random(seed)
    out: list[Example] = []
    questions = 0
    for article_id, text in _news_articles(folder, days):
        sentences = [s for s in readable_sentences(text) if 8 <= len(s.split()) <= 45]
        rng.shuffle(sentences)
        for s in sentences[:2]:
            numbers = [m for m in _NUMBER.finditer(s) if not _YEAR_LIKE.match(m.group(1))]
            if len(numbers) != 1:
                continue
            m = numbers[0]
            question = (s[: m.start()] + "كم" + s[m.end() :]).strip().rstrip(".،,:؛") + "؟"
            words = content_tokens(question)
            others = [o for o in readable_sentences(text) if o != s and m.group(1) not in o]
            hard = sorted(others, key=lambda o: -_overlap(words, o))[:negatives]
            if not hard:
                continue
            group = f"cloze-{article_id}-{m.start()}"
            out.append(Example(question, s, 1, (m.start(), m.end()), group, "cloze"))
            out.extend(Example(question, o, 0, None, group, "cloze") for o in hard)
            questions += 1
            break
        if questions >= limit:
            break
    return out
