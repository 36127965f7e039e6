"""Candidate allocations of one payment over one customer's open items, with their evidence.

Two ways in. When the remittance names items (``from_references``) the amount is reconciled
against them: exact, with the early-payment discount, short within the write-off tolerance,
partial (each reading of which item is paid in part), or over (items the remittance left out,
else cash left unapplied). When it names none (``from_amount``), the customer's open items are
searched for sets that add up: exactly, short by a bank fee, with discounts, a little over, or as
one item paid at a round share (half, 40 %...) beside others in full; failing all of that, the
oldest item paid in part, which is what a collector would try first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from dunwell.core.settlement import SettleReason
from dunwell.matching.amounts import MAX_ITEMS, ROUND_SHARES, PartialFit, SubsetSums
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.records import Evidence, IncomingPayment, OpenItem
from dunwell.matching.references import stated_discount
from dunwell.matching.tolerances import Limits, percent, share_of

#: Without a remittance, a payment up to the small-overpayment amount (and 5 %) over a set of
#: items is read as that set.
UNNAMED_OVERPAYMENT_SHARE = 20
#: Signals that say the amount was reconciled, not guessed.
RECONCILED = frozenset(
    {"amount_exact", "amount_combination", "discount_taken", "short_paid", "remittance_amounts"}
)
#: References that name a document outright.
OUTRIGHT = frozenset({"reference_exact", "reference_structured", "reference_prefixed", "reference_number"})
#: Signals that leave room for another reading.
DOUBTS = frozenset(
    {"reference_ambiguous", "reference_slip", "reference_unresolved", "reference_elsewhere", "partial_item"}
)


@dataclass(slots=True)
class Draft:
    customer_id: str
    items: list[tuple[OpenItem, int]]  # (item, amount applied)
    evidence: list[Evidence]
    unapplied: int = 0
    write_off: int = 0
    write_off_reason: str | None = None
    write_off_code: SettleReason | None = None
    #: Per item, when the remainder is not simply what the cash leaves open on each (a payer's
    #: stated allocation may pay one item in part and deduct on another).
    write_off_lines: dict[str, tuple[int, SettleReason]] | None = None

    @property
    def score(self) -> float:
        return sum(e.weight for e in self.evidence)

    @property
    def key(self) -> tuple[str, frozenset[tuple[str, int]]]:
        return self.customer_id, frozenset((i.item_id, a) for i, a in self.items)

    @property
    def conclusive(self) -> bool:
        """Named outright and paid to the unit (or with the discount offered): nothing found by
        amount alone could outrank it."""
        signals = {e.signal for e in self.evidence}
        return (
            bool(signals & {"amount_exact", "discount_taken", "remittance_amounts"})
            and bool(signals & OUTRIGHT)
            and not (signals & DOUBTS)
        )

    @property
    def reconciled(self) -> bool:
        """The amount adds up, and nothing the remittance quoted is left unexplained."""
        signals = {e.signal for e in self.evidence}
        return bool(signals & RECONCILED) and "reference_unresolved" not in signals

    def settle(self, amount: int, reason: str, code: SettleReason) -> None:
        """Leave ``amount`` (what the cash does not cover on the items) to settle for ``reason``."""
        self.write_off, self.write_off_reason, self.write_off_code = amount, reason, code

    def add(self, signal: str, detail: str, weight: float | None = None) -> None:
        self.evidence.append(Evidence(signal, detail, WEIGHTS[signal] if weight is None else weight))


def from_references(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    evidence: tuple[Evidence, ...],
    referenced: list[tuple[OpenItem, Evidence]],
    open_items: list[OpenItem],
    limits: Limits,
) -> list[Draft]:
    """The named items with the amount reconciled, and, for a partial payment of several, the
    other readings of which one is paid in part."""
    draft = _reconcile(book, payment, customer_id, evidence, referenced, open_items, limits)
    drafts = [draft]
    signals = {e.signal for e in draft.evidence}
    named = [i for i, _ in referenced]
    if "partial_payment" in signals and len(referenced) > 1:
        drafts.extend(_partial_variants(book, draft, named, payment.amount_minor))
    if signals & {"partial_payment", "overpayment"} and not signals & {
        "reference_ambiguous",
        "reference_slip",
    }:
        base = [
            e
            for e in draft.evidence
            if e.signal not in {"partial_payment", "overpayment", "partial_round_share"}
        ]
        drafts.extend(_named_in_part(book, payment.amount_minor, customer_id, base, named, open_items))
    return drafts


def _named_in_part(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    named: list[OpenItem],
    open_items: list[OpenItem],
) -> list[Draft]:
    """The named items, and perhaps others the remittance left out, with one of them paid at a
    round share: a first instalment beside invoices paid in full."""
    pool = [*named, *(i for i in open_items if i not in named)][:MAX_ITEMS]
    if len(pool) < len(named):
        return []
    fits = SubsetSums([book.open[i.item_id] for i in pool]).partials(amount, including=range(len(named)))
    drafts = []
    for fit in fits[:2]:
        partial = pool[fit.partial]
        full = [(pool[j], book.open[pool[j].item_id]) for j in fit.full]
        draft = Draft(customer_id, [*full, (partial, fit.paid)], list(base))
        left_out = len({partial.item_id, *(i.item_id for i, _ in full)} - {i.item_id for i in named})
        detail = f"{amount}: {partial.item_id} in part" + (
            f", {left_out} item(s) not named" if left_out else ""
        )
        draft.add("partial_payment", detail)
        draft.add("partial_round_share", f"{percent(fit.share)} of {partial.item_id}")
        drafts.append(draft)
    return drafts


def _reconcile(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    evidence: tuple[Evidence, ...],
    referenced: list[tuple[OpenItem, Evidence]],
    open_items: list[OpenItem],
    limits: Limits,
) -> Draft:
    items = [item for item, _ in referenced]
    open_ = book.open
    # A candidate is as well referenced as its weakest reference: naming six invoices is not
    # six times the evidence. The weakest weight is shared out so the evidence still adds up.
    weakest = min(e.weight for _, e in referenced)
    shared = round(weakest / len(referenced), 2)
    draft = Draft(customer_id, [], [*evidence, *(replace(e, weight=shared) for _, e in referenced)])
    total = sum(open_[i.item_id] for i in items)
    amount = payment.amount_minor
    discounts = {i.item_id: discount_on(i, open_[i.item_id], payment.value_date) for i in items}
    discount = sum(discounts.values())
    if amount == total:
        draft.add("amount_exact", f"{amount} = open total")
        draft.items = [(i, open_[i.item_id]) for i in items]
    elif discount and amount == total - discount:
        draft.add("discount_taken", f"{discount} early-payment discount")
        # Each invoice's own discount; the cash settles what is left of each.
        draft.items = [(i, open_[i.item_id] - discounts[i.item_id]) for i in items]
        draft.settle(discount, "early-payment discount", SettleReason.EARLY_PAYMENT_DISCOUNT)
    elif (stated := _stated_discount(payment, items, open_, amount)) is not None:
        rate, nets = stated
        draft.add("discount_taken", f"{total - amount} discount of {percent(rate)} stated in the remittance")
        draft.items = nets
        # Stated by the payer, not offered by the terms on file: not an earned discount.
        draft.settle(
            total - amount,
            f"early-payment discount ({percent(rate)}, stated)",
            SettleReason.UNEARNED_DISCOUNT,
        )
    elif amount < total and total - amount <= limits.write_off(total):
        draft.add("short_paid", f"{total - amount} short")
        draft.items = in_order(items, open_, amount)
        draft.settle(total - amount, "bank fee (short payment within tolerance)", SettleReason.BANK_FEE)
    elif amount < total:
        draft.add("partial_payment", f"{amount} of {total}")
        draft.items = in_order(items, open_, amount)
        _note_round_share(draft, open_)
    else:
        unnamed = _complete(book, open_items, items, amount - total)
        if unnamed:
            # Exact, but only with items the remittance left out: less sure than a named set.
            weight = WEIGHTS["amount_exact"] + WEIGHTS["amount_combination"] - 2.0
            draft.add("amount_exact", f"{amount} = named + {len(unnamed)} more open items", weight)
            draft.items = [(i, open_[i.item_id]) for i in (*items, *unnamed)]
        else:
            extra = amount - total
            small = extra <= limits.small_over(amount)
            draft.add("overpayment_small" if small else "overpayment", f"{extra} more than the open total")
            draft.items = [(i, open_[i.item_id]) for i in items]
            draft.unapplied = extra
    return draft


def _stated_discount(
    payment: IncomingPayment, items: list[OpenItem], open_: dict[str, int], amount: int
) -> tuple[Fraction, list[tuple[OpenItem, int]]] | None:
    """The named items less the discount rate the remittance says was taken ("abzgl. 2% Skonto"),
    when that is the amount to a unit per item (payers round each invoice's discount their way)."""
    rate = stated_discount(payment.remittance)
    positive = [i for i in items if open_[i.item_id] > 0]
    if rate is None or not positive:
        return None
    nets = [(i, open_[i.item_id] - (share_of(open_[i.item_id], rate) if i in positive else 0)) for i in items]
    gap = amount - sum(n for _, n in nets)
    if abs(gap) > len(positive):
        return None
    last = max(range(len(nets)), key=lambda k: nets[k][1])  # the rounding on the largest net
    nets[last] = (nets[last][0], nets[last][1] + gap)
    return rate, nets


def _partial_variants(book: OpenItemIndex, draft: Draft, items: list[OpenItem], amount: int) -> list[Draft]:
    """For a partial payment of several named items, the other readings: each item in turn the
    one paid in part, the rest in full (a person picks; ranked below the first)."""
    variants = []
    base = [e for e in draft.evidence if e.signal != "partial_round_share"]
    for partial in items:  # a reading equal to the first is dropped by the caller
        full = [(i, book.open[i.item_id]) for i in items if i is not partial]
        rest = amount - sum(a for _, a in full)
        if rest <= 0:
            continue
        variant = Draft(draft.customer_id, [*full, (partial, rest)], list(base))
        variant.add("partial_item", f"{partial.item_id} paid in part")
        _note_round_share(variant, book.open)
        variants.append(variant)
    return variants


def _note_round_share(draft: Draft, open_: dict[str, int]) -> None:
    """Instalments are round shares of an invoice (a half, 40 %): say so when the part paid is one."""
    if not draft.items:
        return
    item, paid = draft.items[-1]
    share = _round_share(paid, open_[item.item_id])
    if share:
        draft.add("partial_round_share", f"{share} of {item.item_id}")


def _round_share(paid: int, whole: int) -> str | None:
    for share in ROUND_SHARES:
        if abs(share_of(whole, share) - paid) <= 1 and paid < whole:
            return percent(share)
    return None


def _complete(
    book: OpenItemIndex, open_items: list[OpenItem], named: list[OpenItem], rest: int
) -> list[OpenItem]:
    others = [i for i in open_items if i not in named]
    found = SubsetSums([book.open[i.item_id] for i in others]).near(rest)
    return [others[j] for j in found[0].indices] if len(found) == 1 else []


def from_amount(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    evidence: tuple[Evidence, ...],
    open_items: list[OpenItem],
    *,
    unresolved: Evidence | None,
    named: frozenset[str],
    limit: int,
    limits: Limits,
) -> list[Draft]:
    """Sets of the customer's open items that explain the amount: exact or short, with discounts
    taken (a set that leaves out items the remittance ``named`` says so); when it names none of
    them and nothing adds up exactly, also a little over, or with one item paid in part."""
    amount = payment.amount_minor
    base = [*evidence, unresolved] if unresolved else list(evidence)
    ceiling = amount + limits.short(amount)
    pools = [(pool, SubsetSums([book.open[i.item_id] for i in pool])) for pool in _pools(open_items, payment)]
    found: dict[frozenset[str], tuple[list[OpenItem], int]] = {}
    for pool, sums in pools:
        for c in sums.near(amount, tolerance=ceiling - amount):
            items = [pool[j] for j in c.indices]
            found.setdefault(frozenset(i.item_id for i in items), (items, c.total))
    # One item settling the payment is looked for beyond the bound of the subset search too.
    for item in open_items[MAX_ITEMS:]:
        if amount <= book.open[item.item_id] <= ceiling:
            found.setdefault(frozenset((item.item_id,)), ([item], book.open[item.item_id]))
    sets = sorted(found.values(), key=lambda s: (s[1] - amount, len(s[0])))
    exact = [s for s in sets if s[1] == amount]
    drafts: list[Draft] = []
    for items, total in sets[:limit]:
        draft = Draft(customer_id, [], list(base))
        if total == amount:
            signal = "amount_exact" if len(items) == 1 else "amount_combination"
            draft.add(signal, f"{amount} = {len(items)} open item(s)")
            draft.items = [(i, book.open[i.item_id]) for i in items]
        else:
            # The more items, the likelier a set falls within a fee of the amount by chance.
            weight = WEIGHTS["short_paid"] + WEIGHTS["short_per_item"] * (len(items) - 1)
            draft.add("short_paid", f"{total - amount} short of {len(items)} item(s)", weight)
            draft.items = in_order(items, book.open, amount)
            draft.settle(total - amount, "bank fee (short payment within tolerance)", SettleReason.BANK_FEE)
        if len(exact) > 1 or (not exact and len(sets) > 1):
            draft.add("amount_ambiguous", f"{len(sets)} sets of items fit")
        if named - {i.item_id for i in items}:
            draft.add("reference_ignored", "leaves out items the remittance names")
        drafts.append(draft)
    if exact:
        return drafts
    for pool, _ in pools:
        values = [book.open[i.item_id] for i in pool]
        drafts.extend(_with_discounts(book, payment, customer_id, base, pool, values))
    if named:
        return drafts
    for pool, sums in pools:
        drafts.extend(_over(book, amount, customer_id, base, pool, sums, limit, limits))
    alone = not drafts
    for pool, sums in pools:
        drafts.extend(_partials(book, amount, customer_id, base, pool, sums, limit, alone=alone))
        alone = alone and not drafts
    return drafts


def _pools(open_items: list[OpenItem], payment: IncomingPayment) -> list[list[OpenItem]]:
    """The items searched for sets: the oldest, and for a large account also those falling due
    nearest the payment (the backlog of a slow payer hides what it pays today)."""
    if len(open_items) <= MAX_ITEMS:
        return [open_items]
    day = payment.value_date
    nearest = sorted(open_items, key=lambda i: abs((i.due_date - day).days))[:MAX_ITEMS]
    chosen = {i.item_id for i in nearest}
    return [open_items[:MAX_ITEMS], [i for i in open_items if i.item_id in chosen]]


def _with_discounts(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    values: list[int],
) -> list[Draft]:
    discounts = [discount_on(i, v, payment.value_date) for i, v in zip(open_items, values, strict=True)]
    if not any(discounts):
        return []
    net = [v - d for v, d in zip(values, discounts, strict=True)]
    found = [c for c in SubsetSums(net).near(payment.amount_minor) if any(discounts[j] for j in c.indices)]
    drafts = []
    for combination in found[:1]:
        taken = sum(discounts[j] for j in combination.indices)
        draft = Draft(customer_id, [(open_items[j], net[j]) for j in combination.indices], list(base))
        draft.add("discount_taken", f"{taken} early-payment discount on {len(combination.indices)} item(s)")
        if len(found) > 1:
            draft.add("amount_ambiguous", f"{len(found)} sets of items fit")
        draft.settle(taken, "early-payment discount", SettleReason.EARLY_PAYMENT_DISCOUNT)
        drafts.append(draft)
    return drafts


def _over(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    sums: SubsetSums,
    limit: int,
    limits: Limits,
) -> list[Draft]:
    """A set of items a little under the amount: the difference is kept as unapplied cash."""
    below = min(limits.small_overpayment_minor, amount // UNNAMED_OVERPAYMENT_SHARE)
    found = sums.near(amount, below=below, fewest_first=True)  # an overpayment rarely adds pennies
    drafts = []
    for combination in found[:limit]:
        extra = amount - combination.total
        small = extra <= limits.small_over(amount)
        draft = Draft(
            customer_id,
            [(open_items[j], book.open[open_items[j].item_id]) for j in combination.indices],
            list(base),
        )
        draft.add(
            "overpayment_small" if small else "overpayment",
            f"{extra} more than {len(combination.indices)} item(s)",
        )
        if len(found) > 1:
            draft.add("amount_ambiguous", f"{len(found)} sets of items fit")
        draft.unapplied = extra
        drafts.append(draft)
    return drafts


def _partials(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    sums: SubsetSums,
    limit: int,
    *,
    alone: bool,
) -> list[Draft]:
    """One item paid at a round share, others in full; else, when nothing else explains the
    payment (``alone``), the oldest item paid in part."""
    fits: list[PartialFit] = sums.partials(amount)
    drafts = []
    for fit in fits[:limit]:
        partial = open_items[fit.partial]
        items = [(open_items[j], book.open[open_items[j].item_id]) for j in fit.full]
        draft = Draft(customer_id, [*items, (partial, fit.paid)], list(base))
        detail = f"{percent(fit.share)} of {partial.item_id}" + (
            f" and {len(items)} in full" if items else ""
        )
        draft.add("amount_partial_share", detail)
        if len(fits) > 1:
            draft.add("amount_ambiguous", f"{len(fits)} readings fit")
        drafts.append(draft)
    if drafts or not alone:
        return drafts
    oldest = next((i for i in open_items if book.open[i.item_id] > amount), None)
    if oldest is None:
        return []
    draft = Draft(customer_id, [(oldest, amount)], list(base))
    draft.add("partial_oldest", f"part of the oldest open item {oldest.item_id}")
    return [draft]


def discount_on(item: OpenItem, open_amount: int, paid_on: date) -> int:
    """The early-payment discount ``item`` still offers on ``paid_on`` (only while untouched)."""
    if item.discount_minor and item.discount_until and paid_on <= item.discount_until:
        return item.discount_minor if open_amount == item.amount_minor else 0
    return 0


def in_order(items: list[OpenItem], open_amounts: dict[str, int], amount: int) -> list[tuple[OpenItem, int]]:
    """``amount`` spread over ``items`` in numbering order; credit memos (negative) are netted first."""
    # Document numbers are issued in sequence, so their order is the order of issue.
    ordered = sorted(items, key=lambda i: (open_amounts[i.item_id] > 0, len(i.item_id), i.item_id))
    left = amount
    applied: list[tuple[OpenItem, int]] = []
    for item in ordered:
        open_amount = open_amounts[item.item_id]
        share = open_amount if open_amount < 0 else min(open_amount, left)
        if share == 0 and open_amount > 0:
            continue
        applied.append((item, share))
        left -= share
    return applied
