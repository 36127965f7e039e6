"""Write a generated company as files: CSVs that ``dunwell import`` reads (preset ``sim``), the
truth behind them, and the payments as bank statements (``dunwell.simulate.company_tables`` says
what each file holds).

With an as-of date, ``asof/`` holds only what was known on that date (the open book, history and
statements so far) and ``future/`` the truth after it. ``write_cash_month`` writes what cash
application starts from when a month's statements arrive (``--cash-month``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from dunwell.simulate.company import paused_gc
from dunwell.simulate.company_tables import (
    Files,
    Table,
    behaviour_truth,
    cash_month_files,
    future_files,
    manifest,
    view_files,
)
from dunwell.simulate.records import Company
from dunwell.simulate.statements import Statement, statement_files

MANIFEST = "company.json"


def write_company(company: Company, out: Path, *, as_of: date | None = None) -> dict[str, int]:
    """Write ``company`` into ``out``; returns the rows (or statements) written per file.

    ``company.json`` records how it was made, so tools (the strategy lab) can rebuild it exactly.
    """
    with paused_gc():
        counts = write_files(out, view_files(company, known_on=None))
        (out / MANIFEST).write_text(
            json.dumps(manifest(company, as_of=as_of), indent=2) + "\n", encoding="utf-8"
        )
        counts["behaviour_truth.csv"] = write_table(out / "behaviour_truth.csv", behaviour_truth(company))
        if as_of is not None:
            for name, rows in write_files(out / "asof", view_files(company, known_on=as_of)).items():
                counts[f"asof/{name}"] = rows
            for name, rows in write_files(out / "future", future_files(company, after=as_of)).items():
                counts[f"future/{name}"] = rows
    return counts


def write_cash_month(company: Company, out: Path, month: date) -> dict[str, int]:
    """The books a cash team holds when ``month``'s bank statements arrive, written into ``out``
    (``ValueError`` for a month outside the simulated period)."""
    return write_files(out, cash_month_files(company, month))


def write_files(folder: Path, files: Files) -> dict[str, int]:
    """Write each table and statement folder into ``folder``; returns the rows (or statements) of each."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        name: write_table(folder / name, content)
        if isinstance(content, Table)
        else write_statements(content, folder / name)
        for name, content in files.items()
    }


def write_table(path: Path, table: Table) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow(row)
            count += 1
    return count


def write_statements(statements: Iterable[Statement], folder: Path) -> int:
    """Write each statement as ``<id>.camt053.xml``, ``<id>.bai2`` and ``<id>.csv``; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for statement in statements:
        for file in statement_files(statement):
            (folder / file.name).write_text(file.text, encoding=file.encoding, errors=file.errors)
        count += 1
    return count
