"""Settling what cash does not cover: reason codes, and the company policy that decides who posts it.

A short payment leaves a remainder on its invoices: a bank fee the payer's bank kept, a discount
the payer took, a deduction for freight, pricing or damaged goods. An uncollectable invoice leaves
all of it. Each is settled with a reason code. The policy says, per reason, how much (an amount in
the invoice's currency *and* a share of the invoice) may be settled with no person; anything above
waits for one, and a customer's deduction above policy is a dispute candidate rather than a loss
to swallow. Bad debt always waits for an approver: it is a judgement about a customer, not a
rounding. Integer and ``Decimal`` arithmetic only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dunwell.core.currencies import minor_unit_exponent
from dunwell.core.documents import SettlementKind


class SettleReason(StrEnum):
    """Why part of an invoice is settled without cash."""

    BANK_FEE = "bank_fee"  # the payer's or an intermediary bank's charges
    EARLY_PAYMENT_DISCOUNT = "early_payment_discount"  # the discount the terms offer, taken in time
    UNEARNED_DISCOUNT = "unearned_discount"  # a discount taken late or that the terms do not offer
    FREIGHT = "freight"
    PRICING = "pricing"
    DAMAGED_GOODS = "damaged_goods"
    OTHER = "other"  # small balances, rounding, anything else a person explains in the note
    BAD_DEBT = "bad_debt"  # uncollectable: the customer will not pay

    @property
    def settlement_kind(self) -> SettlementKind:
        """Bad debt is a write-off (it counts in the bad-debt ratio); the rest are deductions."""
        return SettlementKind.WRITE_OFF if self is SettleReason.BAD_DEBT else SettlementKind.DEDUCTION

    @property
    def customer_deduction(self) -> bool:
        """A reason the customer chose to pay less for: above policy it may be a dispute."""
        return self in {
            SettleReason.UNEARNED_DISCOUNT,
            SettleReason.FREIGHT,
            SettleReason.PRICING,
            SettleReason.DAMAGED_GOODS,
            SettleReason.OTHER,
        }


@dataclass(frozen=True, slots=True)
class ReasonLimit:
    """How much of one reason may be posted with no person: both bounds must hold.

    ``max_amount`` per currency in major units (``"*"`` for any currency not named); a currency
    with neither its own entry nor ``"*"`` gets nothing automatically; ``max_amount=None`` bounds by
    share alone. ``max_share`` of the invoice's amount (``None``: no bound by share).
    ``automatic=False``: always a person's call.
    """

    max_amount: Mapping[str, Decimal] | None = field(default_factory=dict)
    max_share: Decimal | None = None
    automatic: bool = True

    def amount_limit_minor(self, currency: str) -> int | None:
        """The bound in minor units; -1 when the currency has none (nothing is automatic)."""
        if self.max_amount is None:
            return None
        amount = self.max_amount.get(currency.upper(), self.max_amount.get("*"))
        if amount is None:
            return -1
        return int(amount.scaleb(minor_unit_exponent(currency)).to_integral_value())


@dataclass(frozen=True, slots=True)
class PolicyVerdict:
    automatic: bool  # post it now, with no person
    dispute_candidate: bool  # a customer's deduction above policy: the disputes queue should see it
    reasons: tuple[str, ...]  # why, in words, for the audit log and the review queue

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True, slots=True)
class SettlementPolicy:
    limits: Mapping[SettleReason, ReasonLimit]

    def judge(
        self, reason: SettleReason, amount_minor: int, invoice_amount_minor: int, currency: str
    ) -> PolicyVerdict:
        """Whether settling ``amount_minor`` of an invoice of ``invoice_amount_minor`` for ``reason``
        may be posted automatically, and why (every bound checked is named)."""
        limit = self.limits.get(reason)
        if amount_minor <= 0:
            return PolicyVerdict(False, False, ("nothing to settle",))
        if limit is None or not limit.automatic:
            return PolicyVerdict(False, False, (f"{reason.value} always needs a person's approval",))
        found: list[str] = []
        within = True
        cap = limit.amount_limit_minor(currency)
        if cap == -1:
            within = False
            found.append(f"no automatic limit for {reason.value} in {currency}")
        elif cap is not None:
            ok = amount_minor <= cap
            within &= ok
            found.append(
                f"{_major(amount_minor, currency)} {'within' if ok else 'above'} "
                f"the {_major(cap, currency)} {currency} limit"
            )
        if limit.max_share is not None:
            share = Decimal(amount_minor) / Decimal(abs(invoice_amount_minor) or 1)
            ok = share <= limit.max_share
            within &= ok
            found.append(
                f"{_percent(share)} of the invoice, {'within' if ok else 'above'} "
                f"the {_percent(limit.max_share)} limit"
            )
        dispute = not within and reason.customer_deduction
        if dispute:
            found.append("a deduction above policy: a dispute candidate")
        return PolicyVerdict(within, dispute, tuple(found))


def _major(minor: int, currency: str) -> str:
    return str(Decimal(minor).scaleb(-minor_unit_exponent(currency)))


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01'))} %"
