"""Mappings: the YAML format, presets, the identity mapping, and the errors a user sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dunwell.ingest import (
    AddDaysSpec,
    ColumnSpec,
    ConstantSpec,
    ImportKind,
    ImportMapping,
    MappingError,
    Rejection,
    available_presets,
    check_columns,
    identity_mapping,
    load_mapping,
    load_preset,
)

WriteCsv = Callable[..., Path]
ParseFile = Callable[[Path, ImportMapping], tuple[list[Any], list[Rejection]]]
EXAMPLE = """\
kind: invoices
date_formats: ["%m/%d/%Y"]
decimal_separator: "."
fields:
  invoice_id: invoiceNumber          # shorthand for {column: invoiceNumber}
  customer_id: {column: customerID}
  issue_date: {column: InvoiceDate, date_format: "%d.%m.%Y"}
  amount: InvoiceAmount
  currency: {const: USD}
  due_date: {add_days: {date: issue_date, days: 30}}
  paid_date: {add_days: {date: issue_date, days_column: DaysToSettle}}
  disputed: {column: Disputed, true_values: ["Yes"], false_values: ["No"]}
  po_number: {column: PO, optional: true}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_mapping_reads_every_kind_of_spec(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, EXAMPLE))
    assert mapping.kind is ImportKind.INVOICES
    assert mapping.date_formats == ("%m/%d/%Y",)
    assert mapping.fields["invoice_id"] == ColumnSpec("invoiceNumber")
    assert mapping.fields["issue_date"] == ColumnSpec("InvoiceDate", date_format="%d.%m.%Y")
    assert mapping.fields["currency"] == ConstantSpec("USD")
    assert mapping.fields["due_date"] == AddDaysSpec("issue_date", days=30)
    assert mapping.fields["paid_date"] == AddDaysSpec("issue_date", days_column="DaysToSettle")
    assert mapping.fields["disputed"] == ColumnSpec("Disputed", true_values=("Yes",), false_values=("No",))
    # Optional columns and constants need nothing from the file; a days column does.
    assert mapping.required_columns() == {
        "invoiceNumber",
        "customerID",
        "InvoiceDate",
        "InvoiceAmount",
        "DaysToSettle",
        "Disputed",
    }


def test_unquoted_yaml_booleans_in_true_false_values_still_work(tmp_path: Path) -> None:
    text = EXAMPLE.replace(
        'true_values: ["Yes"], false_values: ["No"]', "true_values: [Yes], false_values: [No]"
    )
    spec = load_mapping(write(tmp_path, text)).fields["disputed"]
    assert isinstance(spec, ColumnSpec)
    assert "yes" in spec.true_values
    assert "no" in spec.false_values


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: invoices\nfields: [a, b\n", "not valid YAML"),
        ("- just a list\n", "must be a YAML object"),
        (
            "kind: receipts\nfields: {a: b}\n",
            "kind must be one of invoices, payments, customers, not 'receipts'",
        ),
        ("kind: invoices\nfields: {}\n", "'fields' must map"),
        ("kind: invoices\ncolour: red\nfields: {a: b}\n", "unknown key(s) colour"),
        (EXAMPLE.replace("po_number:", "purchase_order:"), "unknown invoices field 'purchase_order'"),
        (EXAMPLE.replace("  amount: InvoiceAmount\n", ""), "required field(s) not mapped: amount"),
        (
            EXAMPLE.replace("{const: USD}", "{const: USD, column: Cur}"),
            "exactly one of column, const, add_days",
        ),
        (EXAMPLE.replace("optional: true", "optinal: true"), "unknown option(s) optinal"),
        (
            EXAMPLE.replace("{column: PO, optional: true}", "{column: PO, round_to_currency: true}"),
            "option round_to_currency applies to decimal fields, not text",
        ),
        (EXAMPLE.replace("days: 30", "days: thirty"), "days must be a whole number"),
        (EXAMPLE.replace("days: 30", "days: 30, days_column: X"), "exactly one of days and days_column"),
        (
            EXAMPLE.replace("{date: issue_date, days: 30}", "{date: amount, days: 30}"),
            "add_days date must be another date field",
        ),
        (
            EXAMPLE.replace("{date: issue_date, days_column", "{date: due_date, days_column"),
            "add_days base due_date must be mapped to a column or constant",
        ),
        (EXAMPLE.replace("  invoice_id: invoiceNumber", "  invoice_id: 12"), "expected a column name"),
        (EXAMPLE.replace('true_values: ["Yes"], ', ""), "give both true_values and false_values"),
        (
            EXAMPLE.replace('decimal_separator: "."', 'decimal_separator: "."\nthousands_separator: "."'),
            "thousands_separator empty or a different one",
        ),
        (
            EXAMPLE.replace('["%m/%d/%Y"]', '["mm/dd/yyyy"]'),
            "date_formats must be a non-empty list of strptime",
        ),
    ],
)
def test_invalid_mappings_fail_with_a_one_line_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MappingError) as info:
        load_mapping(write(tmp_path, text))
    assert info.value.code == "mapping_invalid"
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert str(tmp_path / "mapping.yaml") in str(info.value)


