"""Candidate allocations of one payment over one customer's open items, with their evidence.

Two ways in. When the remittance names items (``from_references``) the amount is reconciled
against them: exact, with the early-payment discount, short within the write-off tolerance,
partial (each reading of which item is paid in part, a round share beside a bank fee or a
rounding, the same share of several: a payment plan), with the discount taken on some of them
or after its window, or over (items the remittance left out, else cash left unapplied). When it
names none (``from_amount``), the customer's open items are searched for sets that add up:
exactly, short by a bank fee (fewest items first), with discounts (late ones too), a little
over, or as one item paid at a round share (half, 40 %...) beside others in full; failing all of
that, the oldest item paid in part, which is what a collector would try first, and sets the
amount exceeds by one digit's worth (a keying slip). The guesses among these (a late discount, a
slip) are suggested, never applied without a person (``engine``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

from dunwell.core.currencies import minor_unit_exponent
from dunwell.core.settlement import SettleReason
from dunwell.matching.amount_readings import keying_slips, over_amount, partial_readings
from dunwell.matching.amounts import MAX_ITEMS, SubsetSums
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.draft import Draft, discount_on, in_order, pools
from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.instalments import (
    named_in_part,
    note_round_share,
    partial_variants,
    round_share_near,
    same_share_of_several,
    two_shares,
)
from dunwell.matching.records import Evidence, IncomingPayment, OpenItem
from dunwell.matching.references import stated_discount
from dunwell.matching.runs import MAX_RUNS, due_runs
from dunwell.matching.tolerances import Limits, percent, share_of


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
        drafts.extend(partial_variants(book, draft, named, payment.amount_minor))
    if "partial_payment" in signals:
        unit = 10 ** minor_unit_exponent(payment.currency)
        drafts.extend(round_share_near(book, draft, named, payment.amount_minor, limits, unit=unit))
        drafts.extend(same_share_of_several(book, draft, named, payment.amount_minor))
        drafts.extend(two_shares(book, draft, named, payment.amount_minor))
    if signals & {"partial_payment", "overpayment"} and not signals & {
        "reference_ambiguous",
        "reference_slip",
    }:
        base = [
            e
            for e in draft.evidence
            if e.signal not in {"partial_payment", "overpayment", "partial_round_share"}
        ]
        drafts.extend(
            named_in_part(
                book, payment.amount_minor, customer_id, base, named, open_items, payment.value_date
            )
        )
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
    elif (taken := _discounts_on_some(items, open_, payment.value_date, total - amount)) is not None:
        # Payers' systems decide the discount invoice by invoice (and some take it after its
        # window has closed): one set of the named items' discounts adds up to the difference.
        late = sum(d for d, code in taken.values() if code is SettleReason.UNEARNED_DISCOUNT)
        signal = "discount_late" if late else "discount_taken"
        draft.add(signal, f"{total - amount} discount on {len(taken)} of {len(items)} item(s), {late} late")
        draft.items = [(i, open_[i.item_id] - taken.get(i.item_id, (0, None))[0]) for i in items]
        code = SettleReason.UNEARNED_DISCOUNT if late else SettleReason.EARLY_PAYMENT_DISCOUNT
        draft.settle(total - amount, "early-payment discount" + (", partly late" if late else ""), code)
        draft.write_off_lines = dict(taken)
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
        note_round_share(draft, open_)
    else:
        unnamed = _complete(book, open_items, items, amount - total, payment)
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


def _discounts_on_some(
    items: list[OpenItem], open_: dict[str, int], paid_on: date, gap: int
) -> dict[str, tuple[int, SettleReason]] | None:
    """The one set of the untouched ``items``' offered discounts adding up to ``gap``, each with
    its reason (earned in its window, or taken late); None when no set or several do."""
    offering = [i for i in items if i.discount_minor and open_[i.item_id] == i.amount_minor]
    if gap <= 0 or not offering or len(offering) > MAX_ITEMS:
        return None
    found = SubsetSums([i.discount_minor for i in offering]).exact(
        gap, sizes=range(1, len(offering) + 1), most=2
    )
    if len(found) != 1:
        return None
    return {
        offering[j].item_id: (
            offering[j].discount_minor,
            SettleReason.EARLY_PAYMENT_DISCOUNT
            if discount_on(offering[j], open_[offering[j].item_id], paid_on)
            else SettleReason.UNEARNED_DISCOUNT,
        )
        for j in found[0].indices
    }


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


def _complete(
    book: OpenItemIndex,
    open_items: list[OpenItem],
    named: list[OpenItem],
    rest: int,
    payment: IncomingPayment,
) -> list[OpenItem]:
    """The one set of items the remittance left out that makes up ``rest`` exactly (searched
    among the oldest and, for a large account, those falling due nearest the payment)."""
    others = [i for i in open_items if i not in named]
    sets: dict[frozenset[str], list[OpenItem]] = {}
    for pool in _pools(others, payment):
        for found in SubsetSums([book.open[i.item_id] for i in pool]).near(rest):
            items = [pool[j] for j in found.indices]
            sets.setdefault(frozenset(i.item_id for i in items), items)
    return next(iter(sets.values())) if len(sets) == 1 else []


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
        # Exact sets, then sets a fee short with the fewest items first: among many items, some
        # set of four falls within a fee of any amount by chance, one item short by a fee rarely.
        exact_or_short = (
            *sums.near(amount),
            *sums.near(amount, tolerance=ceiling - amount, fewest_first=True),
        )
        for c in exact_or_short:
            items = [pool[j] for j in c.indices]
            found.setdefault(frozenset(i.item_id for i in items), (items, c.total))
    # One item settling the payment is looked for beyond the bound of the subset search too.
    for item in open_items[MAX_ITEMS:]:
        if amount <= book.open[item.item_id] <= ceiling:
            found.setdefault(frozenset((item.item_id,)), ([item], book.open[item.item_id]))
    sets = sorted(found.values(), key=lambda s: (s[1] != amount, len(s[0]), s[1] - amount))
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
    unit = 10 ** minor_unit_exponent(payment.currency)
    drafts.extend(_runs(book, amount, customer_id, base, open_items, named, ceiling - amount, unit))
    for pool, _ in pools:
        values = [book.open[i.item_id] for i in pool]
        drafts.extend(_with_discounts(book, payment, customer_id, base, pool, values))
    if named:
        return drafts
    for pool, sums in pools:
        drafts.extend(over_amount(book, amount, customer_id, base, pool, sums, limit, limits))
    alone = not drafts
    for pool, sums in pools:
        # On a large account the item paid in part may lie outside the pool (an instalment's
        # remainder on an old invoice beside the ones falling due now).
        outside = [i for i in open_items if i not in pool] if len(pools) > 1 else []
        drafts.extend(
            partial_readings(
                book,
                amount,
                customer_id,
                base,
                pool,
                sums,
                limit,
                alone=alone,
                outside=outside,
                limits=limits,
            )
        )
        alone = alone and not drafts
    for pool, sums in pools[:1]:
        drafts.extend(keying_slips(book, amount, customer_id, base, pool, sums, unit))
    return drafts


def _runs(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    named: frozenset[str],
    fee: int,
    unit: int,
) -> list[Draft]:
    """The items falling due together that add up to the amount (a payment run: a window of the
    items in due order, perhaps with one held back, or a bank fee short); a reading to check,
    never applied without a person."""
    runs = due_runs([book.open[i.item_id] for i in open_items], amount, fee=fee, unit=unit)
    drafts = []
    for run in runs[:MAX_RUNS]:
        items = [open_items[j] for j in run.indices]
        draft = Draft(customer_id, [], list(base))
        held = f", {len(run.held)} held back" if run.held else ""
        if run.short:
            draft.add("short_paid", f"{run.short} short of {len(items)} item(s)")
            draft.items = in_order(items, book.open, amount)
            draft.settle(run.short, "bank fee (short payment within tolerance)", SettleReason.BANK_FEE)
        else:
            draft.add("amount_combination", f"{amount} = {len(items)} open item(s)")
            draft.items = [(i, book.open[i.item_id]) for i in items]
        draft.add("amount_due_run", f"{len(items)} items falling due together{held}")
        if len(runs) > 1:
            draft.add("amount_ambiguous", f"{len(runs)} runs of items fit")
        if named - {i.item_id for i in items}:
            draft.add("reference_ignored", "leaves out items the remittance names")
        drafts.append(draft)
    return drafts


def _pools(open_items: list[OpenItem], payment: IncomingPayment) -> list[list[OpenItem]]:
    return pools(open_items, payment.value_date)


def _with_discounts(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    values: list[int],
) -> list[Draft]:
    drafts = _discounted_sets(payment, customer_id, base, open_items, values, late=False)
    # None taken in time: perhaps after the window closed (the payer's claim; a person's call).
    return drafts or _discounted_sets(payment, customer_id, base, open_items, values, late=True)


def _discounted_sets(
    payment: IncomingPayment,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    values: list[int],
    *,
    late: bool,
) -> list[Draft]:
    """Sets of items less their discounts adding up to the amount: the discounts still offered,
    or (``late``) those the terms offer on untouched items whatever the date."""
    on_time = [discount_on(i, v, payment.value_date) for i, v in zip(open_items, values, strict=True)]
    discounts = (
        [i.discount_minor if v == i.amount_minor else 0 for i, v in zip(open_items, values, strict=True)]
        if late
        else on_time
    )
    if not any(discounts):
        return []
    net = [v - d for v, d in zip(values, discounts, strict=True)]
    found = [
        c
        for c in SubsetSums(net).near(payment.amount_minor)
        if any(discounts[j] for j in c.indices)
        and (not late or any(discounts[j] != on_time[j] for j in c.indices))
    ]
    drafts = []
    for combination in found[:1]:
        indices = combination.indices
        taken = sum(discounts[j] for j in indices)
        draft = Draft(customer_id, [(open_items[j], net[j]) for j in indices], list(base))
        if late:
            draft.add("discount_late", f"{taken} discount on {len(indices)} item(s), some after the window")
            draft.settle(taken, "early-payment discount, partly late", SettleReason.UNEARNED_DISCOUNT)
            draft.write_off_lines = {
                open_items[j].item_id: (
                    discounts[j],
                    SettleReason.EARLY_PAYMENT_DISCOUNT if on_time[j] else SettleReason.UNEARNED_DISCOUNT,
                )
                for j in indices
                if discounts[j]
            }
        else:
            draft.add("discount_taken", f"{taken} early-payment discount on {len(indices)} item(s)")
            draft.settle(taken, "early-payment discount", SettleReason.EARLY_PAYMENT_DISCOUNT)
        if len(found) > 1:
            draft.add("amount_ambiguous", f"{len(found)} sets of items fit")
        drafts.append(draft)
    return drafts
