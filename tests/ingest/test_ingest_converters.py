"""Converters and record construction: number parsing with separators, the fast row factory."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunwell.ingest import PaymentRow
from dunwell.ingest.converters import FieldError, make_date_parser, make_decimal_parser
from dunwell.ingest.records import fast_factory


@given(
    st.sampled_from(["USD", "JPY", "KWD"]).flatmap(
        lambda code: st.tuples(
            st.just(code),
            st.decimals(min_value=-(10**12), max_value=10**12, places={"USD": 2, "JPY": 0, "KWD": 3}[code]),
        )
    ),
    st.sampled_from([(".", ""), (".", ","), (",", ""), (",", "."), (",", " "), (".", "'")]),
)
def test_amounts_round_trip_through_the_number_parser(
    amount: tuple[str, Decimal], separators: tuple[str, str]
) -> None:
    _, value = amount
    decimal_separator, thousands_separator = separators
    integral, _, fraction = format(abs(value), "f").partition(".")
    if thousands_separator:
        integral = f"{int(integral):,}".replace(",", thousands_separator)
    text = ("-" if value < 0 else "") + integral + (decimal_separator + fraction if fraction else "")
    assert make_decimal_parser(decimal_separator, thousands_separator)(text) == value


@pytest.mark.parametrize("text", ["inf", "-Infinity", "sNaN", "1_000", "", "1,5", "(5)"])
def test_number_parser_rejects_non_numbers(text: str) -> None:
    with pytest.raises(FieldError, match="not a number"):
        make_decimal_parser()(text)


def test_fast_factory_builds_equal_frozen_instances() -> None:
    args = ("P", "MAIN", date(2024, 1, 1), Decimal(1), "EUR", None, None, None, None, None, "P")
    made = fast_factory(PaymentRow)(3, *args)
    assert type(made) is PaymentRow
    assert made == PaymentRow(3, *args)
    assert hash(made) == hash(PaymentRow(3, *args))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.line = 4  # type: ignore[misc]


def test_date_parser_accepts_iso_whatever_the_formats_and_reports_them() -> None:
    parse = make_date_parser(("%d/%m/%Y", "%Y%m%d"))
    assert parse("31/01/2024") == date(2024, 1, 31)
    assert parse("20240131") == date(2024, 1, 31)
    assert parse("2024-01-31") == date(2024, 1, 31)
    assert parse("2024-01-31T10:00:00") == date(2024, 1, 31)
    with pytest.raises(FieldError, match=r"unparseable date '31\.01\.2024' \(expected %d/%m/%Y or %Y%m%d\)"):
        parse("31.01.2024")