def test_a_yaml_boolean_where_text_is_expected_asks_for_quotes(tmp_path: Path) -> None:
    text = "kind: customers\nfields: {customer_id: Id, name: Name, country: {const: NO}}\n"
    with pytest.raises(MappingError, match="YAML read False as a boolean; quote the value"):
        load_mapping(write(tmp_path, text))


def test_missing_mapping_file_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read mapping file"):
        load_mapping(tmp_path / "nope.yaml")


def test_check_columns_names_every_missing_column_and_its_fields(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, EXAMPLE))
    columns = ["invoiceNumber", "customerid", "InvoiceDate", "Disputed"]
    with pytest.raises(MappingError) as info:
        check_columns(mapping, columns)
    assert info.value.code == "mapping_missing_column"
    message = str(info.value)
    assert "the file has no columns 'customerID' (for customer_id, did you mean 'customerid'?)" in message
    assert "'InvoiceAmount' (for amount)" in message
    assert "'DaysToSettle' (for paid_date)" in message
    assert "'PO'" not in message  # optional
    assert message.endswith(
        "the file's columns are: 'invoiceNumber', 'customerid', 'InvoiceDate', 'Disputed'"
    )


def test_identity_mapping_needs_only_the_required_columns() -> None:
    mapping = identity_mapping(ImportKind.PAYMENTS)
    assert mapping.required_columns() == {"value_date", "amount", "currency"}
    check_columns(mapping, ["value_date", "amount", "currency", "something_else"])
    with pytest.raises(MappingError, match="the file has no column 'currency' \\(for currency\\)"):
        check_columns(mapping, ["value_date", "amount"])


def test_identity_mapping_rows_ignore_extra_columns_and_default_absent_ones(
    write_csv: WriteCsv, parse: ParseFile
) -> None:
    path = write_csv("customer_id,name,colour\nK1,ACME,red\n")
    (customer,), rejected = parse(path, identity_mapping("customers"))
    assert rejected == []
    assert (customer.customer_id, customer.name, customer.entity, customer.country) == (
        "K1",
        "ACME",
        "MAIN",
        None,
    )


def test_with_constant_overrides_a_field() -> None:
    mapping = identity_mapping(ImportKind.CUSTOMERS).with_constant("entity", "DE01")
    assert mapping.fields["entity"] == ConstantSpec("DE01")
    assert "entity" not in mapping.required_columns()


def test_mappings_are_validated_when_built_in_code() -> None:
    with pytest.raises(MappingError, match=r"unknown payments field\(s\) 'invoice_id'"):
        ImportMapping(kind=ImportKind.PAYMENTS, fields={"invoice_id": ColumnSpec("x")})


def test_presets_are_listed_and_loaded() -> None:
    assert {"ibm", "highradius"} <= set(available_presets())
    assert "ibm" in available_presets(ImportKind.INVOICES)
    assert "ibm" not in available_presets(ImportKind.PAYMENTS)
    ibm = load_preset("ibm", "invoices")
    assert ibm.source == "preset ibm"
    assert ibm.fields["currency"] == ConstantSpec("USD")
    with pytest.raises(MappingError, match="preset ibm is for invoices, not payments"):
        load_preset("ibm", ImportKind.PAYMENTS)
    with pytest.raises(MappingError, match="no preset 'sap' for invoices; available: highradius, ibm"):
        load_preset("sap", ImportKind.INVOICES)
    with pytest.raises(MappingError, match="no preset"):
        load_preset("../ibm", ImportKind.INVOICES)
