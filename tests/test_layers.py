"""The code's shape: imports flow ui -> rag -> ingest, modules stay small, nothing private crosses a
module, the environment is set only by entry points, and docs/architecture.md shows the real graph."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("module_graph", ROOT / "tools" / "module_graph.py")
assert spec and spec.loader
graph = importlib.util.module_from_spec(spec)
sys.modules["module_graph"] = graph  # dataclasses look their module up there
spec.loader.exec_module(graph)
MODULES = graph.read_modules()
SETS_ENVIRONMENT = re.compile(r"os\.environ(\.setdefault|\.update|\[[^\]]+\]\s*=[^=])")


def test_the_graph_sees_every_package_and_the_edges_between_them() -> None:
    assert {"ingest.chunker", "rag.assistant", "rag.index.writer", "ui.cli", "ui.app"} <= set(MODULES)
    assert "ingest.textnorm" in MODULES["rag.retrieve"].imports  # a real edge, read from the code


def test_imports_flow_one_way_ui_rag_ingest() -> None:
    assert graph.upward_imports(MODULES) == []
    assert graph.package_edges(MODULES) <= {("ui", "rag"), ("ui", "ingest"), ("rag", "ingest")}


def test_ingest_is_pure_text_work() -> None:
    for module in (m for m in MODULES.values() if m.package == "ingest"):
        source = module.path.read_text(encoding="utf-8")
        assert "llama_index" not in source and "chromadb" not in source, module.name


def test_no_module_over_300_lines() -> None:
    assert [f"{m.name}: {m.lines}" for m in MODULES.values() if m.lines > 300] == []


def test_no_private_name_imported_across_modules() -> None:
    assert [p for m in MODULES.values() for p in m.private_imports] == []


def test_no_library_module_sets_the_environment_at_import() -> None:
    offenders = []
    for module in MODULES.values():
        for node in ast.parse(module.path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if SETS_ENVIRONMENT.search(ast.unparse(node)):
                offenders.append(module.name)
    assert offenders == []


def test_architecture_doc_shows_the_graph_of_the_code() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert graph.markdown(MODULES) in doc, "run: python tools/module_graph.py --write"
