"""The shape of the code holds: no import cycle, no cross-app query, contracts that cover all.

`scripts/architecture.py` prints the figures; lint-imports (run by `make test`) checks the
contracts in pyproject.toml. These tests make sure the contracts cannot go stale: a new
package must be placed in the layers and forbidden to the pure core.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PURE = {"money", "policy", "inspection", "screening"}
# Packages that hold one pure module each; the contract forbids their Django modules.
MIXED = {"complaints", "scheduling"}


def _architecture() -> ModuleType:
    script = ROOT / "scripts" / "architecture.py"
    spec = importlib.util.spec_from_file_location("tactful_architecture", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _contract(kind: str, name_starts: str = "") -> dict[str, object]:
    [found] = [
        contract
        for contract in _contracts()
        if contract["type"] == kind and str(contract["name"]).startswith(name_starts)
    ]
    return found


def _top_level_modules() -> set[str]:
    package = ROOT / "tactful"
    names = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    names |= {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    return {f"tactful.{name}" for name in names} - {"tactful.tests"}


def test_the_packages_import_each_other_without_a_cycle():
    assert _architecture().import_cycles() == []


def test_no_package_queries_another_packages_tables():
    queries = _architecture().cross_app_queries()
    assert [str(query) for query in queries] == []


def test_the_query_check_recognises_another_apps_model():
    """The check above could pass by finding nothing at all; it sees what it should."""
    owners = {("tactful.loans.models", "Loan"): "loans"}
    source = "from tactful.loans.models import Loan\nLoan.objects.count()\n"

    found = _architecture()._imported_models(ast.parse(source), owners)

    assert found == {"Loan": "loans"}


def test_the_layers_contract_places_every_package():
    layers = _contract("layers")["layers"]
    assert isinstance(layers, list)
    placed = {name.strip() for layer in layers for name in str(layer).split("|")}
    assert placed == _top_level_modules()


def test_the_pure_core_is_forbidden_every_other_package():
    contract = _contract("forbidden", "Pure core")
    forbidden = set(contract["forbidden_modules"])
    others = _top_level_modules() - {f"tactful.{name}" for name in PURE | MIXED}
    others -= {
        "tactful.errors",
        "tactful.time_zones",
        "tactful.input_text",
        "tactful.key_lists",
        "tactful.testing",
        "tactful.__main__",
    }
    assert others <= forbidden
