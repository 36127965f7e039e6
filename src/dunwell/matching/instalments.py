"""Readings of a partial payment of named items: which of them is paid in part, at what round
share (a half, 40 %), beside a bank fee or a rounding, several at the same share (a payment plan),
and items the remittance left out. A person picks among them; the engine ranks them."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from dunwell.core.settlement import SettleReason
from dunwell.matching.amounts import MAX_ITEMS, ROUND_SHARES, SubsetSums
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.draft import Draft, in_order, pools
from dunwell.matching.records import Evidence, OpenItem
from dunwell.matching.tolerances import Limits, percent, share_of

#: Readings of an instalment less a bank fee proposed per customer (the closest).
MAX_FEE_READINGS = 2
#: Units two round shares may be off the amount together (each rounded the payer's way).
TWO_SHARE_ROUNDING = 2
#: An amount keyed with a digit wrong: by up to this many digits of whole units (9,000.00 at most).
MAX_SLIP_DIGITS = 4


def named_in_part(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    named: list[OpenItem],
    open_items: list[OpenItem],
    day: date,
) -> list[Draft]:
    """The named items, and perhaps others the remittance left out, with one of them paid at a
    round share: a first instalment beside invoices paid in full. The items left out are looked
    for among the oldest and, on a large account, among those falling due nearest ``day``."""
    if len(named) > MAX_ITEMS:
        return []
    others = [i for i in open_items if i not in named]
    drafts: dict[frozenset[tuple[str, int]], Draft] = {}
    for nearby in pools(others, day, MAX_ITEMS - len(named)) if others else [[]]:
        pool = [*named, *nearby]
        fits = SubsetSums([book.open[i.item_id] for i in pool]).partials(amount, including=range(len(named)))
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
            drafts.setdefault(draft.key[1], draft)
    return list(drafts.values())


def partial_variants(book: OpenItemIndex, draft: Draft, items: list[OpenItem], amount: int) -> list[Draft]:
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
        note_round_share(variant, book.open)
        variants.append(variant)
    return variants


def round_share_near(
    book: OpenItemIndex,
    draft: Draft,
    items: list[OpenItem],
    amount: int,
    limits: Limits,
    *,
    unit: int = 100,
) -> list[Draft]:
    """For a partial payment of named items, the readings with one of them paid at a round share
    and the others in full, the amount a fee short of that (borne, as ever, by the last item in
    full), a few units over it, or over it by one digit's worth of whole units (``unit``: the
    currency's; a payer rounding up or keying a digit wrong), the excess kept as unapplied cash:
    an instalment does not stop the bank from taking its fee, nor the payer from rounding.

    The closest reading, and the closest a whole number of units away: banks charge tariffs
    (10.00, 25.00), while a reading a few odd cents away is as often chance on a large invoice."""
    base = [e for e in draft.evidence if e.signal not in {"partial_payment", "partial_round_share"}]
    open_ = book.open
    slips = slip_amounts(unit)
    # A round sum paid is a round sum (an agreed part payment), and an amount that is a round
    # share of the items already is one: neither is read as a share and a slip.
    odd = amount % unit != 0 and "partial_round_share" not in {e.signal for e in draft.evidence}
    variants: list[tuple[int, bool, Draft]] = []
    for partial in items:
        full = [i for i in items if i is not partial]
        whole = open_[partial.item_id]
        if whole <= 0:
            continue
        for share in ROUND_SHARES:
            paid = share_of(whole, share)
            gap = amount - paid - sum(open_[i.item_id] for i in full)
            # A fee is a small part of what is paid (round shares of a small invoice lie closer
            # together than a tenth of it: any would do).
            fee = min(limits.write_off(amount - gap), limits.small_over(amount - gap))
            if gap < 0 and full and -gap <= fee:
                applied = in_order(full, open_, sum(open_[i.item_id] for i in full) + gap)
                variant = Draft(draft.customer_id, [*applied, (partial, paid)], list(base))
                variant.add("short_paid", f"{-gap} short")
                variant.settle(-gap, "bank fee (short payment within tolerance)", SettleReason.BANK_FEE)
            elif 0 < gap <= limits.small_over(amount):
                variant = Draft(
                    draft.customer_id, [*((i, open_[i.item_id]) for i in full), (partial, paid)], list(base)
                )
                variant.add("overpayment_small", f"{gap} more than the items")
                variant.unapplied = gap
            elif odd and (excess := _slip_near(gap, slips)) is not None and excess < paid:
                # The share as the payer rounded it (a half cent either way), the rest its excess.
                variant = Draft(
                    draft.customer_id,
                    [*((i, open_[i.item_id]) for i in full), (partial, paid + gap - excess)],
                    list(base),
                )
                variant.add("overpayment_slip", f"{excess} more than the items: rounded up or keyed wrong?")
                variant.unapplied = excess
                gap = excess
            else:
                continue
            variant.add("partial_payment", f"{partial.item_id} in part")
            variant.add("partial_round_share", f"{percent(share)} of {partial.item_id}")
            variants.append((abs(gap), gap % unit == 0, variant))
    # The reading closest to the amount, unless another is as close; and the closest a whole
    # number of units away, if that is another one.
    variants.sort(key=lambda v: v[0])
    chosen = []
    if variants and (len(variants) == 1 or variants[1][0] != variants[0][0]):
        chosen.append(variants[0][2])
    in_units = [v for v in variants if v[1]]
    if in_units and in_units[0][2] not in chosen and (len(in_units) == 1 or in_units[1][0] != in_units[0][0]):
        chosen.append(in_units[0][2])
    return chosen


def _slip_near(gap: int, slips: frozenset[int]) -> int | None:
    """The slip amount ``gap`` is, to the minor unit the share's rounding may leave."""
    return next((gap + r for r in (0, -1, 1) if gap + r in slips), None)


