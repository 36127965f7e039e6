"""Fixtures for the CLI tests: a database named by DUNWELL_DATABASE_URL, a runner, sample files.

``get_settings`` is cached for the life of the process, so every invocation here clears it first:
each test's environment (database URL, batch size) is what the command sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import Result
from typer.testing import CliRunner

from dunwell.cli.app import app
from dunwell.config import get_settings


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No DUNWELL_* setting leaks in from the developer's shell or a .env file; cwd is tmp_path."""
    for name in list(os.environ):
        if name.startswith("DUNWELL_") and name != "DUNWELL_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh (not yet created) SQLite database, named by DUNWELL_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DUNWELL_DATABASE_URL", url)
    return url


@pytest.fixture
def cli() -> Callable[..., Result]:
    """``cli("import", "invoices", path, ...)``: run the app in process; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: object) -> Result:
        get_settings.cache_clear()
        return runner.invoke(app, [str(a) for a in args])

    return invoke


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def dunwell_exe() -> Callable[..., Completed]:
    """Run the installed ``dunwell`` console script in a real subprocess (current env and cwd)."""
    exe = Path(sys.executable).with_name("dunwell")
    if not exe.is_file():
        pytest.skip(f"console script not installed at {exe} (pip install -e .)")

    def run(*args: object) -> Completed:
        done = subprocess.run(
            [str(exe), *(str(a) for a in args)],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=60,
            check=False,
        )
        return Completed(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented ``text`` to ``tmp_path/name`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
