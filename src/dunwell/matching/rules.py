"""The rules a careful AR team writes by hand, as a matcher of its own.

It auto-applies a payment only when one of these holds, and leaves everything else alone:

1. the remittance names open documents outright (their number, with or without its prefix and
   leading zeros, or a creditor reference) and the amount equals their open total, or their total
   less the early-payment discounts they still offer; or the remittance states the amount paid
   on each of them (X12 820 ``RMR`` lines), none more than is open, adding up to the payment;
2. the payer is identified by a bank account it has paid from before, or by its exact name
   (canonical form, or a name confirmed for it before), the payer is one customer only, and among
   that customer's open items in the payment's currency exactly one of these explains the amount:
   one item of exactly the amount; one item of exactly the amount less its discount; one set of two
   to four items adding up to it exactly.

Two uses: the benchmark's honest baseline (what a competent rules engine achieves), and the
engine's *structural* check: independent identifiers that agree are strong evidence in any
remittance style, whatever the calibration says (``Matcher`` applies a candidate the rules reach
too, when no close alternative competes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from dunwell.matching.amounts import SubsetSums
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.draft import discount_on
from dunwell.matching.normalize import account_key, name_key
from dunwell.matching.payers import PayerIndex
from dunwell.matching.records import (
    Candidate,
    CustomerProfile,
    IncomingPayment,
    MatchResult,
    MatchStatus,
    OpenItem,
    ProposedAllocation,
)
from dunwell.matching.references import ReferenceFit, Tokens, extract
from dunwell.matching.stated import stated_lines

#: Items issued this long after the payment are not what it pays.
ISSUE_GRACE = timedelta(days=3)
#: Combinations of two to four items are looked for among the oldest due (``SubsetSums``' bound).
COMBINATION_SIZES = range(2, 5)
_OUTRIGHT = frozenset(
    {ReferenceFit.EXACT, ReferenceFit.PREFIXED, ReferenceFit.NUMBER, ReferenceFit.STRUCTURED}
)


@dataclass(frozen=True, slots=True)
class RuleHit:
    """What the rules decided for one payment: which rule, for whom, which items and amounts."""

    rule: str  # "references_reconcile", "unique_amount", "unique_discount", "unique_combination"
    customer_id: str
    allocations: tuple[ProposedAllocation, ...]
    detail: str


class Rules:
    """The rules over a book and a payer index (shared with the engine, or built for them alone)."""

    def __init__(self, book: OpenItemIndex, payers: PayerIndex) -> None:
        self.book = book
        self.payers = payers

    def decide(self, payment: IncomingPayment, tokens: Tokens | None = None) -> RuleHit | None:
        if tokens is None:
            tokens = extract(payment.remittance, payment.structured_reference)
        return self._by_references(payment, tokens) or self._by_payer(payment)

    def _by_references(self, payment: IncomingPayment, tokens: Tokens) -> RuleHit | None:
        named = {
            item_id: how
            for item_id, (_, how) in self.book.named(tokens).items()
            if how in _OUTRIGHT
            and self.book.open[item_id] != 0
            and self.book.items[item_id].currency == payment.currency
        }
        if not named:
            return None
        items = [self.book.items[i] for i in sorted(named)]
        if len({i.customer_id for i in items}) != 1:
            return None
        stated = self._as_stated(payment, items) if payment.remittance_items else None
        if stated is not None:
            return stated
        open_ = [self.book.open[i.item_id] for i in items]
        if sum(open_) == payment.amount_minor:
            allocations = tuple(ProposedAllocation(i.item_id, o) for i, o in zip(items, open_, strict=True))
            return RuleHit("references_reconcile", items[0].customer_id, allocations, "named, exact total")
        net = [o - discount_on(i, o, payment.value_date) for i, o in zip(items, open_, strict=True)]
        if net != open_ and sum(net) == payment.amount_minor:
            allocations = tuple(ProposedAllocation(i.item_id, n) for i, n in zip(items, net, strict=True))
            return RuleHit("references_reconcile", items[0].customer_id, allocations, "named, less discount")
        return None

    def _as_stated(self, payment: IncomingPayment, items: list[OpenItem]) -> RuleHit | None:
        """The payer's stated amount on each named item, when the lines name the items outright
        and add up to the payment, none more than is open."""
        paired = stated_lines(payment.remittance_items, items, self.book.keys)
        if paired is None or any(
            not (0 < (line.paid_minor or 0) <= self.book.open[item.item_id])
            and not (self.book.open[item.item_id] < 0 and line.paid_minor == self.book.open[item.item_id])
            for item, line in paired
        ):
            return None
        if sum(line.paid_minor or 0 for _, line in paired) != payment.amount_minor:
            return None
        chosen = [(item, line.paid_minor or 0) for item, line in paired]
        return self._hit("remittance_amounts", items[0].customer_id, chosen, "stated per item, adds up")

    def _by_payer(self, payment: IncomingPayment) -> RuleHit | None:
        customer = self.payer(payment.payer_name, payment.payer_account)
        if customer is None:
            return None
        latest = payment.value_date + ISSUE_GRACE
        items = [
            i
            for i in self.book.open_items(customer, payment.currency, latest)
            if self.book.open[i.item_id] > 0
        ]
        amount = payment.amount_minor
        exact = [i for i in items if self.book.open[i.item_id] == amount]
        if len(exact) == 1:
            return self._hit("unique_amount", customer, [(exact[0], amount)], "one open item of the amount")
        if exact:
            return None
        discounted = [
            (i, self.book.open[i.item_id] - d)
            for i in items
            if (d := discount_on(i, self.book.open[i.item_id], payment.value_date))
            and self.book.open[i.item_id] - d == amount
        ]
        if len(discounted) == 1:
            return self._hit(
                "unique_discount", customer, discounted, "one item of the amount less its discount"
            )
        if discounted:
            return None
        sums = SubsetSums([self.book.open[i.item_id] for i in items])
        found = sums.exact(amount, sizes=COMBINATION_SIZES, most=2)
        if len(found) == 1:
            chosen = [(items[j], self.book.open[items[j].item_id]) for j in found[0].indices]
            return self._hit(
                "unique_combination", customer, chosen, f"the only {len(chosen)} items adding up"
            )
        return None

    def payer(self, payer_name: str | None, payer_account: str | None) -> str | None:
        """The one customer the payer is by a known account, else by its exact (canonical) name."""
        account = account_key(payer_account)
        if account:
            by_account = self.payers.by_account.get(account, set())
            if len(by_account) == 1:
                return next(iter(by_account))
            if by_account:
                return None
        if payer_name:
            by_name = self.payers.by_name.get(name_key(payer_name), set())
            if len(by_name) == 1:
                return next(iter(by_name))
        return None

    @staticmethod
    def _hit(rule: str, customer: str, chosen: Sequence[tuple[OpenItem, int]], detail: str) -> RuleHit:
        return RuleHit(rule, customer, tuple(ProposedAllocation(i.item_id, a) for i, a in chosen), detail)


class RulesMatcher:
    """The rules alone: the benchmark's baseline. Consumes what it applies, as the engine does."""

    def __init__(self, items: Sequence[OpenItem], customers: Sequence[CustomerProfile]) -> None:
        self.book = OpenItemIndex(items)
        self.rules = Rules(self.book, PayerIndex(customers))

    def match_all(self, payments: Sequence[IncomingPayment]) -> list[MatchResult]:
        return [self.match(p) for p in payments]

    def match(self, payment: IncomingPayment) -> MatchResult:
        hit = self.rules.decide(payment)
        if hit is None:
            return MatchResult(payment.payment_ref, MatchStatus.UNMATCHED, (), "no rule applies")
        for allocation in hit.allocations:
            self.book.open[allocation.item_id] -= allocation.amount_minor
        candidate = Candidate(hit.customer_id, hit.allocations, 1.0, ())
        return MatchResult(payment.payment_ref, MatchStatus.AUTO, (candidate,), hit.rule)
