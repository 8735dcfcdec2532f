"""store.mode: http against a real `chroma run` server on a free local port."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag import Assistant
from rag.store.chroma import StoreUnavailableError
from tests.conftest import free_port, write_config

pytestmark = pytest.mark.slow


@contextmanager
def running_chroma(data: Path) -> Iterator[int]:
    """A real `chroma run` server on a free 127.0.0.1 port, stopped on exit; yields the port."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    server = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("chroma server did not start")
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture()
def chroma_port(tmp_path: Path) -> Iterator[int]:
    with running_chroma(tmp_path / "server-data") as port:
        yield port


def test_ingest_and_ask_through_a_chroma_server(tmp_path: Path, small_corpus: Path, chroma_port: int) -> None:
    config = write_config(
        tmp_path,
        corpus={"path": str(small_corpus)},
        index={"path": str(tmp_path / "index")},
        store={"mode": "http", "host": "127.0.0.1", "port": chroma_port},
    )
    assistant = Assistant.from_config(config)
    report = assistant.ingest()
    assert len(report.added) == 3 and not report.failed
    assert not (tmp_path / "index" / "chroma").exists()  # vectors live in the server
    answer = assistant.ask("من هو الرئيس الفرنسي الذي افتتح المؤتمر؟")
    assert answer.found and "فرنسوا هولاند" in answer.answer
    assert answer.citations[0].file == "b.txt"


def test_tenant_database_and_token_are_passed_to_the_server(
    tmp_path: Path, small_corpus: Path, chroma_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chromadb
    from chromadb.config import Settings

    admin = chromadb.AdminClient(
        Settings(
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
            chroma_server_host="127.0.0.1",
            chroma_server_http_port=chroma_port,
            anonymized_telemetry=False,
        )
    )
    admin.create_database("newsroom", tenant="default_tenant")
    monkeypatch.setenv("SANAD_TEST_CHROMA_TOKEN", "not-checked-by-chroma-run")
    store = {
        "mode": "http",
        "host": "127.0.0.1",
        "port": chroma_port,
        "database": "newsroom",
        "auth_token_env": "SANAD_TEST_CHROMA_TOKEN",
    }
    config = write_config(
        tmp_path, corpus={"path": str(small_corpus)}, index={"path": str(tmp_path / "index")}, store=store
    )
    assistant = Assistant.from_config(config)
    assert len(assistant.ingest().added) == 3
    assert assistant.ask("من هو الرئيس الفرنسي الذي افتتح المؤتمر؟").found
    in_newsroom = chromadb.HttpClient(host="127.0.0.1", port=chroma_port, database="newsroom")
    in_default = chromadb.HttpClient(host="127.0.0.1", port=chroma_port)
    assert in_newsroom.get_collection("sanad").count() == 3
    assert "sanad" not in [c.name for c in in_default.list_collections()]

    monkeypatch.delenv("SANAD_TEST_CHROMA_TOKEN")
    with pytest.raises(StoreUnavailableError, match="SANAD_TEST_CHROMA_TOKEN is not set"):
        Assistant.from_config(config).ingest()


def test_unreachable_server_is_a_clear_error(tmp_path: Path, small_corpus: Path) -> None:
    config = write_config(
        tmp_path,
        corpus={"path": str(small_corpus)},
        index={"path": str(tmp_path / "index")},
        store={"mode": "http", "host": "127.0.0.1", "port": free_port()},
    )
    with pytest.raises(StoreUnavailableError, match="cannot open Chroma collection 'sanad' at http://127.0.0.1"):
        Assistant.from_config(config).ingest()


def test_date_and_outlet_filters_through_a_chroma_server(tmp_path: Path, chroma_port: int) -> None:
    import json

    from rag.types import SearchFilters

    corpus = tmp_path / "articles"
    corpus.mkdir()
    rows = [
        {
            "id": "1",
            "title": "انشقاق",
            "content": "أعلن العميد عوض العلي انشقاقه وفراره إلى تركيا.",
            "date": "2012-03-05",
        }
        | {"source": "okaz"},
        {"id": "2", "title": "صواريخ", "content": "سقطت 8 صواريخ على البقاع الشمالي شرق لبنان.", "date": "2012-04-20"}
        | {"source": "sabq"},
    ]
    (corpus / "export.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    config = write_config(
        tmp_path,
        corpus={"path": str(corpus)},
        index={"path": str(tmp_path / "index")},
        store={"mode": "http", "host": "127.0.0.1", "port": chroma_port},
    )
    assistant = Assistant.from_config(config)
    assert len(assistant.ingest().added) == 2
    question = "من هو العميد الذي أعلن انشقاقه؟"
    assert assistant.ask(question).citations[0].record == "1"
    for filters in (SearchFilters.parse(since="2012-04-01"), SearchFilters.parse(publishers=["SABQ"])):
        answer = assistant.ask(question, filters=filters)
        assert {p.record for p in answer.retrieved} == {"2"} and not any(c.record == "1" for c in answer.citations)
