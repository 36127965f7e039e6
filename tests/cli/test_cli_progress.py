"""Long commands draw a progress bar on a terminal, and nothing under --json or into a pipe;
services take a plain callback and never import rich."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from cashapp.helpers import Entry, camt053
from dunwell.cli import progress

SRC = Path(__file__).resolve().parents[2] / "src" / "dunwell"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Pretend a person watches a terminal; what the bar draws lands in the returned buffer."""
    drawn = io.StringIO()
    monkeypatch.setattr(progress, "terminal_attached", lambda: True)
    monkeypatch.setattr(progress, "err_console", Console(file=drawn, force_terminal=True, width=120))
    return drawn


@pytest.fixture
def pipe(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Output captured (no terminal), with a console that would record any drawing."""
    drawn = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=drawn, force_terminal=True, width=120))
    return drawn


def _company(cli, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli("simulate", "company", "--customers", "5", "--months", "3", "--start", "2024-01",
               "--as-of", "2024-02-29", "--out", out, *extra)  # fmt: skip


def test_simulate_company_shows_a_bar_on_a_terminal(cli, tmp_path, terminal) -> None:
    result = _company(cli, tmp_path / "c")

    assert result.exit_code == 0, result.output
    assert "simulating a distributor company" in terminal.getvalue()
    assert "simulating" not in result.stdout


def test_the_bar_is_quiet_under_json(cli, tmp_path, terminal) -> None:
    result = _company(cli, tmp_path / "c", "--json")

    assert result.exit_code == 0, result.output
    assert terminal.getvalue() == ""


def test_the_bar_is_quiet_without_a_terminal(cli, tmp_path, pipe) -> None:
    assert _company(cli, tmp_path / "c").exit_code == 0
    assert pipe.getvalue() == ""


def test_simulate_policy_counts_its_seeds(cli, tmp_path, terminal) -> None:
    assert _company(cli, tmp_path / "c", "--json").exit_code == 0

    result = cli("simulate", "policy", "--company", tmp_path / "c", "--policy", "none", "--days", "5",
                 "--seeds", "2")  # fmt: skip

    assert result.exit_code == 0, result.output
    drawn = terminal.getvalue()
    assert "replaying under none" in drawn
    assert re.search(r"100%", drawn)


def test_file_matching_shows_a_bar(cli, tmp_path, terminal) -> None:
    (tmp_path / "OPEN.csv").write_text(
        "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount\n"
        "1,C1,Acme,2024-01-02,2024-02-01,EUR,100.00\n",
        encoding="utf-8",
    )
    statement = tmp_path / "statement.xml"
    statement.write_text(camt053([Entry("E-1", "100.00", payer="Acme", remittance="1")]), encoding="utf-8")

    result = cli("cashapp", "match", "--open-items", tmp_path / "OPEN.csv", "--statement", statement,
                 "--out", tmp_path / "MATCHES.csv")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "matching statement.xml" in terminal.getvalue()


def test_only_the_command_line_imports_rich() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "cli" not in path.relative_to(SRC).parts
        and re.search(r"^\s*(import rich|from rich)", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert offenders == []
