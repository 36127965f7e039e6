"""An import killed part-way (SIGKILL, no cleanup) is completed by running it again: the result
is the same as one clean run. Imports commit per chunk (ADR 0006); this is the promise that
makes that safe. On SQLite files, with the real CLI in a child process."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 6000
BATCH = 100
HEADER = "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,open_amount,paid_date"


def _file(path: Path) -> Path:
    lines = [HEADER]
    for n in range(ROWS):
        day = 1 + n % 28
        paid = f"2024-02-{day:02d}" if n % 3 == 0 else ""
        open_amount = "" if n % 3 == 0 else (f"{n % 97}.50" if n % 5 == 0 else "")
        lines.append(
            f"K-{n:05d},C{n % 250},Customer {n % 250},2024-01-{day:02d},2024-01-{day:02d},USD,"
            f"{100 + n % 900}.{n % 100:02d},{open_amount},{paid}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _command(csv: Path) -> list[str]:
    script = "from dunwell.cli.app import main; main()"
    return [sys.executable, "-c", script, "import", "invoices", str(csv), "--as-of", "2024-03-01"]


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "DUNWELL_DATABASE_URL": f"sqlite:///{db}", "DUNWELL_IMPORT_BATCH_SIZE": str(BATCH)}


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=0.2) as connection:
            return int(connection.execute("select count(*) from invoices").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet, or locked mid-commit


def _book(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """What the books say, by business keys (ids differ between runs)."""
    with sqlite3.connect(db) as c:
        return {
            "customers": sorted(c.execute("select external_id, name from customers")),
            "invoices": sorted(
                c.execute(
                    "select i.number, k.external_id, i.issue_date, i.due_date, i.amount_minor,"
                    " i.open_amount_minor, i.status, i.cleared_on from invoices i"
                    " join customers k on k.id = i.customer_id"
                )
            ),
            "allocations": sorted(
                c.execute(
                    "select i.number, a.kind, a.amount_minor, a.applied_on from allocations a"
                    " join invoices i on i.id = a.invoice_id where a.reversed_on is null"
                )
            ),
        }


def test_a_killed_import_run_again_equals_one_clean_run(tmp_path: Path) -> None:
    csv = _file(tmp_path / "invoices.csv")
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    subprocess.run(_command(csv), env=_env(clean), check=True, capture_output=True)

    child = subprocess.Popen(
        _command(csv), env=_env(killed), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while _count(killed) < 5 * BATCH and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    part = _count(killed)
    if not 0 < part < ROWS:
        pytest.skip(f"could not kill the import mid-file ({part} of {ROWS} rows were in): machine too fast")

    subprocess.run(_command(csv), env=_env(killed), check=True, capture_output=True)

    assert _book(killed) == _book(clean)
    with sqlite3.connect(killed) as c:
        finished = [
            row[0] is not None for row in c.execute("select finished_at from import_batches order by id")
        ]
    assert finished == [False, True]  # the killed run stays visible as unfinished
