"""Two writers, and a writer beside the chat, for real: `sanad ingest` subprocesses against an
index that another ingest or the running Gradio chat (driven through gradio_client) is using."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from gradio_client import Client

from rag import Assistant
from tests.conftest import ROOT, SEEDS, free_port, write_config
from tests.test_crash import _make_corpus
from tests.test_ingest import _lexical_ids, _stored
from ui.app import build_app

pytestmark = pytest.mark.slow


def _start_ingest(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "--config", str(config), "ingest", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _lock_held(index: Path) -> bool:
    """Whether a process holds the index's flock (read from /proc/locks, without touching the lock)."""
    lock = index / ".ingest.lock"
    if not lock.exists():
        return False
    inode = lock.stat().st_ino
    rows = [line.split() for line in Path("/proc/locks").read_text().splitlines()]
    return any("FLOCK" in row and row[5].endswith(f":{inode}") for row in rows)


def test_a_second_ingest_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    _make_corpus(corpus, random.Random(3))
    index = tmp_path / "index"
    config = write_config(tmp_path, corpus={"path": str(corpus)}, index={"path": str(index)})
    first = _start_ingest(config)
    deadline = time.monotonic() + 120
    while not _lock_held(index):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--config", str(config), "ingest", "--quiet", str(SEEDS)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    still_running = first.poll() is None
    out, err = first.communicate(timeout=300)
    assert second.returncode == 2 and "index is busy" in second.stderr and "Traceback" not in second.stderr
    assert still_running, "the first ingest ended before the second was refused: nothing was proven"
    assert first.returncode == 0, err
    assert "100 added" in out
    assistant = Assistant.from_config(config)
    chunks = _stored(assistant)
    assert set(chunks) == _lexical_ids(assistant)
    assert {c["file"] for c in chunks.values()} == {p.name for p in corpus.glob("*.txt")}  # nothing of the seeds


def test_the_chat_keeps_answering_while_an_ingest_writes(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    extra = tmp_path / "extra"
    _make_corpus(extra, random.Random(5), articles=40)
    (extra / "zz-new.txt").write_text(
        "أعلنت بلدية حلب افتتاح جسر الزيتون الجديد فوق نهر قويق بعد ترميمه.", encoding="utf-8"
    )
    index = tmp_path / "index"
    config = write_config(tmp_path, corpus={"path": str(seeds)}, index={"path": str(index)})
    assistant = Assistant.from_config(config)
    assistant.ingest()

    app = build_app(assistant)
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, show_error=True)
    url = f"http://127.0.0.1:{port}/"
    questions = ["من هو قائد لواء التوحيد؟", "أين عقد مؤتمر أصدقاء الشعب السوري؟", "Who leads the Red Cross?"]
    answers: list[str] = []
    errors: list[str] = []
    stop = threading.Event()

    def chat(offset: int) -> None:
        client = Client(url, verbose=False)
        i = offset
        while not stop.is_set():
            try:
                answers.append(client.predict(questions[i % len(questions)], api_name="/chat"))
            except Exception as exc:  # any failure of a request is what this test is about
                errors.append(repr(exc))
            i += 1

    try:
        threads = [threading.Thread(target=chat, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        before = len(answers)
        # An ingest that adds 41 articles and updates one of the seeds, then a full --rebuild.
        updated = seeds / "002_ee81a42cfdca4982.txt"
        updated.write_text(updated.read_text(encoding="utf-8") + "\nسطر أضيف للتحديث.", encoding="utf-8")
        during: list[int] = []
        for args in ([str(seeds), str(extra)], ["--rebuild", str(seeds), str(extra)]):
            started = len(answers)
            ingest = _start_ingest(config, *args)
            out, err = ingest.communicate(timeout=600)
            assert ingest.returncode == 0, err
            during.append(len(answers) - started)
        time.sleep(3)
        new_state = Client(url, verbose=False).predict("ما الجسر الذي افتتحته بلدية حلب؟", api_name="/chat")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        app.close()

    assert not errors, errors[:3]
    assert before > 0 and all(n > 0 for n in during), (before, during)  # answers kept coming
    assert all(isinstance(a, str) and a for a in answers)
    assert sum("عبد القادر الصالح" in a for a in answers) > 0
    bad = [a for a in answers if "⚠️ تعذّر" in a]
    assert not bad, bad[:2]  # no "cannot answer": old state, new state, or (mid-rebuild) "index is empty"
    assert "جسر الزيتون" in new_state  # the chat moved to the new state by itself
