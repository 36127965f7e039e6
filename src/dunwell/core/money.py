"""Money: a ``Decimal`` amount in one ISO 4217 currency, with rounding rules kept in one place.

The database stores integer minor units plus the currency code; ``to_minor``/``from_minor`` are the
only conversions between the two, so a currency with 0 or 3 decimals is handled the same way as one
with 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from dunwell.core.currencies import minor_unit_exponent
from dunwell.core.errors import CurrencyError

#: Banker's rounding: the default of ISO 4217 money maths and of most ERPs for computed amounts.
ROUNDING = ROUND_HALF_EVEN


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency`` (``Decimal('0.01')`` for USD, ``Decimal('1')`` for JPY)."""
    return Decimal(1).scaleb(-minor_unit_exponent(currency))


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    """True when ``amount`` needs no rounding to be a whole number of ``currency`` minor units."""
    try:
        return amount == amount.quantize(quantum(currency))
    except InvalidOperation:
        return False


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency. Arithmetic across currencies raises ``CurrencyError``."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, not {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError(f"Money amount must be finite, not {self.amount}")
        minor_unit_exponent(self.currency)  # validates the code

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Build from a Decimal, int or decimal string, rounded to the currency's minor unit."""
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
        return cls(value.quantize(quantum(currency), rounding=ROUNDING), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls.of(0, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """The inverse of ``to_minor``: ``Money.from_minor(1050, "USD")`` is 10.50 USD."""
        return cls(Decimal(minor).scaleb(-minor_unit_exponent(currency)), currency)

    def to_minor(self) -> int:
        """Integer minor units; raises ``ValueError`` if the amount has sub-minor precision."""
        exponent = minor_unit_exponent(self.currency)
        scaled = self.amount.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{self} has more decimals than {self.currency} allows ({exponent})")
        return int(scaled)

    def rounded(self) -> Money:
        return Money.of(self.amount, self.currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.amount:f} {self.currency}"


def minor_to_decimal(minor: int, currency: str) -> Decimal:
    """Integer minor units to a Decimal amount (the hot path of loading rows, without a Money)."""
    return Decimal(minor).scaleb(-minor_unit_exponent(currency))


@lru_cache(maxsize=256)
def _exponent(currency: str) -> int:
    return minor_unit_exponent(currency)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """``decimal_to_minor`` without building a ``Money``: the hot path of bulk imports.

    Raises ``CurrencyError`` for an unknown code, ``ValueError`` on sub-minor precision.
    """
    scaled = amount.scaleb(_exponent(currency))
    integral = scaled.to_integral_value()
    if scaled != integral:
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(integral)


def decimal_to_minor(amount: Decimal, currency: str) -> int:
    """Decimal amount to integer minor units; raises ``ValueError`` on sub-minor precision."""
    return Money(amount, currency).to_minor()
