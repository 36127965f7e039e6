from __future__ import annotations

import pytest

from dunwell.matching.amounts import SubsetSums
from dunwell.matching.normalize import name_key, reference_key
from dunwell.matching.references import ReferenceFit, extract, fit
from dunwell.simulate.remittance import creditor_reference


@pytest.mark.parametrize(
    ("shown", "master"),
    [
        ("ACME INTL CORP.", "Acme International, Inc."),
        ("Wonka Mfg 22 LLC", "Wonka Manufacturing 22 Ltd"),
        ("Müller & Söhne GmbH", "Muller and Sohne"),
        ("OSCORP HLDGS 51", "Oscorp Holdings 51 Co."),
    ],
)
def test_name_variants_share_a_key(shown: str, master: str) -> None:
    assert name_key(shown) == name_key(master)


def test_different_companies_keep_different_keys() -> None:
    assert name_key("Acme Foods Inc") != name_key("Acme Services Inc")


def test_tokens_strip_prefixes_and_see_credit_memos() -> None:
    tokens = extract("Invoice #90001235, INV-90001234 INV90001236 less credit CM80000012")
    assert {"90001234", "90001235", "90001236", "CM80000012"} <= set(tokens.tokens)
    assert tokens.mentions_credit


def test_a_valid_creditor_reference_gives_its_payload_and_a_bad_one_nothing() -> None:
    reference = creditor_reference("90001234")
    assert extract("", reference).structured == "90001234"
    assert extract(reference).structured == "90001234"
    broken = reference[:2] + ("00" if reference[2:4] != "00" else "01") + reference[4:]
    assert extract("", broken).structured is None


@pytest.mark.parametrize(
    ("token", "document", "expected"),
    [
        ("90001234", "90001234", ReferenceFit.EXACT),
        ("INV90001234", "90001234", ReferenceFit.PREFIXED),
        ("90001243", "90001234", ReferenceFit.MISTYPED),  # swapped neighbours
        ("90001254", "90001234", ReferenceFit.MISTYPED),  # one digit wrong
        ("001234", "90001234", ReferenceFit.TRUNCATED),
        ("900012", "90001234", ReferenceFit.TRUNCATED),
        ("90005678", "90001234", None),
        ("123", "90001234", None),
    ],
)
def test_reference_fit(token: str, document: str, expected: ReferenceFit | None) -> None:
    assert fit(reference_key(token), document) == expected


def test_subset_sums_find_combinations_with_credit_memos_and_tolerance() -> None:
    found = SubsetSums([10_000, 25_000, 30_000, -5_000, 40_000]).near(65_000)
    assert {c.indices for c in found} >= {(1, 4), (0, 1, 2)}
    assert all(c.total == 65_000 for c in found)
    assert found[0].indices == (1, 4)  # fewest items first
    short = SubsetSums([10_000, 25_000, 30_000]).near(64_000, tolerance=1_500)
    assert short[0].total == 65_000
    assert SubsetSums([10_000, 25_000]).near(1) == []


def test_partial_readings_find_a_round_share_beside_items_in_full() -> None:
    from fractions import Fraction

    sums = SubsetSums([10_000, 25_000, 30_001])
    # 40 % of 30,001 (12,000.4 -> 12,000) plus 10,000 in full.
    fits = sums.partials(22_000)
    assert (fits[0].partial, fits[0].share, fits[0].full) == (2, Fraction(2, 5), (0,))
    assert fits[0].paid == 12_000
    # Every reading must hold the required positions.
    assert all({f.partial, *f.full} >= {1} for f in sums.partials(22_500 + 10_000, including=[1]))


def test_sets_a_little_under_the_amount_fewest_items_first() -> None:

    sums = SubsetSums([50_000, 40, 60])
    found = sums.near(50_100, below=500, fewest_first=True)
    assert [c.indices for c in found][:2] == [(0,), (0, 2)]  # one item, then the closest


def test_the_book_finds_slipped_and_cut_numbers_but_not_when_too_many_fit() -> None:
    from datetime import date

    from dunwell.matching.book import OpenItemIndex
    from dunwell.matching.records import OpenItem

    day = date(2025, 1, 1)
    sparse = OpenItemIndex(
        [OpenItem(n, "C1", "EUR", 100, 100, day, day) for n in ("90001234", "90005678", "90009999")]
    )
    assert sparse.fuzzy("90002134") == [("90001234", "mistyped")]  # two digits swapped
    assert sparse.fuzzy("05678") == [("90005678", "truncated")]
    dense = OpenItemIndex(
        [OpenItem(f"9000{n:04d}", "C1", "EUR", 100 + n, 100 + n, day, day) for n in range(50)]
    )
    assert dense.fuzzy("900000") == []  # the start of fifty numbers names none of them
    assert dense.fuzzy("90000021") == []  # one edit away from ten of them
    assert dense.with_amount(112, "EUR") == ["90000012"]
    assert dense.with_amount(112, "USD") == []
