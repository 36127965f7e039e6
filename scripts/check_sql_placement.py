#!/usr/bin/env python3
"""Fail when SQL runs outside a repository: ``session.execute/add/get/scalars/scalar/query/...``
belongs in ``*repository.py`` modules and ``dunwell/kit`` (and migrations), nowhere else.

Reads the source with ``ast`` (not a regex), so comments and strings do not count, and any name
bound to a session counts (``session``, ``self.session``, ``chunk_session``...). Prints each
offence as ``path:line: call`` and exits 1; exits 0 when there is none. Used by ``make lint``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SESSION_CALLS = frozenset(
    {"execute", "add", "add_all", "get", "scalars", "scalar", "query", "delete", "merge", "bulk_save_objects"}
)
ALLOWED_DIRS = ("kit", "migrations")


def allowed(path: Path, package: Path) -> bool:
    relative = path.relative_to(package)
    return relative.name.endswith("repository.py") or relative.parts[0] in ALLOWED_DIRS


def _session_name(node: ast.expr) -> bool:
    """``session``, ``*_session``, ``self.session``, ``self._session``."""
    if isinstance(node, ast.Name):
        return node.id == "session" or node.id.endswith("_session")
    if isinstance(node, ast.Attribute):
        return node.attr in {"session", "_session"}
    return False


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_CALLS
            and _session_name(node.func.value)
        ):
            found.append(f"{path}:{node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "src" / "dunwell"
    found = [
        o for path in sorted(package.rglob("*.py")) if not allowed(path, package) for o in offences(path)
    ]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} database call(s) outside repositories and kit/: move them behind a repository")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
