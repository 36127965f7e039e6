"""The simulator returns a company's files as values (tables of rows, statements as text); the
application module writes exactly those into the folder."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from dunwell.simulate.company import generate_company
from dunwell.simulate.company_tables import Table, view_files
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.statements import statement_files
from dunwell.simulation.company_files import write_files


def test_the_folder_holds_exactly_the_tables_and_statements_the_simulator_returns(tmp_path: Path) -> None:
    company = generate_company(preset=PRESETS["saas"], customers=12, months=3, seed=5, start=date(2024, 1, 1))
    files = view_files(company, known_on=date(2024, 2, 20))
    tables = {name: (c.header, list(c.rows)) for name, c in files.items() if isinstance(c, Table)}
    statements = files["statements"]
    assert isinstance(statements, list)

    counts = write_files(tmp_path, view_files(company, known_on=date(2024, 2, 20)))

    assert counts == {name: len(tables[name][1]) if name in tables else len(statements) for name in files}
    assert "charge_attempts.csv" in counts
    for name, (header, rows) in tables.items():
        with (tmp_path / name).open(encoding="utf-8", newline="") as handle:
            written = list(csv.reader(handle))
        assert written == [list(header), *([str(v) for v in row] for row in rows)]
    texts = [f for s in statements for f in statement_files(s)]
    assert len(texts) == 3 * len(statements)
    assert {f.name.split(".", 1)[1] for f in texts} == {"camt053.xml", "bai2", "csv"}
    for f in texts:
        assert (tmp_path / "statements" / f.name).read_bytes() == f.text.encode(f.encoding, f.errors)
    assert sorted(p.name for p in (tmp_path / "statements").iterdir()) == sorted(f.name for f in texts)
