"""The command line parses, calls a service and prints: the file-only match and the simulator's
folder checks are services any edge can call, and the CLI modules hold no such logic."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest

from cashapp.helpers import Entry, camt053
from dunwell.cashapp.file_match import match_files
from dunwell.simulation.company_folder import SimulationRefused, read_manifest, write_company_folder
from dunwell.simulation.policy_replay import replay_policy

CLI = Path(__file__).resolve().parents[2] / "src" / "dunwell" / "cli"
OPEN = (
    "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount\n"
    "1,C1,Acme,2024-01-02,2024-02-01,EUR,100.00\n"
    "2,C2,Bolt,2024-01-03,2024-02-02,EUR,50.00\n"
)


def _imports(module: str) -> set[str]:
    tree = ast.parse((CLI / module).read_text(encoding="utf-8"))
    return {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }


def test_the_file_match_is_a_service(tmp_path: Path) -> None:
    (tmp_path / "OPEN.csv").write_text(OPEN, encoding="utf-8")
    statement = tmp_path / "statement.xml"
    statement.write_text(
        camt053([Entry("E-1", "100.00", payer="Acme", remittance="1"), Entry("E-2", "7.00", payer="?")]),
        encoding="utf-8",
    )
    seen: list[tuple[int, int]] = []

    result = match_files(
        open_items=tmp_path / "OPEN.csv",
        statement=statement,
        out=tmp_path / "MATCHES.csv",
        progress=lambda done, total: seen.append((done, total)),
    )

    assert (result.payments, sum(result.counts.values()), result.open_items) == (2, 2, 2)
    assert seen == [(1, 2), (2, 2)]
    assert (tmp_path / "MATCHES.csv").read_text(encoding="utf-8").startswith("payment_ref,")


def test_the_simulators_folder_checks_are_a_service(tmp_path: Path) -> None:
    with pytest.raises(SimulationRefused, match=r"has no company\.json"):
        read_manifest(tmp_path)
    (tmp_path / "company.json").write_text(json.dumps({"preset": "distributor", "customers": "many"}))
    with pytest.raises(SimulationRefused, match=r"is not a company manifest \(KeyError"):
        read_manifest(tmp_path)
    with pytest.raises(SimulationRefused, match="--as-of 2030-01-01 is outside the simulated period"):
        write_company_folder(tmp_path / "c", preset="distributor", customers=3, months=1, seed=1,
                             start=date(2024, 1, 1), as_of=date(2030, 1, 1))  # fmt: skip

    steps: list[tuple[int, int]] = []
    write_company_folder(tmp_path / "c", preset="distributor", customers=3, months=2, seed=1,
                         start=date(2024, 1, 1), progress=lambda d, t: steps.append((d, t)))  # fmt: skip
    seeds: list[tuple[int, int]] = []
    summary = replay_policy(tmp_path / "c", "none", days=10, seeds=2, capacity_hours=1,
                            progress=lambda d, t: seeds.append((d, t)))  # fmt: skip

    assert steps == [(1, 2), (2, 2)]
    assert seeds == [(1, 2), (2, 2)]
    assert summary["policy"] == "none"
    with pytest.raises(SimulationRefused, match="unknown policy 'nope'"):
        replay_policy(tmp_path / "c", "nope", days=10, seeds=1, capacity_hours=1)


@pytest.mark.parametrize(
    ("module", "logic"),
    [
        ("cashapp.py", {"dunwell.matching.engine", "dunwell.matching.tolerances.Tolerances.limits"}),
        (
            "simulate.py",
            {
                "json",
                "dunwell.simulate.company",
                "dunwell.simulate.lab",
                "dunwell.simulate.company_tables",
                "dunwell.simulation.company_files",
            },
        ),
    ],
)
def test_the_cli_modules_call_services_not_engines(module: str, logic: set[str]) -> None:
    assert _imports(module).isdisjoint(logic)
