"""The project's modules import each other without a loop, counting imports inside functions too, and
only downwards: the ground floor (core/) imports no app, the apps import the ground floor and the
catalogue below them, and only the roof (fatigue_site/: settings, root URLs, the pages and commands that
span apps) imports them all. A lower layer offers a hook that the higher app registers (as the page
cache's serve_mini_carts())."""

import ast
from pathlib import Path

from django.conf import settings

# Each package's floor: a module may import its own package and lower floors, never a higher one or a
# sibling on its own floor.
FLOORS = {"core": 0, "catalogue": 1, "articles": 2, "cart": 2, "orders": 3, "fatigue_site": 4}
PACKAGES = list(FLOORS)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(settings.BASE_DIR).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from package import module` imports the module
                name = f"{node.module}.{alias.name}"
                found.add(name if name in modules else node.module)
    return found & modules.keys()


def test_no_module_imports_itself_back_through_others():
    modules = project_modules()
    graph = {name: imports_of(path, modules) - {name} for name, path in modules.items()}
    loops, done = [], set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            loops.append(" -> ".join(trail[trail.index(name) :] + [name]))
            return
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert loops == []


def test_every_import_runs_downwards():
    modules = project_modules()
    upward = []
    for name, path in sorted(modules.items()):
        package = name.split(".")[0]
        for imported in sorted(imports_of(path, modules)):
            target = imported.split(".")[0]
            if target != package and FLOORS[target] >= FLOORS[package]:
                upward.append(f"{name} -> {imported}")
    assert upward == []
