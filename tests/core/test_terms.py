"""Payment terms in the notation people write them in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.core.terms import PaymentTerms, TermsError, parse_terms, read_terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2/10 net 30", PaymentTerms(30, Decimal(2), 10)),
        ("2/10N30", PaymentTerms(30, Decimal(2), 10)),
        ("2%/10 net 30", PaymentTerms(30, Decimal(2), 10)),
        ("2% 10 days, net 30", PaymentTerms(30, Decimal(2), 10)),
        ("1,5/15 n 45", PaymentTerms(45, Decimal("1.5"), 15)),
        ("3/7", PaymentTerms(None, Decimal(3), 7)),
        ("Net 30", PaymentTerms(30)),
        ("N60", PaymentTerms(60)),
        ("30 days", PaymentTerms(30)),
        ("net 30 EOM", PaymentTerms(30, end_of_month=True)),
        ("Due upon receipt", PaymentTerms(0)),
    ],
)
def test_the_notation(text: str, expected: PaymentTerms) -> None:
    assert parse_terms(text) == expected


@pytest.mark.parametrize("text", ["NA32", "30 60", "2 10 net 30", "", "120/10 net 30", "2/40 net 30"])
def test_what_is_not_the_notation_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(TermsError, match=r"not in the terms notation|not a share|run past the net days"):
        parse_terms(text)
    assert read_terms(text) is None


def test_the_discount_rounds_half_a_cent_up_and_ends_after_the_discount_days() -> None:
    terms = parse_terms("2/10 net 30")
    assert terms.discount_minor(123_425) == 2_469  # 24.685 -> 24.69
    assert terms.discount_minor(100_000) == 2_000
    assert terms.discount_until(date(2024, 2, 5)) == date(2024, 2, 15)
    assert terms.describe() == "2/10 net 30"
    plain = parse_terms("net 30")
    assert (plain.has_discount, plain.discount_minor(100_000), plain.discount_until(date(2024, 2, 5))) == (
        False, 0, None,
    )  # fmt: skip
    assert parse_terms("1.5/15 net 45 EOM").describe() == "1.5/15 net 45 EOM"
