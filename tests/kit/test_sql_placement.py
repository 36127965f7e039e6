"""The rule `make lint` enforces: SQL runs in repositories and kit/, nowhere else."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "check_sql_placement", ROOT / "scripts" / "check_sql_placement.py"
)
assert _spec is not None
assert _spec.loader is not None
checker = importlib.util.module_from_spec(_spec)
sys.modules["check_sql_placement"] = checker
_spec.loader.exec_module(checker)


def test_the_package_keeps_its_sql_in_repositories() -> None:
    assert checker.main(["check", str(ROOT / "src" / "dunwell")]) == 0


def test_a_query_in_a_service_is_caught_and_one_in_a_repository_is_not(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "orders").mkdir(parents=True)
    (package / "kit").mkdir()
    (package / "orders" / "service.py").write_text(
        "def f(session, self):\n"
        "    # session.execute(x) in a comment does not count\n"
        "    session.execute('select 1')\n"
        "    self.session.add(object())\n"
        "    chunk_session.get(int, 1)\n",
        encoding="utf-8",
    )
    (package / "orders" / "repository.py").write_text(
        "def g(session):\n    session.execute(1)\n", encoding="utf-8"
    )
    (package / "kit" / "db.py").write_text("def h(session):\n    session.scalars(1)\n", encoding="utf-8")

    found = [o for path in sorted(package.rglob("*.py")) if not checker.allowed(path, package)
             for o in checker.offences(path)]  # fmt: skip

    assert [line.split(": ", 1)[1] for line in found] == [
        "session.execute(...)",
        "self.session.add(...)",
        "chunk_session.get(...)",
    ]
    assert checker.main(["check", str(package)]) == 1
