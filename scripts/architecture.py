"""Figures on the shape of the code: import cycles between packages, cross-app ORM queries.

    .venv/bin/python scripts/architecture.py        # print both, each place listed
    .venv/bin/python scripts/architecture.py DIR    # the same for another checkout

* An **import cycle** is a group of top-level packages of `tactful/` that import one
  another, directly or through others (tests and migrations left out; every import
  counts, those inside functions too). lint-imports enforces the layers; this counts.
* A **cross-app ORM query** is a use of `Model.objects` (or `_default_manager`) in one
  package on a model defined in another package's `models.py`. An app reads another
  app's tables through that app's `selectors.py`; faces read through selectors too.
  Tests, migrations and the test support package (`tactful/testing`) are left out.

`tactful/tests/test_architecture.py` holds both figures at zero.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if __name__ == "__main__" and len(sys.argv) > 1 else None
ROOT = ROOT or Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tactful"
LEFT_OUT = {"tests", "migrations", "testing"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


@dataclass(frozen=True)
class Query:
    path: str
    line: int
    model: str
    owner: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.model} ({self.owner})"


def main() -> int:
    cycles = import_cycles()
    queries = cross_app_queries()
    for cycle in cycles:
        print("import cycle:", " ".join(cycle))
    for query in queries:
        print("cross-app ORM query:", query)
    print(f"import cycles: {len(cycles)}")
    print(f"cross-app ORM queries: {len(queries)} in {len({q.path for q in queries})} files")
    return 0


def packages() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def sources() -> Iterator[tuple[str, Path, ast.Module]]:
    """Yield (package, path, syntax tree) of every product module inside a package."""
    names = packages()
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] not in names or LEFT_OUT & set(parts):
            continue
        yield parts[0], path, ast.parse(path.read_text(encoding="utf-8"))


def imported_modules(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def import_cycles() -> list[list[str]]:
    """Return the groups of top-level packages that import one another (strong components)."""
    names = packages()
    edges: dict[str, set[str]] = {name: set() for name in names}
    for package, _, tree in sources():
        for module in imported_modules(tree):
            parts = module.split(".")
            inside = parts[0] == "tactful" and len(parts) > 1 and parts[1] in names
            if inside and parts[1] != package:
                edges[package].add(parts[1])
    return [sorted(group) for group in _strong_components(edges) if len(group) > 1]


def _strong_components(edges: dict[str, set[str]]) -> list[list[str]]:
    # Tarjan's algorithm, iterative enough for two dozen packages.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def cross_app_queries() -> list[Query]:
    """Return every use of another package's model manager, by place."""
    owners = _model_owners()
    found = []
    for package, path, tree in sources():
        names = _imported_models(tree, owners)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in names:
                owner = names[node.value.id]
                if owner != package:
                    relative = str(path.relative_to(ROOT))
                    found.append(Query(relative, node.lineno, node.value.id, owner))
    return sorted(found, key=lambda query: (query.path, query.line))


def _model_owners() -> dict[tuple[str, str], str]:
    owners = {}
    for package, path, tree in sources():
        if path.name != "models.py":
            continue
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                owners[(f"tactful.{package}.models", node.name)] = package
    return owners


def _imported_models(tree: ast.Module, owners: dict[tuple[str, str], str]) -> dict[str, str]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                owner = owners.get((node.module, alias.name))
                if owner is not None:
                    names[alias.asname or alias.name] = owner
    return names


if __name__ == "__main__":
    sys.exit(main())
