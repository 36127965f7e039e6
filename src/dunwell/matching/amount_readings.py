"""The readings of an unnamed payment that are not a set of items paid exactly (``drafts.from_amount``):
a set a little under the amount with the rest kept unapplied, a set the amount exceeds by one
digit's worth of whole units (a keying slip), and an item paid at a round share beside others in
full, else an instalment less a bank fee or the oldest item paid in part."""

from __future__ import annotations

import numpy as np

from dunwell.matching.amounts import PartialFit, SubsetSums
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.draft import Draft
from dunwell.matching.instalments import share_less_fee, slip_amounts
from dunwell.matching.records import Evidence, OpenItem
from dunwell.matching.tolerances import Limits, percent

#: Without a remittance, a payment up to the small-overpayment amount (and 5 %) over a set of
#: items is read as that set.
UNNAMED_OVERPAYMENT_SHARE = 20
#: Such readings proposed per customer (any set of items is a digit away from many amounts).
MAX_SLIPS = 2


def over_amount(
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


def keying_slips(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    sums: SubsetSums,
    unit: int,
) -> list[Draft]:
    """The fewest items the amount exceeds by one digit's worth of whole units (1, 20, 300...):
    an amount keyed with a digit wrong or one too many, the excess kept as unapplied cash."""
    excess = amount - sums.sums
    hits = np.flatnonzero(np.isin(excess, [x for x in slip_amounts(unit) if x < amount]))
    if not len(hits):
        return []
    sizes = np.array([int(h).bit_count() for h in hits])
    order = np.lexsort((excess[hits], sizes))[:MAX_SLIPS]
    drafts = []
    for k in order:
        mask = int(hits[k])
        items = [open_items[j] for j in range(len(open_items)) if mask >> j & 1]
        extra = int(excess[mask])
        draft = Draft(customer_id, [(i, book.open[i.item_id]) for i in items], list(base))
        draft.add("overpayment_slip", f"{extra} more than {len(items)} item(s): a digit keyed wrong?")
        if len(hits) > 1:
            draft.add("amount_ambiguous", f"{len(hits)} sets of items fit")
        draft.unapplied = extra
        drafts.append(draft)
    return drafts


def partial_readings(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    open_items: list[OpenItem],
    sums: SubsetSums,
    limit: int,
    *,
    alone: bool,
    outside: list[OpenItem],
    limits: Limits,
) -> list[Draft]:
    """One item paid at a round share (an item ``outside`` the pool too), others in full; else,
    when nothing else explains the payment (``alone``), one item at a round share less a bank
    fee, and the oldest item paid in part."""
    fits: list[PartialFit] = sums.partials(amount, extra=[book.open[i.item_id] for i in outside])
    every = [*open_items, *outside]
    drafts = []
    for fit in fits[:limit]:
        partial = every[fit.partial]
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
    # An instalment the bank took its fee from, and what a collector would try first.
    drafts = share_less_fee(book, amount, customer_id, base, every, limits)
    oldest = next((i for i in open_items if book.open[i.item_id] > amount), None)
    if oldest is None:
        return drafts
    draft = Draft(customer_id, [(oldest, amount)], list(base))
    draft.add("partial_oldest", f"part of the oldest open item {oldest.item_id}")
    return [*drafts, draft]
