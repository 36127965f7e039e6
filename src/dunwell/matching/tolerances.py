"""How far a payment may be from the items it settles, per currency, in that currency's money.

A short payment within the write-off tolerance settles its items (the rest is a bank fee or a
rounding to write off); a payment a little over them is read as them with the rest kept as
unapplied cash. Both are amounts per currency (50.00 USD is not 50 JPY), configurable, and
also bounded by a share of the items' total. Everything is integer arithmetic on minor units:
no float ever touches money, shares included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from dunwell.core.currencies import minor_unit_exponent

#: Where 50 units of the currency is a rounding error rather than a bank fee, a larger default
#: (roughly 50 US dollars); every other currency defaults to ``DEFAULT_WRITE_OFF`` of its units.
WRITE_OFF_DEFAULTS: Mapping[str, Decimal] = {
    "JPY": Decimal(5000),
    "KRW": Decimal(50000),
    "HUF": Decimal(15000),
    "ISK": Decimal(5000),
    "CLP": Decimal(40000),
    "INR": Decimal(4000),
    "CZK": Decimal(1000),
    "SEK": Decimal(500),
    "NOK": Decimal(500),
    "DKK": Decimal(300),
    "MXN": Decimal(800),
    "ZAR": Decimal(800),
    "PLN": Decimal(200),
    "CNY": Decimal(300),
    "HKD": Decimal(400),
}
DEFAULT_WRITE_OFF = Decimal(50)
#: A few units over the items (twice the write-off amount, and 2 %) is a rounding or a fee paid
#: twice, not items the remittance left out.
OVERPAYMENT_FACTOR = 2


@dataclass(frozen=True, slots=True)
class Limits:
    """The tolerances of one currency, in its minor units."""

    write_off_minor: int
    small_overpayment_minor: int
    write_off_share: Fraction = Fraction(1, 10)
    small_overpayment_share: Fraction = Fraction(1, 50)

    def write_off(self, total: int) -> int:
        """How short of ``total`` a payment may be and still settle it."""
        share = self.write_off_share
        return min(self.write_off_minor, abs(total) * share.numerator // share.denominator)

    def short(self, amount: int) -> int:
        """How much more than ``amount`` a set of items may total and be settled by it."""
        share = self.write_off_share
        return min(
            self.write_off_minor, abs(amount) * share.numerator // (share.denominator - share.numerator)
        )

    def small_over(self, amount: int) -> int:
        """How much over the items a payment of ``amount`` may be and be read as a rounding."""
        share = self.small_overpayment_share
        return min(self.small_overpayment_minor, abs(amount) * share.numerator // share.denominator)


@dataclass(frozen=True, slots=True)
class Tolerances:
    """Write-off amounts per currency, in major units (``{"USD": Decimal("50")}``); the shipped
    defaults fill in the currencies not named."""

    write_off: Mapping[str, Decimal] = field(default_factory=dict)
    default_write_off: Decimal = DEFAULT_WRITE_OFF

    def limits(self, currency: str) -> Limits:
        amount = self.write_off.get(currency, WRITE_OFF_DEFAULTS.get(currency, self.default_write_off))
        minor = int((amount * Decimal(10) ** minor_unit_exponent(currency)).to_integral_value())
        return Limits(minor, minor * OVERPAYMENT_FACTOR)


def parse_limits(pairs: list[str]) -> dict[str, Decimal]:
    """``["USD=50", "JPY=5000"]`` -> per-currency amounts; a clear error on a bad pair."""
    found: dict[str, Decimal] = {}
    for pair in pairs:
        currency, _, amount = pair.partition("=")
        try:
            value = Decimal(amount.strip())
        except ArithmeticError:
            value = Decimal(-1)
        if len(currency.strip()) != 3 or not value.is_finite() or value < 0:
            raise ValueError(f"write-off limit {pair!r}: expected CURRENCY=AMOUNT, e.g. USD=50")
        found[currency.strip().upper()] = value
    return found


def share_of(whole: int, share: Fraction) -> int:
    """``share`` of ``whole`` minor units, half a unit up."""
    return (2 * whole * share.numerator + share.denominator) // (2 * share.denominator)


def percent(share: Fraction) -> str:
    """A share as people write it: "40%", "33%"."""
    return f"{share.numerator * 100 // share.denominator}%"
