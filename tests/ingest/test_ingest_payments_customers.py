"""Payments and customers: their checks, and the payment natural key that makes re-imports idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from dunwell.ingest import ImportKind, ImportMapping, PaymentRow, Rejection, identity_mapping

WriteCsv = Callable[..., Path]
ParseFile = Callable[[Path, ImportMapping], tuple[list[Any], list[Rejection]]]


def reasons(rejected: list[Rejection]) -> list[tuple[int, str | None, str]]:
    return [(r.line, r.field, r.reason) for r in rejected]


PAYMENTS = """\
value_date,amount,currency,payer_name,remittance
2024-03-01,100.00,EUR,ACME GmbH,INV 1
2024-03-01,100,EUR,ACME GmbH,INV 1
2024-03-01,250.00,EUR,Other Ltd,
2024-03-02,0,EUR,Zero,
2024-03-02,-5,EUR,Refund,
"""


def test_payments_natural_key_is_stable_across_parses_and_counts_identical_rows(
    write_csv: WriteCsv, parse: ParseFile
) -> None:
    path = write_csv(PAYMENTS)
    mapping = identity_mapping(ImportKind.PAYMENTS)
    first, rejected = parse(path, mapping)
    second, _ = parse(path, mapping)
    keys = [r.natural_key for r in first]
    assert keys == [r.natural_key for r in second]
    assert keys[0].startswith("sha256:")
    assert keys[0].endswith(":1")
    assert keys[1] == keys[0][:-1] + "2"  # the same payment twice: occurrence 1 and 2
    assert len(set(keys)) == 3
    assert reasons(rejected) == [
        (5, "amount", "payment amount 0 is not positive"),
        (6, "amount", "payment amount -5 is not positive"),
    ]


def test_payment_id_is_the_natural_key_and_must_be_unique(write_csv: WriteCsv, parse: ParseFile) -> None:
    path = write_csv(
        "payment_id,value_date,amount,currency,customer_id\nP1,2024-03-01,10,EUR,K1\nP1,2024-03-02,20,EUR,K1\n"
    )
    good, rejected = parse(path, identity_mapping(ImportKind.PAYMENTS))
    assert good == [
        PaymentRow(2, "P1", "MAIN", date(2024, 3, 1), Decimal(10), "EUR", None, None, None, "K1", None, "P1")
    ]
    assert reasons(rejected) == [(3, "payment_id", "duplicate payment_id 'P1': first on line 2")]


def test_customer_rows_and_their_checks(write_csv: WriteCsv, parse: ParseFile) -> None:
    path = write_csv(
        """\
        customer_id,name,country,currency,time_zone,credit_limit,owner
        K1,ACME,de,eur,Europe/Berlin,"50000",anna
        K2,Beta,,,,,
        K3,Gamma,Germany,,,,
        K4,Delta,US,,Mars/Olympus,,
        K5,Eps,US,,,-1,
        K6,Zeta,US,JPY,,100.5,
        K1,ACME again,DE,,,,
        K7,,US,,,,
        """
    )
    good, rejected = parse(path, identity_mapping(ImportKind.CUSTOMERS))
    acme, beta = good
    assert (acme.country, acme.currency, acme.time_zone, acme.credit_limit, acme.owner) == (
        "DE",
        "EUR",
        "Europe/Berlin",
        Decimal(50000),
        "anna",
    )
    assert (beta.entity, beta.country, beta.credit_limit) == ("MAIN", None, None)
    assert reasons(rejected) == [
        (4, "country", "not an ISO 3166 alpha-2 country code: 'Germany' (expected two letters such as US)"),
        (5, "time_zone", "unknown time zone 'Mars/Olympus' (expected an IANA name such as Europe/Paris)"),
        (6, "credit_limit", "credit limit -1 is negative"),
        (7, "credit_limit", "100.5 has more decimals than JPY allows (0)"),
        (8, "customer_id", "duplicate customer_id 'K1' (entity MAIN): first on line 2"),
        (9, "name", "missing required field (column 'name' is empty)"),
    ]
