"""The shape docs/ARCHITECTURE.md promises a newcomer, checked so it stays true."""

from __future__ import annotations

import ast
import inspect
from itertools import combinations
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
MAX_MODULE_LINES = 450
MAX_VIEW_LINES = 30


def _packages() -> list[str]:
    return sorted(p.name for p in PORTAL.iterdir() if (p / "__init__.py").is_file())


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def test_no_two_packages_have_names_a_letter_apart():
    pairs = [(a, b) for a, b in combinations(_packages(), 2) if _one_edit_apart(a, b)]
    assert pairs == []


def test_every_endpoint_is_a_def_of_its_name_in_its_blueprints_package(app):
    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        blueprint, _, name = rule.endpoint.rpartition(".")
        if view.__name__ != name or view.__module__.split(".")[1] != blueprint:
            wrong.append(f"{rule.endpoint} is {view.__module__}.{view.__name__}")
    assert wrong == []


def test_views_parse_call_a_service_and_render_in_a_few_lines(app):
    long = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        source = inspect.getsource(inspect.unwrap(view))
        lines = [line for line in source.splitlines() if line.strip()]
        if len(lines) > MAX_VIEW_LINES:
            long.append(f"{endpoint}: {len(lines)} lines")
    assert long == []


def test_modules_stay_small_enough_to_read_in_one_sitting():
    big = [
        f"{path.relative_to(PORTAL)}: {count}"
        for path in sorted(PORTAL.rglob("*.py"))
        if (count := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert big == []


def _package_imports() -> dict[str, set[str]]:
    """Which portal packages each package imports at module level (not inside functions)."""
    graph: dict[str, set[str]] = {name: set() for name in _packages()}
    for path in PORTAL.rglob("*.py"):
        parts = path.relative_to(PORTAL).parts
        if len(parts) < 2:
            continue  # top-level modules (extensions, database, ...) are shared by all
        here = parts[0]
        for node in ast.parse(path.read_text()).body:
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                bits = name.split(".")
                if bits[0] == "portal" and len(bits) > 1 and bits[1] in graph and bits[1] != here:
                    graph[here].add(bits[1])
    return graph


def test_packages_do_not_import_each_other_in_a_circle():
    graph = _package_imports()
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == path[0]:
                cycles.append(" -> ".join([*path, nxt]))
            elif nxt not in path and nxt > path[0]:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []
