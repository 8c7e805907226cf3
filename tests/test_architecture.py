"""The layers of the code base, checked from the source: every import (module-level or inside a
function) may only point down or sideways within its own layer, and no modules import each
other in a circle. README, "Architecture", shows the same rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("jobpipe", "extraction", "tracking", "ingestion", "dashboard", "demo")

# Bottom to top. A layer may import itself and the layers it lists.
FOUNDATION = "foundation"  # settings, the Celery app, metric counters, the demo web server
LAYERS: dict[str, set[str]] = {
    FOUNDATION: set(),
    "extraction": {FOUNDATION},  # pages -> fields, and the jobs tables they are written to
    "tracking": {FOUNDATION},  # the task ledger and incidents
    "ingestion": {FOUNDATION, "extraction", "tracking"},  # sources, runs, crawl, write, recovery
    "edges": {FOUNDATION, "extraction", "tracking", "ingestion"},  # API, dashboard, /health
}
FOUNDATION_MODULES = (  # with their submodules; "jobpipe" itself only loads the Celery app
    "jobpipe.env",
    "jobpipe.settings",
    "jobpipe.celery",
    "jobpipe.metrics",
    "jobpipe.adminjson",  # the admin's JSON display, for every app's admin
    "jobpipe.bulk",  # COPY inserts, for any app
    "demo",
)
SIZE_LIMIT = 400  # lines of a production module


def layer_of(module: str) -> str:
    if module == "jobpipe" or any(
        module == m or module.startswith(m + ".") for m in FOUNDATION_MODULES
    ):
        return FOUNDATION
    top = module.split(".")[0]
    return top if top in ("extraction", "tracking", "ingestion") else "edges"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def production_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(module: str, path: Path) -> list[tuple[str, int]]:
    """First-party modules `module` imports, with the line; `from pkg import name` counts as
    importing pkg.name when that is a module, else pkg."""
    known = production_modules()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found += [(t, node.lineno) for t in targets if t.split(".")[0] in PACKAGES]
    return sorted(found, key=lambda item: item[1])


def test_no_module_imports_a_layer_above_its_own():
    backward = []
    for module, path in production_modules().items():
        mine = layer_of(module)
        for target, line in imports_of(module, path):
            theirs = layer_of(target)
            if theirs != mine and theirs not in LAYERS[mine]:
                backward.append(
                    f"{path.relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})"
                )
    assert backward == []


def test_no_modules_import_each_other_in_a_circle():
    modules = production_modules()
    graph = {
        m: {t for t, _ in imports_of(m, p) if t in modules and t != m} for m, p in modules.items()
    }
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_checker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    fake = tmp_path / "fake.py"
    fake.write_text(
        "def f():\n    from ingestion.runs import cancel_run\nfrom . import normalize\n",
        encoding="utf-8",
    )

    imported = imports_of("extraction.fake", fake)

    assert imported == [("ingestion.runs", 2), ("extraction.normalize", 3)]
    assert layer_of("extraction.fake") == "extraction"
    assert "ingestion" not in LAYERS["extraction"]  # so the first one would be reported
    assert [layer_of(m) for m in ("jobpipe", "jobpipe.settings", "jobpipe.api.views")] == [
        FOUNDATION,
        FOUNDATION,
        "edges",
    ]


@pytest.mark.parametrize("module", sorted(production_modules()))
def test_no_production_module_is_over_the_size_limit(module):
    lines = len(production_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= SIZE_LIMIT, f"{module} has {lines} lines"
