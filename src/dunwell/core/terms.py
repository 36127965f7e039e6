"""Payment terms as people write them: "net 30", "2/10 net 30", "2% 10 days net 30", "30 EOM".

ERPs store terms as codes ("NA32", "Z030"); what a code means comes from the terms catalogue
(``dunwell terms set``), written in this notation. A terms text that is itself in the notation needs
no catalogue entry. Only the early-payment discount matters to cash application: the share of the
invoice a customer may deduct when it pays within the discount days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

_NUMBER = r"(\d{1,2}(?:[.,]\d{1,3})?)"
_NET = r"(?:n|net)\s*(\d{1,3})(?:\s*days?)?"
#: "2/10 net 30", "2/10N30", "2%/10 net 30", "1,5/15 n 45", "2% 10 net 30", "2% 10 days, net 30".
_DISCOUNT = re.compile(
    rf"^{_NUMBER}\s*(?:%\s*/?|/)\s*(\d{{1,3}})(?:\s*days?)?\s*[,;]?\s*(?:{_NET})?(\s*eom)?$", re.IGNORECASE
)
#: "net 30", "NET30", "N30", "30 days", "net 30 EOM", "30 EOM".
_PLAIN = re.compile(r"^(?:(?:n|net)\s*)?(\d{1,3})(?:\s*days?)?(\s*eom)?$", re.IGNORECASE)
_RECEIPT = re.compile(r"^(?:due\s+(?:on|upon)\s+receipt|cod|cash\s+on\s+delivery|immediate)$", re.IGNORECASE)


class TermsError(ValueError):
    """A terms text that is not in the notation."""


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    net_days: int | None
    discount_percent: Decimal | None = None
    discount_days: int | None = None
    end_of_month: bool = False

    @property
    def has_discount(self) -> bool:
        return bool(self.discount_percent) and self.discount_days is not None

    def discount_minor(self, amount_minor: int) -> int:
        """The discount on an invoice of ``amount_minor`` (commercial rounding, half a unit up)."""
        if not self.has_discount or self.discount_percent is None:
            return 0
        exact = Decimal(amount_minor) * self.discount_percent / 100
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def discount_until(self, issue_date: date) -> date | None:
        """The last day the discount may be taken, counted from the invoice date."""
        if not self.has_discount or self.discount_days is None:
            return None
        return issue_date + timedelta(days=self.discount_days)

    def describe(self) -> str:
        net = "due on receipt" if self.net_days == 0 else f"net {self.net_days}" if self.net_days else ""
        eom = " EOM" if self.end_of_month else ""
        if self.has_discount:
            discount = f"{self.discount_percent:f}".rstrip("0").rstrip(".")
            return f"{discount}/{self.discount_days} {net}".strip() + eom
        return (net or "no net days") + eom


def parse_terms(text: str) -> PaymentTerms:
    """``text`` in the notation, or ``TermsError`` saying what the notation is."""
    cleaned = " ".join(text.strip().split())
    if _RECEIPT.match(cleaned):
        return PaymentTerms(net_days=0)
    if plain := _PLAIN.match(cleaned):
        return PaymentTerms(net_days=int(plain.group(1)), end_of_month=bool(plain.group(2)))
    if discount := _DISCOUNT.match(cleaned):
        percent = Decimal(discount.group(1).replace(",", "."))
        days = int(discount.group(2))
        net = int(discount.group(3)) if discount.group(3) else None
        if not 0 < percent < 100:
            raise TermsError(f"{text!r}: a discount of {percent} % is not a share of the invoice")
        if net is not None and net < days:
            raise TermsError(f"{text!r}: the discount days ({days}) run past the net days ({net})")
        return PaymentTerms(net, percent, days, end_of_month=bool(discount.group(4)))
    raise TermsError(
        f"{text!r} is not in the terms notation: write e.g. 'net 30', '2/10 net 30', '30 EOM' or "
        "'due on receipt'"
    )


def read_terms(text: str | None) -> PaymentTerms | None:
    """``text`` in the notation, or None (a code the catalogue must explain, or nothing)."""
    if not text:
        return None
    try:
        return parse_terms(text)
    except TermsError:
        return None
