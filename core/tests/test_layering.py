"""One direction of dependency, read from the code (issue 9, SPEC house rule 11).

The stage order is the order of the local apps in ``INSTALLED_APPS``: core first, then each
stage of the procedure. A module may import core and the stages before its own, never a later
one, so a later stage reaches an earlier stage's pages only through registered panels and
actions. Imports are read with ``ast`` from every production module (tests and migrations
left out), including imports inside functions, so nothing can hide from the check.
"""

import ast
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
SKIPPED_FOLDERS = {"tests", "migrations", "__pycache__"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def local_apps() -> list[str]:
    """Installed apps that live in this repository, in stage order."""
    names = [app.split(".")[0] for app in settings.INSTALLED_APPS]
    return [name for name in dict.fromkeys(names) if (REPO / name).is_dir()]


def production_modules(app: str):
    for path in sorted((REPO / app).rglob("*.py")):
        if not SKIPPED_FOLDERS & set(path.relative_to(REPO).parts):
            yield path


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(node: ast.AST, path: Path) -> list[str]:
    """The absolute module names an import statement names (relative imports resolved from path)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            package = path.relative_to(REPO).parent.parts
            base = package[: len(package) - node.level + 1]
            return [".".join([*base, node.module or ""]).strip(".")]
        return [node.module]
    return []


def app_imports() -> list[tuple[str, str, Path, int, str]]:
    """(importing app, imported app, file, line, imported module) for every import of another local app."""
    apps = local_apps()
    found = []
    for app in apps:
        for path in production_modules(app):
            for node in ast.walk(parsed(path)):
                for module in imported_modules(node, path):
                    target = module.split(".")[0]
                    if target in apps and target != app:
                        found.append((app, target, path.relative_to(REPO), node.lineno, module))
    return found


def describe(imports) -> str:
    return "\n".join(f"{path}:{line}: {app} imports {module}" for app, _, path, line, module in imports)


def test_the_stage_order_starts_with_core():
    assert local_apps()[0] == "core"


def test_core_imports_no_other_local_app():
    offending = [found for found in app_imports() if found[0] == "core"]
    assert not offending, "core must not import a domain app:\n" + describe(offending)


def test_no_app_imports_a_later_stage():
    order = {app: position for position, app in enumerate(local_apps())}
    offending = [found for found in app_imports() if order[found[1]] > order[found[0]]]
    assert not offending, "an app imports a later stage (use a registered panel or action):\n" + describe(offending)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of apps that reach each other."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def first_import_per_edge(imports, group: list[str]):
    """One import (file and line) for each app-to-app edge inside a cycle, enough to find and cut it."""
    edges = {}
    for found in imports:
        if found[0] in group and found[1] in group:
            edges.setdefault(found[:2], found)
    return list(edges.values())


def test_no_cycles_between_apps():
    imports = app_imports()
    graph: dict[str, set[str]] = {}
    for app, target, *_ in imports:
        graph.setdefault(app, set()).add(target)
    cycles = [group for group in strongly_connected(graph) if len(group) > 1]
    messages = [f"cycle {' <-> '.join(group)}:\n" + describe(first_import_per_edge(imports, group)) for group in cycles]
    assert not cycles, "\n".join(messages)


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(name, ast.Name) and name.id in IMPORT_ERRORS for name in names)


def test_no_import_guarded_by_import_error():
    offending = []
    for app in local_apps():
        for path in production_modules(app):
            for node in ast.walk(parsed(path)):
                if isinstance(node, ast.Try) and any(catches_import_error(h) for h in node.handlers if h.type):
                    guarded = [
                        inner for statement in node.body for inner in ast.walk(statement)
                        if isinstance(inner, ast.Import | ast.ImportFrom)
                    ]
                    offending += [f"{path.relative_to(REPO)}:{inner.lineno}: {ast.unparse(inner)}" for inner in guarded]
    assert not offending, "an import inside try/except ImportError:\n" + "\n".join(offending)


def test_the_business_time_engine_imports_no_django():
    """core.businesstime is plain Python + NumPy, so benchmarks and property tests run it without Django."""
    offending = [
        f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}"
        for path in sorted((REPO / "core" / "businesstime").rglob("*.py"))
        for node in ast.walk(parsed(path))
        for module in imported_modules(node, path)
        if module.split(".")[0] == "django"
    ]
    assert not offending, "\n".join(offending)


def test_make_test_collects_every_app_s_tests():
    """pytest.ini's testpaths names every folder that holds tests, so a new stage's tests run in CI too."""
    import configparser

    ini = configparser.ConfigParser()
    ini.read(REPO / "pytest.ini")
    collected = set(ini["pytest"]["testpaths"].split())
    holding_tests = {
        path.relative_to(REPO).parts[0] for path in REPO.glob("*/**/test_*.py")
        if not {".venv", "var"} & set(path.relative_to(REPO).parts)
    }
    assert not holding_tests - collected, f"tests outside pytest.ini testpaths: {sorted(holding_tests - collected)}"
