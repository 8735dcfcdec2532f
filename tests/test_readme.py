"""The README: short, in a newcomer's order, and every command in it run here as a user runs it.

What is checked: at most 250 lines; the run command, the test command and how to add one's own
articles within the first 40 lines; ``.ci/run`` runs the README's test command verbatim (CI runs it
from a fresh clone: that is where the install commands and the whole suite run). Then the README's
other commands, as written, from the repository's root: the run command's ``sanad ingest && sanad
chat`` (its install part is the test command's without extras), and every line of its ``bash``
blocks: ``ask``, ``ask --json``, ``timeline``, ``ingest data/articles``, ``serve`` and the ``curl``
calls of ``/v1``. ``.venv/bin/sanad`` is this interpreter's ``sanad``; the index goes to a temporary
folder (``$SANAD_CONFIG``: the project's config.yaml with ``index.path`` and ``ui.port`` changed);
``serve``'s port 7860 becomes a free one, in the ``curl`` lines too. The README's timeline example
must give a dated timeline with a chart through the CLI, the chat (its own code path, in process)
and ``/v1``. Commands named in the README's prose are run elsewhere: ``sanad mcp`` by
tests/test_serve_mcp.py, ``sanad ingest --rebuild`` by tests/test_damaged_index.py, ``apt-get install -y
chromium`` by ``.ci/run``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, write_config

README = (ROOT / "README.md").read_text(encoding="utf-8")
LINES = README.splitlines()
#: The README's length limit, and the first screen.
MAX_LINES, FIRST_SCREEN = 250, 40


def _indented_commands() -> list[str]:
    """The commands set as indented blocks (the run and the test command), in order."""
    return [line.strip() for line in LINES if line.startswith("    ") and line.strip().startswith("python3 ")]


def _bash_lines() -> list[str]:
    """Every command of the README's ```bash blocks, continuation lines joined."""
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(" ".join(line.split()))
    return commands


def test_the_readme_is_short_and_starts_with_what_a_newcomer_needs() -> None:
    assert len(LINES) <= MAX_LINES, len(LINES)
    run, tests = _indented_commands()[:2]
    first = "\n".join(LINES[:FIRST_SCREEN])
    assert run in first and "sanad ingest" in run and run.endswith("sanad chat")
    assert tests in first and tests.endswith("python -m pytest")
    assert "Add your own articles" in first and "(#bring-your-archive)" in first
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci  # CI runs the README's test command, verbatim
    for heading in ("## Asking", "## Bring your archive", "## The API and MCP", "## Configuration", "## Tests"):
        assert heading in LINES, heading
    for link in re.findall(r"\]\(((?:docs|data)/[^)#]+)", README):
        assert (ROOT / link).exists(), link  # every linked file (screenshots, docs) is there


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory):
    """Run a README line with bash from the repository's root; ``.venv/bin/sanad`` is this interpreter's."""
    folder = tmp_path_factory.mktemp("readme")
    shim = folder / "bin" / "sanad"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ui.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    config = write_config(folder, corpus={"path": str(ROOT / "data" / "articles")}, index={"path": str(folder / "index")})
    env = {**os.environ, "SANAD_CONFIG": str(config), "PYTHONPATH": str(ROOT)}

    def run(line: str, background: bool = False, port: int | None = None):
        line = line.replace(".venv/bin/sanad", str(shim))
        if port is not None:
            line = line.replace("7860", str(port))
        if background:
            log = (folder / f"{len(list(folder.glob('*.log')))}.log").open("wb")
            return subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=ROOT, env=env, stdout=log, stderr=log)
        done = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (line, done.stdout[-2000:], done.stderr[-2000:])
        return done.stdout

    run.config = config  # type: ignore[attr-defined]
    return run


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited {process.returncode}"
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _line(commands: list[str], start: str) -> str:
    return next(c for c in commands if c.startswith(start))


@pytest.mark.slow
def test_every_readme_command_runs_as_written(shell) -> None:
    run_command = _indented_commands()[0]
    ingest_and_chat = run_command[run_command.index(".venv/bin/sanad ingest") :]
    ingest, chat = (part.strip() for part in ingest_and_chat.split("&&"))
    assert "5 added" in shell(ingest)
    port = free_port()
    config = Path(shell.config)
    config.write_text(config.read_text(encoding="utf-8") + f"\nui:\n  port: {port}\n", encoding="utf-8")
    chat_process = shell(chat, background=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", chat_process)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().decode("utf-8")
        assert "سند" in page
    finally:
        _stop(chat_process)

    commands = _bash_lines()
    asked = shell(_line(commands, '.venv/bin/sanad ask "'))
    assert "[1]" in asked and "عبد القادر الصالح" in asked
    answer = json.loads(shell(_line(commands, ".venv/bin/sanad ask --json")))
    assert answer["found"] and answer["citations"]
    timeline = shell(_line(commands, ".venv/bin/sanad timeline"))
    assert re.search(r"^2012-02-17 █+ 1$", timeline, re.M) and re.search(r"^2012-07-07 █+ 1$", timeline, re.M)
    assert timeline.index("2012-02-17 · ") < timeline.index("2012-07-07 · ") < timeline.index("بلا تاريخ")
    assert "5 unchanged" in shell(_line(commands, ".venv/bin/sanad ingest "))

    port = free_port()
    server = shell(_line(commands, ".venv/bin/sanad serve"), background=True, port=port)
    try:
        _wait_for(f"http://127.0.0.1:{port}/v1/models", server)
        curls = [c for c in commands if c.startswith("curl ")]
        assert len(curls) == 2
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed: the /v1 lines cannot run as written")
        first, second = (json.loads(shell(c, port=port)) for c in curls)
    finally:
        _stop(server)
    assert "[1]" in first["choices"][0]["message"]["content"] and first["citations"]
    content = second["choices"][0]["message"]["content"]
    assert "\n2012-02-17 █" in content and "\n2012-07-07 █" in content and second["sanad"]["timeline"]["items"]


def test_the_readmes_timeline_question_gets_a_dated_timeline_with_a_chart_in_the_chat(seed_assistant) -> None:
    """The chat's question of the README, through the chat's own steps (ui.handlers → ui.timeline_view)."""
    from ui.handlers import chat_events
    from ui.timeline_view import render_chat_timeline

    question = re.search(r"«(ما تسلسل الأحداث في [^»]+)»", README).group(1)
    [(kind, timeline)] = list(chat_events(seed_assistant, question, []))
    assert kind == "timeline" and timeline.subject == "الأزمة السورية"
    shown = render_chat_timeline(timeline, turn=0)
    assert 'class="sanad-chart"' in shown and 'title="2012-02-17: 1"' in shown and 'title="2012-07-07: 1"' in shown