def slip_amounts(unit: int) -> frozenset[int]:
    """One digit's worth of whole units (1, 20, 300, ... 9,000): what a payer rounding up or
    keying a digit wrong adds to an amount, in minor units of ``unit``."""
    return frozenset(d * 10**k * unit for k in range(MAX_SLIP_DIGITS) for d in range(1, 10))


def same_share_of_several(
    book: OpenItemIndex, draft: Draft, items: list[OpenItem], amount: int
) -> list[Draft]:
    """For a partial payment of named items, the readings with several of them paid at the same
    round share (half of each: a payment plan) and the others in full, to the unit (each share
    rounded the payer's way); at most two such readings."""
    positive = [i for i in items if book.open[i.item_id] > 0]
    if len(positive) < 2:
        return []
    base = [e for e in draft.evidence if e.signal not in {"partial_payment", "partial_round_share"}]
    short = sum(book.open[i.item_id] for i in items) - amount
    readings = []
    for share in ROUND_SHARES:
        paid = [share_of(book.open[i.item_id], share) for i in positive]
        unpaid = [book.open[i.item_id] - p for i, p in zip(positive, paid, strict=True)]
        for fit in SubsetSums(unpaid).near(short, tolerance=1, below=1):
            if len(fit.indices) < 2:
                continue  # one item in part: the partial readings already made
            parts = {positive[j].item_id: paid[j] for j in fit.indices}
            last = positive[fit.indices[-1]].item_id
            parts[last] += fit.total - short  # the payer's rounding
            readings.append((share, parts))
    if len(readings) > 2:
        return []
    variants = []
    for share, parts in readings:
        allocated = [(i, parts.get(i.item_id, book.open[i.item_id])) for i in items]
        variant = Draft(draft.customer_id, allocated, list(base))
        variant.add("partial_payment", f"{len(parts)} items in part")
        variant.add("partial_round_share", f"{percent(share)} of each of {len(parts)} items")
        variants.append(variant)
    return variants


def two_shares(book: OpenItemIndex, draft: Draft, items: list[OpenItem], amount: int) -> list[Draft]:
    """For a partial payment of named items, the readings with two of them paid at round shares
    (each its own: an earlier instalment's remainder beside a new one, 60 % of one and 40 % of
    the other) and the others in full, to the units the payer's rounding leaves; at most two."""
    positive = [i for i in items if book.open[i.item_id] > 0]
    if len(positive) < 2:
        return []
    short = sum(book.open[i.item_id] for i in items) - amount
    unpaid: dict[int, list[tuple[int, Fraction, int]]] = {}
    for k, item in enumerate(positive):
        whole = book.open[item.item_id]
        for share in ROUND_SHARES:
            unpaid.setdefault(whole - share_of(whole, share), []).append((k, share, share_of(whole, share)))
    readings: dict[frozenset[tuple[int, int]], tuple[int, list[tuple[int, Fraction, int]]]] = {}
    for left, firsts in unpaid.items():
        for rounding in range(-TWO_SHARE_ROUNDING, TWO_SHARE_ROUNDING + 1):
            for first in firsts:
                for second in unpaid.get(short - left + rounding, ()):
                    if second[0] != first[0]:
                        pair = sorted((first, second))
                        key = frozenset((k, paid) for k, _, paid in pair)
                        readings.setdefault(key, (rounding, pair))
    if not readings or len(readings) > 2:
        return []
    base = [e for e in draft.evidence if e.signal not in {"partial_payment", "partial_round_share"}]
    variants = []
    for rounding, pair in readings.values():
        parts = {positive[k].item_id: paid for k, _, paid in pair}
        parts[positive[pair[-1][0]].item_id] += rounding  # the payer's rounding
        allocated = [(i, parts.get(i.item_id, book.open[i.item_id])) for i in items]
        variant = Draft(draft.customer_id, allocated, list(base))
        variant.add("partial_payment", "2 items in part")
        shares = " and ".join(f"{percent(share)} of {positive[k].item_id}" for k, share, _ in pair)
        variant.add("partial_round_share", shares)
        variants.append(variant)
    return variants


def note_round_share(draft: Draft, open_: dict[str, int]) -> None:
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


def share_less_fee(
    book: OpenItemIndex,
    amount: int,
    customer_id: str,
    base: list[Evidence],
    items: list[OpenItem],
    limits: Limits,
) -> list[Draft]:
    """With nothing named and no round share to the unit: one item paid at a round share less
    what a bank takes as its fee (an instalment is not spared the fee); the closest two readings.
    The item keeps the rest open: the fee is the payer's to make good or a person's to write off."""
    found: list[tuple[int, str, OpenItem, Fraction]] = []
    for item in items:
        whole = book.open[item.item_id]
        if whole <= amount:
            continue
        for share in ROUND_SHARES:
            paid = share_of(whole, share)
            if 0 < paid - amount <= limits.write_off(paid) and paid < whole:
                found.append((paid - amount, item.item_id, item, share))
    found.sort(key=lambda f: (f[0], f[1]))
    drafts = []
    for fee, _, item, share in found[:MAX_FEE_READINGS]:
        draft = Draft(customer_id, [(item, amount)], list(base))
        draft.add("amount_partial_share", f"{percent(share)} of {item.item_id} less a fee of {fee}")
        if len(found) > 1:
            draft.add("amount_ambiguous", f"{len(found)} readings fit")
        drafts.append(draft)
    return drafts
