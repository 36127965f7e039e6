"""Readers: CSV, XLSX and Parquet give the same rows of stripped text with physical line numbers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dunwell.ingest import (
    ImportKind,
    ImportMapping,
    InvoiceRow,
    Rejection,
    SourceError,
    SourceRow,
    identity_mapping,
    open_table,
)
from dunwell.ingest.readers import cell_text

WriteCsv = Callable[..., Path]
ParseFile = Callable[[Path, ImportMapping], tuple[list[Any], list[Rejection]]]


def read(path: Path, **mapping_changes: Any) -> tuple[list[str], list[SourceRow]]:
    mapping = dataclasses.replace(identity_mapping(ImportKind.INVOICES), **mapping_changes)
    with open_table(path, mapping=mapping) as table:
        return table.columns, list(table)


def test_csv_lines_are_physical_lines_with_multiline_fields_and_blank_lines(write_csv: WriteCsv) -> None:
    path = write_csv('id,note,amount\n\n1,"two\nlines",5\n\n2, padded ,\n3,"",  7 \n')
    columns, rows = read(path)
    assert columns == ["id", "note", "amount"]
    assert rows == [
        SourceRow(3, {"id": "1", "note": "two\nlines", "amount": "5"}),
        SourceRow(6, {"id": "2", "note": "padded", "amount": None}),
        SourceRow(7, {"id": "3", "note": None, "amount": "7"}),
    ]


def test_csv_header_is_line_one_even_after_a_bom(write_csv: WriteCsv) -> None:
    path = write_csv("\ufeffid,amount\n1,2\n")
    columns, rows = read(path)
    assert columns == ["id", "amount"]
    assert rows[0].line == 2


def test_short_rows_lack_values_and_long_rows_carry_a_problem(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,c\n1\n1,2,3,,\n1,2,3,4\n")
    _, rows = read(path)
    assert rows[0] == SourceRow(2, {"a": "1"})
    assert rows[1].problem is None  # trailing empty cells are harmless
    assert rows[2].problem == "line 4 has 4 or more values but the header has 3 columns"


def test_header_names_blank_and_repeated(write_csv: WriteCsv) -> None:
    path = write_csv(",id, id ,amount\n0,1,2,3\n")
    columns, rows = read(path)
    assert columns == ["column_1", "id", "id.1", "amount"]
    assert rows[0].values["id.1"] == "2"


def test_delimiters_by_extension_and_by_mapping(write_csv: WriteCsv) -> None:
    assert read(write_csv("a\tb\n1\t2\n", name="x.tsv"))[1][0].values == {"a": "1", "b": "2"}
    assert read(write_csv("a;b\n1;2\n"), csv_delimiter=";")[1][0].values == {"a": "1", "b": "2"}


def test_encoding_from_the_mapping_and_a_clear_error_otherwise(write_csv: WriteCsv) -> None:
    path = write_csv("name\nMüller\nCafé\n", encoding="cp1252")
    assert [r.values["name"] for r in read(path, encoding="cp1252")[1]] == ["Müller", "Café"]
    with pytest.raises(
        SourceError, match=r"not valid utf-8-sig text .*set 'encoding' in the mapping"
    ) as info:
        read(path)
    assert info.value.code == "file_unreadable"
    with pytest.raises(SourceError, match="unknown text encoding 'klingon'"):
        read(path, encoding="klingon")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "the file is empty"),
        ("blank.csv", "\n\n , \n", "the file is empty"),
        ("data.json", "{}", "unknown file type '.json'"),
        ("noext", "a,b", "unknown file type '(none)'"),
        ("bad.xlsx", "not a zip", "not a readable XLSX workbook"),
        ("bad.parquet", "not parquet", "not a readable Parquet file"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        open_table(path)
    assert info.value.code == "file_unreadable"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        open_table(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SourceError, match="not a file"):
        open_table(tmp_path / "dir.csv")


def test_xlsx_round_trip_with_typed_cells_and_row_numbers(tmp_path: Path, parse: ParseFile) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Notes"
    sheet["A1"] = "not this sheet"
    data = book.create_sheet("Invoices")
    data.append(
        ["invoice_id", "customer_id", "issue_date", "due_date", "currency", "amount", "disputed", "terms"]
    )
    data.append([1930659387.0, " C1 ", datetime(2024, 1, 31), date(2024, 3, 1), "usd", 100.1, True, None])
    data.append([None, None, None, None, None, None, None, None])  # an empty row: skipped, but counted
    data.append(["A2", "C1", "31/01/2024", datetime(2024, 3, 1, 15, 30), "EUR", 7, False, "NET30"])
    data.append(["A3", "C1", "2024-02-30", "2024-03-01", "EUR", "12,5", "no", None])
    path = tmp_path / "invoices.xlsx"
    book.save(path)

    mapping = dataclasses.replace(
        identity_mapping(ImportKind.INVOICES), sheet="Invoices", date_formats=("%d/%m/%Y",)
    )
    with open_table(path, mapping=mapping) as table:
        rows = list(table)
    assert [r.line for r in rows] == [2, 4, 5]
    assert rows[0].values == {
        "invoice_id": "1930659387",
        "customer_id": "C1",
        "issue_date": "2024-01-31",
        "due_date": "2024-03-01",
        "currency": "usd",
        "amount": "100.1",
        "disputed": "true",
        "terms": None,
    }
    assert rows[1].values["due_date"] == "2024-03-01 15:30:00"

    good, rejected = parse(path, mapping)
    assert [(r.line, r.invoice_id, r.issue_date, r.due_date, r.amount, r.disputed) for r in good] == [
        (2, "1930659387", date(2024, 1, 31), date(2024, 3, 1), Decimal("100.1"), True),
        (4, "A2", date(2024, 1, 31), date(2024, 3, 1), Decimal(7), False),
    ]
    assert [(r.line, r.field) for r in rejected] == [(5, "issue_date; amount")]
    with pytest.raises(SourceError, match="no sheet 'Nope'; the sheets are: Notes, Invoices"):
        open_table(path, mapping=dataclasses.replace(mapping, sheet="Nope"))


def test_xlsx_first_sheet_by_default_and_empty_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    book.create_sheet("empty")
    path = tmp_path / "book.xlsx"
    book.save(path)
    with open_table(path) as table:
        assert table.columns == ["a", "b"]
        assert list(table) == [SourceRow(2, {"a": "1", "b": "2"})]
    with pytest.raises(SourceError, match="sheet 'empty' is empty"):
        open_table(path, mapping=dataclasses.replace(identity_mapping("invoices"), sheet="empty"))


def test_parquet_round_trip_with_typed_columns_across_batches(tmp_path: Path, parse: ParseFile) -> None:
    count = 10_000  # more than one read batch
    table = pa.table(
        {
            "invoice_id": pa.array([f"A{i}" for i in range(count)]),
            "customer_id": pa.array([" C1 "] * count),
            "issue_date": pa.array([date(2024, 1, 2)] * count, pa.date32()),
            "due_date": pa.array([datetime(2024, 2, 1)] * count, pa.timestamp("ms")),
            "currency": pa.array(["EUR"] * count),
            "amount": pa.array([Decimal("12.30")] * (count - 1) + [None], pa.decimal128(12, 2)),
            "open_amount": pa.array([0.1] * count, pa.float64()),
            "disputed": pa.array([True] * count),
            "po_number": pa.array([7] * count, pa.int64()),
        }
    )
    path = tmp_path / "invoices.parquet"
    pq.write_table(table, path)
    good, rejected = parse(path, identity_mapping(ImportKind.INVOICES))
    assert len(good) == count - 1
    first = good[0]
    assert isinstance(first, InvoiceRow)
    assert (first.line, first.customer_id, first.issue_date, first.due_date) == (
        2,
        "C1",
        date(2024, 1, 2),
        date(2024, 2, 1),
    )
    assert (first.amount, first.open_amount, first.disputed, first.po_number) == (
        Decimal("12.30"),
        Decimal("0.1"),
        True,
        "7",
    )
    assert good[-1].line == count
    assert [(r.line, r.field) for r in rejected] == [(count + 1, "amount")]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("  x ", "x"),
        ("   ", None),
        (True, "true"),
        (3, "3"),
        (3.0, "3"),
        (1e-7, "0.0000001"),
        (2309.79, "2309.79"),
        (1e20, "100000000000000000000"),
        (Decimal("1.50"), "1.50"),
        (datetime(2024, 1, 2), "2024-01-02"),
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05"),
        (date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text
