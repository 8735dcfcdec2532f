"""Shared set-up for the browser tests: Playwright's Python package driving Debian's Chromium.

``playwright install`` is never run (it downloads a browser); the system ``/usr/bin/chromium``
is started headless with a fresh profile folder, as root.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="install the `test` extra (playwright)")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

#: What Chromium needs on this machine (no sandbox as root, no GPU, nothing fetched in the background).
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
expect = sync_api.expect
#: Milliseconds any page action or load may take: generous, for a 2-core machine running the suite.
PATIENCE = 120_000


@contextmanager
def browser_page(profile: Path, url: str, **context_options: Any) -> Iterator[Any]:
    """A page of a headless Chromium with a fresh user-data-dir ``profile``, opened at ``url`` and
    rendered (its first text box visible)."""
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=ARGS, headless=True, **context_options
        )
        try:
            context.set_default_timeout(PATIENCE)
            expect.set_options(timeout=PATIENCE)
            page = context.new_page()
            page.goto(url, timeout=PATIENCE)
            expect(page.locator("textarea").first).to_be_visible(timeout=PATIENCE)
            yield page
        finally:
            context.close()


@contextmanager
def served_chat(
    folder: Path, extra: dict[str, str] | None = None, settings: dict[str, dict] | None = None
) -> Iterator[tuple[Any, str]]:
    """The real chat on a free 127.0.0.1 port over a copy of the seed articles (plus ``extra``
    name -> text files), ingested into ``folder/index``, with config ``settings`` (section -> values)
    on top. Yields ``(assistant, url)``."""
    from rag import Assistant
    from tests.conftest import SEEDS, free_port, write_config
    from ui.app import build_app

    corpus = folder / "articles"
    shutil.copytree(SEEDS, corpus)
    for name, text in (extra or {}).items():
        (corpus / name).write_text(text, encoding="utf-8")
    assistant = Assistant.from_config(
        write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")}, **(settings or {}))
    )
    assistant.ingest()
    app = build_app(assistant)
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield assistant, f"http://127.0.0.1:{port}/"
    finally:
        app.close()
