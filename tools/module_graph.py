"""Who imports whom in Sanad's packages, read from the code (``ast``), for docs/architecture.md.

    python tools/module_graph.py            # print the Markdown section
    python tools/module_graph.py --write    # replace it in docs/architecture.md

Counts every import of a project module, at module level or inside a function, ``TYPE_CHECKING``
imports included (they are dependencies of the code's shape, if not of its run).
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "rag", "ui")
#: The allowed direction: a package may import only those after it.
LAYERS = ("ui", "rag", "ingest")
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- module-graph:begin -->", "<!-- module-graph:end -->"


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)
    private_imports: list[str] = field(default_factory=list)

    @property
    def package(self) -> str:
        return self.name.split(".")[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_modules() -> dict[str, Module]:
    """Every module of the packages with its size and the project modules it imports."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            modules[module_name(path)] = Module(module_name(path), path, len(source.splitlines()))
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[tuple[str, str | None]] = []
            if isinstance(node, ast.Import):
                names = [(a.name, None) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [(node.module, a.name) for a in node.names]
            for target, attr in names:
                if target.split(".")[0] not in PACKAGES:
                    continue
                submodule = f"{target}.{attr}" if attr else target
                module.imports.add(submodule if submodule in modules else target)
                if attr and attr.startswith("_") and not attr.startswith("__"):
                    module.private_imports.append(f"{target}.{attr}")
        module.imports.discard(module.name)
    return modules


def package_edges(modules: dict[str, Module]) -> set[tuple[str, str]]:
    return {(m.package, i.split(".")[0]) for m in modules.values() for i in m.imports if i.split(".")[0] != m.package}


def upward_imports(modules: dict[str, Module]) -> list[str]:
    """Imports against :data:`LAYERS` (e.g. ``ingest`` importing ``rag``)."""
    rank = {p: n for n, p in enumerate(LAYERS)}
    return sorted(
        f"{m.name} -> {i}" for m in modules.values() for i in m.imports if rank[i.split(".")[0]] < rank[m.package]
    )


def markdown(modules: dict[str, Module]) -> str:
    lines = [BEGIN, "", 'Packages (an arrow reads "imports"):', "", "```mermaid", "flowchart LR"]
    lines += [f"  {a} --> {b}" for a, b in sorted(package_edges(modules))]
    lines += ["```", "", "| module | lines | imports (project modules) |", "|---|---|---|"]
    for name in sorted(modules):
        module = modules[name]
        shown = ", ".join(f"`{i}`" for i in sorted(module.imports)) or "–"
        lines.append(f"| `{name}` | {module.lines} | {shown} |")
    lines += ["", END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"replace the section in {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    section = markdown(read_modules())
    if not args.write:
        print(section)
        return 0
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:start] + section + text[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
