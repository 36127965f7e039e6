"""What the product imports is what it declares: every third-party module ``src/dunwell`` imports
comes from a distribution in ``[project.dependencies]``, and every runtime dependency is used
(test-only tools belong to the ``dev`` extra)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Distributions needed at run time that no module imports by name.
LOADED_BY_NAME = {"psycopg", "python-multipart"}  # the driver SQLAlchemy loads; the form parser FastAPI loads
#: Modules imported only where an optional extra is installed (lazily, with an error naming the extra
#: otherwise), with the extra and the distribution in it that provides each.
OPTIONAL_MODULES = {"llama_cpp": ("local-drafting", "llama-cpp-python")}


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "dunwell").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"dunwell", "__future__"} - set(OPTIONAL_MODULES)


def _declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {_normal(re.split(r"[\[<>=!~ ;]", spec, maxsplit=1)[0]) for spec in specs}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared_and_every_declared_one_is_used() -> None:
    distributions = packages_distributions()
    used = {_normal(d) for module in _imported_modules() for d in distributions.get(module, [module])}
    declared = _declared()
    assert sorted(used - declared) == [], "imported by src/dunwell but not in [project.dependencies]"
    assert sorted(declared - used - LOADED_BY_NAME) == [], "declared but never imported: a dev extra?"


def test_a_module_of_an_optional_extra_is_declared_in_that_extra() -> None:
    for module, (extra, distribution) in OPTIONAL_MODULES.items():
        assert distribution in _declared(extra), f"{module} comes from {distribution}: not in [{extra}]"
        assert distribution not in _declared(), f"{distribution} is optional: not in [project.dependencies]"
