"""The layout shows the architecture: mappings/ knows nothing of the service, no folder imports one that
imports it back, modules stay small, and the README's layout table names what is in the tree."""

from __future__ import annotations
import ast
import re
from collections import defaultdict
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mappings", "kgservice")
MAX_LINES = 400
SIZED = (*PACKAGES, "bench", "scripts")  # the size rule holds for every folder of code, not only the packages


def modules(packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    out = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports_of(path: Path) -> set[str]:
    """Every absolute module name a module imports (at any depth of the file: lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def folder_of(module: str, known: dict[str, Path]) -> str:
    """The folder (package) a module lives in: ``kgservice.engine.pool`` → ``kgservice.engine``."""
    path = known[module]
    return ".".join(path.parent.relative_to(ROOT).parts)


def folder_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in known.items():
        source = folder_of(module, known)
        for name in imports_of(path):
            if name in known:
                target = folder_of(name, known)
                if target != source:
                    graph[source].add(target)
    return graph


def test_mappings_never_imports_the_service_or_the_benchmarks():
    offenders = {module: sorted(n for n in imports_of(path) if n.split(".")[0] in ("kgservice", "bench"))
                 for module, path in modules().items() if module.startswith("mappings")}
    assert {m: names for m, names in offenders.items() if names} == {}


def test_no_folder_imports_one_that_imports_it_back():
    graph = folder_graph()
    cycles = []

    def walk(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == trail[0]:
                cycles.append(" → ".join(trail + [nxt]))
            elif nxt not in trail and len(trail) < 8:
                walk(nxt, trail + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    assert cycles == []


def test_the_checks_see_the_imports():
    graph = folder_graph()
    assert "mappings.records" in graph["mappings.mapping"]  # the mappings read records
    assert "mappings" in graph["kgservice"]  # the service reads the project configuration


@pytest.mark.parametrize("module", sorted(modules(SIZED)))
def test_modules_stay_small(module):
    lines = len(modules(SIZED)[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def layout_table() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return section


def layout_rows() -> dict[str, str]:
    """Row of the layout table by the folder in its first cell (``| `kgservice/engine/` | … |``)."""
    rows = {}
    for line in layout_table().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2:
            for folder in re.findall(r"`([\w/.-]+/)`", cells[0]):
                rows[folder.rstrip("/")] = cells[1]
    return rows


def test_the_readme_layout_has_a_row_per_folder_naming_its_modules():
    rows = layout_rows()
    missing = []
    for module, path in modules().items():
        rel = path.relative_to(ROOT)
        folder = rel.parent.as_posix()
        if folder not in rows:
            missing.append(f"{folder}/ (no row)")
        elif rel.name != "__init__.py" and f"`{rel.name}`" not in rows[folder] and f"`{rel.stem}`" not in rows[folder]:
            missing.append(rel.as_posix())
    assert sorted(set(missing)) == []


def test_every_path_the_layout_names_exists():
    table = layout_table()
    named = set(re.findall(r"`((?:mappings|kgservice|bench|scripts|tests|ontology|queries|sources|data)/[\w./-]*)`", table))
    assert named, "the table names paths"
    assert sorted(p for p in named if not (ROOT / p.rstrip("/")).exists()) == []
