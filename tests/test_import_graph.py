"""The application's import graph (#29.3): no import cycle, `cases` names no other app, few imports inside functions.

The graph is read from the source with `ast`, not by importing: an edge A -> B for each `import`/`from ... import`
in A that names B (a module of cases/, reports/ or kasn_cases/; migrations left out). "Module-level" imports are the
ones that run when A loads; imports inside a function run when it is first called and are counted separately.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cases", "reports", "kasn_cases")

# Imports inside functions still in application code: each breaks a load-order need (models while apps load, the
# registries an AppConfig.ready fills) or loads a heavy optional library on purpose. Lower this when you move one up.
FUNCTION_LEVEL_CEILING = 76  # +2: reports and screening register their notification kinds from AppConfig.ready


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _known(name: str) -> str | None:
    """The application module `name` loads (itself or the nearest package above it), or None for a library."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            here = module.split(".") if is_package else module.split(".")[:-1]
            here = here[: len(here) - (node.level - 1)]
            base = ".".join(here + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    return {t for t in map(_known, names) if t and t != module}


def _imports(module: str, path: Path) -> tuple[set[str], list[tuple[int, set[str]]]]:
    """(modules imported when `module` loads, [(line, modules) of each import inside a function])."""
    at_load, in_functions = set(), []

    def walk(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                targets = _targets(module, path.name == "__init__.py", child)
                if in_function:
                    in_functions.append((child.lineno, targets))
                else:
                    at_load.update(targets)
            elif isinstance(child, ast.If) and ast.unparse(child.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                continue
            else:
                walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return at_load, in_functions


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a set of modules importing each other."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _described(cycles: list[list[str]], edges: dict[str, set[str]]) -> str:
    return "\n".join(
        " ; ".join(f"{a} -> {b}" for a in cycle for b in sorted(edges[a] & set(cycle))) for cycle in cycles
    )


def test_the_graph_reads_the_application():
    """A guard for the guard: the checker sees the modules and edges it is about."""
    assert {"cases.services", "cases.deadlines", "cases.letters.batch", "reports.screening.tasks"} <= set(MODULES)
    assert "cases.models" in GRAPH["cases.deadlines"][0]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_cycle_among_module_level_imports():
    edges = {module: at_load for module, (at_load, _) in GRAPH.items()}
    cycles = _cycles(edges)
    assert not cycles, "import cycles among module-level imports:\n" + _described(cycles, edges)


def test_no_cycle_even_counting_imports_inside_functions():
    """A function-level import that closes a cycle only hides it: the two modules still need each other."""
    edges = {
        module: at_load | {t for _, targets in in_functions for t in targets}
        for module, (at_load, in_functions) in GRAPH.items()
    }
    cycles = _cycles(edges)
    assert not cycles, "import cycles once imports inside functions count:\n" + _described(cycles, edges)


@pytest.mark.parametrize("other_app", ["reports"])
def test_cases_names_no_other_app(other_app):
    """cases learns of the other apps only through registries (cases/home.py, main_nav.register_link, letter hooks)."""
    offenders = [
        module for module, (at_load, in_functions) in GRAPH.items()
        if module.split(".")[0] == "cases"
        and any(t.split(".")[0] == other_app for t in at_load | {t for _, ts in in_functions for t in ts})
    ]
    assert not offenders, f"cases modules importing {other_app}: {offenders}"


def test_imports_inside_functions_stay_few():
    listed = [f"{MODULES[m].relative_to(ROOT)}:{line}" for m, (_, inner) in sorted(GRAPH.items()) for line, _ in inner]
    assert len(listed) <= FUNCTION_LEVEL_CEILING, (
        f"{len(listed)} imports inside functions (at most {FUNCTION_LEVEL_CEILING}); move these to the top of "
        "their module unless they break a load-order need or load a heavy library lazily:\n" + "\n".join(listed)
    )
