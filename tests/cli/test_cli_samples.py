"""The public sample files through the shipped presets, checked against figures computed here.

The files are read from ../shared/data (the ``shared_data`` fixture skips without it) and copied
to a temporary folder first, so that nothing (not even a reject file) is ever written beside them.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.shared

IBM_FILE = Path("ibm-ar") / "WA_Fn-UseC_-Accounts-Receivable.csv"
HIGHRADIUS_FILE = Path("open-ar-book") / "open_invoices_2020.csv"


def _copy(shared_data: Path, relative: Path, tmp_path: Path) -> Path:
    source = shared_data / relative
    if not source.is_file():
        pytest.skip(f"{source} not found: this test reads the public sample data")
    return Path(shutil.copy(source, tmp_path / source.name))


def _ibm_open_on(path: Path, day: date) -> Decimal:
    """Sum of InvoiceAmount of the invoices issued by ``day`` and settled after it."""

    def parse(text: str) -> date:
        return datetime.strptime(text, "%m/%d/%Y").date()

    total = Decimal(0)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if parse(row["InvoiceDate"]) <= day < parse(row["SettledDate"]):
                total += Decimal(row["InvoiceAmount"])
    return total


def test_ibm_sample_imports_cleanly_and_its_book_is_reconstructed_as_of_past_dates(
    cli, shared_data, tmp_path, sqlite_url
) -> None:
    path = _copy(shared_data, IBM_FILE, tmp_path)

    first = cli("import", "invoices", path, "--preset", "ibm", "--json")
    again = cli("import", "invoices", path, "--preset", "ibm", "--json")

    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {
        "read": 2466,
        "imported": 2466,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "reject_file": None,
    }
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["unchanged"] == 2466
    for day in (date(2013, 12, 31), date(2012, 6, 30), date(2013, 3, 15)):
        result = cli("metrics", "--as-of", day.isoformat(), "--json")
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        expected = _ibm_open_on(path, day)
        assert Decimal(payload["total_ar"]) == expected, day
        assert sum(Decimal(v) for v in payload["aging"].values()) == expected
    assert expected > 0  # the dates chosen do hold open invoices


def test_highradius_sample_total_open_is_the_sum_of_converted_usd(
    cli, shared_data, tmp_path, sqlite_url
) -> None:
    path = _copy(shared_data, HIGHRADIUS_FILE, tmp_path)
    cent = Decimal("0.01")
    by_entity: dict[str, Decimal] = defaultdict(Decimal)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            # The preset rounds the conversion's float noise to cents (round_to_currency).
            by_entity[row["business_code"]] += Decimal(row["converted_usd"]).quantize(cent, ROUND_HALF_EVEN)

    imported = cli("import", "invoices", path, "--preset", "highradius", "--as-of", "2020-05-22", "--json")
    result = cli("metrics", "--as-of", "2020-05-22", "--by", "entity", "--json")

    assert imported.exit_code == 0, imported.output
    payload = json.loads(imported.stdout)
    assert (payload["read"], payload["imported"], payload["rejected"]) == (9681, 9681, 0)
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert Decimal(metrics["total_ar"]) == sum(by_entity.values())
    assert metrics["document_count"] == 9681
    assert {k: Decimal(v["total_ar"]) for k, v in metrics["groups"].items()} == dict(by_entity)
