"""The reject file: created beside the input only when a row is rejected; original row plus reason."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from dunwell.ingest import (
    ImportKind,
    Rejection,
    RejectWriter,
    identity_mapping,
    open_table,
    parse_rows,
    reject_path_for,
)
from dunwell.ingest.rejects import RejectFileError

WriteCsv = Callable[..., Path]


def test_reject_path_is_beside_the_input() -> None:
    assert reject_path_for(Path("/data/ar 2024.xlsx")) == Path("/data/ar 2024.rejects.csv")


def test_rejected_rows_are_written_with_their_original_values(write_csv: WriteCsv) -> None:
    path = write_csv(
        """\
        customer_id,name,country,note
        K1,ACME,DE,fine
        K2,,DE,"no name, no deal"
        K3,Gamma,Germany,
        """,
        name="customers.csv",
    )
    mapping = identity_mapping(ImportKind.CUSTOMERS)
    with open_table(path, mapping=mapping) as table, RejectWriter(path, table.columns) as rejects:
        assert rejects.path is None
        for row in parse_rows(table, mapping):
            if isinstance(row, Rejection):
                rejects.write(row)
    assert rejects.count == 2
    assert rejects.path == path.with_name("customers.rejects.csv")
    assert rejects.path is not None
    with rejects.path.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert written == [
        ["line", "field", "reason", "customer_id", "name", "country", "note"],
        ["3", "name", "missing required field (column 'name' is empty)", "K2", "", "DE", "no name, no deal"],
        [
            "4",
            "country",
            "not an ISO 3166 alpha-2 country code: 'Germany' (expected two letters such as US)",
            "K3",
            "Gamma",
            "Germany",
            "",
        ],
    ]


def test_no_rejection_no_file_and_a_stale_file_is_removed(tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    stale = reject_path_for(source)
    stale.write_text("line,field,reason\n2,x,old\n")
    with RejectWriter(source, ["a"]) as rejects:
        pass
    assert rejects.path is None
    assert rejects.count == 0
    assert not stale.exists()


def test_reject_path_override_and_unwritable_location(tmp_path: Path) -> None:
    rejection = Rejection(line=2, field="a", reason="bad", raw={"a": "x"})
    target = tmp_path / "elsewhere.csv"
    with RejectWriter(tmp_path / "in.csv", ["a"], path=target) as rejects:
        rejects.write(rejection)
    assert rejects.path == target
    assert target.read_text(encoding="utf-8-sig").splitlines() == ["line,field,reason,a", "2,a,bad,x"]
    unwritable = RejectWriter(tmp_path / "in.csv", ["a"], path=tmp_path / "missing" / "r.csv")
    with unwritable, pytest.raises(RejectFileError, match="cannot write the reject file") as info:
        unwritable.write(rejection)
    assert info.value.code == "reject_file_unwritable"
