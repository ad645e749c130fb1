"""The package's layout as a contract: one folder per stage, nothing imports back up, no circles.

Read from the source with `ast` (nothing is imported), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "molly"
# The stages and their helpers sit below the modules that assemble them into the tutor.
STAGES = ("perceive", "retrieval", "reflect", "guard", "repair", "ingest", "courses")
TOP = ("agent", "ui", "cli", "factory", "evaluation", "instructors", "learners")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "molly" or name.startswith("molly.")}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_stage_imports_the_modules_that_assemble_the_tutor() -> None:
    graph = _graph()
    back_up = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module.split(".")[1:2] and module.split(".")[1] in STAGES
        for target in targets
        if target.split(".")[1] in TOP
    )
    assert back_up == []


def test_the_module_import_graph_has_no_circles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                pytest.fail("import circle: " + " -> ".join([*path[path.index(target) :], target]))
            if target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_graph_reader_sees_the_imports_it_judges() -> None:
    # A reader that found nothing would pass both tests above; the agent imports every stage.
    stages_used = {target.split(".")[1] for target in _graph()["molly.agent"]}
    assert {"perceive", "retrieval", "reflect", "guard"} <= stages_used
